"""The staff area (/staff): sign-in, the review queue, datasets and evaluation runs.

``install_staff(app, settings)`` adds the session cookie middleware, the security headers, the
error pages and the routes. Pages are server-rendered (api/templates/staff), Arabic RTL by default.
"""

from __future__ import annotations

import logging
import secrets
import uuid
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.staff.security import CSP, PREFIX, SESSION_COOKIE, SESSION_MAX_AGE, LoginRequired, StaffError, is_api
from assistant.config import Settings
from assistant.errors import AssistantError
from assistant.staff.accounts import secret_key

log = logging.getLogger("api.staff")


class StaffHeaders:
    """Security headers on every /staff response, and a per-request CSP nonce for inline scripts."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or not (path == PREFIX or path.startswith(PREFIX + "/")):
            await self.app(scope, receive, send)
            return
        nonce = secrets.token_urlsafe(16)
        scope.setdefault("state", {})["csp_nonce"] = nonce

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"cache-control"]
                cache = b"no-store" if not path.startswith(PREFIX + "/assets/") else None
                for k, v in message.get("headers", []):
                    if k.lower() == b"cache-control" and cache is None:
                        cache = v
                headers += [
                    (b"content-security-policy", CSP.format(nonce=nonce).encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"x-frame-options", b"DENY"),
                    (b"referrer-policy", b"same-origin"),
                    (b"cache-control", cache or b"no-store"),
                ]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_wrapper)


def _is_staff(request: Request) -> bool:
    return request.url.path == PREFIX or request.url.path.startswith(PREFIX + "/")


def _error_page(request: Request, status: int, key: str, message: str | None) -> Response:
    if is_api(request.url.path):
        return JSONResponse({"error": key, "message": message or key}, status_code=status)
    from api.staff.render import redirect, render

    if isinstance(status, int) and status == 401:
        return redirect(f"{PREFIX}/login?next={quote(request.url.path)}")
    try:
        return render(request, "staff/error.html", status, message=message, title_key=key)
    except Exception:  # never fail while reporting a failure
        log.exception("could not render the staff error page")
        return Response("Error", status_code=status, media_type="text/plain")


def install_error_pages(app: FastAPI) -> None:
    """HTML error pages on staff pages; the API's JSON errors everywhere else (unchanged)."""
    previous = dict(app.exception_handlers)

    async def delegate(request: Request, exc: Exception, cls: type) -> Response:
        handler = previous.get(cls)
        if handler is None:
            raise exc
        return await handler(request, exc)

    @app.exception_handler(StaffError)
    async def _staff_error(request: Request, exc: StaffError):
        if isinstance(exc, LoginRequired):
            if is_api(request.url.path):
                return JSONResponse({"error": "login_required", "message": exc.message}, status_code=401)
            return _error_page(request, 401, exc.key, exc.message)
        return _error_page(request, exc.status_code, exc.key, exc.message)

    @app.exception_handler(AssistantError)
    async def _assistant_error(request: Request, exc: AssistantError):
        if _is_staff(request):
            key = "not_found" if exc.status_code == 404 else "error_title"
            return _error_page(request, exc.status_code, key, exc.message)
        return await delegate(request, exc, AssistantError)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException):
        if _is_staff(request):
            key = "not_found" if exc.status_code == 404 else "error_title"
            return _error_page(request, exc.status_code, key, str(exc.detail))
        return await delegate(request, exc, StarletteHTTPException)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError):
        if _is_staff(request):
            fields = ", ".join(".".join(str(p) for p in e.get("loc", ())[1:]) for e in exc.errors())
            return _error_page(request, 422, "error_title", f"Invalid value: {fields}.")
        return await delegate(request, exc, RequestValidationError)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception):
        if _is_staff(request):
            error_id = uuid.uuid4().hex[:12]
            log.error("unexpected staff error %s: %s", error_id, type(exc).__name__, exc_info=exc)
            return _error_page(request, 500, "server_error", f"Error id {error_id}.")
        return await delegate(request, exc, Exception)


def install_staff(app: FastAPI, settings: Settings) -> None:
    from api.staff import (
        account_routes,
        auth_routes,
        dataset_routes,
        document_routes,
        insights_routes,
        review_routes,
        run_routes,
    )

    configured = settings.secret_key
    secure = settings.secure_cookies
    app.add_middleware(StaffHeaders)
    app.add_middleware(
        SessionMiddleware,
        secret_key=secret_key(settings.data_dir, configured),
        session_cookie=SESSION_COOKIE,
        max_age=SESSION_MAX_AGE,
        path=PREFIX,
        same_site="lax",
        https_only=bool(secure),
    )
    install_error_pages(app)
    for router in (
        auth_routes.public,
        auth_routes.signed_in,
        review_routes.router,
        dataset_routes.router,
        run_routes.router,
        account_routes.router,
        document_routes.router,
        insights_routes.router,
    ):
        app.include_router(router)
