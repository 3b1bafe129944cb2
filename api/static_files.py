"""Files shipped in api/static/ (and Swagger UI's), read once and served with an ETag (304 when the
client has it), gzip-compressed for clients that accept it, and answering HEAD as well as GET."""

from __future__ import annotations

import gzip
import hashlib
import re
from functools import lru_cache
from pathlib import Path

from fastapi import Request
from fastapi.responses import Response

STATIC = Path(__file__).resolve().parent / "static"
CACHE_CONTROL = "public, max-age=300, must-revalidate"
COMPRESSIBLE = ("text/", "application/javascript", "application/json", "image/svg+xml")
_GZIP_REFUSED = re.compile(r"(?:^|,)\s*gzip\s*;\s*q\s*=\s*0(?:\.0*)?\s*(?:,|$)")


@lru_cache(maxsize=32)
def load_path(path: Path) -> tuple[bytes, str]:
    """(body, ETag) of a file."""
    body = Path(path).read_bytes()
    return body, '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


@lru_cache(maxsize=32)
def load_gzipped(path: Path) -> tuple[bytes, str]:
    """(gzip body, ETag) of a file; the ETag differs from the plain file's (another representation)."""
    body, etag = load_path(path)
    return gzip.compress(body, compresslevel=9, mtime=0), etag[:-1] + '-gz"'


def load(name: str) -> tuple[bytes, str]:
    """(body, ETag) of ``api/static/<name>``."""
    return load_path(STATIC / name)


def accepts_gzip(request: Request) -> bool:
    accepted = request.headers.get("accept-encoding", "").lower()
    return "gzip" in accepted and not _GZIP_REFUSED.search(accepted)


def file_response(request: Request, path: Path, media_type: str) -> Response:
    compress = media_type.startswith(COMPRESSIBLE) and accepts_gzip(request)
    body, etag = load_gzipped(path) if compress else load_path(path)
    headers = {"ETag": etag, "Cache-Control": CACHE_CONTROL, "Vary": "Accept-Encoding"}
    if compress:
        headers["Content-Encoding"] = "gzip"
    if etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=media_type, headers=headers)


def static_response(request: Request, name: str, media_type: str) -> Response:
    return file_response(request, STATIC / name, media_type)
