"""Usage figures per answer, without text (``AnswerStats``): written with each answer, updated with each
user thumbs, and kept when retention deletes the answer — what /staff/insights aggregates.

Answers stored before these figures existed get theirs from ``backfill`` (latency unknown), which the
insights page and the retention purge run first, so no answer leaves the counts when it is purged.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assistant.store.models import AnswerRecord, AnswerStats, AnswerStatsDocument, FeedbackRecord
from assistant.text.language_mix import classify


def cited_documents(citations: Iterable[dict[str, Any]]) -> list[str]:
    """The distinct documents an answer cites, in citation order."""
    seen: list[str] = []
    for citation in citations or ():
        doc = citation.get("document_id") if isinstance(citation, dict) else None
        if doc and doc not in seen:
            seen.append(doc)
    return seen


def stats_rows(
    record: AnswerRecord, *, refusal_reason: str | None, latency_ms: float | None
) -> tuple[AnswerStats, list[AnswerStatsDocument]]:
    """The figures of a stored answer: its ``AnswerStats`` and one row per document it cites."""
    stats = AnswerStats(
        answer_id=record.id,
        created_at=record.created_at,
        refused=bool(record.refused),
        refusal_reason=(refusal_reason or None) if record.refused else None,
        latency_ms=latency_ms,
        language=classify(record.question),
        thumbs_up=0,
        thumbs_down=0,
    )
    documents = [
        AnswerStatsDocument(answer_id=record.id, document_id=doc[:200], created_at=record.created_at)
        for doc in cited_documents(record.citations)
    ]
    return stats, documents


def add_stats(session: Session, record: AnswerRecord, **figures) -> AnswerStats:
    stats, documents = stats_rows(record, **figures)
    session.add(stats)
    session.add_all(documents)
    return stats


def count_thumbs(session: Session, answer_id: str, rating: int) -> None:
    """A user's thumbs (1 or -1) on an answer, into its figures (created first for an older answer)."""
    stats = session.get(AnswerStats, answer_id)
    if stats is None:
        backfill(session, answer_ids=[answer_id])  # counts the feedback already flushed, this one included
        return
    if rating > 0:
        stats.thumbs_up += 1
    elif rating < 0:
        stats.thumbs_down += 1


def backfill(session: Session, answer_ids: Iterable[str] | None = None, batch: int = 500) -> int:
    """Create the figures of stored answers that have none (all, or the given ones); returns how many."""
    missing = select(AnswerRecord).where(AnswerRecord.id.not_in(select(AnswerStats.answer_id)))
    if answer_ids is not None:
        missing = missing.where(AnswerRecord.id.in_(list(answer_ids)))
    created = 0
    while True:
        records = session.scalars(missing.limit(batch)).all()
        if not records:
            return created
        ids = [r.id for r in records]
        thumbs = session.execute(
            select(FeedbackRecord.answer_id, FeedbackRecord.rating, func.count())
            .where(FeedbackRecord.answer_id.in_(ids), FeedbackRecord.source == "user")
            .group_by(FeedbackRecord.answer_id, FeedbackRecord.rating)
        ).all()
        for record in records:
            stats = add_stats(session, record, refusal_reason=None, latency_ms=None)
            for answer_id, rating, count in thumbs:
                if answer_id == record.id:
                    if rating > 0:
                        stats.thumbs_up += count
                    elif rating < 0:
                        stats.thumbs_down += count
        session.flush()
        created += len(records)
