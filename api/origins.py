"""Which web pages may call the API from a browser: an allowlist of origins.

* Requests without an Origin header (curl, servers) and same-origin pages (the API's own /demo)
  are always served.
* A cross-origin request from an allowed origin gets CORS headers for that origin.
* Any other origin is refused with 403 and a message. The refusal itself carries CORS headers
  (and preflights are answered for every origin) so that the widget on a refused site can read
  and show the reason instead of failing with an opaque network error. Nothing is processed for
  a refused origin.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import Response

from api.errors import error_response

PROTECTED_PREFIX = "/v1/"
ALLOW_METHODS = "GET, POST, OPTIONS"
ALLOW_HEADERS = "content-type, authorization"


def own_origin(request: Request) -> str:
    return f"{request.url.scheme}://{request.headers.get('host', request.url.netloc)}"


def cors_headers(origin: str) -> dict[str, str]:
    return {
        "Access-Control-Allow-Origin": origin,
        "Access-Control-Allow-Methods": ALLOW_METHODS,
        "Access-Control-Allow-Headers": ALLOW_HEADERS,
        "Access-Control-Max-Age": "600",
        "Vary": "Origin",
    }


def install_origin_policy(app: FastAPI, allowed: list[str]) -> None:
    allowed_set = {o.rstrip("/") for o in allowed}

    @app.middleware("http")
    async def origin_policy(request: Request, call_next):
        origin = request.headers.get("origin")
        if not origin or not request.url.path.startswith(PROTECTED_PREFIX):
            return await call_next(request)
        origin = origin.rstrip("/")
        if request.method == "OPTIONS" and "access-control-request-method" in request.headers:
            return Response(status_code=204, headers=cors_headers(origin))
        if origin != own_origin(request) and origin not in allowed_set:
            return error_response(
                request,
                "origin_not_allowed",
                f"This site ({origin}) is not allowed to use the assistant. "
                "Ask the administrator to add it to ASSISTANT_ALLOWED_ORIGINS.",
                403,
                cors_headers(origin),
            )
        response = await call_next(request)
        response.headers.update(cors_headers(origin))
        return response
