"""Conversations and their answers in SQL: resolve ids, read history, save an exchange."""

from __future__ import annotations

import contextlib
import threading
import uuid
from dataclasses import asdict

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from assistant.errors import NotFound
from assistant.store.models import AnswerRecord, Conversation, Message
from assistant.store.usage import add_stats
from assistant.types import Answer, Hit

HISTORY_TURNS = 3  # previous exchanges used to rewrite a follow-up


def unknown_conversation(conversation_id: str) -> NotFound:
    return NotFound(
        f"Unknown conversation_id '{conversation_id[:64]}'. "
        "Send conversation_id null to start a new conversation."
    )


class ConversationStore:
    def __init__(self, sessions: sessionmaker):
        self.sessions = sessions
        # SQLite allows one writer: queue writers in-process instead of letting them sleep in its
        # busy handler (32 clients: p95 1171 → 467 ms, docs/performance.md). Other databases: no-op.
        sqlite = sessions.kw["bind"].dialect.name == "sqlite"
        self.write_lock = threading.Lock() if sqlite else contextlib.nullcontext()

    def check(self, conversation_id: str | None) -> None:
        """Raise NotFound for an id that was never issued (before any work is done)."""
        if conversation_id:
            with self.sessions() as session:
                if session.get(Conversation, conversation_id) is None:
                    raise unknown_conversation(conversation_id)

    def history(self, conversation_id: str | None, limit: int = HISTORY_TURNS) -> list[tuple[str, str, str]]:
        """The last ``limit`` exchanges, oldest first, as (question, standalone question, answer)."""
        if not conversation_id:
            return []
        with self.sessions() as session:
            rows = session.scalars(
                select(AnswerRecord)
                .where(AnswerRecord.conversation_id == conversation_id)
                .order_by(AnswerRecord.created_at.desc())
                .limit(limit)
            ).all()
        return [(r.question, r.standalone_question or r.question, r.answer) for r in reversed(rows)]

    def save(
        self,
        conversation_id: str | None,
        question: str,
        standalone: str,
        answer: Answer,
        hits: list[Hit],
        latency_ms: float | None = None,
    ) -> tuple[str, str]:
        """Store one exchange (creating the conversation if needed) with its usage figures
        (store/usage.py; ``latency_ms``: the time taken to answer). Returns (conversation_id, answer_id)."""
        with self.write_lock:
            return self._save(conversation_id, question, standalone, answer, hits, latency_ms)

    def _save(
        self,
        conversation_id: str | None,
        question: str,
        standalone: str,
        answer: Answer,
        hits: list[Hit],
        latency_ms: float | None,
    ) -> tuple[str, str]:
        with self.sessions.begin() as session:
            if conversation_id:
                conversation = session.get(Conversation, conversation_id)
                if conversation is None:
                    raise unknown_conversation(conversation_id)
            else:
                conversation = Conversation(id=uuid.uuid4().hex)
                session.add(conversation)
                session.flush()
            record = AnswerRecord(
                conversation_id=conversation.id,
                question=question,
                standalone_question=standalone,
                answer=answer.text,
                refused=answer.refused,
                confidence=answer.confidence,
                generator=answer.generator,
                fallback_reason=answer.fallback_reason,
                citations=[asdict(c) for c in answer.citations],
                retrieved=[{"chunk_id": h.chunk.id, "score": h.score} for h in hits],
            )
            session.add(record)
            session.flush()
            add_stats(session, record, refusal_reason=answer.refusal_reason, latency_ms=latency_ms)
            session.add(Message(conversation_id=conversation.id, role="user", content=question))
            session.add(
                Message(
                    conversation_id=conversation.id,
                    role="assistant",
                    content=answer.text,
                    answer_id=record.id,
                )
            )
            return conversation.id, record.id
