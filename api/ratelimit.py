"""Rate limits on chat, completions, search and feedback (the `limits` library).

* **Per client address** (``ASSISTANT_RATE_LIMIT_PER_IP``, default 30/minute and 300/hour) — the
  primary limit. The address is the TCP peer; ``X-Forwarded-For`` is only believed when the peer
  is one of ``ASSISTANT_TRUSTED_PROXIES`` (uvicorn is started that way by ``assistant serve``, see
  ``api.main.server_options``), so nobody can pick an address by sending the header.
* **Per embedding site** (``ASSISTANT_RATE_LIMIT_PER_ORIGIN``, default 600/minute): a budget shared
  by every visitor of one site. The ``Origin`` header is easy to forge, so one client may spend at
  most ``ASSISTANT_RATE_LIMIT_ORIGIN_SHARE`` (default 10 %) of it: past that share the client alone
  is refused, and the site's other visitors keep their budget.

Limits use `limits`' string syntax ("30/minute", "5/second;100/hour"). Storage is in-process
memory by default — each worker counts on its own; with several workers or hosts, point
ASSISTANT_RATE_LIMIT_STORAGE at a shared store such as redis://host:6379 (docs/deploy.md).
A refused request gets 429 with Retry-After (seconds) and a message.
"""

from __future__ import annotations

import math
import time

from fastapi import Request
from limits import RateLimitItem, parse_many, storage, strategies

from assistant.errors import AssistantError


class RateLimited(AssistantError):
    code = "rate_limited"
    status_code = 429

    def __init__(self, retry_after: int, scope: str):
        super().__init__(f"Too many requests from this {scope}. Try again in {retry_after} seconds.")
        self.retry_after = retry_after


def share_of(rule: RateLimitItem, share: float) -> RateLimitItem:
    """The same window as ``rule`` with ``share`` of its amount (at least 1)."""
    amount = max(1, math.floor(rule.amount * share))
    return type(rule)(amount, rule.multiples, rule.namespace)


class RateLimiter:
    def __init__(
        self, *, per_ip: str, per_origin: str, storage_uri: str = "memory://", origin_share: float = 0.1
    ):
        self.per_ip = parse_many(per_ip) if per_ip else []
        self.per_origin = parse_many(per_origin) if per_origin else []
        share = min(max(origin_share, 0.0), 1.0)
        self.per_origin_client = [share_of(rule, share) for rule in self.per_origin] if share < 1 else []
        self.strategy = strategies.MovingWindowRateLimiter(storage.storage_from_string(storage_uri))

    def check(self, ip: str, origin: str | None) -> None:
        self._hit(self.per_ip, "address", "ip", ip)
        if origin and self.per_origin:
            # one client's share of the site's budget first: past it, only that client is refused
            self._hit(self.per_origin_client, "address", "origin-client", origin, ip)
            self._hit(self.per_origin, "site", "origin", origin)

    def _hit(self, rules, scope: str, *key: str) -> None:
        for rule in rules:
            if not self.strategy.hit(rule, *key):
                reset = self.strategy.get_window_stats(rule, *key).reset_time
                raise RateLimited(max(1, math.ceil(reset - time.time())), scope)


def client_ip(request: Request) -> str:
    """The client's address: the TCP peer, or — only behind a configured trusted proxy, which
    uvicorn resolves before the app sees the request — the address the proxy forwarded."""
    return request.client.host if request.client else "unknown"


def rate_limit(request: Request) -> None:
    """FastAPI dependency for the chat, completions, search and feedback routes."""
    limiter: RateLimiter | None = getattr(request.app.state, "rate_limiter", None)
    if limiter is not None:
        limiter.check(client_ip(request), request.headers.get("origin"))
