"""Rate limits, request limits and security headers (fast fake embedder, real SQLite/Chroma)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from assistant.chat.service import Assistant
from tests.conftest import ingest_into


@pytest.fixture
def make_client(settings, fake_embedder, corpus_copy):
    assistant = Assistant(settings, embedder=fake_embedder)
    ingest_into(assistant, corpus_copy, progress=False)
    clients = []

    def make(**overrides):
        for key, value in overrides.items():
            setattr(settings, key, value)
        client = TestClient(create_app(assistant=assistant))
        client.__enter__()
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


def test_per_ip_limit_answers_429_with_retry_after(make_client):
    client = make_client(rate_limit_per_ip="3/minute")
    codes = [client.post("/v1/chat", json={"message": "القمة"}).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    refused = client.post("/v1/feedback", json={"answer_id": "x", "rating": 1})
    assert refused.status_code == 429  # feedback shares the per-IP budget
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert refused.json()["error"] == "rate_limited" and "seconds" in refused.json()["message"]
    assert client.get("/v1/documents").status_code == 200  # reads are not limited


def test_per_origin_limit(make_client):
    # share 1: one client may use the whole site budget (the share: tests/hardening/test_rate_limits.py)
    client = make_client(
        rate_limit_per_ip="",
        rate_limit_per_origin="2/minute",
        rate_limit_origin_share=1.0,
        allowed_origins=["https://a.org"],
    )
    headers = {"Origin": "https://a.org"}
    codes = [
        client.post("/v1/chat", json={"message": "القمة"}, headers=headers).status_code for _ in range(3)
    ]
    assert codes == [200, 200, 429]
    assert client.post("/v1/chat", json={"message": "القمة"}).status_code == 200  # no origin: not this budget


def test_limits_can_be_switched_off(make_client):
    limited = make_client(rate_limit_per_ip="3/minute", rate_limit_per_origin="")
    assert [limited.post("/v1/chat", json={"message": "القمة"}).status_code for _ in range(4)][-1] == 429
    client = make_client(rate_limit_per_ip="", rate_limit_per_origin="")
    assert all(client.post("/v1/chat", json={"message": "القمة"}).status_code == 200 for _ in range(5))


def test_demo_and_widget_carry_security_headers(make_client):
    client = make_client()
    demo = client.get("/demo")
    csp = demo.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "object-src 'none'" in csp and "frame-ancestors" in csp
    assert demo.headers["x-content-type-options"] == "nosniff"
    assert demo.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    api = client.post("/v1/chat", json={"message": "القمة"})
    assert api.headers["x-content-type-options"] == "nosniff"
