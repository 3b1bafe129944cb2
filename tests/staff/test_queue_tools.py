"""Review queue tools in the browser pages (issue 15): text search, bulk review of selected items,
and CSV/JSONL exports of the queue and of all feedback (formula-safe, with a BOM). SQLite."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from assistant.chat.service import Assistant
from assistant.staff import accounts as staff_auth
from assistant.store.models import FeedbackRecord
from tests.conftest import ingest_into
from tests.staff.helpers import ADMIN, REVIEWER, sign_in


@pytest.fixture
def world(settings, fake_embedder, corpus_copy, monkeypatch):
    monkeypatch.setattr(staff_auth, "BCRYPT_ROUNDS", 4)
    settings.refusal_threshold = 0.0
    assistant = Assistant(settings, embedder=fake_embedder)
    ingest_into(assistant, corpus_copy, progress=False)
    staff_auth.create_user(assistant.sessions, *ADMIN, role="admin")
    staff_auth.create_user(assistant.sessions, *REVIEWER, role="reviewer")
    ids = {}
    for key, question, comment in [
        ("summit", "أين عُقدت القمة العالمية الخامسة؟", '=HYPERLINK("https://evil.example")'),
        ("melbourne", "ما هو إعلان ملبورن؟", "ينقصها التاريخ"),
        ("english", "Where was the South Asia workshop held?", "missing the city"),
    ]:
        _, _, answer_id = assistant.ask(question)
        assistant.feedback.add(answer_id, -1, "incomplete", comment)
        ids[key] = answer_id
    return assistant, ids


@pytest.fixture
def client(world):
    assistant, _ = world
    with TestClient(create_app(assistant=assistant)) as client:
        client.token = sign_in(client, REVIEWER)
        yield client


def listed(html: str) -> set[str]:
    return set(re.findall(r'data-testid="queue-item" data-answer-id="([0-9a-f]+)"', html))


def test_text_search_finds_questions_answers_and_comments(client, world):
    _, ids = world
    assert listed(client.get("/staff/review?q=ملبورن").text) == {ids["melbourne"]}
    assert listed(client.get("/staff/review?q=اعلان ملبورن").text) == {ids["melbourne"]}  # hamza folded
    assert listed(client.get("/staff/review?q=SOUTH asia").text) == {ids["english"]}  # any case
    assert listed(client.get("/staff/review?q=التاريخ").text) == {ids["melbourne"]}  # a user's comment
    assert listed(client.get("/staff/review?q=لا-يوجد-هذا").text) == set()
    long = client.get("/staff/review?q=" + "x" * 300)
    assert long.status_code == 200 and len(listed(long.text)) == 3  # too long: refused and named
    page = client.get("/staff/review?q=ملبورن").text
    assert 'value="ملبورن"' in page and "q=%D9%85" in page  # kept in the form and the export links


def test_bulk_review_saves_one_verdict_for_the_selected_answers(client, world):
    assistant, ids = world
    chosen = [ids["summit"], ids["english"]]
    response = client.post(
        "/staff/review/bulk",
        data={"answer_ids": chosen, "rating": "1", "csrf_token": client.token, "back": "/staff/review?q=x"},
        follow_redirects=False,
    )
    assert response.status_code == 303 and response.headers["location"] == "/staff/review?q=x"
    with assistant.sessions() as session:
        reviews = session.query(FeedbackRecord).filter_by(source="staff").all()
    assert sorted(r.answer_id for r in reviews) == sorted(chosen) and {r.rating for r in reviews} == {1}
    assert listed(client.get("/staff/review").text) == {ids["melbourne"]}  # reviewed ones left the queue
    nothing = client.post("/staff/review/bulk", data={"rating": "1", "csrf_token": client.token})
    assert "اختر إجابة واحدة على الأقل." in nothing.text
    forged = client.post(
        "/staff/review/bulk", data={"answer_ids": ["0" * 32], "rating": "-1", "csrf_token": client.token}
    )
    assert forged.status_code == 200  # flash on the queue page
    with assistant.sessions() as session:
        assert session.query(FeedbackRecord).filter_by(source="staff").count() == 2
    assert client.post("/staff/review/bulk", data={"answer_ids": chosen, "rating": "1"}).status_code == 403


def test_the_queue_exports_every_matching_item_as_csv_and_jsonl(client, world):
    _, ids = world
    response = client.get("/staff/review/export?fmt=csv&status=all")
    assert response.status_code == 200 and response.content.startswith(b"\xef\xbb\xbf")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert {r["answer_id"] for r in rows} == set(ids.values())
    summit = next(r for r in rows if r["answer_id"] == ids["summit"])
    assert summit["user_comment"] == '\'=HYPERLINK("https://evil.example")'  # neutralised for spreadsheets
    assert (
        summit["question"] == "أين عُقدت القمة العالمية الخامسة؟"
        and json.loads(summit["kinds"])[0] == "thumbs_down"
    )
    filtered = client.get("/staff/review/export?fmt=jsonl&q=ملبورن")
    lines = [json.loads(line) for line in filtered.text.splitlines()]
    assert [line["answer_id"] for line in lines] == [ids["melbourne"]]
    assert lines[0]["user_comment"] == "ينقصها التاريخ"


def test_all_feedback_exports_with_questions(client, world):
    _, ids = world
    response = client.get("/staff/feedback/export?fmt=csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 3 and {r["source"] for r in rows} == {"user"}
    assert {r["answer_id"] for r in rows} == set(ids.values())
    assert all(r["question"] and not r["comment"].startswith("=") for r in rows)
    jsonl = client.get("/staff/feedback/export?fmt=jsonl").text.splitlines()
    assert len(jsonl) == 3 and json.loads(jsonl[0])["rating"] == -1


def test_exports_need_a_signed_in_staff_member(world):
    assistant, _ = world
    with TestClient(create_app(assistant=assistant)) as anonymous:
        for path in ("/staff/review/export", "/staff/feedback/export"):
            response = anonymous.get(path, follow_redirects=False)
            assert response.status_code == 303 and "/staff/login" in response.headers["location"]
