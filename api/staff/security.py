"""Sign-in, roles, CSRF and security headers for the staff area.

* Sessions are Starlette's signed cookie (itsdangerous), path /staff, HttpOnly, SameSite=Lax,
  8 hours. The cookie holds the user id, the id of a server-side session row (staff_sessions:
  signing out, a password change or disabling the account deletes it, ending the session on
  every worker), a fingerprint of the password hash, the CSRF token, the language and one-shot
  messages.
* Every staff page needs a signed-in user (anonymous → 303 to the sign-in page; JSON endpoints
  → 401 JSON). Admin-only actions answer 403 to reviewers.
* Every POST carries the session's CSRF token (hidden form field ``csrf_token`` or header
  ``X-CSRF-Token``) and, when the browser sends an Origin header, it must be our own origin.
* Staff responses carry a strict CSP with a per-request nonce for the one inline script.
"""

from __future__ import annotations

import math
import secrets
import threading
import time
from typing import Annotated

from fastapi import APIRouter, Depends, Request

from api.origins import own_origin
from assistant.staff.accounts import Staff, session_user

SESSION_COOKIE = "scn_staff"
SESSION_MAX_AGE = 8 * 60 * 60
PREFIX = "/staff"
PUBLIC_PATHS = ("/staff/login", "/staff/assets/")  # reachable without signing in
UNSAFE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self' 'nonce-{nonce}'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)


class StaffError(Exception):
    """Rendered as an HTML page on staff pages, JSON on staff JSON endpoints."""

    status_code = 400

    def __init__(self, key: str, message: str | None = None):
        super().__init__(key)
        self.key = key  # an i18n key
        self.message = message


class LoginRequired(StaffError):
    status_code = 401

    def __init__(self):
        super().__init__("login_title", "Sign in to use the staff area.")


class Forbidden(StaffError):
    status_code = 403


class PageNotFound(StaffError):
    status_code = 404


def is_api(path: str) -> bool:
    """Staff endpoints that answer JSON (anonymous → 401 JSON rather than a redirect)."""
    return path.startswith(PREFIX + "/") and (path.endswith(".json") or path.endswith("/progress"))


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


def current_user(request: Request) -> Staff:
    """The signed-in account. The signed cookie names a server-side session (``sid``); signing out,
    a password change or disabling the account deletes it, so an old cookie stops working at once."""
    user_id, session_id = request.session.get("uid"), request.session.get("sid")
    if not user_id or not session_id:
        raise LoginRequired()
    user = session_user(request.app.state.assistant.sessions, str(session_id))
    if (
        user is None
        or user.id != user_id
        or not secrets.compare_digest(user.fingerprint, request.session.get("fp", ""))
    ):
        for key in ("uid", "fp", "sid"):
            request.session.pop(key, None)
        raise LoginRequired()
    request.state.staff = user
    return user


def require_admin(user: Annotated[Staff, Depends(current_user)]) -> Staff:
    if not user.is_admin:
        raise Forbidden("forbidden_admin", "Only administrators can do this.")
    return user


async def csrf_protect(request: Request) -> None:
    if request.method not in UNSAFE_METHODS:
        return
    origin = request.headers.get("origin")
    if origin and origin.rstrip("/") != own_origin(request):
        raise Forbidden("csrf_failed", "Cross-site form submissions are not accepted.")
    expected = request.session.get("csrf", "")
    sent = request.headers.get("x-csrf-token", "")
    if not sent and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get("csrf_token", "")
        sent = value if isinstance(value, str) else ""
    if not expected or not sent or not secrets.compare_digest(str(expected), str(sent)):
        raise Forbidden("csrf_failed", "The form's CSRF token is missing or wrong; reload the page.")


UserDep = Annotated[Staff, Depends(current_user)]
AdminDep = Annotated[Staff, Depends(require_admin)]


def staff_router() -> APIRouter:
    """A router whose every route needs a signed-in user, then a valid CSRF token on POST."""
    return APIRouter(
        prefix=PREFIX, dependencies=[Depends(current_user), Depends(csrf_protect)], include_in_schema=False
    )


class LoginThrottle:
    """Failed sign-ins are throttled per (account, client address) pair, with growing delays.

    The first ``free`` failures of a pair cost nothing; after that each failure makes the pair wait
    ``base`` seconds, doubled every further failure (1, 2, 4, 8 … s), up to ``max_delay``. A pair
    that has not failed for ``window`` seconds starts afresh, and a successful sign-in clears it.
    Nobody else waits: colleagues behind the same address (a NAT) sign in to their own accounts,
    and the account's owner signs in from their own address, however many failures a guesser
    piles up elsewhere. Counts live in the process (per worker)."""

    def __init__(
        self,
        free: int = 3,
        base: float = 1.0,
        max_delay: float = 15 * 60,
        window: float = 15 * 60,
        clock=time.monotonic,
        max_pairs: int = 100_000,
    ):
        self.free, self.base, self.max_delay, self.window = free, base, max_delay, window
        self.clock, self.max_pairs = clock, max_pairs
        self._failures: dict[tuple[str, str], tuple[int, float]] = {}  # pair -> (count, last failure)
        self._lock = threading.Lock()

    def delay_after(self, failures: int) -> float:
        if failures < self.free:
            return 0.0
        return min(self.base * 2 ** (failures - self.free), self.max_delay)

    def _state(self, pair: tuple[str, str], now: float) -> tuple[int, float]:
        count, last = self._failures.get(pair, (0, now))
        if count and now - last > max(self.window, self.delay_after(count)):
            self._failures.pop(pair, None)
            return 0, now
        return count, last

    def wait(self, account: str, address: str) -> int:
        """Seconds this pair must still wait before the next attempt (0: go ahead)."""
        now = self.clock()
        with self._lock:
            count, last = self._state((account, address), now)
            remaining = last + self.delay_after(count) - now if count else 0.0
        return max(0, math.ceil(remaining))

    def failed(self, account: str, address: str) -> int:
        """Record a failure; returns the seconds the pair must now wait."""
        now = self.clock()
        with self._lock:
            if len(self._failures) >= self.max_pairs:  # forget the stalest half
                for pair, _ in sorted(self._failures.items(), key=lambda kv: kv[1][1])[: self.max_pairs // 2]:
                    self._failures.pop(pair, None)
            count, _ = self._state((account, address), now)
            self._failures[(account, address)] = (count + 1, now)
            return math.ceil(self.delay_after(count + 1))

    def succeeded(self, account: str, address: str) -> None:
        with self._lock:
            self._failures.pop((account, address), None)


def safe_next(target: str | None) -> str:
    """Only redirect to our own staff pages after signing in."""
    if target and target.startswith(PREFIX + "/") and not target.startswith("//") and "\\" not in target:
        if not target.startswith("/staff/login"):
            return target
    return PREFIX + "/review"
