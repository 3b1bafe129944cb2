"""Follow-up rewriting as wired into the service: offline by default, the LLM when configured."""

from __future__ import annotations

import httpx
import pytest

from api.main import create_app
from assistant.chat.followups import KeyTermRewriter, Turn
from assistant.chat.rewriting import LLMRewriter, build_rewriter
from assistant.chat.service import Assistant
from assistant.config import Settings
from assistant.ingest.run import ingest
from assistant.store.stores import Stores
from tests.api.live_server import serve
from tests.conftest import ingest_into
from tests.fakes.openai_server import FakeLLMServer, Reply, Status

HISTORY = [Turn("متى عُقدت القمة العالمية الخامسة؟", "متى عُقدت القمة العالمية الخامسة؟", "في ديسمبر 2024 [1]")]


def llm_settings(settings: Settings, url: str) -> Settings:
    return settings.model_copy(
        update={
            "generator": "openai",
            "llm_base_url": url,
            "llm_model": "fake",
            "llm_timeout": 2.0,
            "llm_max_retries": 0,
        }
    )


def weights(text: str) -> dict[str, float]:
    return {w: 1.0 for w in text.split()}


def test_extractive_deployments_rewrite_offline(settings):
    assert isinstance(build_rewriter(settings, weights), KeyTermRewriter)


def test_llm_rewrites_when_configured_and_offline_method_stands_in_on_failure(settings):
    with FakeLLMServer([Reply("من دعم القمة العالمية الخامسة؟"), Status(500)]) as server:
        rewriter = build_rewriter(llm_settings(settings, server.url), weights)
        assert isinstance(rewriter, LLMRewriter)
        assert rewriter.rewrite("ومن دعمها؟", HISTORY) == "من دعم القمة العالمية الخامسة؟"
        prompt = str(server.last_body["messages"])
        assert "ومن دعمها؟" in prompt and "متى عُقدت القمة العالمية الخامسة؟" in prompt
        offline = KeyTermRewriter(weights).rewrite("ومن دعمها؟", HISTORY)
        assert rewriter.rewrite("ومن دعمها؟", HISTORY) == offline != "ومن دعمها؟"
        assert rewriter.rewrite("سؤال جديد تماما", []) == "سؤال جديد تماما"  # no history: no call
        assert server.count == 2


def test_conversation_through_the_api_with_an_llm_backend(settings, fake_embedder, corpus_copy):
    script = [
        Reply("عقدت القمة العالمية الخامسة في كيب تاون في ديسمبر 2024 [1]."),
        Reply("من دعم القمة العالمية الخامسة في كيب تاون؟"),
        Reply("دعمها الاتحاد الأوروبي ووزارة الخارجية الدنماركية [2]."),
    ]
    with FakeLLMServer(script) as server:
        config = llm_settings(settings, server.url)
        config.refusal_threshold = 0.0  # the fake embedder's similarities are not calibrated
        config.reader_answerability_threshold = 0.0  # nor the reader's answerability on them
        ingest(Stores.open(config, fake_embedder), corpus_copy, progress=False)
        assistant = Assistant(config, embedder=fake_embedder)
        with serve(create_app(assistant=assistant)) as url, httpx.Client(base_url=url, timeout=30) as client:
            first = client.post("/v1/chat", json={"message": "متى عُقدت القمة العالمية الخامسة؟"}).json()
            assert first["generator"] == "openai" and first["citations"]
            second = client.post(
                "/v1/chat", json={"message": "ومن دعمها؟", "conversation_id": first["conversation_id"]}
            ).json()
        assert second["generator"] == "openai" and second["conversation_id"] == first["conversation_id"]
        assert "[1]" in second["answer"]  # renumbered from [2]
        history = assistant.conversations.history(first["conversation_id"])
        assert [h[1] for h in history] == [
            "متى عُقدت القمة العالمية الخامسة؟",
            "من دعم القمة العالمية الخامسة في كيب تاون؟",
        ]
        assert server.count == 3


@pytest.mark.model
def test_offline_follow_up_through_the_api_finds_the_supporters(real_assistant):
    from fastapi.testclient import TestClient

    with TestClient(create_app(assistant=real_assistant)) as client:
        first = client.post("/v1/chat", json={"message": "متى عُقدت القمة العالمية الخامسة؟"}).json()
        second = client.post(
            "/v1/chat", json={"message": "ومن دعمها؟", "conversation_id": first["conversation_id"]}
        ).json()
    assert not second["refused"]
    cited = " ".join(c["quote"] for c in second["citations"])
    assert "الاتحاد الأوروبي" in cited


def test_weak_evidence_refuses_without_calling_the_llm(settings, fake_embedder, corpus_copy):
    with FakeLLMServer([Reply("لا ينبغي أن يُستدعى [1]")]) as server:
        config = llm_settings(settings, server.url)
        config.refusal_threshold = 5.0  # nothing is supported strongly enough
        assistant = Assistant(config, embedder=fake_embedder)
        ingest_into(assistant, corpus_copy, progress=False)
        answer, _, _ = assistant.ask("ما ميزانية الشبكة؟")
        events = list(assistant.stream("ما ميزانية الشبكة؟"))
        assert answer.refused and answer.generator == "extractive" and not answer.citations
        assert events[-1].type == "done" and events[-1].data["refused"] is True
        assert server.count == 0
