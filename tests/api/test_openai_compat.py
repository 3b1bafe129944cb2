"""/v1/chat/completions and /v1/models through the official openai client against a real server."""

from __future__ import annotations

import openai
import pytest

from api.main import create_app
from assistant.chat.service import Assistant
from tests.api.live_server import serve
from tests.conftest import ingest_into


@pytest.fixture
def client(settings, fake_embedder, corpus_copy):
    assistant = Assistant(settings, embedder=fake_embedder)
    ingest_into(assistant, corpus_copy, progress=False)
    assistant.settings.refusal_threshold = 0.0
    with serve(create_app(assistant=assistant)) as url:
        yield openai.OpenAI(base_url=f"{url}/v1", api_key="unused", max_retries=0, timeout=30)


def test_models_lists_the_assistant(client):
    assert [m.id for m in client.models.list().data] == ["scn-assistant"]


def test_completion_has_answer_sources_and_citations(client):
    reply = client.chat.completions.create(
        model="scn-assistant", messages=[{"role": "user", "content": "القمة العالمية الخامسة في كيب تاون"}]
    )
    content = reply.choices[0].message.content
    assert reply.choices[0].finish_reason == "stop"
    assert "المصادر:" in content and "[1]" in content
    citations = reply.model_extra["citations"]
    assert citations and citations[0]["quote"] in content


def test_streamed_completion_matches_the_shape(client):
    stream = client.chat.completions.create(
        model="scn-assistant",
        messages=[
            {"role": "system", "content": "You are helpful."},
            {"role": "user", "content": "ورشة العمل الإقليمية في كولومبو"},
        ],
        stream=True,
    )
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks)
    assert "[1]" in text and "المصادر:" in text
    assert chunks[-1].choices[0].finish_reason == "stop"
    assert chunks[-1].model_extra["citations"]


def test_history_in_messages_rewrites_the_follow_up(client, monkeypatch):
    seen = []
    from assistant.chat import pipeline

    original = pipeline.AnswerPipeline.standalone

    def spy(self, question, history=()):
        seen.append(list(history))
        return original(self, question, history)

    monkeypatch.setattr(pipeline.AnswerPipeline, "standalone", spy)
    client.chat.completions.create(
        model="scn-assistant",
        messages=[
            {"role": "user", "content": "متى عقدت القمة العالمية الخامسة؟"},
            {"role": "assistant", "content": "في ديسمبر 2024."},
            {"role": "user", "content": "ومن دعمها؟"},
        ],
    )
    assert seen[-1] == [
        ("متى عقدت القمة العالمية الخامسة؟", "متى عقدت القمة العالمية الخامسة؟", "في ديسمبر 2024.")
    ]


def test_bad_requests_are_clear(client):
    with pytest.raises(openai.UnprocessableEntityError) as caught:
        client.chat.completions.create(
            model="scn-assistant", messages=[{"role": "assistant", "content": "hi"}]
        )
    assert "role 'user'" in str(caught.value)
    with pytest.raises(openai.UnprocessableEntityError):
        client.chat.completions.create(model="scn-assistant", messages=[])
