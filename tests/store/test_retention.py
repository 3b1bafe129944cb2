"""Retention deletes old conversations and everything that carries their text (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from assistant.chat.service import Assistant
from assistant.eval.datasets import DatasetStore
from assistant.store.models import AnswerRecord, Conversation, FeedbackRecord, Message, utcnow
from assistant.store.retention import purge_older_than
from tests.conftest import ingest_into


@pytest.fixture
def assistant(db_settings, fake_embedder, corpus_copy):
    db_settings.refusal_threshold = 0.0
    a = Assistant(db_settings, embedder=fake_embedder)
    ingest_into(a, corpus_copy, progress=False)
    return a


def age(assistant, conversation_id: str, days: int) -> None:
    then = utcnow() - timedelta(days=days)
    with assistant.sessions.begin() as session:
        session.execute(
            update(Conversation).where(Conversation.id == conversation_id).values(created_at=then)
        )
        session.execute(
            update(AnswerRecord)
            .where(AnswerRecord.conversation_id == conversation_id)
            .values(created_at=then)
        )
        session.execute(
            update(Message).where(Message.conversation_id == conversation_id).values(created_at=then)
        )


def test_old_conversations_go_and_recent_ones_stay(assistant):
    _, old_id, old_answer = assistant.ask("سؤال قديم عن القمة")
    assistant.feedback.add(old_answer, -1, "wrong")
    datasets = DatasetStore(assistant.sessions)
    dataset = datasets.create("kept")
    row = datasets.promote(old_answer, dataset_id=dataset.id, reference_answer="مرجع", reference_chunk_ids=[])
    _, new_id, _ = assistant.ask("سؤال جديد عن الورشة")
    age(assistant, old_id, days=40)

    counts = purge_older_than(assistant.sessions, 30)

    assert counts == {"conversations": 1, "answers": 1, "messages": 2, "feedback": 1, "rewrites": 0}
    with assistant.sessions() as session:
        assert [c.id for c in session.scalars(select(Conversation))] == [new_id]
        assert session.scalars(select(FeedbackRecord)).all() == []
        assert {m.conversation_id for m in session.scalars(select(Message))} == {new_id}
    kept = datasets.rows(dataset.id)
    assert [r.id for r in kept] == [row.id] and kept[0].source_answer_id is None


def test_retention_must_be_positive(assistant):
    from assistant.errors import InvalidRequest

    with pytest.raises(InvalidRequest):
        purge_older_than(assistant.sessions, 0)


def test_purge_command(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from assistant.cli import app
    from assistant.config import get_settings

    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    try:
        refused = CliRunner().invoke(app, ["purge"])  # retention is off by default
        assert refused.exit_code == 2 and "at least 1 day" in refused.output
        done = CliRunner().invoke(app, ["purge", "--days", "30"])
        assert done.exit_code == 0 and "0 conversations" in done.output
    finally:
        get_settings.cache_clear()


def test_scheduled_job_purges_when_enabled(assistant):
    import asyncio
    import threading

    from api.retention_job import retention_loop

    _, old_id, _ = assistant.ask("سؤال قديم")
    age(assistant, old_id, days=10)

    async def one_round():
        task = asyncio.create_task(retention_loop(assistant, 7, interval=3600))
        await asyncio.sleep(0.5)
        task.cancel()

    # a thread of its own: the browser tests' sync Playwright keeps an event loop in the main thread
    worker = threading.Thread(target=asyncio.run, args=(one_round(),))
    worker.start()
    worker.join(timeout=30)
    with assistant.sessions() as session:
        assert session.scalars(select(Conversation)).all() == []
