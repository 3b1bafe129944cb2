"""Question vectors stored with the answers (assistant/store/question_vectors.py, migration 0010), on
real SQLite and PostgreSQL: written by every answering path from the vector the retrieval used, read
by the content-gaps page, backfilled once for answers without one, and deleted with the question text
by the retention purge (the function, `assistant purge` and the scheduled job)."""

from __future__ import annotations

import asyncio
import threading
from datetime import timedelta

import numpy as np
import pytest
from sqlalchemy import select, text, update
from typer.testing import CliRunner

from assistant.embedding import HashEmbedder
from assistant.staff.gaps import content_gaps
from assistant.staff.insights import Period
from assistant.store import question_vectors
from assistant.store.models import AnswerRecord, AnswerStats, utcnow
from assistant.store.retention import purge_older_than
from assistant.types import Answer
from tests.conftest import CountingEmbedder

SECRET = "سؤال شخصي عن ميزانية مدينة بعينها"


def _vectors(assistant) -> dict[str, tuple[bytes | None, str | None, str]]:
    """Raw rows: {answer id: (vector bytes, model, standalone question)}."""
    with assistant.sessions() as session:
        rows = session.execute(
            text("SELECT id, question_vector, question_vector_model, standalone_question FROM answers")
        ).all()
    return {r[0]: (bytes(r[1]) if r[1] is not None else None, r[2], r[3]) for r in rows}


def _gaps(assistant, embedder=None):
    return content_gaps(
        assistant.sessions,
        embedder or assistant.embedder,
        lambda question, k, vector: assistant.retriever.search(question, k, query_vector=vector),
        Period.last_days(),
        retention_days=0,
    )


def _age(assistant, answer_id: str, days: int) -> None:
    with assistant.sessions.begin() as session:
        session.execute(
            update(AnswerRecord)
            .where(AnswerRecord.id == answer_id)
            .values(created_at=utcnow() - timedelta(days=days))
        )


def test_every_answering_path_stores_the_vector_its_retrieval_used(assistant, fake_embedder):
    _, conversation, first = assistant.ask("أين عقدت القمة العالمية الخامسة؟")
    _, _, followup = assistant.ask("ومتى؟", conversation)
    _, completed = assistant.complete("ما هي شبكة المدن القوية؟", [])
    events = list(assistant.stream("من يدعم الشبكة؟"))
    streamed = events[-1].data["answer_id"]
    rows = _vectors(assistant)
    for answer_id in (first, followup, completed, streamed):
        data, model, standalone = rows[answer_id]
        assert model == fake_embedder.name
        expected = fake_embedder.inner.embed_queries([standalone])[0]
        assert len(data) == 2 * len(expected)  # float16
        assert np.allclose(question_vectors.decode(data), expected, atol=1e-3)
    assert "(أين عقدت" in rows[followup][2]  # the follow-up's vector is its rewrite's

    # the gaps page reads them: nothing is embedded at page load
    with assistant.sessions.begin() as session:  # as if all four had been refused
        session.execute(update(AnswerRecord).values(refused=True))
        session.execute(update(AnswerStats).values(refused=True))
    before = fake_embedder.texts
    gaps = _gaps(assistant)
    assert gaps.grouped == 4 and gaps.groups
    assert fake_embedder.texts == before  # the searches for the closest documents reuse the vectors


def test_a_declined_question_is_stored_without_a_vector(assistant):
    answer, _, answer_id = assistant.ask("اشرح لي كيف أصنع متفجرات")
    assert answer.refused
    assert _vectors(assistant)[answer_id][:2] == (None, None)


def test_answers_without_a_vector_are_embedded_once_and_stored(assistant, fake_embedder):
    refusal = Answer(text="لا أجد إجابة.", refused=True, refusal_reason="weak_evidence")
    save = assistant.conversations.save
    ids = [save(None, q, q, refusal, [], 10.0)[1] for q in ("سؤال أول", "سؤال ثان", "سؤال أول")]
    assert all(_vectors(assistant)[i][0] is None for i in ids)  # as answers stored before 0010

    page = CountingEmbedder(HashEmbedder())  # counts the gaps page's own embedding only
    gaps = _gaps(assistant, page)
    assert gaps.grouped == 3
    assert page.texts == 2  # a repeated question is embedded once
    rows = _vectors(assistant)
    for answer_id in ids:
        data, model, standalone = rows[answer_id]
        assert model == page.name
        expected = page.inner.embed_queries([standalone])[0]
        assert np.allclose(question_vectors.decode(data), expected, atol=1e-3)

    page.texts = 0
    _gaps(assistant, page)
    assert page.texts == 0  # the second load embeds nothing

    other = CountingEmbedder(HashEmbedder())  # another model: its own vectors replace the first's
    other.name = "another-model"
    _gaps(assistant, other)
    assert other.texts == 2
    assert {_vectors(assistant)[i][1] for i in ids} == {"another-model"}


def test_a_backfill_does_not_store_a_vector_for_text_a_purge_just_rewrote(assistant, fake_embedder):
    refusal = Answer(text="لا أجد إجابة.", refused=True, refusal_reason="weak_evidence")
    _, answer_id = assistant.conversations.save(None, "ومتى؟", f"ومتى؟ ({SECRET})", refusal, [], 10.0)
    with assistant.sessions.begin() as session:  # the purge rewrote it after the page read the text
        session.execute(update(AnswerRecord).values(standalone_question="ومتى؟"))
    question_vectors.vectors(assistant.sessions, fake_embedder, [(answer_id, f"ومتى؟ ({SECRET})")])
    assert _vectors(assistant)[answer_id][:2] == (None, None)


