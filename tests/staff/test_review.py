"""The review queue (which answers, filters, stable daily sample), the review page, saving reviews
and promoting a reviewed answer to a dataset."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest

from assistant.eval.datasets import DatasetStore
from assistant.staff.review import LOW_CONFIDENCE_MARGIN, QueueFilters, ReviewQueue, in_sample
from assistant.store.models import AnswerRecord, EvalRowRecord, FeedbackRecord, StaffUser
from assistant.types import Answer, Citation, Hit
from tests.staff.helpers import QUESTION, REVIEWER, ask, sign_in, thumbs_down

THRESHOLD = 0.78


def store_answer(assistant, question, *, refused=False, confidence=0.9, citations=(), hits=(), days_ago=0):
    answer = Answer(text="جواب", refused=refused, citations=list(citations), confidence=confidence)
    _, answer_id = assistant.conversations.save(None, question, question, answer, list(hits))
    if days_ago:
        with assistant.sessions.begin() as session:
            session.get(AnswerRecord, answer_id).created_at = datetime.now(UTC) - timedelta(days=days_ago)
    return answer_id


def queue_for(assistant, sample_rate=0.0) -> ReviewQueue:
    chunks = assistant.retriever.chunks
    return ReviewQueue(
        assistant.sessions,
        refusal_threshold=THRESHOLD,
        document_of=lambda cid: chunks[cid].document_id if cid in chunks else None,
        sample_rate=sample_rate,
    )


def ids(page) -> list[str]:
    return [item.answer_id for item in page.items]


@pytest.fixture
def stored(assistant):
    """Five answers: thumbs-down, refusal, low confidence, confident (sampled or not), old."""
    chunk = next(iter(assistant.retriever.chunks.values()))
    other = next(c for c in assistant.retriever.chunks.values() if c.document_id != chunk.document_id)
    citation = Citation(1, chunk.document_id, "", chunk.text[:40], chunk.id, 0.9)
    answers = {
        "down": store_answer(assistant, "سؤال أول", citations=[citation]),
        "refused": store_answer(assistant, "سؤال ثان", refused=True, confidence=0.3),
        "low": store_answer(assistant, "سؤال ثالث", confidence=THRESHOLD + LOW_CONFIDENCE_MARGIN / 2),
        "fine": store_answer(assistant, "سؤال رابع", hits=[Hit(other, 0.5)]),
        "old": store_answer(assistant, "سؤال قديم", refused=True, days_ago=10),
    }
    assistant.feedback.add(answers["down"], -1, "wrong")
    assistant.feedback.add(answers["fine"], 1)
    return answers, chunk, other


def test_queue_lists_thumbs_down_refusals_and_low_confidence_first(assistant, stored):
    answers, _, _ = stored
    page = queue_for(assistant).list()
    assert ids(page) == [answers["down"], answers["refused"], answers["old"], answers["low"]]
    assert [i.kind for i in page.items] == ["thumbs_down", "refusal", "refusal", "low_confidence"]
    assert page.counts == {"thumbs_down": 1, "refusal": 2, "low_confidence": 1, "sample": 0}
    assert page.items[0].user_rating == -1 and page.items[0].user_reason == "wrong"


def test_the_sample_is_the_same_all_day_and_changes_with_the_day(assistant, stored):
    answers, _, _ = stored
    queue = queue_for(assistant, sample_rate=1.0)
    assert answers["fine"] in ids(queue.list(QueueFilters(kind="sample")))
    day = date(2026, 1, 1)
    drawn = [in_sample(f"answer-{i}", day, 0.2) for i in range(2000)]
    assert drawn == [in_sample(f"answer-{i}", day, 0.2) for i in range(2000)]  # stable within a day
    assert 0.15 < sum(drawn) / len(drawn) < 0.25
    assert drawn != [in_sample(f"answer-{i}", day + timedelta(days=1), 0.2) for i in range(2000)]


def test_queue_filters(assistant, stored):
    answers, chunk, other = stored
    queue = queue_for(assistant, sample_rate=1.0)
    assert ids(queue.list(QueueFilters(kind="refusal"))) == [answers["refused"], answers["old"]]
    assert ids(queue.list(QueueFilters(rating=-1))) == [answers["down"]]
    assert ids(queue.list(QueueFilters(rating=1))) == [answers["fine"]]
    assert ids(queue.list(QueueFilters(document=chunk.document_id))) == [answers["down"]]  # cited
    assert answers["fine"] in ids(queue.list(QueueFilters(document=other.document_id)))  # retrieved
    today = datetime.now(UTC).date()
    recent = ids(queue.list(QueueFilters(date_from=today - timedelta(days=1))))
    assert answers["old"] not in recent and answers["down"] in recent
    old = ids(queue.list(QueueFilters(date_to=today - timedelta(days=5))))
    assert old == [answers["old"]]


def test_reviewed_items_leave_the_default_queue(assistant, stored):
    answers, chunk, _ = stored
    queue = queue_for(assistant)
    with assistant.sessions() as session:
        reviewer = session.query(StaffUser).filter_by(username=REVIEWER[0]).one()
    queue.save_review(answers["down"], reviewer_id=reviewer.id, rating=0, expected_chunk_ids=[chunk.id])
    assert answers["down"] not in ids(queue.list())
    assert ids(queue.list(QueueFilters(status="reviewed"))) == [answers["down"]]
    assert ids(queue.list(QueueFilters(rating=0, status="all"))) == [answers["down"]]


def test_pagination_is_stable(assistant):
    for i in range(7):
        store_answer(assistant, f"سؤال {i}", refused=True)
    queue = queue_for(assistant)
    first, second = queue.list(per_page=5), queue.list(page=2, per_page=5)
    assert (first.total, first.pages, len(first.items), len(second.items)) == (7, 2, 5, 2)
    assert not set(ids(first)) & set(ids(second))
    assert ids(queue.list(per_page=5)) == ids(first)


@pytest.mark.parametrize(
    ("fields", "fragment"),
    [
        ({"rating": 2}, "correct, partly correct or wrong"),
        ({"rating": 1, "reason": "rude"}, "reason must be one of"),
        ({"rating": 1, "correction": "ا" * 9000}, "limit is 8000"),
    ],
)
def test_bad_reviews_are_refused(assistant, stored, fields, fragment):
    from assistant.errors import InvalidRequest

    answers, _, _ = stored
    with pytest.raises(InvalidRequest) as error:
        queue_for(assistant).save_review(answers["down"], reviewer_id=None, **fields)
    assert fragment in error.value.message


# --- the pages --------------------------------------------------------------------------------
def test_queue_page_lists_the_thumbs_down_item(client):
    answer_id = ask(client)
    thumbs_down(client, answer_id)
    sign_in(client, REVIEWER)
    page = client.get("/staff/review")
    assert page.status_code == 200
    row = re.search(
        rf'<tr data-testid="queue-item" data-answer-id="{answer_id}" data-kind="([a-z_]+)">', page.text
    )
    assert row and row.group(1) == "thumbs_down"
    assert QUESTION in page.text
    filtered = client.get("/staff/review?kind=refusal")
    assert answer_id not in filtered.text
    bad_date = client.get("/staff/review?date_from=yesterday")
    assert bad_date.status_code == 200 and "YYYY-MM-DD" in bad_date.text


def test_review_page_shows_quotes_in_context_and_the_users_feedback(client, assistant):
    answer_id = ask(client)
    thumbs_down(client, answer_id)
    sign_in(client, REVIEWER)
    page = client.get(f"/staff/review/{answer_id}")
    assert page.status_code == 200
    with assistant.sessions() as session:
        record = session.get(AnswerRecord, answer_id)
    assert record.citations, "the fixture's threshold should let the fake embedder answer"
    first = record.citations[0]
    chunk_text = assistant.retriever.chunks[first["chunk_id"]].text
    assert chunk_text.find(first["quote"]) >= 0
    import html

    text = html.unescape(page.text)
    assert f'<mark class="quote" data-testid="quote">{first["quote"]}</mark>' in text
    before = chunk_text[: chunk_text.find(first["quote"])]
    if before:
        assert before[-30:] + '<mark class="quote"' in text  # highlighted inside its chunk
    assert 'data-testid="user-feedback-item" data-rating="-1"' in page.text and "ينقصها التاريخ" in text
    for hit in record.retrieved:
        assert f'value="{hit["chunk_id"]}"' in page.text  # every retrieved chunk can be picked


def test_a_review_is_stored_as_staff_feedback_with_the_picked_chunks(client, assistant):
    answer_id = ask(client)
    thumbs_down(client, answer_id)
    token = sign_in(client, REVIEWER)
    with assistant.sessions() as session:
        record = session.get(AnswerRecord, answer_id)
        reviewer = session.query(StaffUser).filter_by(username=REVIEWER[0]).one()
    picked = [record.retrieved[1]["chunk_id"], record.retrieved[2]["chunk_id"]]
    response = client.post(
        f"/staff/review/{answer_id}",
        data={
            "csrf_token": token,
            "rating": "0",
            "reason": "incomplete",
            "comment": "ينقصها المكان",
            "correction": "عُقدت القمة في كيب تاون.",
            "expected_chunk_ids": picked,
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    with assistant.sessions() as session:
        (review,) = session.query(FeedbackRecord).filter_by(answer_id=answer_id, source="staff").all()
    assert (review.rating, review.reason, review.correction, review.reviewer_id) == (
        0,
        "incomplete",
        "عُقدت القمة في كيب تاون.",
        reviewer.id,
    )
    assert review.expected_chunk_ids == picked
    page = client.get(f"/staff/review/{answer_id}")
    assert 'data-testid="review-history-item"' in page.text and "reviewer1" in page.text
    assert answer_id not in client.get("/staff/review").text  # reviewed: out of the to-do list
    assert answer_id in client.get("/staff/review?status=reviewed").text


def test_a_review_without_a_verdict_is_refused_and_nothing_stored(client, assistant):
    answer_id = ask(client)
    token = sign_in(client)
    response = client.post(f"/staff/review/{answer_id}", data={"csrf_token": token, "correction": "x"})
    assert response.status_code == 422 and 'data-testid="form-error"' in response.text
    with assistant.sessions() as session:
        assert session.query(FeedbackRecord).filter_by(source="staff").count() == 0


def test_promote_makes_a_dataset_row_from_the_review(client, assistant):
    answer_id = ask(client)
    thumbs_down(client, answer_id)
    dataset = DatasetStore(assistant.sessions).create("من المراجعات")
    token = sign_in(client, REVIEWER)  # reviewers may promote
    no_review = client.post(
        f"/staff/review/{answer_id}/promote", data={"csrf_token": token, "dataset_id": dataset.id}
    )
    assert no_review.status_code == 422 and "احفظ مراجعة" in no_review.text
    with assistant.sessions() as session:
        record = session.get(AnswerRecord, answer_id)
    picked = [record.retrieved[0]["chunk_id"]]
    client.post(
        f"/staff/review/{answer_id}",
        data={
            "csrf_token": token,
            "rating": "-1",
            "correction": "الإجابة الصحيحة.",
            "expected_chunk_ids": picked,
        },
    )
    response = client.post(
        f"/staff/review/{answer_id}/promote",
        data={"csrf_token": token, "dataset_id": dataset.id, "answerable": "1", "tags": "reviewed, summit"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    (row,) = DatasetStore(assistant.sessions).rows(dataset.id)
    assert (row.question, row.reference_answer, row.reference_chunk_ids, row.source_answer_id) == (
        QUESTION,
        "الإجابة الصحيحة.",
        picked,
        answer_id,
    )
    assert row.answerable and row.tags == ["reviewed", "summit"]
    assert row.reference_document_ids == [assistant.retriever.chunks[picked[0]].document_id]
    page = client.get(response.headers["location"])
    assert f'href="/staff/datasets/{dataset.id}#row-{row.id}"' in page.text  # "promoted to" link
    again = client.post(
        f"/staff/review/{answer_id}/promote", data={"csrf_token": token, "dataset_id": dataset.id}
    )
    assert again.status_code == 422 and "موجودة من قبل في المجموعة" in again.text
    with assistant.sessions() as session:
        assert session.query(EvalRowRecord).count() == 1
