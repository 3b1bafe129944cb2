"""Feedback storage and the origin allowlist (fake embedder, real SQLite and Chroma)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from assistant.chat.service import Assistant
from tests.conftest import ingest_into

ALLOWED = "https://city.example.org"


@pytest.fixture
def assistant(db_settings, fake_embedder, corpus_copy):
    """Runs on SQLite and on PostgreSQL."""
    db_settings.allowed_origins = [ALLOWED]
    a = Assistant(db_settings, embedder=fake_embedder)
    ingest_into(a, corpus_copy, progress=False)
    return a


@pytest.fixture
def client(assistant):
    with TestClient(create_app(assistant=assistant)) as client:
        yield client


def answer_id(client) -> str:
    return client.post("/v1/chat", json={"message": "القمة العالمية الخامسة"}).json()["answer_id"]


def test_thumbs_down_with_reason_is_stored(client, assistant):
    aid = answer_id(client)
    response = client.post(
        "/v1/feedback",
        json={"answer_id": aid, "rating": -1, "reason": "incomplete", "comment": "ينقصها التاريخ"},
    )
    assert response.status_code == 200 and response.json()["feedback_id"]
    (stored,) = assistant.feedback.for_answer(aid)
    assert (stored.rating, stored.reason, stored.comment, stored.source) == (
        -1,
        "incomplete",
        "ينقصها التاريخ",
        "user",
    )


def test_thumbs_up_without_reason(client, assistant):
    aid = answer_id(client)
    assert client.post("/v1/feedback", json={"answer_id": aid, "rating": 1}).status_code == 200
    assert [f.rating for f in assistant.feedback.for_answer(aid)] == [1]


@pytest.mark.parametrize(
    ("body", "status", "fragment"),
    [
        ({"answer_id": "nope", "rating": 1}, 404, "answer_id"),
        ({"answer_id": "x", "rating": 5}, 422, "rating"),
        ({"answer_id": "x", "rating": -1, "reason": "rude"}, 422, "reason"),
        ({"answer_id": "x", "rating": -1, "comment": "ا" * 2001}, 422, "comment"),
    ],
)
def test_bad_feedback_is_refused_clearly(client, body, status, fragment):
    response = client.post("/v1/feedback", json=body)
    assert response.status_code == status
    assert fragment in response.json()["message"]


def test_allowed_origin_gets_cors_headers(client):
    response = client.post("/v1/chat", json={"message": "القمة"}, headers={"Origin": ALLOWED})
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == ALLOWED


def stored_answers(assistant) -> int:
    from assistant.store.models import AnswerRecord

    with assistant.sessions() as session:
        return session.query(AnswerRecord).count()


def test_disallowed_origin_is_refused_with_a_readable_reason(client, assistant):
    before = stored_answers(assistant)
    response = client.post("/v1/chat", json={"message": "القمة"}, headers={"Origin": "https://evil.example"})
    assert response.status_code == 403
    assert response.json()["error"] == "origin_not_allowed"
    assert "https://evil.example" in response.json()["message"]
    assert (
        response.headers["access-control-allow-origin"] == "https://evil.example"
    )  # so the widget can show it
    feedback = client.post(
        "/v1/feedback", json={"answer_id": "x", "rating": 1}, headers={"Origin": "https://evil.example"}
    )
    assert feedback.status_code == 403
    assert stored_answers(assistant) == before  # nothing was processed for the refused origin


def test_preflight_and_same_origin_and_no_origin(client):
    preflight = client.options(
        "/v1/chat",
        headers={
            "Origin": ALLOWED,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert preflight.status_code == 204 and preflight.headers["access-control-allow-origin"] == ALLOWED
    same = client.post("/v1/chat", json={"message": "القمة"}, headers={"Origin": "http://testserver"})
    assert same.status_code == 200
    assert client.post("/v1/chat", json={"message": "القمة"}).status_code == 200


def test_origins_setting_accepts_a_comma_separated_list(monkeypatch):
    from assistant.config import Settings

    monkeypatch.setenv("ASSISTANT_ALLOWED_ORIGINS", "https://a.org, https://b.org/")
    assert Settings().allowed_origins == ["https://a.org", "https://b.org"]
