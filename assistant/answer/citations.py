"""Citation markers in an LLM answer: parse, renumber, validate, and quote the supporting sentences.

The model cites passage n of the prompt as ``[n]`` (also ``[1][2]``, ``[1, 2]``, ``[١]``). The
answer shown to users numbers its citations 1..m in order of first appearance, so markers are
rewritten as they stream (``MarkerRenumberer``) and the final text always matches the citation
list. Each citation quotes the sentence of its chunk that best supports the claim citing it: an
exact substring of the chunk text with its document offsets.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from assistant.answer.base import GenerationFailed
from assistant.answer.evidence import Evidence, is_quotable
from assistant.embedding import Embedder
from assistant.ingest.indexer import sentence_records
from assistant.store.chroma_store import ChromaStore, SentenceRecord
from assistant.text.arabic import bm25_tokens
from assistant.types import Chunk, Citation, Hit

_DIGITS = "0-9\u0660-\u0669\u06f0-\u06f9"
MARKER = re.compile(rf"\[\s*([{_DIGITS}]+(?:\s*[,،]\s*[{_DIGITS}]+)*)\s*\]")
_NUMBER = re.compile(rf"[{_DIGITS}]+")
# A marker that may still be completed by the next delta: "[", "[1", "[1, ".
_OPEN_MARKER = re.compile(rf"\[[\s{_DIGITS},،]*\Z")
_MAX_OPEN = 24  # longer than this, an unclosed "[…" is text, not a marker
_TERMINATORS = ".!?؟؛…\n"
_GLUE = " \t,،"  # what may separate two adjacent marker groups that cite the same claim


_DIGIT_TABLE = {0x0660 + i: str(i) for i in range(10)} | {0x06F0 + i: str(i) for i in range(10)}


def to_int(digits: str) -> int:
    """ASCII, Arabic-Indic (٠-٩) or extended Arabic-Indic (۰-۹) digits."""
    return int(digits.translate(_DIGIT_TABLE))


def marker_numbers(group: str) -> list[int]:
    """The passage numbers in one marker's inner text, in order, without repeats."""
    out: list[int] = []
    for digits in _NUMBER.findall(group):
        n = to_int(digits)
        if n not in out:
            out.append(n)
    return out


def cited_numbers(text: str) -> list[int]:
    """Every cited number in order of first appearance."""
    out: list[int] = []
    for match in MARKER.finditer(text):
        for n in marker_numbers(match.group(1)):
            if n not in out:
                out.append(n)
    return out


class MarkerRenumberer:
    """Rewrites markers incrementally: the first passage cited becomes [1], the next new one [2]…

    ``feed`` returns the text that is final so far (it holds back a possibly unfinished marker and
    trailing whitespace); ``flush`` returns the rest. The concatenation of everything returned is
    ``text``. ``mapping`` maps the model's passage number to the answer's citation number.
    """

    def __init__(self) -> None:
        self.mapping: dict[int, int] = {}
        self.text = ""
        self._buffer = ""

    def _rewrite(self, match: re.Match[str]) -> str:
        numbers = [self.mapping.setdefault(n, len(self.mapping) + 1) for n in marker_numbers(match.group(1))]
        return "".join(f"[{n}]" for n in sorted(numbers))

    def _emit(self, piece: str) -> str:
        if not self.text:
            piece = piece.lstrip()
        out = MARKER.sub(self._rewrite, piece)
        self.text += out
        return out

    def feed(self, delta: str) -> str:
        self._buffer += delta
        cut = len(self._buffer.rstrip())
        open_marker = _OPEN_MARKER.search(self._buffer[:cut])
        if open_marker and cut - open_marker.start() <= _MAX_OPEN:
            cut = open_marker.start()
        return self._hold(cut)

    def _hold(self, cut: int) -> str:
        ready, self._buffer = self._buffer[:cut], self._buffer[cut:]
        return self._emit(ready) if ready else ""

    def flush(self) -> str:
        rest, self._buffer = self._buffer.rstrip(), ""
        return self._emit(rest) if rest else ""


def renumber(text: str) -> tuple[str, dict[int, int]]:
    """(text with markers renumbered by first appearance and stripped, old → new numbers)."""
    renumberer = MarkerRenumberer()
    renumberer.feed(text)
    renumberer.flush()
    return renumberer.text, renumberer.mapping


def validate(mapping: dict[int, int], k: int) -> None:
    """The model cited something, and only passages 1..k."""
    if not mapping:
        raise GenerationFailed("no_citations", "the answer cites no passage")
    bad = sorted(n for n in mapping if not 1 <= n <= k)
    if bad:
        raise GenerationFailed("citation_out_of_range", f"cited {bad[:5]} with {k} passages")


def claims(text: str) -> dict[int, list[str]]:
    """For each citation number, the claims citing it: the text of the sentence the marker closes.

    Adjacent markers ("… [1][2]", "… [1]، [2]") share their claim."""
    out: dict[int, list[str]] = {}
    previous_end = 0
    claim = ""
    for match in MARKER.finditer(text):
        between = text[previous_end : match.start()]
        if not between.strip(_GLUE) and previous_end:
            pass  # the same claim as the previous marker
        else:
            body = between.rstrip().rstrip(_TERMINATORS).rstrip()
            cut = max(body.rfind(c) for c in _TERMINATORS)
            claim = body[cut + 1 :].strip(_GLUE + "\n") or between.strip(_GLUE + "\n")
        for n in marker_numbers(match.group(1)):
            out.setdefault(n, []).append(claim)
        previous_end = match.end()
    return out


