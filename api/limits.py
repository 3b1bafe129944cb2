"""Request size limits, enforced before a body is parsed: 413 with a message when exceeded.

The public API takes small JSON bodies (a question is at most 4,000 characters); staff uploads
(dataset imports) may be larger. A body without Content-Length (chunked) is read here as it
streams in, and refused with 413 as soon as it passes the limit.
"""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

STAFF_UPLOAD_BYTES = 20 * 1024 * 1024  # /staff/ bodies: dataset imports
DOCUMENT_UPLOAD_FILES = 20  # files per upload request (assistant/staff/uploads.py MAX_FILES)


def documents_upload_bytes(settings) -> int:
    """/staff/documents/upload: up to 20 files of ASSISTANT_MAX_DOCUMENT_MB each (plus form overhead)."""
    return int(DOCUMENT_UPLOAD_FILES * settings.max_document_mb * 1024 * 1024) + 1024 * 1024


class RequestSizeLimit:
    def __init__(self, app: ASGIApp, *, default_bytes: int, overrides: dict[str, int] | None = None):
        self.app = app
        self.default_bytes = default_bytes
        self.overrides = sorted((overrides or {}).items(), key=lambda kv: -len(kv[0]))

    def limit_for(self, path: str) -> int:
        for prefix, limit in self.overrides:
            if path.startswith(prefix):
                return limit
        return self.default_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit():
            if int(declared) > limit:
                await self._reject(send, limit, scope["path"])
                return
            await self.app(scope, receive, send)  # the server stops reading at Content-Length
            return
        # No Content-Length (chunked): read the body here, up to the limit, before the app sees it.
        # Counting inside the app instead lets the framework turn the overflow into a parse error.
        chunks: list[bytes] = []
        received = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return
            body = message.get("body", b"")
            received += len(body)
            if received > limit:
                await self._reject(send, limit, scope["path"])
                return
            chunks.append(body)
            if not message.get("more_body", False):
                break
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": b"".join(chunks), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    @staticmethod
    async def _reject(send: Send, limit: int, path: str) -> None:
        from api.errors import OPENAI_PATHS

        message = f"The request body is larger than {limit} bytes."
        if path.startswith(OPENAI_PATHS):  # OpenAI's error shape on the OpenAI-compatible routes
            payload: dict = {
                "error": {"message": message, "type": "request_too_large", "code": "request_too_large"}
            }
        else:
            payload = {"error": "request_too_large", "message": message}
        body = json.dumps(payload).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
