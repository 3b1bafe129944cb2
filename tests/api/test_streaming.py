"""POST /v1/chat with "stream": true, read as Server-Sent Events by a real HTTP client."""

from __future__ import annotations

import json

import httpx
import pytest
from httpx_sse import connect_sse

from api.main import create_app
from assistant.chat.service import Assistant
from tests.api.live_server import serve
from tests.conftest import ingest_into


@pytest.fixture
def base_url(settings, fake_embedder, corpus_copy):
    assistant = Assistant(settings, embedder=fake_embedder)
    ingest_into(assistant, corpus_copy, progress=False)
    assistant.settings.refusal_threshold = 0.0  # the fake embedder's similarities are not calibrated
    with serve(create_app(assistant=assistant)) as url:
        yield url


def read_events(base_url: str, body: dict) -> list[tuple[str, dict]]:
    with httpx.Client(base_url=base_url, timeout=30) as client:
        with connect_sse(client, "POST", "/v1/chat", json=body) as source:
            assert source.response.headers["content-type"].startswith("text/event-stream")
            return [(event.event, json.loads(event.data)) for event in source.iter_sse()]


def test_stream_is_deltas_then_citations_then_done(base_url):
    events = read_events(base_url, {"message": "القمة العالمية الخامسة في كيب تاون", "stream": True})
    kinds = [kind for kind, _ in events]
    assert kinds[-2:] == ["citations", "done"]
    assert set(kinds[:-2]) == {"delta"} and len(kinds) >= 3  # sentence by sentence
    text = "".join(data["text"] for kind, data in events if kind == "delta")
    citations = events[-2][1]["citations"]
    assert citations and all(f"[{c['n']}]" in text for c in citations)
    done = events[-1][1]
    assert done["answer_id"] and done["conversation_id"] and done["generator"] == "extractive"
    # the streamed answer is the one stored, and the non-streaming contract sees the same conversation
    with httpx.Client(base_url=base_url, timeout=30) as client:
        follow = client.post(
            "/v1/chat", json={"message": "ومتى؟", "conversation_id": done["conversation_id"]}
        )
    assert follow.status_code == 200 and follow.json()["conversation_id"] == done["conversation_id"]


def test_refusal_streams_too(base_url, settings):
    settings.refusal_threshold = 5.0
    events = read_events(base_url, {"message": "ما هي أفضل وصفة للكبسة؟", "stream": True})
    assert events[-1][0] == "done" and events[-1][1]["refused"] is True
    assert events[-2] == ("citations", {"citations": []})


def test_bad_stream_requests_fail_before_streaming(base_url):
    with httpx.Client(base_url=base_url, timeout=30) as client:
        empty = client.post("/v1/chat", json={"message": " ", "stream": True})
        unknown = client.post("/v1/chat", json={"message": "سؤال", "conversation_id": "nope", "stream": True})
    assert empty.status_code == 422 and empty.json()["error"] == "invalid_request"
    assert unknown.status_code == 404


def test_errors_mid_stream_arrive_as_an_error_event(base_url, settings, monkeypatch):
    from assistant.chat import pipeline

    def broken(self, question, **options):
        raise RuntimeError("retrieval exploded")

    monkeypatch.setattr(pipeline.AnswerPipeline, "retrieve_evidence", broken)
    events = read_events(base_url, {"message": "القمة", "stream": True})
    assert events[-1][0] == "error"
    assert events[-1][1]["error"] == "internal_error" and "exploded" not in events[-1][1]["message"]
