"""Metrics against values computed by hand."""

from __future__ import annotations

import math

import pytest

from assistant.eval import metrics as m

RANKING = ["a", "b", "c", "d", "e", "f"]
RELEVANT = {"b", "d"}


def test_ranking_metrics_by_hand():
    values = m.ranking_metrics(RANKING, RELEVANT)
    assert values["hit@1"] == 0.0
    assert values["hit@5"] == 1.0
    assert values["recall@5"] == 1.0
    assert m.recall_at(RANKING, RELEVANT, 2) == 0.5
    assert values["mrr@10"] == 0.5  # first relevant at rank 2
    # DCG = 1/log2(3) + 1/log2(5) = 0.6309 + 0.4307; ideal = 1 + 1/log2(3) = 1.6309
    assert values["ndcg@10"] == pytest.approx((0.63093 + 0.43068) / 1.63093, abs=1e-4)
    assert m.ndcg_at(["b", "d", "x"], RELEVANT) == pytest.approx(1.0)
    assert m.mrr_at(["x", "y"], RELEVANT) == 0.0
    assert m.ndcg_at(RANKING, set()) == 0.0 and m.recall_at(RANKING, set(), 5) == 0.0


def test_document_level_ranking_dedupes_chunks_to_documents():
    chunk_documents = ["doc-a", "doc-a", "doc-b", "doc-c", "doc-b"]
    ranking = m.dedupe(chunk_documents)
    assert ranking == ["doc-a", "doc-b", "doc-c"]
    assert m.mrr_at(ranking, {"doc-c"}) == pytest.approx(1 / 3)


def test_token_f1_english_by_hand():
    # answer tokens {summit, held, cape, town}; reference {cape, town, hosted, summit}: 3 common
    assert m.token_f1("The summit was held in Cape Town", "Cape Town hosted the summit") == pytest.approx(
        0.75
    )
    assert m.token_f1("nothing shared", "Cape Town") == 0.0
    assert m.token_f1("anything", "") is None


def test_token_f1_arabic_is_normalised_and_ignores_citation_markers():
    answer = "عُقدت القمّة في كيب تاون [1]"  # diacritics and the marker do not count
    reference = "القمة عقدت في مدينة كيب تاون"
    assert m.answer_tokens(answer) == ["عقدت", "قم", "كيب", "تا"]
    assert len(m.answer_tokens(reference)) == 5
    # P = 4/4, R = 4/5 → F1 = 2·1·0.8/1.8
    assert m.token_f1(answer, reference) == pytest.approx(2 * 0.8 / 1.8)


def test_key_fact_share_is_spelling_insensitive():
    assert m.key_fact_share("انطلقت الشبكة عام 2015 في الأمم المتحدة", ["2015", "الامم المتحده"]) == 1.0
    assert m.key_fact_share("عام 2015", ["2015", "نيويورك"]) == 0.5
    assert m.key_fact_share("x", []) == 1.0


def _citation(chunk="c1", doc="d1", start=0, end=10, quote="عقدت القمة في كيب تاون"):
    return {"chunk_id": chunk, "document_id": doc, "start": start, "end": end, "quote": quote}


def test_citation_supported_by_reference_chunk_or_evidence_span():
    spans = [("d1", 100, 150)]
    refs = {"reference_chunk_ids": ["c9"], "evidence": "x" * 50, "evidence_spans": spans}
    assert m.citation_supports(_citation(chunk="c9", start=0, end=5), **refs) is True  # its chunk
    assert m.citation_supports(_citation(start=140, end=200), **refs) is True  # overlaps the evidence
    assert m.citation_supports(_citation(start=150, end=200), **refs) is False  # touches, no overlap
    assert m.citation_supports(_citation(doc="d2", start=120, end=130), **refs) is False  # other document
    cites = [_citation(chunk="c9"), _citation(start=120, end=130), _citation(start=0, end=5)]
    assert m.citation_precision(cites, **refs) == pytest.approx(2 / 3)


def test_citation_evidence_not_located_falls_back_to_token_overlap():
    evidence = "عقدت شبكة المدن القوية قمتها في كيب تاون"
    assert m.citation_supports(_citation(), evidence=evidence) is True
    assert m.citation_supports(_citation(quote="ناقش المشاركون التطرف العنيف"), evidence=evidence) is False


def test_citation_without_references_uses_the_reference_answer_then_documents():
    # overlap coefficient: quote {عقدت, قم, كيب, تا} vs reference {كيب, تا}: 2 / min(4, 2) = 1
    assert m.citation_supports(_citation(), reference_answer="في كيب تاون") is True
    # {عقدت, قم, كيب, تا} vs {ملبورن, استرالي}: 0
    assert m.citation_supports(_citation(), reference_answer="ملبورن في أستراليا") is False
    assert m.citation_supports(_citation(doc="d1"), reference_document_ids=["d1"]) is True
    assert m.citation_supports(_citation(doc="d2"), reference_document_ids=["d1"]) is False
    assert m.citation_supports(_citation()) is None
    assert m.citation_precision([_citation()]) is None
    assert m.citation_precision([], reference_document_ids=["d1"]) is None


def test_refusal_metrics():
    assert m.refusal_correct(True, False) == 1.0 and m.refusal_correct(False, True) == 1.0
    assert m.refusal_correct(True, True) == 0.0 and m.refusal_correct(False, False) == 0.0
    assert m.correct_refusal_rate([True, False, True, True]) == 0.75
    assert m.false_refusal_rate([True, False, False, False]) == 0.25
    assert m.refusal_accuracy([True, True, False], [False, True, True]) == pytest.approx(2 / 3)
    assert m.correct_refusal_rate([]) is None and m.false_refusal_rate([]) is None


def test_aggregate_is_haystack_shaped_and_skips_none():
    result = m.aggregate([1.0, None, 0.5])
    assert result == {"score": 0.75, "individual_scores": [1.0, None, 0.5]}
    assert m.aggregate([None])["score"] is None
    assert not math.isnan(m.aggregate([0.0])["score"])
