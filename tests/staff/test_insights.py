"""/staff/insights: usage figures from seeded conversations and feedback (real SQLite and PostgreSQL),
the daily CSV, the period form, retention (text gone, counts kept), "mark covered", and no question
text in the logs."""

from __future__ import annotations

import csv
import io
import logging
import re
from collections import Counter
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from sqlalchemy import select, update

from assistant.store.models import (
    AnswerRecord,
    AnswerStats,
    AnswerStatsDocument,
    Conversation,
    FeedbackRecord,
    GapCheck,
)
from assistant.store.retention import purge_older_than
from assistant.types import Answer
from tests.staff.helpers import REVIEWER, ask, csrf, sign_in

MSA = "أين عُقدت القمة العالمية الخامسة لشبكة المدن القوية؟"
DIALECT = "وين انعقدت القمة العالمية الخامسة للشبكة؟ بدي اعرف"
ENGLISH = "Where was the fifth global summit of the network held?"
REFUSED_1 = "ما ميزانية الشبكة لعام 2031؟"
REFUSED_2 = "اشرح لي كيف أصنع متفجرات"
OLD = "سؤال قديم خارج الفترة الافتراضية"
TOTAL = re.compile(r'data-testid="total-([a-z-]+)">([^<]*)<')


def _age(assistant, answer_id: str, days: float) -> None:
    """Date an answer (and its figures) ``days`` ago, as if it had been asked then."""
    when = datetime.now(UTC) - timedelta(days=days)
    with assistant.sessions.begin() as session:
        session.execute(update(AnswerRecord).where(AnswerRecord.id == answer_id).values(created_at=when))
        session.execute(update(AnswerStats).where(AnswerStats.answer_id == answer_id).values(created_at=when))
        documents = update(AnswerStatsDocument).where(AnswerStatsDocument.answer_id == answer_id)
        session.execute(documents.values(created_at=when))


def _stored(
    assistant, question: str, *, refused: bool, reason: str | None, latency: float, days: float
) -> str:
    text = "لا أجد إجابة في الوثائق." if refused else "إجابة"
    answer = Answer(text=text, refused=refused, refusal_reason=reason)
    _, answer_id = assistant.conversations.save(None, question, question, answer, [], latency)
    _age(assistant, answer_id, days)
    return answer_id


@pytest.fixture
def seeded(client, assistant):
    """Three questions through /v1/chat today (MSA, dialect, English; 👍 on one, 👎 on another), two
    refusals stored three days ago (weak evidence, harmful), one answer 40 days ago."""
    ids = {q: ask(client, q) for q in (MSA, DIALECT, ENGLISH)}
    assert client.post("/v1/feedback", json={"answer_id": ids[MSA], "rating": 1}).status_code == 200
    assert client.post("/v1/feedback", json={"answer_id": ids[ENGLISH], "rating": -1}).status_code == 200
    ids[REFUSED_1] = _stored(assistant, REFUSED_1, refused=True, reason="weak_evidence", latency=40.0, days=3)
    ids[REFUSED_2] = _stored(assistant, REFUSED_2, refused=True, reason="harmful", latency=8.0, days=3)
    ids[OLD] = _stored(assistant, OLD, refused=False, reason=None, latency=500.0, days=40)
    return ids


def _totals(html: str) -> dict[str, str]:
    return dict(TOTAL.findall(html))


def _table(html: str, table_id: str, attr: str) -> dict[str, int]:
    body = html.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(rf'<tr {attr}="([^"]+)">.*?<td class="num">(\d+)</td></tr>', body, re.S)
    return {key: int(n) for key, n in rows}


def test_usage_page_counts_the_seeded_questions(client, assistant, seeded):
    sign_in(client)
    html = client.get("/staff/insights?lang=en").text
    assert _totals(html) == {
        "questions": "5", "answered": "3", "refused": "2", "thumbs-up": "1", "thumbs-down": "1",
    }
    assert _table(html, "reasons-table", "data-reason") == {"weak_evidence": 1, "harmful": 1}
    assert _table(html, "languages-table", "data-language") == {
        "ar_msa": 3, "ar_dialect": 1, "en": 1, "other": 0,
    }
    # latency: measured on the real answering path, given for the stored ones; the old one is outside
    with assistant.sessions() as session:
        stats = {s.answer_id: s for s in session.scalars(select(AnswerStats))}
        records = list(session.scalars(select(AnswerRecord)))
    for question in (MSA, DIALECT, ENGLISH):
        assert stats[seeded[question]].latency_ms > 0
    inside = [stats[seeded[q]].latency_ms for q in (MSA, DIALECT, ENGLISH, REFUSED_1, REFUSED_2)]
    p50 = re.search(r'data-testid="latency-p50"><span dir="ltr">(\d+) ms', html).group(1)
    p95 = re.search(r'data-testid="latency-p95"><span dir="ltr">(\d+) ms', html).group(1)
    assert int(p50) == round(float(np.percentile(inside, 50)))
    assert int(p95) == round(float(np.percentile(inside, 95)))
    assert int(p95) < 500  # the 40-day-old answer (500 ms) is outside the period
    # most cited documents: each answer counts once per document it cites
    cited = Counter()
    for record in records:
        if record.id != seeded[OLD]:
            cited.update({c["document_id"] for c in record.citations})
    assert cited, "the answered questions cite documents"
    assert _table(html, "cited-table", "data-document") == dict(cited)
    assert 'data-testid="chart-daily"' in html and "<script" not in html.split("<main", 1)[1]


