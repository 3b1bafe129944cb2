"""Files shipped in api/static/ (and Swagger UI's), read once and served with an ETag (304 when the
client has it)."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from fastapi import Request
from fastapi.responses import Response

STATIC = Path(__file__).resolve().parent / "static"
CACHE_CONTROL = "public, max-age=300, must-revalidate"


@lru_cache(maxsize=32)
def load_path(path: Path) -> tuple[bytes, str]:
    """(body, ETag) of a file."""
    body = Path(path).read_bytes()
    return body, '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def load(name: str) -> tuple[bytes, str]:
    """(body, ETag) of ``api/static/<name>``."""
    return load_path(STATIC / name)


def file_response(request: Request, path: Path, media_type: str) -> Response:
    body, etag = load_path(path)
    headers = {"ETag": etag, "Cache-Control": CACHE_CONTROL}
    if etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=media_type, headers=headers)


def static_response(request: Request, name: str, media_type: str) -> Response:
    return file_response(request, STATIC / name, media_type)
