"""Starting and cancelling evaluation runs from the runs page (issue 15). Fake embedder, SQLite."""

from __future__ import annotations

import threading
import time

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from assistant.chat.service import Assistant
from assistant.errors import InvalidRequest
from assistant.eval import scoring
from assistant.eval.datasets import DatasetStore
from assistant.eval.runs import RunStore, execute_run
from assistant.staff import accounts as staff_auth
from tests.conftest import REPO, ingest_into
from tests.staff.helpers import ADMIN, REVIEWER, sign_in, wait_for_run

QUESTIONS = REPO / "evalsets" / "questions.jsonl"


@pytest.fixture
def world(settings, fake_embedder, corpus_copy, monkeypatch):
    monkeypatch.setattr(staff_auth, "BCRYPT_ROUNDS", 4)
    settings.refusal_threshold = 0.0
    assistant = Assistant(settings, embedder=fake_embedder)
    ingest_into(assistant, corpus_copy, progress=False)
    staff_auth.create_user(assistant.sessions, *ADMIN, role="admin")
    staff_auth.create_user(assistant.sessions, *REVIEWER, role="reviewer")
    store = DatasetStore(assistant.sessions)
    dataset = store.create("runs-page")
    lines = QUESTIONS.read_text(encoding="utf-8").splitlines()[:12]
    store.import_rows(dataset.id, "\n".join(lines) + "\n", "jsonl")
    return assistant, dataset.id


@pytest.fixture
def admin(world):
    assistant, _ = world
    with TestClient(create_app(assistant=assistant)) as client:
        client.token = sign_in(client, ADMIN)
        yield client


def test_an_admin_starts_a_run_from_the_runs_page(admin, world):
    _, dataset_id = world
    page = admin.get("/staff/runs").text
    assert 'id="start-run-form"' in page and f'value="{dataset_id}"' in page
    response = admin.post(
        "/staff/runs",
        data={"dataset_id": dataset_id, "label": "from the runs page", "csrf_token": admin.token},
        follow_redirects=False,
    )
    assert response.status_code == 303
    run_id = response.headers["location"].rsplit("/", 1)[1]
    assert wait_for_run(admin, run_id)["status"] == "done"
    assert "from the runs page" in admin.get("/staff/runs").text
    missing = admin.post("/staff/runs?lang=en", data={"dataset_id": "", "csrf_token": admin.token})
    assert missing.status_code == 422 and "Choose a dataset." in missing.text
    unknown = admin.post("/staff/runs", data={"dataset_id": "nope", "csrf_token": admin.token})
    assert unknown.status_code == 422


def test_a_running_run_can_be_cancelled_and_keeps_its_rows(admin, world, monkeypatch):
    assistant, dataset_id = world
    release = threading.Event()
    original = scoring.RowScorer.score

    def slow_score(self, row):  # one row at a time, until the test lets it go on
        release.wait(0.3)
        return original(self, row)

    monkeypatch.setattr(scoring.RowScorer, "score", slow_score)
    response = admin.post(
        "/staff/runs", data={"dataset_id": dataset_id, "csrf_token": admin.token}, follow_redirects=False
    )
    run_id = response.headers["location"].rsplit("/", 1)[1]
    deadline = time.monotonic() + 30
    while admin.get(f"/staff/runs/{run_id}/progress").json()["done"] < 2:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert 'data-testid="cancel-run"' in admin.get(f"/staff/runs/{run_id}").text
    cancelled = admin.post(
        f"/staff/runs/{run_id}/cancel?back=runs", data={"csrf_token": admin.token}, follow_redirects=False
    )
    assert cancelled.status_code == 303 and cancelled.headers["location"] == "/staff/runs"
    state = wait_for_run_to_stop(admin, run_id)
    time.sleep(1)  # the runner notices after its current row
    final = admin.get(f"/staff/runs/{run_id}/progress").json()
    assert state["status"] == final["status"] == "cancelled"
    assert 2 <= final["done"] < final["total"] == 12
    assert "cancelled by admin1" in final["error"]
    page = admin.get(f"/staff/runs/{run_id}").text
    assert 'data-testid="run-cancelled"' in page and 'data-testid="cancel-run"' not in page
    again = admin.post(f"/staff/runs/{run_id}/cancel", data={"csrf_token": admin.token})
    assert again.status_code == 200  # a flash on the run page
    with pytest.raises(InvalidRequest):
        execute_run(assistant, run_id)  # a cancelled run is not restarted


def wait_for_run_to_stop(client, run_id, timeout=30):
    deadline = time.monotonic() + timeout
    while True:
        state = client.get(f"/staff/runs/{run_id}/progress").json()
        if state["status"] not in ("queued", "running"):
            return state
        assert time.monotonic() < deadline
        time.sleep(0.05)


def test_a_queued_run_can_be_cancelled_before_it_starts(admin, world):
    assistant, dataset_id = world
    run = RunStore(assistant.sessions).create_run(dataset_id, "queued")
    admin.post(f"/staff/runs/{run.id}/cancel", data={"csrf_token": admin.token})
    assert RunStore(assistant.sessions).get_run(run.id).status == "cancelled"


def test_reviewers_can_neither_start_nor_cancel(world):
    assistant, dataset_id = world
    run = RunStore(assistant.sessions).create_run(dataset_id, "queued")
    with TestClient(create_app(assistant=assistant)) as reviewer:
        token = sign_in(reviewer, REVIEWER)
        assert 'id="start-run-form"' not in reviewer.get("/staff/runs").text
        assert (
            reviewer.post("/staff/runs", data={"dataset_id": dataset_id, "csrf_token": token}).status_code
            == 403
        )
        assert reviewer.post(f"/staff/runs/{run.id}/cancel", data={"csrf_token": token}).status_code == 403
    assert RunStore(assistant.sessions).get_run(run.id).status == "queued"
    assert len(RunStore(assistant.sessions).list_runs()) == 1
