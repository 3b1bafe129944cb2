"""Privacy retention: delete conversations, messages and answers older than N days.

What goes with an old answer: its messages, its user feedback and staff reviews, and what was
derived from its text — a newer follow-up in the same conversation keeps its own question, but its
standalone rewrite (which quotes or carries terms of the earlier questions) is replaced by that
question. Evaluation dataset rows promoted from it stay (they were curated by staff) but lose the
link to it. Its usage figures (``AnswerStats``: counts, latency, language, cited documents — no text)
stay, so /staff/insights keeps its aggregates for the purged period.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import sessionmaker

from assistant.errors import InvalidRequest
from assistant.store.models import AnswerRecord, Conversation, EvalRowRecord, FeedbackRecord, Message, utcnow
from assistant.store.usage import backfill

log = logging.getLogger(__name__)


def purge_older_than(sessions: sessionmaker, days: int) -> dict[str, int]:
    if days < 1:
        raise InvalidRequest("Retention must be at least 1 day.")
    cutoff = utcnow() - timedelta(days=days)
    with sessions.begin() as session:
        backfill(session)  # every answer's figures exist before its text goes (store/usage.py)
        old_answers = select(AnswerRecord.id).where(AnswerRecord.created_at < cutoff)
        touched = select(AnswerRecord.conversation_id).where(AnswerRecord.created_at < cutoff)
        rewrites = session.execute(
            update(AnswerRecord)
            .where(
                AnswerRecord.created_at >= cutoff,
                AnswerRecord.conversation_id.in_(touched),
                AnswerRecord.standalone_question != AnswerRecord.question,
            )
            .values(standalone_question=AnswerRecord.question)
        ).rowcount
        session.execute(
            update(EvalRowRecord)
            .where(EvalRowRecord.source_answer_id.in_(old_answers))
            .values(source_answer_id=None)
        )
        feedback = session.execute(
            delete(FeedbackRecord).where(FeedbackRecord.answer_id.in_(old_answers))
        ).rowcount
        messages = session.execute(
            delete(Message).where((Message.created_at < cutoff) | Message.answer_id.in_(old_answers))
        ).rowcount
        answers = session.execute(delete(AnswerRecord).where(AnswerRecord.created_at < cutoff)).rowcount
        still_used = select(AnswerRecord.conversation_id)
        conversations = session.execute(
            delete(Conversation).where(Conversation.created_at < cutoff, Conversation.id.not_in(still_used))
        ).rowcount
    counts = {
        "conversations": conversations,
        "answers": answers,
        "messages": messages,
        "feedback": feedback,
        "rewrites": rewrites,  # newer follow-ups whose rewritten question derived from a purged one
    }
    log.info("retention (%d days): deleted %s", days, counts)
    return counts
