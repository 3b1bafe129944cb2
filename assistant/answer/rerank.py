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
