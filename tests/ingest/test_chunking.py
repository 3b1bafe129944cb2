"""Sentence-aware chunking: offsets, sizes, overlap, paragraph preference, ids."""

from __future__ import annotations

import hashlib
import random
from pathlib import Path

import pytest

from assistant.ingest.chunking import MODEL_MAX_TOKENS, PASSAGE_PROMPT_TOKENS, chunk_text
from assistant.text.arabic import split_sentences

DOCUMENTS = Path(__file__).resolve().parents[2] / "documents"
CORPUS = sorted(DOCUMENTS.glob("*.txt"))
HARD = MODEL_MAX_TOKENS - PASSAGE_PROMPT_TOKENS


def words(text: str) -> int:
    return len(text.split())


def chunk(text, max_tokens=40, overlap=1, doc="doc"):
    return chunk_text(doc, text, words, max_tokens=max_tokens, overlap_sentences=overlap)


def sentence(i: int, n: int = 6) -> str:
    return " ".join(f"كلمة{i}_{j}" for j in range(n - 1)) + f" نهاية{i}."


def check_invariants(text, chunks, max_tokens):
    sentences = split_sentences(text)
    assert [c.position for c in chunks] == list(range(len(chunks)))
    for c in chunks:
        assert c.text == text[c.start : c.end]
        assert c.text == c.text.strip() and c.text
        inside = [s for s in sentences if c.start <= s.start and s.end <= c.end]
        if words(c.text) > max_tokens - PASSAGE_PROMPT_TOKENS:  # only a lone (piece of a) sentence
            assert len(inside) <= 1
            own = max(words(s.text) for s in sentences if s.start <= c.start < s.end)
            assert words(c.text) <= max(HARD, own)
        # chunks never cut a sentence that fits the hard limit
        for s in sentences:
            if words(s.text) <= HARD:
                assert not (s.start < c.start < s.end) and not (s.start < c.end < s.end)
    for s in sentences:  # coverage
        assert any(c.start <= s.start and s.end <= c.end for c in chunks) or words(s.text) > HARD
    assert [c.start for c in chunks] == sorted(c.start for c in chunks)


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.stem)
@pytest.mark.parametrize("max_tokens,overlap", [(20, 0), (40, 1), (64, 2), (200, 1), (512, 0)])
def test_corpus_invariants(path, max_tokens, overlap):
    text = path.read_text(encoding="utf-8")
    chunks = chunk_text(path.stem, text, words, max_tokens=max_tokens, overlap_sentences=overlap)
    assert chunks
    check_invariants(text, chunks, max_tokens)
    if overlap == 0:
        assert all(a.end < b.start for a, b in zip(chunks, chunks[1:], strict=False))


def test_randomised_documents_keep_invariants():
    rng = random.Random(1234)
    pool = [s.text for p in CORPUS for s in split_sentences(p.read_text(encoding="utf-8"))]
    separators = [" ", "  ", "\n", "\n\n", " \n\n\t", "\r\n"]
    for _ in range(60):
        text = "".join(rng.choice(pool) + rng.choice(separators) for _ in range(rng.randint(1, 30)))
        max_tokens = rng.choice([8, 16, 32, 64, 128])
        chunks = chunk(text, max_tokens=max_tokens, overlap=rng.randint(0, 3))
        check_invariants(text, chunks, max_tokens)


def test_greedy_packing_and_budget_reserves_prompt():
    text = " ".join(sentence(i) for i in range(10))  # 10 sentences of 6 words
    chunks = chunk(text, max_tokens=21, overlap=0)  # budget 18 → 3 sentences per chunk
    assert [words(c.text) for c in chunks] == [18, 18, 18, 6]


def test_overlap_repeats_last_sentences():
    text = " ".join(sentence(i) for i in range(10))
    chunks = chunk(text, max_tokens=27, overlap=1)  # budget 24 → 4 sentences
    for a, b in zip(chunks, chunks[1:], strict=False):
        last = split_sentences(a.text)[-1].text
        assert split_sentences(b.text)[0].text == last
        assert b.start == a.start + a.text.rindex(last)
    two = chunk(text, max_tokens=27, overlap=2)
    head = [s.text for s in split_sentences(two[1].text)[:2]]
    assert head == [s.text for s in split_sentences(two[0].text)[-2:]]


def test_overlap_never_stalls():
    text = " ".join(sentence(i) for i in range(6))
    chunks = chunk(text, max_tokens=9, overlap=3)  # one sentence per chunk: nothing to overlap
    assert len(chunks) == 6


