"""The embeddable widget (/widget.js, cached with an ETag) and a demo page that embeds it."""

from __future__ import annotations

import secrets

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from api.static_files import load, static_response

router = APIRouter(tags=["widget"])


@router.api_route("/widget.js", methods=["GET", "HEAD"], include_in_schema=False)
def widget_js(request: Request) -> Response:
    return static_response(request, "widget.js", "application/javascript; charset=utf-8")


DEMO_CSP = (
    "default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'self'"
)


@router.api_route("/demo", methods=["GET", "HEAD"], include_in_schema=False)
def demo(lang: str = Query("ar", pattern="^(ar|en)$")) -> HTMLResponse:
    body, _ = load("demo.html")
    nonce = secrets.token_urlsafe(16)
    page = (
        body.decode("utf-8")
        .replace("__LANG__", lang)
        .replace("__DIR__", "rtl" if lang == "ar" else "ltr")
        .replace("__NONCE__", nonce)
    )
    # the widget's shadow-DOM <style> needs 'unsafe-inline' for styles; scripts need the nonce
    return HTMLResponse(page, headers={"Content-Security-Policy": DEMO_CSP.format(nonce=nonce)})
