"""Staff-area fixtures: the fast fake embedder, real SQLite and Chroma, a TestClient, two accounts.

The refusal threshold is set to 0 so the fake embedder's answers are answered with citations (the
review page then has quotes to highlight); refusals and low-confidence answers are covered with
stored answers built directly (tests/staff/test_review.py)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from assistant.chat.service import Assistant
from assistant.staff import accounts
from tests.conftest import ingest_into
from tests.staff.helpers import ADMIN, REVIEWER


@pytest.fixture(autouse=True)
def fast_bcrypt(monkeypatch):
    monkeypatch.setattr(accounts, "BCRYPT_ROUNDS", 4)


@pytest.fixture
def assistant(db_settings, fake_embedder, corpus_copy):
    """On SQLite and on PostgreSQL."""
    db_settings.refusal_threshold = 0.0
    a = Assistant(db_settings, embedder=fake_embedder)
    ingest_into(a, corpus_copy, progress=False)
    accounts.create_user(a.sessions, *ADMIN, role="admin")
    accounts.create_user(a.sessions, *REVIEWER, role="reviewer")
    return a


@pytest.fixture
def app(assistant):
    return create_app(assistant=assistant)


@pytest.fixture
def client(app):
    with TestClient(app) as client:
        yield client
