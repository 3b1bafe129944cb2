"""Sign in, sign out, and the staff stylesheet (public: the sign-in page needs it)."""

from __future__ import annotations

import logging
import secrets

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from api.ratelimit import client_ip
from api.staff.i18n import translate
from api.staff.render import flash, lang_of, redirect, render
from api.staff.security import (
    SESSION_MAX_AGE,
    LoginRequired,
    LoginThrottle,
    UserDep,
    csrf_protect,
    current_user,
    safe_next,
    staff_router,
)
from api.static_files import static_response
from assistant.staff.accounts import (
    MAX_PASSWORD_CHARS,
    authenticate,
    end_session,
    normalise_username,
    start_session,
)

log = logging.getLogger("api.staff")

public = APIRouter(prefix="/staff", dependencies=[Depends(csrf_protect)], include_in_schema=False)
signed_in = staff_router()
throttle = LoginThrottle()


@public.api_route("/assets/staff.css", methods=["GET", "HEAD"])
def stylesheet(request: Request) -> Response:
    return static_response(request, "staff/staff.css", "text/css; charset=utf-8")


@public.get("/login")
def login_page(request: Request, next: str = "") -> Response:
    if request.session.get("uid"):
        try:
            current_user(request)
            return redirect(safe_next(next))
        except LoginRequired:  # a stale session: show the form
            pass
    return render(request, "staff/login.html", next=safe_next(next), error=None, username="")


@public.post("/login")
async def login(
    request: Request,
    username: str = Form("", max_length=200),
    password: str = Form("", max_length=MAX_PASSWORD_CHARS + 1),
    next: str = Form("", max_length=500),
) -> Response:
    name = normalise_username(username)
    address = client_ip(request)
    wait = throttle.wait(name, address)
    if wait:
        log.warning("staff sign-in throttled for %r (%d s)", name[:120], wait)
        return throttled(request, name, next, wait)
    sessions = request.app.state.assistant.sessions
    user = await run_in_threadpool(authenticate, sessions, name, password)
    if user is None:
        wait = throttle.failed(name, address)
        log.warning("staff sign-in failed for %r", name[:120])
        if wait:
            return throttled(request, name, next, wait, failed=True)
        return render(
            request, "staff/login.html", 401, next=safe_next(next), error="login_failed", username=name
        )
    throttle.succeeded(name, address)
    lang = request.session.get("lang")
    old = request.session.get("sid")
    if old:
        await run_in_threadpool(end_session, sessions, str(old))
    session_id = await run_in_threadpool(start_session, sessions, user.id, SESSION_MAX_AGE)
    request.session.clear()  # a fresh session (and CSRF token) on every sign-in
    request.session.update(
        {"uid": user.id, "sid": session_id, "fp": user.fingerprint, "csrf": secrets.token_urlsafe(32)}
    )
    if lang:
        request.session["lang"] = lang
    log.info("staff sign-in: %r (%s)", user.username, user.role)
    return redirect(safe_next(next))


def throttled(request: Request, name: str, next: str, wait: int, failed: bool = False) -> Response:
    """429 with Retry-After and the real wait on the page (in the page's language)."""
    lang = lang_of(request)
    message = translate("login_throttled", lang).format(seconds=wait, wait=wait_text(wait, lang))
    if failed:
        message = translate("login_failed", lang) + " " + message
    response = render(
        request,
        "staff/login.html",
        429,
        next=safe_next(next),
        error="login_throttled",
        error_message=message,
        username=name,
        retry_after=wait,
    )
    response.headers["Retry-After"] = str(wait)
    return response


def wait_text(seconds: int, lang: str) -> str:
    minutes, rest = divmod(seconds, 60)
    if lang == "ar":
        parts = ([f"{minutes} دقيقة"] if minutes else []) + ([f"{rest} ثانية"] if rest or not minutes else [])
        return " و".join(parts)
    parts = ([f"{minutes} min"] if minutes else []) + ([f"{rest} s"] if rest or not minutes else [])
    return " ".join(parts)


@signed_in.post("/logout")
def logout(request: Request, user: UserDep) -> Response:
    lang = request.session.get("lang")
    end_session(request.app.state.assistant.sessions, str(request.session.get("sid", "")))
    request.session.clear()
    if lang:
        request.session["lang"] = lang
    flash(request, "signed_out")
    log.info("staff sign-out: %r", user.username)
    return redirect("/staff/login")


@signed_in.get("")
@signed_in.get("/")
def home() -> Response:
    return redirect("/staff/review")
