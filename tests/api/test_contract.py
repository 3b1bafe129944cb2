"""The HTTP contract with the fast fake embedder: shapes, validation, errors."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from assistant.chat.service import Assistant
from tests.conftest import ingest_into


@pytest.fixture
def empty_client(settings, fake_embedder):
    with TestClient(create_app(assistant=Assistant(settings, embedder=fake_embedder))) as client:
        yield client


@pytest.fixture
def client(settings, fake_embedder, corpus_copy):
    assistant = Assistant(settings, embedder=fake_embedder)
    ingest_into(assistant, corpus_copy, progress=False)
    with TestClient(create_app(assistant=assistant)) as client:
        yield client


def test_query_before_ingest_is_a_clear_503(empty_client):
    for path, body in (
        ("/v1/chat", {"message": "ما هي شبكة المدن القوية؟"}),
        ("/v1/search", {"query": "القمة", "k": 3}),
    ):
        response = empty_client.post(path, json=body)
        assert response.status_code == 503
        assert response.json()["error"] == "index_not_ready"
        assert "assistant ingest" in response.json()["message"]
    assert empty_client.get("/healthz").status_code == 503


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"message": ""}, "empty"),
        ({"message": "   \n\t "}, "empty"),
        ({"message": "ا" * 4001}, "4000"),
        ({"message": 42}, "message"),
        ({}, "required"),
        ({"message": "سؤال", "conversation_id": "x" * 65}, "conversation_id"),
    ],
)
def test_bad_chat_requests_get_422_with_a_reason(client, body, fragment):
    response = client.post("/v1/chat", json=body)
    assert response.status_code == 422
    payload = response.json()
    assert payload["error"] == "invalid_request"
    assert fragment in payload["message"]
    assert "Traceback" not in response.text


def test_malformed_json_gets_422(client):
    response = client.post("/v1/chat", content=b"{not json", headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert "JSON" in response.json()["message"]


def test_message_at_the_limit_is_accepted(client):
    assert client.post("/v1/chat", json={"message": "ا" * 4000}).status_code == 200


def test_search_shape_and_whole_chunk_text(client):
    response = client.post("/v1/search", json={"query": "كيب تاون", "k": 3})
    assert response.status_code == 200
    results = response.json()["results"]
    assert 1 <= len(results) <= 3
    assert set(results[0]) == {"document_id", "chunk_id", "text", "score", "title", "page"}
    assert results[0]["document_id"] == "fifth-global-summit-nlc-2024"
    assert results[0]["title"].startswith("مؤتمر القمة العالمي الخامس") and results[0]["page"] is None


def test_search_k_validated(client):
    assert client.post("/v1/search", json={"query": "القمة", "k": 0}).status_code == 422
    assert client.post("/v1/search", json={"query": " ", "k": 3}).status_code == 422


def test_documents_listing(client):
    docs = client.get("/v1/documents").json()["documents"]
    assert len(docs) == 5
    assert {d["kind"] for d in docs} >= {"declaration", "event_report", "about"}
    melbourne = next(d for d in docs if d["id"] == "melbourne-declaration-2018")
    assert melbourne["date"] == "2018-07-11" and melbourne["language"] == "ar"


def test_conversation_ids(client):
    first = client.post("/v1/chat", json={"message": "أين عقدت القمة العالمية الخامسة؟"}).json()
    assert first["conversation_id"] and first["answer_id"]
    second = client.post(
        "/v1/chat", json={"message": "ومتى عقدت؟", "conversation_id": first["conversation_id"]}
    ).json()
    assert second["conversation_id"] == first["conversation_id"]
    assert second["answer_id"] != first["answer_id"]
    unknown = client.post("/v1/chat", json={"message": "سؤال", "conversation_id": "does-not-exist"})
    assert unknown.status_code == 404
    assert "conversation_id" in unknown.json()["message"]


def test_healthz_ok_after_ingest(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json()["chunks"] > 0


def test_widget_js_is_cached_with_an_etag(client):
    first = client.get("/widget.js")
    assert first.status_code == 200
    assert first.headers["content-type"].startswith("application/javascript")
    etag = first.headers["etag"]
    assert "customElements.define" in first.text and "innerHTML" not in first.text
    again = client.get("/widget.js", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""


@pytest.mark.parametrize(("lang", "direction"), [("ar", "rtl"), ("en", "ltr")])
def test_demo_page_embeds_the_widget_like_a_partner(client, lang, direction):
    page = client.get(f"/demo?lang={lang}")
    assert page.status_code == 200
    assert f'<html lang="{lang}" dir="{direction}">' in page.text
    assert '<script src="/widget.js" defer' in page.text
    assert client.get("/demo?lang=fr").status_code == 422


def test_the_server_encodes_each_request_on_one_thread_unless_told_otherwise(settings):
    from api.main import serving_settings

    assert serving_settings(settings.model_copy(update={"encoder_threads": 0})).encoder_threads == 1
    assert serving_settings(settings.model_copy(update={"encoder_threads": 3})).encoder_threads == 3
    with TestClient(create_app(settings.model_copy(update={"embedding_model": "test:hash"}))) as client:
        assert client.app.state.assistant.settings.encoder_threads == 1
