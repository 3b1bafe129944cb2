"""Citation markers: parsing, renumbering (whole and streamed), validation, quotes. Pure unit tests."""

from __future__ import annotations

import random

import pytest

from assistant.answer.base import GenerationFailed
from assistant.answer.citations import (
    MarkerRenumberer,
    build_citations,
    cited_numbers,
    claims,
    renumber,
    validate,
)
from assistant.answer.evidence import Evidence
from assistant.embedding import HashEmbedder
from assistant.store.chroma_store import SentenceRecord
from assistant.text.sentences import split_sentences
from assistant.types import Chunk, Hit

DOC = (
    "القمة العالمية الخامسة\n\n"
    "عقدت الشبكة قمتها العالمية الخامسة في مدينة كيب تاون في ديسمبر 2024. "
    "وشارك في القمة ستون رئيس بلدية من أنحاء العالم. "
    "وناقش المشاركون التعاون بين الحكومات الوطنية والسلطات المحلية.\n\n"
    "تأسست شبكة المدن القوية عام 2015 في الأمم المتحدة. "
    "وتضم الشبكة اليوم أكثر من مئة وخمسين مدينة حول العالم."
)


def make_hits(doc: str = DOC) -> list[Hit]:
    """Two chunks of ``doc`` split at the paragraph before «تأسست»."""
    cut = doc.index("تأسست")
    spans = [(0, cut - 2), (cut, len(doc))]
    return [
        Hit(Chunk(f"c{i}", "doc", i, start, end, doc[start:end]), score=1.0 - i / 10)
        for i, (start, end) in enumerate(spans)
    ]


def make_evidence(hits: list[Hit]) -> list[Evidence]:
    out = []
    for rank, hit in enumerate(hits):
        chunk = hit.chunk
        for i, s in enumerate(split_sentences(chunk.text)):
            record = SentenceRecord(
                f"{chunk.id}-{i}",
                chunk.id,
                chunk.document_id,
                chunk.start + s.start,
                chunk.start + s.end,
                s.text,
            )
            out.append(Evidence(record, 0.5, 0.5, 0.5, 0.0, rank, hit))
    return out


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("جملة [1].", [1]),
        ("جملة [1][2] وأخرى [2]", [1, 2]),
        ("جملة [2, 1] ثم [3 ،1]", [2, 1, 3]),
        ("جملة [١] و[٢]", [1, 2]),
        ("extended digits [۳]", [3]),
        ("spaces [ 4 ]", [4]),
        ("no markers [a] [] [1-2", []),
    ],
)
def test_cited_numbers(text, numbers):
    assert cited_numbers(text) == numbers


def test_renumber_by_first_appearance_and_sorted_groups():
    text, mapping = renumber("  أولًا [3]. ثانيًا [1, 3]. ثالثًا [٢][3].\n ")
    assert text == "أولًا [1]. ثانيًا [1][2]. ثالثًا [3][1]."
    assert mapping == {3: 1, 1: 2, 2: 3}


def test_renumber_leaves_non_markers_alone():
    text, mapping = renumber("عام [2024 م] وقائمة [أ] ورقم [2]")
    assert text == "عام [2024 م] وقائمة [أ] ورقم [1]"
    assert mapping == {2: 1}


@pytest.mark.parametrize("seed", range(20))
def test_streamed_renumbering_matches_whole_text(seed):
    text = " انعقدت القمة [٢]. وشارك فيها رؤساء البلديات [1, 2]. وتأسست الشبكة [3] \n"
    rng = random.Random(seed)
    cuts = sorted(rng.sample(range(1, len(text)), rng.randint(1, 12)))
    deltas = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]
    renumberer = MarkerRenumberer()
    out = [renumberer.feed(d) for d in deltas] + [renumberer.flush()]
    expected, mapping = renumber(text)
    assert "".join(out) == renumberer.text == expected
    assert renumberer.mapping == mapping
    assert all("[٢" not in piece for piece in out)  # a marker is never emitted before it is rewritten


def test_streaming_releases_an_unclosed_bracket_as_text():
    renumberer = MarkerRenumberer()
    assert renumberer.feed("قائمة [1") == "قائمة "
    assert renumberer.feed("2 بنود") == "[12 بنود"
    assert renumberer.flush() == ""
    assert renumberer.mapping == {}


def test_validate():
    validate({1: 1, 3: 2}, 3)
    with pytest.raises(GenerationFailed) as none:
        validate({}, 3)
    assert none.value.reason == "no_citations"
    for bad in (0, 4):
        with pytest.raises(GenerationFailed) as out:
            validate({1: 1, bad: 2}, 3)
        assert out.value.reason == "citation_out_of_range"


def test_claims_are_the_sentences_the_markers_close():
    found = claims("عقدت القمة في كيب تاون [1]. وشارك ستون رئيس بلدية [1][2]، وناقشوا التعاون [3].")
    assert found == {
        1: ["عقدت القمة في كيب تاون", "وشارك ستون رئيس بلدية"],
        2: ["وشارك ستون رئيس بلدية"],
        3: ["وناقشوا التعاون"],
    }


def test_build_citations_quotes_the_best_sentence_exactly():
    hits = make_hits()
    evidence = make_evidence(hits)
    text, mapping = renumber("تضم الشبكة أكثر من مئة وخمسين مدينة [2]. وشارك ستون رئيس بلدية في القمة [1].")
    citations = build_citations(text, mapping, hits, evidence)
    assert [c.n for c in citations] == [1, 2]
    first, second = citations
    assert first.chunk_id == "c1" and "مئة وخمسين مدينة" in first.quote
    assert second.chunk_id == "c0" and "ستون رئيس بلدية" in second.quote
    for c in citations:
        chunk = hits[int(c.chunk_id[1])].chunk
        assert c.quote in chunk.text
        assert DOC[c.start : c.end] == c.quote
        assert c.document_id == "doc"


def test_build_citations_with_an_embedder_and_without_evidence():
    hits = make_hits()
    text, mapping = renumber("وناقش المشاركون التعاون بين الحكومات الوطنية والسلطات المحلية [1].")
    (citation,) = build_citations(text, mapping, hits, [], embedder=HashEmbedder())
    assert citation.quote == "وناقش المشاركون التعاون بين الحكومات الوطنية والسلطات المحلية."
    assert DOC[citation.start : citation.end] == citation.quote


def test_build_citations_ignores_evidence_that_does_not_slice_the_chunk():
    hits = make_hits()
    good = make_evidence(hits)
    mismatched = SentenceRecord("x", "c0", "doc", 30, 60, "نص لا يطابق موضعه في الوثيقة أبدًا.")
    wrong = [Evidence(mismatched, 0.9, 0.9, 0.9, 0.0, 0, hits[0])]
    text, mapping = renumber("نص لا يطابق موضعه في الوثيقة [1].")
    (citation,) = build_citations(text, mapping, hits, wrong + good)
    assert citation.quote in hits[0].chunk.text and DOC[citation.start : citation.end] == citation.quote


def test_build_citations_rejects_out_of_range_and_missing_markers():
    hits = make_hits()
    with pytest.raises(GenerationFailed) as out:
        build_citations(*renumber("جملة [1] وجملة [3]"), hits, make_evidence(hits))
    assert out.value.reason == "citation_out_of_range"
    with pytest.raises(GenerationFailed) as none:
        build_citations(*renumber("جملة بلا مصدر."), hits, make_evidence(hits))
    assert none.value.reason == "no_citations"
