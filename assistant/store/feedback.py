"""User feedback on answers (thumbs up/down with an optional reason and comment)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from assistant.errors import InvalidRequest, NotFound
from assistant.store.models import AnswerRecord, FeedbackRecord
from assistant.store.usage import count_thumbs

REASONS = ("wrong", "incomplete", "no_source", "other")
MAX_COMMENT_CHARS = 2000


def insert_feedback(sessions: sessionmaker, answer_id: str, **fields) -> str:
    """Store one judgement of an existing answer (user thumbs or staff review); returns its id."""
    with sessions.begin() as session:
        if session.get(AnswerRecord, answer_id) is None:
            raise NotFound(f"Unknown answer_id '{answer_id[:64]}'.")
        record = FeedbackRecord(answer_id=answer_id, **fields)
        session.add(record)
        session.flush()
        if record.source == "user":  # thumbs count in the usage figures (staff reviews do not)
            count_thumbs(session, answer_id, record.rating)
        return record.id


class FeedbackStore:
    def __init__(self, sessions: sessionmaker):
        self.sessions = sessions

    def add(
        self,
        answer_id: str,
        rating: int,
        reason: str | None = None,
        comment: str | None = None,
        *,
        source: str = "user",
        origin: str | None = None,
    ) -> str:
        if rating not in (1, -1):
            raise InvalidRequest("rating must be 1 (thumbs up) or -1 (thumbs down).")
        if reason is not None and reason not in REASONS:
            raise InvalidRequest(f"reason must be one of {', '.join(REASONS)}, or null.")
        comment = (comment or "").strip() or None
        if comment and len(comment) > MAX_COMMENT_CHARS:
            raise InvalidRequest(
                f"comment is {len(comment)} characters long; the limit is {MAX_COMMENT_CHARS}."
            )
        return insert_feedback(
            self.sessions,
            answer_id,
            rating=rating,
            reason=reason,
            comment=comment,
            source=source,
            origin=origin,
        )

    def for_answer(self, answer_id: str) -> list[FeedbackRecord]:
        with self.sessions() as session:
            return list(
                session.scalars(
                    select(FeedbackRecord)
                    .where(FeedbackRecord.answer_id == answer_id)
                    .order_by(FeedbackRecord.created_at)
                )
            )
