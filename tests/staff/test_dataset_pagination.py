"""The dataset page shows its rows a page at a time (issue 15: 50,000 rows were one 28 MB page).
Fake embedder, SQLite."""

from __future__ import annotations

import json
import re
import time

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from assistant.chat.service import Assistant
from assistant.eval.datasets import DatasetStore
from assistant.staff import accounts as staff_auth
from tests.staff.helpers import ADMIN, sign_in

ROWS = 2_050


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    import shutil

    from assistant.config import Settings
    from assistant.embedding import HashEmbedder
    from tests.conftest import CACHE, DOCUMENTS

    root = tmp_path_factory.mktemp("paging")
    shutil.copytree(DOCUMENTS, root / "documents")
    assistant = Assistant(
        Settings(data_dir=root / "data", documents_dir=root / "documents", cache_dir=CACHE),
        embedder=HashEmbedder(),
    )
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(staff_auth, "BCRYPT_ROUNDS", 4)
        staff_auth.create_user(assistant.sessions, *ADMIN, role="admin")
    store = DatasetStore(assistant.sessions)
    dataset = store.create("كبيرة")
    lines = [json.dumps({"id": f"r{n:05d}", "question": f"سؤال رقم {n} عن القمة؟"}) for n in range(ROWS)]
    store.import_rows(dataset.id, "\n".join(lines), "jsonl")
    return assistant, dataset.id


@pytest.fixture
def client(world):
    assistant, _ = world
    with TestClient(create_app(assistant=assistant)) as client:
        client.token = sign_in(client, ADMIN)
        yield client


def shown_ids(html: str) -> list[str]:
    return re.findall(r'<td class="small" dir="ltr">(r\d{5})</td>', html)


def test_a_big_dataset_is_shown_a_page_at_a_time(client, world):
    _, dataset_id = world
    started = time.perf_counter()
    first = client.get(f"/staff/datasets/{dataset_id}")
    elapsed = time.perf_counter() - started
    assert first.status_code == 200
    assert shown_ids(first.text) == [f"r{n:05d}" for n in range(100)]
    assert f'data-testid="row-count">{ROWS}<' in first.text
    assert len(first.content) < 400_000 and elapsed < 3  # not the whole dataset
    assert 'data-testid="next-page"' in first.text and 'data-testid="previous-page"' not in first.text
    last = client.get(f"/staff/datasets/{dataset_id}?page=21")
    assert shown_ids(last.text) == [f"r{n:05d}" for n in range(2000, ROWS)]
    assert 'data-testid="next-page"' not in last.text
    beyond = client.get(f"/staff/datasets/{dataset_id}?page=999")
    assert shown_ids(beyond.text) == shown_ids(last.text)  # past the end: the last page
    for odd in ("0", "-2", "abc", "9" * 30):
        response = client.get(f"/staff/datasets/{dataset_id}?page={odd}")
        assert response.status_code == 200 and shown_ids(response.text)[0] == "r00000"


def test_saving_a_row_returns_to_its_page(client, world):
    assistant, dataset_id = world
    rows, _ = DatasetStore(assistant.sessions).rows_page(dataset_id, 13, 100)
    row = rows[5]
    response = client.post(
        f"/staff/datasets/{dataset_id}/rows/{row.id}",
        data={
            "external_id": row.external_id,
            "question": row.question + " (مُعدّل)",
            "csrf_token": client.token,
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/staff/datasets/{dataset_id}?page=13#row-{row.id}"


def test_export_still_has_every_row(client, world):
    _, dataset_id = world
    exported = client.get(f"/staff/datasets/{dataset_id}/export?fmt=jsonl")
    assert len(exported.text.splitlines()) == ROWS