@dataclass(frozen=True)
class Candidate:
    record: SentenceRecord
    vector: np.ndarray | None = None
    prior: float = 0.0  # cosine to the question (tie-break)


def in_chunk(record: SentenceRecord, chunk: Chunk) -> bool:
    """The record's document offsets fall inside the chunk and slice exactly its text."""
    if record.document_id != chunk.document_id or not chunk.start <= record.start < record.end <= chunk.end:
        return False
    return chunk.text[record.start - chunk.start : record.end - chunk.start] == record.text


def candidates(
    chunk: Chunk, evidence: Sequence[Evidence], stored: Sequence[tuple[SentenceRecord, np.ndarray]]
) -> list[Candidate]:
    """Quotable sentences of ``chunk`` (all of its sentences when none is quotable).

    ``stored``: the chunk's sentence records and vectors from the store; without them the evidence
    sentences that lie in the chunk (evidence is deduplicated across overlapping chunks, so it is
    matched by span, not by chunk id), and failing those the chunk's own sentences."""
    prior = {(e.sentence.document_id, e.sentence.start): e.cosine for e in evidence}
    found = [
        Candidate(record, vector, prior.get((record.document_id, record.start), 0.0))
        for record, vector in stored
    ]
    if not found:
        seen: set[int] = set()
        for e in evidence:
            if e.sentence.start not in seen and in_chunk(e.sentence, chunk):
                seen.add(e.sentence.start)
                found.append(Candidate(e.sentence, None, e.cosine))
    if not found:
        found.extend(Candidate(record) for record in sentence_records(chunk))
    found = [c for c in found if in_chunk(c.record, chunk)]
    quotable = [c for c in found if is_quotable(c.record.text)]
    return quotable or found


def overlap(claim_tokens: set[str], sentence: str) -> float:
    """Set cosine of the normalised, stemmed tokens."""
    tokens = set(bm25_tokens(sentence))
    if not claim_tokens or not tokens:
        return 0.0
    return len(claim_tokens & tokens) / float(np.sqrt(len(claim_tokens) * len(tokens)))


def best_sentence(
    texts: Sequence[str], found: Sequence[Candidate], embedder: Embedder | None
) -> tuple[Candidate, float]:
    """The candidate that best supports any of the claims ``texts``, with its similarity."""
    if embedder is not None:
        claim_vectors = embedder.embed_queries(list(texts))
        missing = [i for i, c in enumerate(found) if c.vector is None]
        embedded = {}
        if missing:
            texts_missing = [found[i].record.text for i in missing]
            embedded = dict(zip(missing, embedder.embed_passages(texts_missing), strict=True))
        vectors = np.asarray([embedded.get(i, c.vector) for i, c in enumerate(found)], dtype=np.float32)
        scores = (vectors @ np.asarray(claim_vectors, dtype=np.float32).T).max(axis=1)
    else:
        token_sets = [set(bm25_tokens(t)) for t in texts]
        scores = np.asarray([max(overlap(ts, c.record.text) for ts in token_sets) for c in found])
    best = max(range(len(found)), key=lambda i: (float(scores[i]), found[i].prior, -found[i].record.start))
    return found[best], float(scores[best])


def build_citations(
    text: str,
    mapping: dict[int, int],
    hits: Sequence[Hit],
    evidence: Sequence[Evidence],
    *,
    store: ChromaStore | None = None,
    embedder: Embedder | None = None,
) -> list[Citation]:
    """One citation per cited passage, numbered as in ``text`` (already renumbered by ``mapping``)."""
    validate(mapping, len(hits))
    by_number = claims(text)
    stored: dict[str, list[tuple[SentenceRecord, np.ndarray]]] = {}
    if store is not None:  # one fetch for every cited passage
        for record, vector in store.sentences_of([hits[old - 1].chunk.id for old in mapping]):
            stored.setdefault(record.chunk_id, []).append((record, vector))
    citations: list[Citation] = []
    for old, new in sorted(mapping.items(), key=lambda item: item[1]):
        chunk = hits[old - 1].chunk
        found = candidates(chunk, evidence, stored.get(chunk.id, []))
        if not found:
            raise GenerationFailed("citation_unverifiable", f"passage {old} has no sentence to quote")
        texts = [c for c in by_number.get(new, []) if c] or [text]
        chosen, score = best_sentence(texts, found, embedder)
        record = chosen.record
        quote = chunk.text[record.start - chunk.start : record.end - chunk.start]
        if quote != record.text:  # candidates() checked it already; never quote a mismatched span
            raise GenerationFailed("citation_unverifiable", f"quote of passage {old} is not in its chunk")
        citations.append(
            Citation(
                n=new,
                document_id=chunk.document_id,
                title="",  # filled in by the service from the document catalogue
                quote=quote,
                chunk_id=chunk.id,
                score=round(score, 4),
                start=record.start,
                end=record.end,
                page=chunk.page_at(record.start),
            )
        )
    return citations
