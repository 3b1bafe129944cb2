"""Rerank with the reader: the best evidence sentences by cosine are read, then ordered by what the
reader says, and the chunks follow their best sentence.

- ``read_evidence``: the first ``candidates`` evidence sentences (cosine + lexical order) are read
  in one batch; they come first, by answerability, then relevance; unread sentences follow in
  their old order.
- ``rerank_hits``: a chunk's score is the best (answerability + relevance) / 2 of its read
  sentences; chunks without a read sentence keep their fused order after the others.
"""

from __future__ import annotations

from dataclasses import replace

from assistant.answer.evidence import Evidence
from assistant.types import Hit


def read_evidence(reader, question_states, evidence: list[Evidence], candidates: int) -> list[Evidence]:
    head, tail = evidence[:candidates], evidence[candidates:]
    readings = reader.read(question_states, [e.sentence for e in head])
    read = [replace(e, reading=r) for e, r in zip(head, readings, strict=True)]
    read.sort(key=lambda e: (-e.reading.answerability, -e.reading.relevance, e.hit_rank))
    return read + tail


def chunk_score(item: Evidence) -> float:
    return (item.reading.answerability + item.reading.relevance) / 2 if item.reading else -1.0


def rerank_hits(hits: list[Hit], evidence: list[Evidence]) -> list[Hit]:
    best: dict[str, float] = {}
    for item in evidence:
        if item.reading is not None:
            cid = item.hit.chunk.id
            best[cid] = max(best.get(cid, -1.0), chunk_score(item))
    order = sorted(range(len(hits)), key=lambda i: (-best.get(hits[i].chunk.id, -1.0), i))
    return [hits[i] for i in order]


def chunk_cosines(hits: list[Hit]) -> dict[str, float]:
    """e5 cosine of each hit's chunk; a chunk only lexical retrieval found gets the lowest dense
    score of the hits (it was not among the dense candidates, so it scored below all of them)."""
    dense = [h.dense_score for h in hits if h.dense_score is not None]
    floor = min(dense, default=0.0)
    return {h.chunk.id: h.dense_score if h.dense_score is not None else floor for h in hits}


def read_features(
    reader, question: str, evidence: list[Evidence], hits: list[Hit], idf, known, limit: int
) -> tuple[list[Evidence], float]:
    """The feature reader's order of the first ``limit`` evidence sentences (by the probability
    that each holds the answer) and the question's answerability; unread sentences follow."""
    from assistant.reader.features import Candidate
    from assistant.reader.readings import Reading

    head, tail = evidence[:limit], evidence[limit:]
    if not head:
        return evidence, 0.0
    cosines = chunk_cosines(hits)
    candidates = [
        Candidate(
            text=e.sentence.text,
            cosine=e.cosine,
            chunk_cosine=cosines.get(e.hit.chunk.id, e.cosine),
            chunk_rank=e.hit_rank,
            position=0 if e.sentence.start <= e.hit.chunk.start else 1,
        )
        for e in head
    ]
    reading = reader.read(question, candidates, idf, known)
    read = [
        replace(e, reading=Reading(float(p), float(p), None, 0.0))
        for e, p in zip(head, reading.relevance, strict=True)
    ]
    read.sort(key=lambda e: (-e.reading.relevance, e.hit_rank))
    return read + tail, reading.answerability
