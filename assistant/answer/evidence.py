"""Score the sentences of the retrieved chunks against the question.

The evidence step is shared by every generator: it decides whether the documents support an
answer at all (refusal is retrieval-driven, no generator is called on weak evidence) and which
sentences are the best-supported quotes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from assistant.store.chroma_store import ChromaStore, SentenceRecord
from assistant.types import Hit

MIN_ANSWER_WORDS = 4  # fragments shorter than this are never quoted as answers
HEADING_MAX_WORDS = 12  # a line this short without closing punctuation is a heading or title
CLOSING = (".", "!", "…", "”", '"', "»", ")", ":", "؛")


@dataclass(frozen=True)
class Evidence:
    sentence: SentenceRecord
    score: float  # cosine(query, sentence)
    hit_rank: int  # rank of the chunk the sentence came from (0 = best)
    hit: Hit


def is_quotable(text: str) -> bool:
    """A sentence can stand as an answer: long enough, not itself a question (FAQ headings) and
    not a title or heading (a short line without closing punctuation)."""
    stripped = text.strip()
    words = len(stripped.split())
    if words < MIN_ANSWER_WORDS or stripped.endswith(("؟", "?")):
        return False
    return words > HEADING_MAX_WORDS or stripped.endswith(CLOSING)


def score_evidence(query_vector: np.ndarray, hits: list[Hit], store: ChromaStore) -> list[Evidence]:
    """Quotable sentences of ``hits``, deduplicated across overlapping chunks, best first."""
    if not hits:
        return []
    rank_of = {h.chunk.id: i for i, h in enumerate(hits)}
    hit_of = {h.chunk.id: h for h in hits}
    best: dict[tuple[str, int], Evidence] = {}
    for record, vector in store.sentences_of(list(rank_of)):
        if not is_quotable(record.text):
            continue
        score = float(np.dot(query_vector, vector))
        key = (record.document_id, record.start)
        candidate = Evidence(record, score, rank_of[record.chunk_id], hit_of[record.chunk_id])
        current = best.get(key)
        if current is None or candidate.hit_rank < current.hit_rank:
            best[key] = candidate
    return sorted(best.values(), key=lambda e: (-e.score, e.hit_rank, e.sentence.start))


def confidence(evidence: list[Evidence]) -> float:
    return evidence[0].score if evidence else 0.0
