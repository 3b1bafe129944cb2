"""Static assets are served compressed to clients that accept gzip, and /healthz and the static
files answer HEAD (issue 15). Fast fake embedder; HEAD through a real uvicorn server."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from assistant.chat.service import Assistant
from tests.api.live_server import serve
from tests.conftest import ingest_into

WIDGET = Path(__file__).resolve().parents[2] / "api" / "static" / "widget.js"
ASSETS = [
    "/widget.js",
    "/staff/assets/staff.css",
    "/docs/assets/swagger-ui.css",
    "/docs/assets/swagger-ui-bundle.js",
]


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    import shutil

    from assistant.config import Settings
    from assistant.embedding import HashEmbedder
    from tests.conftest import CACHE, DOCUMENTS

    root = tmp_path_factory.mktemp("static")
    shutil.copytree(DOCUMENTS, root / "documents")
    assistant = Assistant(
        Settings(data_dir=root / "data", documents_dir=root / "documents", cache_dir=CACHE),
        embedder=HashEmbedder(),
    )
    ingest_into(assistant, progress=False)
    return create_app(assistant=assistant)


def test_widget_js_is_gzipped_for_clients_that_accept_it(app):
    with TestClient(app) as client:
        zipped = client.get("/widget.js", headers={"Accept-Encoding": "gzip, deflate, br"})
        plain = client.get("/widget.js", headers={"Accept-Encoding": "identity"})
    assert zipped.headers["content-encoding"] == "gzip"
    assert zipped.content == WIDGET.read_bytes()  # httpx decoded it
    assert zipped.num_bytes_downloaded < len(WIDGET.read_bytes()) / 2.5
    assert "content-encoding" not in plain.headers and plain.content == WIDGET.read_bytes()
    for response in (zipped, plain):
        assert "Accept-Encoding" in response.headers["vary"]
    assert zipped.headers["etag"] != plain.headers["etag"]  # two representations, two ETags


def test_conditional_requests_still_get_304_per_representation(app):
    with TestClient(app) as client:
        first = client.get("/widget.js", headers={"Accept-Encoding": "gzip"})
        again = client.get(
            "/widget.js", headers={"Accept-Encoding": "gzip", "If-None-Match": first.headers["etag"]}
        )
        other = client.get(
            "/widget.js", headers={"Accept-Encoding": "identity", "If-None-Match": first.headers["etag"]}
        )
    assert again.status_code == 304 and other.status_code == 200


@pytest.mark.parametrize("path", ASSETS)
def test_every_static_text_asset_is_compressed(app, path):
    with TestClient(app) as client:
        response = client.get(path, headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200 and response.headers["content-encoding"] == "gzip"
    assert response.num_bytes_downloaded < len(response.content)  # smaller on the wire


def test_a_client_that_refuses_gzip_gets_it_plain(app):
    with TestClient(app) as client:
        response = client.get("/widget.js", headers={"Accept-Encoding": "gzip;q=0, identity"})
    assert "content-encoding" not in response.headers


def test_head_answers_like_get_without_a_body(app):
    with serve(app) as url, httpx.Client(base_url=url) as client:
        for path in ["/healthz", *ASSETS, "/demo", "/docs"]:
            head = client.head(path)
            get = client.get(path)
            assert head.status_code == get.status_code == 200, (path, head.status_code)
            assert head.content == b""
            assert head.headers["content-type"] == get.headers["content-type"]
