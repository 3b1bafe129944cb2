"""Fixtures for the evaluation tests. The database is the Assistant's (settings.database_url, or
SQLite in the data dir), so these tests also run against PostgreSQL; names are unique per test."""

from __future__ import annotations

import uuid

import pytest

from assistant.chat.service import Assistant
from assistant.eval.datasets import DatasetStore
from assistant.eval.runs import RunStore
from tests.conftest import ingest_into


@pytest.fixture
def assistant(db_settings, fake_embedder) -> Assistant:
    """No documents ingested: enough for dataset tests."""
    return Assistant(db_settings, embedder=fake_embedder)


@pytest.fixture
def ingested(db_settings, fake_embedder, corpus_copy) -> Assistant:
    """The fast fake embedder over a copy of documents/."""
    instance = Assistant(db_settings, embedder=fake_embedder)
    ingest_into(instance, corpus_copy, progress=False)
    return instance


@pytest.fixture
def datasets(assistant) -> DatasetStore:
    return DatasetStore(assistant.sessions)


@pytest.fixture
def unique():
    return lambda stem="ds": f"{stem}-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def run_store(ingested) -> RunStore:
    return RunStore(ingested.sessions)
