"""Every query parameter of the staff pages is validated: out-of-range dates, pages and unknown
values give the page (with a clear message where something was refused), never a 500 (issue 15).
SQLite only: this is about parsing, not the database."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from assistant.chat.service import Assistant
from assistant.staff import accounts as staff_auth
from tests.conftest import ingest_into
from tests.staff.helpers import ADMIN, ask, sign_in, thumbs_down


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    import shutil

    from assistant.config import Settings
    from assistant.embedding import HashEmbedder
    from tests.conftest import CACHE, DOCUMENTS

    root = tmp_path_factory.mktemp("staff-query")
    shutil.copytree(DOCUMENTS, root / "documents")
    settings = Settings(data_dir=root / "data", documents_dir=root / "documents", cache_dir=CACHE)
    settings.refusal_threshold = 0.0
    assistant = Assistant(settings, embedder=HashEmbedder())
    ingest_into(assistant, progress=False)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(staff_auth, "BCRYPT_ROUNDS", 4)
        staff_auth.create_user(assistant.sessions, *ADMIN, role="admin")
    with TestClient(create_app(assistant=assistant), raise_server_exceptions=False) as client:
        thumbs_down(client, ask(client))
        sign_in(client)
        yield client


@pytest.mark.parametrize(
    "query",
    [
        "date_to=9999-12-31",
        "date_from=9999-12-31",
        "date_from=0001-01-01&date_to=9999-12-31",
        "date_from=2026-13-45",
        "date_to=not-a-date",
        "date_from=2030-01-01&date_to=2020-01-01",
        "page=-3",
        "page=0",
        "page=99999999999999999999999999",
        "page=abc",
        "rating=7",
        "rating=-",
        "kind=nope",
        "status=nope",
        "document=" + "x" * 5000,
        "date_from=%00",
        "lang=xx",
    ],
)
def test_review_queue_survives_any_query(client, query):
    response = client.get(f"/staff/review?{query}")
    assert response.status_code in (200, 422), (query, response.status_code)
    assert "review-queue" in response.text or "queue-empty" in response.text or "error" in response.text
    assert "Traceback" not in response.text and "OverflowError" not in response.text


def test_far_future_end_date_is_an_open_end(client):
    response = client.get("/staff/review?date_to=9999-12-31&status=all")
    assert response.status_code == 200
    assert 'data-testid="queue-item"' in response.text  # today's answer is inside the range


@pytest.mark.parametrize(
    "path",
    [
        "/staff/runs/compare?a=&b=",
        "/staff/runs/compare?a=" + "x" * 3000,
        "/staff/datasets?page=-1",
        "/staff/login?next=//evil.example",
    ],
)
def test_other_pages_survive_odd_queries(client, path):
    response = client.get(path)
    assert response.status_code < 500, (path, response.status_code)
