"""Sentence-aware chunking with exact offsets and content-hash ids.

Rules:

- Chunks are greedy runs of whole sentences (from ``assistant.text.sentences.split_sentences``) whose text,
  ``text[first.start:last.end]`` with its inner whitespace and newlines, counts at most
  ``max_tokens - PASSAGE_PROMPT_TOKENS`` tokens: the ~3 tokens of the "passage: " prompt the embedder
  prepends are reserved so that prompt + chunk stays within ``max_tokens``.
- ``overlap_sentences`` trailing sentences of a chunk are repeated at the start of the next one (fewer
  when they would not leave room for at least one new sentence).
- A paragraph break (blank line) ends the chunk if the chunk is already at least half full, and a chunk
  does not end on a heading (a short one-line paragraph): it moves to the next chunk with its text.
- A heading the loader knows of (``section_starts``) always starts a chunk, without overlap from the
  previous section, so a chunk's heading path (:mod:`assistant.ingest.structure`) is its own.
- The one exception to "never cut a sentence": a sentence longer than the model's hard limit
  (``MODEL_MAX_TOKENS`` = 510, i.e. 512 positions minus <s> and </s>; 507 text tokens after the prompt
  reserve) is cut into pieces that fit, at clause boundaries («،», «؛», ";", ",") and, only when a
  clause alone is too long, at whitespace. A sentence longer than ``max_tokens`` but within the hard
  limit stays whole and forms an over-size chunk of its own.
- ``chunk.id`` is the first 32 hex chars of sha256(document_id + "\\x00" + chunk text), so unchanged text
  keeps its id; the k-th repeat (k ≥ 1) of an identical chunk text in one document hashes
  ``... + "\\x00" + str(k)`` instead.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable

from assistant.text.sentences import split_sentences
from assistant.types import Chunk

__all__ = ["chunk_text", "chunk_id", "MODEL_MAX_TOKENS", "PASSAGE_PROMPT_TOKENS"]

MODEL_MAX_TOKENS = 510  # e5: 512 positions minus <s> and </s>
PASSAGE_PROMPT_TOKENS = 3  # "passage: " in the XLM-R tokenizer
HEADING_MAX_TOKENS = 24

_CLAUSE_RE = re.compile(r"[،؛;,](?=\s)")
_WORD_RE = re.compile(r"\S+")

Span = tuple[int, int]


def chunk_text(
    document_id: str,
    text: str,
    count_tokens: Callable[[str], int],
    *,
    max_tokens: int,
    overlap_sentences: int,
    section_starts: frozenset[int] = frozenset(),
) -> list[Chunk]:
    """Pack the sentences of ``text`` into chunks; ``chunk.text == text[chunk.start:chunk.end]``.

    A sentence starting at one of ``section_starts`` (the offsets of heading lines) always starts
    a new chunk, and no sentence of the previous section is repeated before it."""
    hard = MODEL_MAX_TOKENS - PASSAGE_PROMPT_TOKENS
    budget = max(1, min(max_tokens, MODEL_MAX_TOKENS) - PASSAGE_PROMPT_TOKENS)
    units: list[Span] = []
    for s in split_sentences(text):
        if count_tokens(s.text) > hard:
            units.extend(_split_long(text, (s.start, s.end), count_tokens, hard))
        else:
            units.append((s.start, s.end))
    counts = [count_tokens(text[a:b]) for a, b in units]
    para = [i > 0 and text.count("\n", units[i - 1][1], units[i][0]) >= 2 for i in range(len(units))]
    heading = [
        para[i] and (i + 1 == len(units) or para[i + 1]) and counts[i] <= HEADING_MAX_TOKENS
        for i in range(len(units))
    ]
    section = [i > 0 and units[i][0] in section_starts for i in range(len(units))]

    def exact(a: int, b: int) -> int:  # tokens of units[a:b] as one span of text
        return count_tokens(text[units[a][0] : units[b - 1][1]])

    spans: list[Span] = []  # unit index ranges [a, b)
    start, fresh = 0, 0  # chunk's first unit; first unit not already in the previous chunk
    while fresh < len(units):
        end, total = fresh + 1, sum(counts[start : fresh + 1])
        while end < len(units):
            if section[end] or (para[end] and total >= budget / 2):
                break
            if total + counts[end] > budget:
                break
            total += counts[end]
            end += 1
        while end - fresh > 1 and exact(start, end) > budget:  # count_tokens need not be additive
            end -= 1
        if end < len(units) and end - fresh > 1 and heading[end - 1]:
            end -= 1
        spans.append((start, end))
        fresh = end
        start = max(end - max(overlap_sentences, 0), spans[-1][0] + 1)
        while start < end and sum(counts[start : end + 1]) > budget:
            start += 1
        if end < len(units) and section[end]:
            start = end

    chunks: list[Chunk] = []
    seen: dict[str, int] = {}
    for position, (a, b) in enumerate(spans):
        lo, hi = units[a][0], units[b - 1][1]
        body = text[lo:hi]
        k = seen.get(body, 0)
        seen[body] = k + 1
        chunks.append(Chunk(chunk_id(document_id, body, k), document_id, position, lo, hi, body))
    return chunks


def chunk_id(document_id: str, text: str, occurrence: int = 0) -> str:
    payload = f"{document_id}\x00{text}" + (f"\x00{occurrence}" if occurrence else "")
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]


def _split_long(text: str, span: Span, count_tokens: Callable[[str], int], limit: int) -> list[Span]:
    """Cut an over-long sentence into pieces of at most ``limit`` tokens, at clauses, then words."""
    start, end = span
    clauses, prev = [], start
    for m in _CLAUSE_RE.finditer(text, start, end):
        clauses.append((prev, m.end()))
        prev = m.end()
    clauses.append((prev, end))
    parts: list[Span] = []
    for a, b in clauses:
        a, b = _strip(text, a, b)
        if a >= b:
            continue
        if count_tokens(text[a:b]) <= limit:
            parts.append((a, b))
        else:  # last resort: words
            parts.extend(m.span() for m in _WORD_RE.finditer(text, a, b))
    return _pack(text, parts, count_tokens, limit)


def _pack(text: str, parts: list[Span], count_tokens: Callable[[str], int], limit: int) -> list[Span]:
    pieces: list[Span] = []
    for a, b in parts:
        if pieces and count_tokens(text[pieces[-1][0] : b]) <= limit:
            pieces[-1] = (pieces[-1][0], b)
        else:
            pieces.append((a, b))  # a single word over the limit stays whole (the model truncates it)
    return pieces


def _strip(text: str, a: int, b: int) -> Span:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b
