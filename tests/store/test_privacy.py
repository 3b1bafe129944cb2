"""Privacy of what is stored (issue 15): a purge takes what derives from purged questions, and the
SQLite file is private to its owner."""

from __future__ import annotations

import stat
from datetime import timedelta

import pytest
from sqlalchemy import select, update
from typer.testing import CliRunner

from assistant.chat.service import Assistant
from assistant.store.models import AnswerRecord, utcnow
from assistant.store.retention import purge_older_than
from tests.conftest import ingest_into
from tests.store.conftest import EchoRewriter

SECRET = "سؤال شخصي عن مدينة بعينها"


def test_purge_clears_newer_rewrites_that_carry_a_purged_question(assistant):
    _, conversation, first = assistant.ask(SECRET)
    _, _, second = assistant.ask("ومتى عُقدت القمة؟", conversation)
    _, _, third = assistant.ask("وأين؟", conversation)
    _, other_conversation, untouched = assistant.ask("ما هي شبكة المدن القوية؟")
    _, _, untouched_followup = assistant.ask("ومتى أُطلقت؟", other_conversation)
    with assistant.sessions.begin() as session:  # only the first question is old
        session.execute(
            update(AnswerRecord)
            .where(AnswerRecord.id == first)
            .values(created_at=utcnow() - timedelta(days=40))
        )
        assert SECRET in session.get(AnswerRecord, third).standalone_question  # carried two turns on

    counts = purge_older_than(assistant.sessions, 30)

    assert counts["answers"] == 1 and counts["rewrites"] == 2
    with assistant.sessions() as session:
        rows = {r.id: r for r in session.scalars(select(AnswerRecord))}
    assert first not in rows
    for answer_id in (second, third):
        assert SECRET not in rows[answer_id].standalone_question
        assert rows[answer_id].standalone_question == rows[answer_id].question
    # conversations with nothing purged keep their rewrites
    assert rows[untouched_followup].standalone_question != rows[untouched_followup].question
    assert untouched in rows
    # the conversation goes on from what is left
    assert SECRET not in " ".join(s for _, s, _ in assistant.conversations.history(conversation))


def test_the_sqlite_database_file_is_private(settings, fake_embedder):
    Assistant(settings, embedder=fake_embedder)  # creating the assistant creates the database
    database = settings.data_dir / "assistant.db"
    assert stat.S_IMODE(database.stat().st_mode) == 0o600
    for companion in ("assistant.db-wal", "assistant.db-shm"):
        path = settings.data_dir / companion
        if path.exists():
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, companion


def test_assistant_purge_from_the_command_line_clears_derived_rewrites(settings, fake_embedder, corpus_copy):
    from assistant import cli
    from assistant.cli import common

    settings.refusal_threshold = 0.0
    a = Assistant(settings, embedder=fake_embedder, rewriter=EchoRewriter())
    ingest_into(a, corpus_copy, progress=False)
    _, conversation, first = a.ask(SECRET)
    _, _, second = a.ask("ومتى؟", conversation)
    with a.sessions.begin() as session:
        session.execute(
            update(AnswerRecord)
            .where(AnswerRecord.id == first)
            .values(created_at=utcnow() - timedelta(days=9))
        )
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(common, "settings", lambda: settings)
        result = CliRunner().invoke(cli.app, ["purge", "--days", "7"])
    assert result.exit_code == 0, result.output
    assert "1 rewrites" in result.output
    with a.sessions() as session:
        assert SECRET not in session.get(AnswerRecord, second).standalone_question
