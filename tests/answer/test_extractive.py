"""Evidence scoring and the extractive composer, on real Chroma with the fake embedder."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.answer.evidence import is_quotable, support, unknown_term_share
from assistant.chat.service import Assistant
from assistant.store.documents import DocumentStore
from tests.conftest import ingest_into


@pytest.fixture
def assistant(settings, fake_embedder, corpus_copy):
    a = Assistant(settings, embedder=fake_embedder)
    ingest_into(a, corpus_copy, progress=False)
    return a


@pytest.mark.parametrize(
    ("text", "quotable"),
    [
        ("عن شبكة المدن القوية", False),  # title line
        ("ما هي المبادئ الأساسية التي تعتمدها شبكة المدن القوية؟", False),  # FAQ heading
        ("المتحدثون المميزون", False),
        ("وتضم الشبكة اليوم أكثر من مئة مدينة.", True),
        ("The summit was held in Cape Town in December 2024.", True),
    ],
)
def test_quotable(text, quotable):
    assert is_quotable(text) is quotable


def test_unknown_term_share_ignores_latin_and_weights_by_idf():
    known = {"قمه", "خامس"}.__contains__
    assert unknown_term_share({"قمه": 1.0, "رسوم": 3.0}, lambda t: t == "قمه") == pytest.approx(0.75)
    assert unknown_term_share({"summit": 2.0, "fees": 2.0}, known) == 0.0
    assert unknown_term_share({}, known) == 0.0


def test_support_subtracts_penalty(assistant):
    vector = assistant.embedder.embed_queries(["كيب تاون"])[0]
    hits = assistant.retriever.search("كيب تاون", 3, query_vector=vector)
    from assistant.answer.evidence import score_evidence

    evidence = score_evidence(vector, hits, assistant.store)
    assert support(evidence, 0.5, 0.1) == pytest.approx(evidence[0].score - 0.05)
    assert support([], 0.0, 0.1) == 0.0


def test_every_citation_quotes_its_chunk_exactly(assistant):
    assistant.settings.refusal_threshold = -1.0  # answer whatever the fake embedder finds
    assistant.settings.reader_answerability_threshold = 0.0
    answer, hits = assistant.answer("القمة العالمية الخامسة في كيب تاون")
    assert not answer.refused and answer.citations
    texts = {}
    for c in answer.citations:
        chunk = assistant.retriever.chunks[c.chunk_id]
        assert c.quote in chunk.text
        doc = texts.setdefault(c.document_id, DocumentStore(assistant.sessions).text(c.document_id))
        assert doc[c.start : c.end] == c.quote
        assert f"[{c.n}]" in answer.text
        assert c.title
    assert [c.n for c in answer.citations] == list(range(1, len(answer.citations) + 1))
    assert len({(c.document_id, c.start) for c in answer.citations}) == len(answer.citations)


def test_weak_evidence_is_refused_without_citations(assistant):
    assistant.settings.refusal_threshold = 2.0  # nothing can reach it
    answer, _ = assistant.answer("القمة العالمية الخامسة")
    assert answer.refused and answer.citations == []
    assert "الوثائق" in answer.text


def test_composer_limits_sentences(assistant):
    from assistant.answer.extractive import ExtractiveComposer

    vector = assistant.embedder.embed_queries(["المدن القوية"])[0]
    hits = assistant.retriever.search("المدن القوية", 5, query_vector=vector)
    from assistant.answer.evidence import score_evidence

    evidence = score_evidence(vector, hits, assistant.store)
    chosen = ExtractiveComposer(max_sentences=2, margin=1.0).select(evidence)
    assert len(chosen) == 2
    assert chosen[0].score >= chosen[1].score
    assert np.isfinite([e.score for e in evidence]).all()
