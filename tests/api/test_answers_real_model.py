"""Questions answered through the API by the real model over the real corpus."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from assistant.text.arabic import normalize

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def client(real_assistant):
    with TestClient(create_app(assistant=real_assistant)) as client:
        yield client


def chunk_text(assistant, chunk_id: str) -> str:
    return assistant.retriever.chunks[chunk_id].text


@pytest.mark.parametrize(
    ("question", "document_id", "fact"),
    [
        ("متى أُطلقت شبكة المدن القوية؟", "about-scn", "2015"),
        ("أين عقدت القمة العالمية الخامسة للشبكة؟", "fifth-global-summit-nlc-2024", "كيب تاون"),
        ("فين اتعملت ورشة جنوب آسيا؟", "south-asia-regional-workshop-2023", "كولومبو"),
        ("When was the Strong Cities Network launched?", "about-scn", "2015"),
        pytest.param(
            "Who manages the Strong Cities Network?",
            "about-scn",
            "معهد الحوار الإستراتيجي",
            marks=pytest.mark.xfail(
                strict=True,
                reason="known gap: the sentence naming the managing institute is long and mostly about other "
                "things, so e5-small's English→Arabic similarity ranks other sentences above it "
                "(English key facts 0.67 on the held-out set, docs/evaluation.md)",
            ),
        ),
    ],
)
def test_answers_are_correct_and_cited(client, real_assistant, question, document_id, fact):
    response = client.post("/v1/chat", json={"message": question})
    assert response.status_code == 200
    body = response.json()
    assert body["refused"] is False
    assert normalize(fact) in normalize(body["answer"])
    assert body["citations"], "an answer must cite"
    assert document_id in {c["document_id"] for c in body["citations"]}
    for citation in body["citations"]:
        assert f"[{citation['n']}]" in body["answer"]
        assert citation["quote"] in chunk_text(real_assistant, citation["chunk_id"])
        assert citation["title"]


@pytest.mark.parametrize(
    "question",
    [
        "ما هي أفضل وصفة لطبخ الكبسة؟",
        "من فاز بكأس العالم لكرة القدم 2022؟",
        pytest.param(
            "What will the weather be in Cairo tomorrow?",
            marks=pytest.mark.xfail(
                strict=True,
                reason="known gap: e5-small's English-to-Arabic similarities of off-topic and answerable "
                "English questions overlap, and the unknown-term penalty cannot see English words "
                "(docs/evaluation.md, 'Refusal')",
            ),
        ),
    ],
)
def test_off_topic_questions_are_declined(client, question):
    body = client.post("/v1/chat", json={"message": question}).json()
    assert body["refused"] is True
    assert body["citations"] == []
    assert "الوثائق" in body["answer"]


def test_search_ranks_the_right_document_first(client):
    results = client.post("/v1/search", json={"query": "ورشة عمل في كولومبو", "k": 5}).json()["results"]
    assert results[0]["document_id"] == "south-asia-regional-workshop-2023"