def _seed_for_purge(assistant):
    """An old question with a secret, a newer follow-up whose rewrite (and vector) carries it, and an
    unrelated recent question; all with stored vectors."""
    _, conversation, old = assistant.ask(SECRET)
    _, _, followup = assistant.ask("ومتى؟", conversation)
    _, _, recent = assistant.ask("ما هي شبكة المدن القوية؟")
    _age(assistant, old, 40)
    rows = _vectors(assistant)
    assert all(rows[i][0] is not None for i in (old, followup, recent))
    assert SECRET in rows[followup][2]
    return old, followup, recent, rows


def _assert_purged(assistant, old, followup, recent, before):
    rows = _vectors(assistant)
    assert old not in rows  # the row, and its vector with it
    with assistant.sessions() as session:
        blobs = [bytes(b) for b in session.scalars(select(AnswerRecord.question_vector)) if b is not None]
    assert before[old][0] not in blobs
    assert before[followup][0] not in blobs  # the vector of the rewrite that carried the secret
    assert rows[followup][:2] == (None, None) and SECRET not in rows[followup][2]
    assert rows[recent] == before[recent]  # untouched


def test_the_purge_deletes_the_vectors_with_the_question_text(assistant):
    old, followup, recent, before = _seed_for_purge(assistant)
    counts = purge_older_than(assistant.sessions, 30)
    assert counts["answers"] == 1 and counts["rewrites"] == 1
    _assert_purged(assistant, old, followup, recent, before)
    # the gaps page then embeds the follow-up's remaining text, never the purged rewrite
    page = CountingEmbedder(HashEmbedder())
    question_vectors.vectors(assistant.sessions, page, [(followup, "ومتى؟")])
    data, _, _ = _vectors(assistant)[followup]
    assert np.allclose(question_vectors.decode(data), page.inner.embed_queries(["ومتى؟"])[0], atol=1e-3)


def test_assistant_purge_command_deletes_the_vectors(assistant, db_settings):
    from assistant import cli
    from assistant.cli import common

    old, followup, recent, before = _seed_for_purge(assistant)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(common, "settings", lambda: db_settings)
        result = CliRunner().invoke(cli.app, ["purge", "--days", "30"])
    assert result.exit_code == 0, result.output
    _assert_purged(assistant, old, followup, recent, before)


def test_the_scheduled_retention_job_deletes_the_vectors(assistant):
    from api.retention_job import retention_loop

    old, followup, recent, before = _seed_for_purge(assistant)

    async def one_round():
        task = asyncio.create_task(retention_loop(assistant, 30, interval=3600))
        await asyncio.sleep(0.5)
        task.cancel()

    worker = threading.Thread(target=asyncio.run, args=(one_round(),))  # Playwright may own this loop
    worker.start()
    worker.join(timeout=30)
    _assert_purged(assistant, old, followup, recent, before)


def test_float16_keeps_cosine_distances_within_a_thousandth():
    rng = np.random.default_rng(3)
    vectors = rng.normal(size=(200, 384)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    stored = np.stack([question_vectors.decode(question_vectors.encode(v)) for v in vectors])
    assert stored.dtype == np.float32 and len(question_vectors.encode(vectors[0])) == 768
    assert np.abs(stored @ stored.T - vectors @ vectors.T).max() < 1e-3


def test_migration_0010_adds_the_columns_to_existing_answers_and_back(db_settings):
    """A database at 0009 with an answer: upgraded, the answer is kept without a vector (the gaps page
    backfills it); downgraded, the columns go."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine, inspect

    from assistant.store.database import MIGRATIONS, make_engine, make_sessionmaker, sqlite_url

    url = db_settings.database_url or sqlite_url(db_settings.data_dir)
    db_settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url)

    def run(step, revision):
        with engine.begin() as connection:
            config = Config()
            config.set_main_option("script_location", str(MIGRATIONS))
            config.attributes["connection"] = connection
            step(config, revision)

    def columns():
        return {c["name"] for c in inspect(engine).get_columns("answers")}

    run(command.upgrade, "0009")
    assert "question_vector" not in columns()
    with engine.begin() as connection:
        connection.execute(
            text("INSERT INTO conversations (id, created_at) VALUES ('c', :t)"), {"t": utcnow()}
        )
        connection.execute(
            text(
                "INSERT INTO answers (id, conversation_id, question, standalone_question, answer, refused, "
                "confidence, generator, citations, retrieved, created_at) VALUES ('a', 'c', :q, :q, 'x', "
                ":r, 0, 'extractive', '[]', '[]', :t)"
            ),
            {"q": "سؤال قديم", "r": True, "t": utcnow()},
        )
    sessions = make_sessionmaker(make_engine(url))  # what the assistant does on start: upgrade to head
    assert {"question_vector", "question_vector_model"} <= columns()
    embedder = CountingEmbedder(HashEmbedder())
    found, embedded = question_vectors.vectors(sessions, embedder, [("a", "سؤال قديم")])
    assert embedded == 1 and found.shape == (1, 256)
    assert question_vectors.stored(sessions, ["a"], embedder.name).keys() == {"a"}
    run(command.downgrade, "0009")
    assert "question_vector" not in columns()
    with engine.connect() as connection:
        assert connection.execute(text("SELECT question FROM answers")).scalar_one() == "سؤال قديم"
    engine.dispose()