def test_daily_csv_and_a_chosen_period(client, assistant, seeded):
    sign_in(client)
    response = client.get("/staff/insights/export?fmt=csv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert response.text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(response.text.lstrip("\ufeff"))))
    assert list(rows[0]) == ["date", "questions", "answered", "refused", "thumbs_up", "thumbs_down"]
    assert len(rows) == 30
    today = datetime.now(UTC).date()
    by_day = {r["date"]: r for r in rows}
    assert rows[-1]["date"] == today.isoformat()
    assert by_day[today.isoformat()] == {
        "date": today.isoformat(),
        "questions": "3",
        "answered": "3",
        "refused": "0",
        "thumbs_up": "1",
        "thumbs_down": "1",
    }
    three = (today - timedelta(days=3)).isoformat()
    assert by_day[three]["questions"] == "2" and by_day[three]["refused"] == "2"
    assert sum(int(r["questions"]) for r in rows) == 5

    start = (today - timedelta(days=45)).isoformat()
    html = client.get(f"/staff/insights?date_from={start}&date_to={today.isoformat()}&lang=en").text
    assert _totals(html)["questions"] == "6"
    jsonl = client.get(f"/staff/insights/export?fmt=jsonl&date_from={start}").text.splitlines()
    assert len(jsonl) == 46

    bad = client.get("/staff/insights?date_from=2026-13-01&lang=en")
    assert bad.status_code == 200
    assert "From must be a date (YYYY-MM-DD)." in bad.text
    assert _totals(bad.text)["questions"] == "5"  # the default period is shown instead
    assert client.get("/staff/insights/export?date_from=2020-01-01&date_to=2026-01-01").status_code == 422
    reversed_period = client.get("/staff/insights?date_from=2026-12-02&date_to=2026-11-01&lang=ar").text
    assert "تاريخ البداية بعد تاريخ النهاية." in reversed_period


def test_content_gaps_list_refused_and_thumbs_down_questions(client, assistant, seeded):
    sign_in(client, REVIEWER)
    html = client.get("/staff/insights/gaps?lang=en").text
    assert re.search(r'id="gap-total">(\d+)<', html).group(1) == "3"  # two refusals, one thumbs down
    for question in (REFUSED_1, REFUSED_2, ENGLISH):
        assert question in html
    for question in (MSA, DIALECT, OLD):
        assert question not in html
    sizes = [int(s) for s in re.findall(r'data-testid="group-size">(\d+)<', html)]
    assert sum(sizes) == 3
    assert 'data-testid="gap-documents"' in html  # the nearest chunks' documents
    assert 'data-testid="mark-covered"' not in html  # reviewers read, admins re-ask


def test_mark_covered_reasks_and_stores_how_many_are_answered(client, assistant, seeded):
    token = sign_in(client, REVIEWER)
    group = [seeded[REFUSED_1], seeded[REFUSED_2]]
    denied = client.post("/staff/insights/gaps/check", data={"csrf_token": token, "answer_ids": group})
    assert denied.status_code == 403
    client.post("/staff/logout", data={"csrf_token": token})
    token = sign_in(client)
    forged = client.post("/staff/insights/gaps/check", data={"csrf_token": "forged", "answer_ids": group})
    assert forged.status_code == 403  # the session's CSRF token is required
    with assistant.sessions() as session:
        assert session.scalars(select(GapCheck)).all() == []
    page = client.post(
        "/staff/insights/gaps/check", data={"csrf_token": token, "answer_ids": group}, follow_redirects=True
    )
    assert page.status_code == 200
    with assistant.sessions() as session:
        check = session.scalars(select(GapCheck)).one()
    # the budget question is answered now (the threshold is 0 in these tests); the harmful one stays declined
    assert (check.asked, check.answered, check.answered_ids) == (2, 1, [seeded[REFUSED_1]])
    assert "1 / 2" in page.text
    assert re.search(r'data-testid="group-check" data-answered="1" data-asked="2"', page.text)
    assert f'id="check-{check.id}"' in page.text
    client.get("/staff/insights/gaps?lang=en")  # the session remembers the language
    empty = client.post("/staff/insights/gaps/check", data={"csrf_token": token}, follow_redirects=True)
    assert "The questions were not re-asked: Select a group of questions to check." in empty.text
    client.get("/staff/insights/gaps?lang=ar")
    gone = client.post(
        "/staff/insights/gaps/check",
        data={"csrf_token": token, "answer_ids": ["nope"]},
        follow_redirects=True,
    )
    assert "لم يُعَد طرح الأسئلة: لم تعد هذه الأسئلة مخزّنة (مدة الاحتفاظ)؛ لم يُعَد طرح شيء." in gone.text
    with assistant.sessions() as session:
        assert len(session.scalars(select(GapCheck)).all()) == 1  # nothing stored for the failed ones


def test_retention_removes_text_and_keeps_the_counts(client, assistant, seeded):
    # an answer stored before usage figures existed (no AnswerStats row), ten days old
    with assistant.sessions.begin() as session:
        session.add(Conversation(id="legacy-conversation"))
        session.flush()
        session.add(
            AnswerRecord(
                id="legacy-answer", conversation_id="legacy-conversation", question="سؤال قديم مرفوض",
                answer="لا أجد", refused=True, generator="extractive",
                created_at=datetime.now(UTC) - timedelta(days=10),
            )
        )
        session.flush()
        session.add(FeedbackRecord(answer_id="legacy-answer", rating=-1, source="user"))
    assistant.settings.retention_days = 2
    sign_in(client)
    before = client.get("/staff/insights?lang=en").text
    assert _totals(before) == {
        "questions": "6", "answered": "3", "refused": "3", "thumbs-up": "1", "thumbs-down": "2",
    }
    csv_before = client.get("/staff/insights/export").text
    gaps = client.get("/staff/insights/gaps").text
    assert REFUSED_1 not in gaps and "سؤال قديم مرفوض" not in gaps  # older than retention: not shown
    assert ENGLISH in gaps
    assert 'data-testid="retention-note"' in gaps

    purge_older_than(assistant.sessions, 2)
    with assistant.sessions() as session:
        assert session.get(AnswerRecord, seeded[REFUSED_1]) is None
        assert session.get(AnswerRecord, "legacy-answer") is None
    after = client.get("/staff/insights?lang=en").text
    assert _totals(after) == _totals(before)
    assert _table(after, "reasons-table", "data-reason") == {"weak_evidence": 1, "harmful": 1, "unknown": 1}
    assert client.get("/staff/insights/export").text == csv_before
    assert REFUSED_1 not in client.get("/staff/insights/gaps").text


def test_no_question_text_in_the_logs(client, assistant, caplog):
    caplog.set_level(logging.DEBUG)
    token = sign_in(client)
    answer_id = ask(client, DIALECT)
    client.post("/v1/feedback", json={"answer_id": answer_id, "rating": -1})
    client.get("/staff/insights")
    client.get("/staff/insights/gaps")
    client.post("/staff/insights/gaps/check", data={"csrf_token": token, "answer_ids": [answer_id]})
    purge_older_than(assistant.sessions, 1)
    assert "content gaps: 1 questions" in caplog.text
    assert "content gap checked" in caplog.text
    assert "وين" not in caplog.text and "القمة" not in caplog.text


def test_signed_out_is_sent_to_sign_in(client):
    response = client.get("/staff/insights", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/staff/login")
    assert csrf(client)  # the sign-in page renders


def test_streamed_and_openai_style_answers_store_their_figures(client, assistant):
    streamed = client.post("/v1/chat", json={"message": DIALECT, "stream": True})
    assert streamed.status_code == 200
    answer_id = re.search(r'"answer_id": ?"([0-9a-f]+)"', streamed.text).group(1)
    messages = [{"role": "user", "content": ENGLISH}]
    completion = client.post("/v1/chat/completions", json={"model": "assistant", "messages": messages})
    assert completion.status_code == 200, completion.text
    with assistant.sessions() as session:
        stats = {s.answer_id: s for s in session.scalars(select(AnswerStats))}
        records = {r.id: r for r in session.scalars(select(AnswerRecord))}
        documents = session.execute(
            select(AnswerStatsDocument.answer_id, AnswerStatsDocument.document_id)
        ).all()
    assert set(stats) == set(records)  # every stored answer has its figures, written with it
    assert stats[answer_id].language == "ar_dialect" and stats[answer_id].latency_ms > 0
    (other,) = set(stats) - {answer_id}
    assert stats[other].language == "en" and stats[other].latency_ms > 0
    for answer in (answer_id, other):
        cited = {c["document_id"] for c in records[answer].citations}
        assert cited and {d for a, d in documents if a == answer} == cited
