"""/docs: Swagger UI served by the API itself (offline deployments), not from a CDN.

The Swagger UI files come from the ``swagger-ui-bundle-v2`` package (Swagger UI 5, which renders
OpenAPI 3.1); ReDoc, which FastAPI would load from a CDN, is not offered.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, Response

from api.static_files import file_response

ASSETS_PREFIX = "/docs/assets/"
ASSETS = {
    "swagger-ui-bundle.js": "application/javascript; charset=utf-8",
    "swagger-ui.css": "text/css; charset=utf-8",
    "favicon-32x32.png": "image/png",
}


def swagger_ui_folder():
    from swagger_ui_bundle import swagger_ui_path

    return swagger_ui_path


def install_docs(app: FastAPI) -> None:
    @app.api_route("/docs", methods=["GET", "HEAD"], include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=f"{app.title} – API",
            swagger_js_url=ASSETS_PREFIX + "swagger-ui-bundle.js",
            swagger_css_url=ASSETS_PREFIX + "swagger-ui.css",
            swagger_favicon_url=ASSETS_PREFIX + "favicon-32x32.png",
        )

    @app.api_route("/docs/assets/{name}", methods=["GET", "HEAD"], include_in_schema=False)
    def asset(request: Request, name: str) -> Response:
        if name not in ASSETS:
            return Response(status_code=404)
        return file_response(request, swagger_ui_folder() / name, ASSETS[name])
