"""The published contract (/openapi.json) states the real error shapes, the SSE media type and the
text constraints, and /docs works offline (issue 15). Fast fake embedder."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from assistant.chat.service import Assistant
from tests.conftest import ingest_into

ALLOWED = "https://city.example.org"


@pytest.fixture
def client(settings, fake_embedder, corpus_copy):
    settings.allowed_origins = [ALLOWED]
    assistant = Assistant(settings, embedder=fake_embedder)
    ingest_into(assistant, corpus_copy, progress=False)
    with TestClient(create_app(assistant=assistant)) as client:
        yield client


def resolve(spec: dict, schema: dict) -> dict:
    ref = schema.get("$ref")
    return spec["components"]["schemas"][ref.rsplit("/", 1)[1]] if ref else schema


def test_openapi_documents_the_real_errors_sse_and_text_constraints(client):
    spec = client.get("/openapi.json").json()
    assert "HTTPValidationError" not in spec["components"]["schemas"]  # the {"detail"} shape is never sent
    expected = {
        ("/v1/chat", "post"): {"403", "404", "413", "422", "429", "503"},
        ("/v1/search", "post"): {"403", "413", "422", "429", "503"},
        ("/v1/feedback", "post"): {"403", "404", "413", "422", "429", "503"},
        ("/v1/chat/completions", "post"): {"403", "413", "422", "429", "503"},
        ("/v1/documents", "get"): {"403", "503"},
        ("/healthz", "get"): {"503"},
    }
    for (path, method), statuses in expected.items():
        responses = spec["paths"][path][method]["responses"]
        assert statuses <= set(responses), (path, sorted(responses))
        for status in statuses:
            body = resolve(spec, responses[status]["content"]["application/json"]["schema"])
            if path == "/v1/chat/completions":
                inner = resolve(spec, body["properties"]["error"])
                assert {"message", "type"} <= set(inner["required"]), path
            else:
                assert set(body["required"]) == {"error", "message"}, (path, status)
        assert "Retry-After" in responses["429"].get("headers", {}) if "429" in statuses else True
    for path in ("/v1/chat", "/v1/chat/completions"):
        assert "text/event-stream" in spec["paths"][path]["post"]["responses"]["200"]["content"]
    schemas = spec["components"]["schemas"]
    assert schemas["ChatRequest"]["properties"]["message"]["minLength"] == 1
    assert schemas["SearchRequest"]["properties"]["query"]["minLength"] == 1


@pytest.mark.parametrize(
    ("request_kwargs", "status"),
    [
        ({"json": {"messages": []}}, 422),
        (
            {
                "json": {"messages": [{"role": "user", "content": "x"}]},
                "headers": {"Origin": "https://evil.example"},
            },
            403,
        ),
        (
            {
                "content": b'{"messages": "' + b"a" * 70_000 + b'"}',
                "headers": {"content-type": "application/json"},
            },
            413,
        ),
    ],
)
def test_chat_completions_errors_use_openais_shape(client, request_kwargs, status):
    response = client.post("/v1/chat/completions", **request_kwargs)
    assert response.status_code == status
    error = response.json()["error"]
    assert isinstance(error, dict) and error["message"] and error["type"] and error["code"]


def test_docs_page_loads_swagger_ui_from_the_api_itself(client):
    page = client.get("/docs")
    assert page.status_code == 200
    urls = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert urls and all(u.startswith("/docs/assets/") for u in urls), urls
    assert "cdn" not in page.text.lower() and "http://" not in page.text and "https://" not in page.text
    for url in urls:
        asset = client.get(url)
        assert asset.status_code == 200 and len(asset.content) > 100, url
    assert "javascript" in client.get("/docs/assets/swagger-ui-bundle.js").headers["content-type"]
    assert client.get("/docs/assets/../main.py").status_code == 404
    assert client.get("/redoc").status_code == 404  # ReDoc would come from a CDN: not offered
