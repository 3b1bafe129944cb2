"""Score the sentences of the retrieved chunks against the question.

The evidence step is shared by every generator: it decides whether the documents support an
answer at all (refusal is retrieval-driven, no generator is called on weak evidence) and which
sentences are the best-supported quotes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from assistant.store.chroma_store import ChromaStore, SentenceRecord
from assistant.text.arabic import bm25_tokens
from assistant.types import Hit

if TYPE_CHECKING:
    from assistant.reader.runtime import Reading

MIN_ANSWER_WORDS = 4  # fragments shorter than this are never quoted as answers
_ARABIC = re.compile("[\u0600-\u06ff]")
HEADING_MAX_WORDS = 25  # a line this short without closing punctuation is a heading or title
CLOSING = (".", "!", "…", "”", '"', "»", ")", ":", "؛")


@dataclass(frozen=True)
class Evidence:
    sentence: SentenceRecord
    score: float  # relevance + rank prior of its chunk: the order in which sentences are quoted
    relevance: float  # cosine + lexical_weight * overlap: how well the sentence supports an answer
    cosine: float  # cosine(query, sentence)
    overlap: float  # idf-weighted share of the query's terms that the sentence contains
    hit_rank: int  # rank of the chunk the sentence came from (0 = best)
    hit: Hit
    reading: Reading | None = None  # the reader's relevance, answerability and span (reader on)


def term_overlap(weights: dict[str, float], sentence: str) -> float:
    total = sum(weights.values())
    if total <= 0:
        return 0.0
    present = set(bm25_tokens(sentence))
    return sum(w for t, w in weights.items() if t in present) / total


def is_quotable(text: str) -> bool:
    """A sentence can stand as an answer: long enough, not itself a question (FAQ headings) and
    not a title or heading (a short line without closing punctuation)."""
    stripped = text.strip()
    words = len(stripped.split())
    if words < MIN_ANSWER_WORDS or stripped.endswith(("؟", "?")):
        return False
    return words > HEADING_MAX_WORDS or stripped.endswith(CLOSING)


def score_evidence(
    query_vector: np.ndarray,
    hits: list[Hit],
    store: ChromaStore,
    *,
    query_weights: dict[str, float] | None = None,
    lexical_weight: float = 0.0,
    rank_prior: float = 0.0,
) -> list[Evidence]:
    """Quotable sentences of ``hits``, deduplicated across overlapping chunks, best first.

    relevance = cosine + lexical_weight · (idf-weighted share of the question's terms in the
    sentence); score = relevance + rank_prior / (1 + rank of the sentence's chunk), so sentences
    of the chunks hybrid retrieval trusts most are preferred. Both weights were chosen on
    evalsets/calibration.jsonl (benchmarks/compose.py, docs/evaluation.md)."""
    if not hits:
        return []
    rank_of = {h.chunk.id: i for i, h in enumerate(hits)}
    hit_of = {h.chunk.id: h for h in hits}
    best: dict[tuple[str, int], Evidence] = {}
    for record, vector in store.sentences_of(list(rank_of)):
        if not is_quotable(record.text):
            continue
        cosine = float(np.dot(query_vector, vector))
        overlap = term_overlap(query_weights, record.text) if query_weights else 0.0
        relevance = cosine + lexical_weight * overlap
        rank = rank_of[record.chunk_id]
        key = (record.document_id, record.start)
        candidate = Evidence(
            record,
            relevance + rank_prior / (1 + rank),
            relevance,
            cosine,
            overlap,
            rank,
            hit_of[record.chunk_id],
        )
        current = best.get(key)
        if current is None or candidate.hit_rank < current.hit_rank:
            best[key] = candidate
    return sorted(best.values(), key=lambda e: (-e.score, e.hit_rank, e.sentence.start))


def confidence(evidence: list[Evidence]) -> float:
    """The best sentence relevance (the rank prior orders quotes; it is not evidence)."""
    return max((e.relevance for e in evidence), default=0.0)


def unknown_term_share(weights: dict[str, float], known: Callable[[str], bool]) -> float:
    """Idf-weighted share of the question's Arabic terms that occur nowhere in the corpus.

    A question about something the documents never name (fees, budget, staff numbers) tends to
    carry such terms. Latin-script terms are left out: the corpus is Arabic, so an English
    question's words are all "unknown" without that saying anything about coverage."""
    arabic = {t: w for t, w in weights.items() if _ARABIC.search(t)}
    total = sum(arabic.values())
    if total <= 0:
        return 0.0
    return sum(w for t, w in arabic.items() if not known(t)) / total


def support(evidence: list[Evidence], unknown_share: float, unknown_penalty: float) -> float:
    """The score the refusal threshold is compared with (docs/evaluation.md)."""
    return confidence(evidence) - unknown_penalty * unknown_share
