"""Scale-out fixtures: a real Chroma server (`chroma run`) and real PostgreSQL on 127.0.0.1."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.config import Settings
from tests.chroma_server import ChromaServer


@pytest.fixture
def chroma():
    """A fresh Chroma server for one test (collection names are fixed, so tests do not share one)."""
    server = ChromaServer().start()
    yield server
    server.stop()


@pytest.fixture
def shared_settings(settings: Settings, chroma: ChromaServer, postgres_server) -> Settings:
    """Settings of one worker of a scaled-out deployment: Chroma server + PostgreSQL."""
    settings.chroma_url = chroma.url
    settings.database_url = postgres_server.new_database()
    settings.refusal_threshold = 0.0  # the fake embedder's similarities are low: answer, with citations
    return settings


def another_worker(settings: Settings, data_dir: Path, **changes) -> Settings:
    """The same deployment seen from another process or host: its own (local) data directory."""
    return settings.model_copy(update={"data_dir": data_dir, **changes})
