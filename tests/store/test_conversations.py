"""Conversations, messages and answers in SQL: the same tests on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from assistant.chat.service import Assistant
from assistant.errors import NotFound
from assistant.store.models import AnswerRecord, Message
from tests.conftest import ingest_into


@pytest.fixture
def assistant(db_settings, fake_embedder, corpus_copy):
    db_settings.refusal_threshold = 0.0
    a = Assistant(db_settings, embedder=fake_embedder)
    ingest_into(a, corpus_copy, progress=False)
    return a


def test_exchanges_are_stored_as_answers_and_messages(assistant):
    first, conversation_id, first_id = assistant.ask("أين عقدت القمة العالمية الخامسة؟")
    second, same_id, second_id = assistant.ask("ومتى؟", conversation_id)
    assert same_id == conversation_id and first_id != second_id
    with assistant.sessions() as session:
        messages = session.scalars(
            select(Message).where(Message.conversation_id == conversation_id).order_by(Message.created_at)
        ).all()
        answers = session.scalars(
            select(AnswerRecord).where(AnswerRecord.conversation_id == conversation_id)
        ).all()
    assert [(m.role, m.content) for m in messages] == [
        ("user", "أين عقدت القمة العالمية الخامسة؟"),
        ("assistant", first.text),
        ("user", "ومتى؟"),
        ("assistant", second.text),
    ]
    assert {a.id for a in answers} == {first_id, second_id}
    stored = next(a for a in answers if a.id == first_id)
    assert stored.citations and stored.citations[0]["quote"] == first.citations[0].quote
    assert stored.retrieved and stored.generator == "extractive"


def test_history_feeds_the_follow_up_and_keeps_the_standalone_question(assistant):
    _, conversation_id, _ = assistant.ask("متى عُقدت القمة العالمية الخامسة؟")
    assistant.ask("ومن دعمها؟", conversation_id)
    history = assistant.conversations.history(conversation_id)
    assert [h[0] for h in history] == ["متى عُقدت القمة العالمية الخامسة؟", "ومن دعمها؟"]
    assert history[1][1] != "ومن دعمها؟" and "القمة" in history[1][1]  # rewritten with the topic


def test_unknown_conversation_is_refused_and_nothing_is_stored(assistant):
    with pytest.raises(NotFound):
        assistant.ask("سؤال", "no-such-conversation")
    with assistant.sessions() as session:
        assert session.scalars(select(AnswerRecord)).all() == []
