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

import secrets
import threading
import time
from collections import defaultdict, deque
from typing import Annotated

from fastapi import APIRouter, Depends, Request

from api.origins import own_origin
from assistant.staff_auth import Staff, session_user

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
    """At most ``limit`` failed sign-ins per username (and per client address) in ``window`` s."""

    def __init__(self, limit: int = 10, window: float = 15 * 60):
        self.limit, self.window = limit, window
        self._failures: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        times = self._failures[key]
        while times and now - times[0] > self.window:
            times.popleft()
        return times

    def blocked(self, *keys: str) -> bool:
        now = time.monotonic()
        with self._lock:
            return any(len(self._recent(k, now)) >= self.limit for k in keys)

    def failed(self, *keys: str) -> None:
        now = time.monotonic()
        with self._lock:
            for key in keys:
                self._recent(key, now).append(now)

    def succeeded(self, *keys: str) -> None:
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)


def safe_next(target: str | None) -> str:
    """Only redirect to our own staff pages after signing in."""
    if target and target.startswith(PREFIX + "/") and not target.startswith("//") and "\\" not in target:
        if not target.startswith("/staff/login"):
            return target
    return PREFIX + "/review"
