"""One place that turns errors into JSON: {"error": code, "message": text}. No stack traces leak."""

from __future__ import annotations

import logging
import uuid

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError
from starlette.exceptions import HTTPException as StarletteHTTPException

from assistant.errors import AssistantError
from assistant.retrieval.filters import FILTER_FIELDS
from assistant.store.database import database_unavailable

log = logging.getLogger(__name__)


def _describe(error: dict) -> str:
    loc = ".".join(str(p) for p in error.get("loc", ()) if p != "body")
    kind = error.get("type", "")
    msg = str(error.get("msg", "invalid value")).removeprefix("Value error, ")
    if kind == "json_invalid":
        return 'The request body is not valid JSON. Send a JSON object such as {"message": "..."}.'
    if kind == "missing":
        return f"The field '{loc}' is required."
    if kind == "string_unicode":
        return (
            f"The field '{loc}' contains a lone UTF-16 surrogate (such as \\ud800), which is not valid "
            "Unicode text and cannot be encoded as UTF-8. Send the text as valid UTF-8."
        )
    if kind == "string_too_short":
        return f"The field '{loc}' is empty. Send non-empty text."
    if kind == "extra_forbidden":
        known = f" The filter fields are {', '.join(FILTER_FIELDS)}." if loc.startswith("filters.") else ""
        return f"'{loc}' is not a known field.{known}"
    if kind in ("string_type", "model_attributes_type", "dict_type"):
        return f"'{loc or 'body'}' has the wrong type: {msg}."
    return f"{loc}: {msg}" if loc else msg


OPENAI_PATHS = ("/v1/chat/completions", "/v1/models")


def error_response(
    request: Request, code: str, message: str, status: int, headers: dict[str, str] | None = None
) -> JSONResponse:
    """Our shape {"error", "message"}; OpenAI's {"error": {...}} on the OpenAI-compatible routes,
    so OpenAI clients show the message."""
    if request.url.path.startswith(OPENAI_PATHS):
        body: dict = {"error": {"message": message, "type": code, "code": code}}
    else:
        body = {"error": code, "message": message}
    return JSONResponse(body, status_code=status, headers=headers)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(AssistantError)
    async def _assistant_error(request: Request, exc: AssistantError):
        retry_after = getattr(exc, "retry_after", None)
        headers = {"Retry-After": str(retry_after)} if retry_after else None
        return error_response(request, exc.code, exc.message, exc.status_code, headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError):
        messages = [_describe(e) for e in exc.errors()]
        return error_response(request, "invalid_request", " ".join(messages), 422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        if exc.status_code == 400 and "parsing the body" in str(exc.detail):
            # FastAPI's answer to bytes that are not UTF-8 JSON (or JSON nested past the parser's limit)
            message = (
                'The request body could not be read: send UTF-8 encoded JSON such as {"message": "..."}.'
            )
            return error_response(request, "invalid_request", message, 422)
        return error_response(request, "http_error", str(exc.detail), exc.status_code)

    @app.exception_handler(DBAPIError)
    async def _database(request: Request, exc: DBAPIError):
        unavailable = database_unavailable(exc)
        if unavailable is None:
            return await _unexpected(request, exc)
        return error_response(request, unavailable.code, unavailable.message, unavailable.status_code)

    @app.exception_handler(RecursionError)
    async def _too_deep(request: Request, _exc: RecursionError):
        return error_response(request, "invalid_request", "The JSON body is nested too deeply.", 422)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception):
        error_id = uuid.uuid4().hex[:12]
        log.error("unexpected error %s: %s", error_id, type(exc).__name__, exc_info=exc)
        message = f"Something went wrong on our side (error id {error_id})."
        return error_response(request, "internal_error", message, 500)
