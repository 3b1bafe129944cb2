"""Rate limits per client IP and per embedding origin on chat and feedback (the `limits` library).

Limits use `limits`' string syntax ("30/minute", "5/second;100/hour"). Storage is in-process
memory by default — each worker counts on its own; with several workers or hosts, point
ASSISTANT_RATE_LIMIT_STORAGE at a shared store such as redis://host:6379 (docs/deploy.md).
A refused request gets 429 with Retry-After (seconds) and a message.
"""

from __future__ import annotations

import math
import time

from fastapi import Request
from limits import parse_many, storage, strategies

from assistant.errors import AssistantError


class RateLimited(AssistantError):
    code = "rate_limited"
    status_code = 429

    def __init__(self, retry_after: int, scope: str):
        super().__init__(f"Too many requests from this {scope}. Try again in {retry_after} seconds.")
        self.retry_after = retry_after


class RateLimiter:
    def __init__(self, *, per_ip: str, per_origin: str, storage_uri: str = "memory://"):
        self.per_ip = parse_many(per_ip) if per_ip else []
        self.per_origin = parse_many(per_origin) if per_origin else []
        self.strategy = strategies.MovingWindowRateLimiter(storage.storage_from_string(storage_uri))

    def check(self, ip: str, origin: str | None) -> None:
        self._hit(self.per_ip, "ip", ip, "address")
        if origin:
            self._hit(self.per_origin, "origin", origin, "site")

    def _hit(self, rules, kind: str, key: str, scope: str) -> None:
        for rule in rules:
            if not self.strategy.hit(rule, kind, key):
                reset = self.strategy.get_window_stats(rule, kind, key).reset_time
                raise RateLimited(max(1, math.ceil(reset - time.time())), scope)


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def rate_limit(request: Request) -> None:
    """FastAPI dependency for the chat and feedback routes."""
    limiter: RateLimiter | None = getattr(request.app.state, "rate_limiter", None)
    if limiter is not None:
        limiter.check(client_ip(request), request.headers.get("origin"))