def test_paragraph_boundary_preferred_when_half_full():
    para1 = " ".join(sentence(i) for i in range(3))  # 18 words
    para2 = " ".join(sentence(i) for i in range(3, 6))
    chunks = chunk(para1 + "\n\n" + para2, max_tokens=33, overlap=0)  # budget 30, 18 ≥ 15
    assert [c.text for c in chunks] == [para1, para2]
    small = " ".join(sentence(i) for i in range(2))  # 12 < 15: keeps filling across the break
    chunks = chunk(small + "\n\n" + para2, max_tokens=33, overlap=0)
    assert chunks[0].text.startswith(small + "\n\n")


def test_chunk_does_not_end_on_heading():
    body1 = " ".join(sentence(i) for i in range(3))
    body2 = " ".join(sentence(i) for i in range(3, 5))
    text = f"{body1}\n\nعنوان القسم الثاني؟\n\n{body2}"
    chunks = chunk(text, max_tokens=25, overlap=0)  # budget 22: body1 (18) + heading (3) would fit
    assert chunks[0].text == body1
    assert chunks[1].text.startswith("عنوان القسم الثاني؟")


def test_single_newlines_stay_inside_chunk():
    text = "المبادئ:\n1. الأول هنا.\n2. الثاني هنا."
    (only,) = chunk(text, max_tokens=50)
    assert only.text == text and (only.start, only.end) == (0, len(text))


def test_oversize_sentence_within_hard_limit_stays_whole():
    long = " ".join(["كلمة"] * 60) + "."
    text = f"{sentence(0)} {long} {sentence(1)}"
    chunks = chunk(text, max_tokens=23, overlap=1)
    assert long in [c.text for c in chunks]


def test_sentence_over_hard_limit_split_at_clauses():
    clause = " ".join(["كلمة"] * 99) + " نهاية،"
    long = " ".join([clause] * 7)[:-1] + "."  # 700 words in 7 clauses
    text = f"{sentence(0)}\n{long}\n{sentence(1)}"
    chunks = chunk(text, max_tokens=512, overlap=0)
    assert all(words(c.text) <= HARD for c in chunks)
    assert all(c.text == text[c.start : c.end] for c in chunks)
    assert len(chunks) == 2
    assert chunks[0].text.endswith("،")  # cut right after a clause comma
    assert words(chunks[0].text) == 6 + 500  # sentence 0 packed with the first 5 clauses
    covered = " ".join(c.text for c in chunks)
    assert covered.split() == text.split()


def test_sentence_over_hard_limit_without_clauses_split_at_whitespace():
    long = " ".join(f"w{i}" for i in range(1200)) + "."
    chunks = chunk(long, max_tokens=128, overlap=1)
    assert len(chunks) == 3
    assert all(words(c.text) <= HARD for c in chunks)
    assert " ".join(c.text for c in chunks) == long


def test_ids_are_content_hashes():
    text = (DOCUMENTS / "about-scn.txt").read_text(encoding="utf-8")
    first = chunk(text, max_tokens=64, doc="about-scn")
    again = chunk(text, max_tokens=64, doc="about-scn")
    assert [c.id for c in first] == [c.id for c in again]
    c = first[0]
    assert c.id == hashlib.sha256(f"about-scn\x00{c.text}".encode()).hexdigest()[:32]
    assert len({c.id for c in first}) == len(first)
    assert {c.id for c in chunk(text, max_tokens=64, doc="other")}.isdisjoint(c.id for c in first)


def test_ids_change_only_where_text_changes():
    text = (DOCUMENTS / "about-scn.txt").read_text(encoding="utf-8")
    before = chunk(text, max_tokens=64, overlap=0)
    target = "الانضمام إلى الشبكة مجانيّ."
    edited = text.replace(target, "الانضمام إلى الشبكة مجاني تماماً.")
    after = chunk(edited, max_tokens=64, overlap=0)
    changed = {c.id for c in before} - {c.id for c in after}
    assert len(changed) == 1
    assert target in next(c.text for c in before if c.id in changed)


def test_identical_chunks_get_distinct_deterministic_ids():
    para = " ".join(sentence(i) for i in range(3))
    text = "\n\n".join([para] * 3)
    chunks = chunk(text, max_tokens=21, overlap=0)
    assert [c.text for c in chunks] == [para] * 3
    assert len({c.id for c in chunks}) == 3
    assert chunks[0].id == hashlib.sha256(f"doc\x00{para}".encode()).hexdigest()[:32]
    assert [c.id for c in chunk(text, max_tokens=21, overlap=0)] == [c.id for c in chunks]


def test_empty_document():
    assert chunk("") == []
    assert chunk("\n \n") == []
