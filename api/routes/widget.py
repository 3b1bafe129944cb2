"""The embeddable widget (/widget.js, cached with an ETag) and a demo page that embeds it."""

from __future__ import annotations

import hashlib
import secrets
from functools import lru_cache
from pathlib import Path

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

router = APIRouter(tags=["widget"])
STATIC = Path(__file__).resolve().parents[1] / "static"


@lru_cache(maxsize=4)
def _load(name: str) -> tuple[bytes, str]:
    body = (STATIC / name).read_bytes()
    return body, '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


@router.get("/widget.js", include_in_schema=False)
def widget_js(request: Request) -> Response:
    body, etag = _load("widget.js")
    headers = {"ETag": etag, "Cache-Control": "public, max-age=300, must-revalidate"}
    if etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="application/javascript; charset=utf-8", headers=headers)


DEMO_CSP = (
    "default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'self'"
)


@router.get("/demo", include_in_schema=False)
def demo(lang: str = Query("ar", pattern="^(ar|en)$")) -> HTMLResponse:
    body, _ = _load("demo.html")
    nonce = secrets.token_urlsafe(16)
    page = (
        body.decode("utf-8")
        .replace("__LANG__", lang)
        .replace("__DIR__", "rtl" if lang == "ar" else "ltr")
        .replace("__NONCE__", nonce)
    )
    # the widget's shadow-DOM <style> needs 'unsafe-inline' for styles; scripts need the nonce
    return HTMLResponse(page, headers={"Content-Security-Policy": DEMO_CSP.format(nonce=nonce)})
