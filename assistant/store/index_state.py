"""The index generation, shared through the SQL database.

Every ingest that changed the index writes a new random value under ``index_generation``; every
worker (process or host) compares it with the value it loaded, at most once every
``ASSISTANT_INDEX_CHECK_SECONDS``, and reloads its in-memory BM25 and chunk catalogue when it
differs: from the snapshot persisted for that generation (store/lexical_snapshot.py), else from
Chroma. The database is the one place all workers can see (docs/deploy.md).
"""

from __future__ import annotations

import uuid

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from assistant.store.models import IndexState, utcnow

GENERATION_KEY = "index_generation"


def read_generation(sessions: sessionmaker) -> str:
    """The current generation ("" before the first ingest). Raises StoreUnavailable if the DB is down."""
    with sessions() as session:
        value = session.scalar(select(IndexState.value).where(IndexState.key == GENERATION_KEY))
    return value or ""


def new_generation() -> str:
    """A fresh generation value (also a safe folder name: store/lexical_snapshot.py)."""
    return uuid.uuid4().hex


def bump_generation(sessions: sessionmaker, value: str | None = None) -> str:
    """Write a new generation (``value``, made in advance so that files tagged with it can be written
    before it is published, or a fresh one) and return it (an update of the row the migration created)."""
    value = value or new_generation()
    with sessions.begin() as session:
        changed = session.execute(
            update(IndexState)
            .where(IndexState.key == GENERATION_KEY)
            .values(value=value, updated_at=utcnow())
        ).rowcount
        if changed:
            return value
    try:  # the row was deleted by hand: create it again
        with sessions.begin() as session:
            session.add(IndexState(key=GENERATION_KEY, value=value, updated_at=utcnow()))
    except IntegrityError:  # another ingest created it at the same moment
        with sessions.begin() as session:
            session.execute(
                update(IndexState)
                .where(IndexState.key == GENERATION_KEY)
                .values(value=value, updated_at=utcnow())
            )
    return value
