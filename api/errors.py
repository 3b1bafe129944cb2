"""One place that turns errors into JSON: {"error": code, "message": text}. No stack traces leak."""

from __future__ import annotations

import logging
import uuid

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from assistant.errors import AssistantError

log = logging.getLogger(__name__)


def _describe(error: dict) -> str:
    loc = ".".join(str(p) for p in error.get("loc", ()) if p != "body")
    kind = error.get("type", "")
    msg = str(error.get("msg", "invalid value")).removeprefix("Value error, ")
    if kind == "json_invalid":
        return 'The request body is not valid JSON. Send a JSON object such as {"message": "..."}.'
    if kind == "missing":
        return f"The field '{loc}' is required."
    if kind in ("string_type", "model_attributes_type", "dict_type"):
        return f"'{loc or 'body'}' has the wrong type: {msg}."
    return f"{loc}: {msg}" if loc else msg


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(AssistantError)
    async def _assistant_error(_request: Request, exc: AssistantError):
        return JSONResponse({"error": exc.code, "message": exc.message}, status_code=exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def _validation(_request: Request, exc: RequestValidationError):
        messages = [_describe(e) for e in exc.errors()]
        return JSONResponse({"error": "invalid_request", "message": " ".join(messages)}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException):
        return JSONResponse({"error": "http_error", "message": str(exc.detail)}, status_code=exc.status_code)

    @app.exception_handler(Exception)
    async def _unexpected(_request: Request, exc: Exception):
        error_id = uuid.uuid4().hex[:12]
        log.error("unexpected error %s: %s", error_id, type(exc).__name__, exc_info=exc)
        return JSONResponse(
            {
                "error": "internal_error",
                "message": f"Something went wrong on our side (error id {error_id}).",
            },
            status_code=500,
        )
