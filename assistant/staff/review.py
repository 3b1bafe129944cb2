"""The staff review queue: which stored answers deserve a look, and the reviews themselves.

An answer is queued for one or more reasons ("kinds"), shown in this priority:

* ``thumbs_down`` — a user gave it a thumbs down;
* ``refusal`` — the assistant declined to answer;
* ``low_confidence`` — it answered with a support score under ``refusal_threshold +
  LOW_CONFIDENCE_MARGIN`` (0.03 above the refusal threshold: answers that nearly were refusals);
* ``sample`` — a random share (``SAMPLE_RATE``) of all other answers, drawn from a hash of the
  day and the answer id, so the sample is the same all day long (pagination is stable) and a new
  one is drawn the next day.

A staff review is a ``FeedbackRecord`` with ``source="staff"``: rating 1 correct, 0 partly
correct, -1 wrong, a reason, a comment, a corrected answer and the chunks that should have been
cited. Each save adds a record (the history is kept); the newest one is the review.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from assistant.errors import InvalidRequest, NotFound
from assistant.store.feedback import insert_feedback
from assistant.store.models import AnswerRecord, EvalRowRecord, FeedbackRecord
from assistant.text.arabic import normalize

KINDS = ("thumbs_down", "refusal", "low_confidence", "sample")
STATUSES = ("unreviewed", "reviewed", "all")
STAFF_RATINGS = (1, 0, -1)
STAFF_REASONS = (
    "wrong_facts",
    "incomplete",
    "wrong_citation",
    "should_refuse",
    "should_answer",
    "unclear",
    "other",
)
LOW_CONFIDENCE_MARGIN = 0.03
SAMPLE_RATE = 0.2
PER_PAGE = 25
MAX_TEXT_CHARS = 8000
MAX_EXPECTED_CHUNKS = 50
MAX_SEARCH_CHARS = 200
MAX_BULK = 100  # answers reviewed at once from the queue


@dataclass
class QueueFilters:
    date_from: date | None = None
    date_to: date | None = None  # inclusive
    document: str | None = None  # cited or retrieved document id
    kind: str | None = None
    rating: int | None = None  # any judgement (user thumbs or staff review) with this rating
    status: str = "unreviewed"
    text: str | None = None  # words that must appear in the question, answer or a comment

    def text_terms(self) -> list[str]:
        return [normalize(t).casefold() for t in (self.text or "").split() if t.strip()]

    def validate(self) -> QueueFilters:
        if self.kind and self.kind not in KINDS:
            raise InvalidRequest(f"kind must be one of {', '.join(KINDS)}.")
        if self.rating is not None and self.rating not in STAFF_RATINGS:
            raise InvalidRequest("rating must be 1, 0 or -1.")
        if self.status not in STATUSES:
            raise InvalidRequest(f"status must be one of {', '.join(STATUSES)}.")
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise InvalidRequest("The start date is after the end date.")
        if self.text and len(self.text) > MAX_SEARCH_CHARS:
            raise InvalidRequest(f"The search text is longer than {MAX_SEARCH_CHARS} characters.")
        return self


@dataclass
class QueueItem:
    answer_id: str
    question: str
    answer: str
    created_at: datetime | None
    refused: bool
    confidence: float
    kinds: list[str]
    document_ids: list[str]
    user_rating: int | None = None
    user_reason: str | None = None
    staff_rating: int | None = None
    standalone_question: str = ""
    user_comment: str | None = None
    staff_reason: str | None = None
    staff_comment: str | None = None
    correction: str | None = None

    @property
    def kind(self) -> str:
        return self.kinds[0]

    @property
    def reviewed(self) -> bool:
        return self.staff_rating is not None


@dataclass
class QueuePage:
    items: list[QueueItem]
    total: int
    page: int
    pages: int
    counts: dict[str, int] = field(default_factory=dict)  # matching items per primary kind


def in_sample(answer_id: str, day: date, rate: float = SAMPLE_RATE) -> bool:
    digest = hashlib.sha256(f"{day.isoformat()}:{answer_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < rate


class ReviewQueue:
    def __init__(
        self,
        sessions: sessionmaker,
        *,
        refusal_threshold: float,
        document_of: Callable[[str], str | None] = lambda chunk_id: None,
        low_confidence_margin: float = LOW_CONFIDENCE_MARGIN,
        sample_rate: float = SAMPLE_RATE,
    ):
        self.sessions = sessions
        self.document_of = document_of
        self.low_confidence_below = refusal_threshold + low_confidence_margin
        self.sample_rate = sample_rate

    # --- the queue ----------------------------------------------------------------------------
    def kinds_of(self, record: AnswerRecord, feedback: list[FeedbackRecord], day: date) -> list[str]:
        kinds = []
        if any(f.source == "user" and f.rating == -1 for f in feedback):
            kinds.append("thumbs_down")
        if record.refused:
            kinds.append("refusal")
        elif (record.confidence or 0.0) < self.low_confidence_below:
            kinds.append("low_confidence")
        if not kinds and in_sample(record.id, day, self.sample_rate):
            kinds.append("sample")
        return kinds

    def documents_of(self, record: AnswerRecord) -> list[str]:
        found: list[str] = []
        for citation in record.citations or []:
            doc = citation.get("document_id")
            if doc and doc not in found:
                found.append(doc)
        for hit in record.retrieved or []:
            doc = self.document_of(hit.get("chunk_id", ""))
            if doc and doc not in found:
                found.append(doc)
        return found

    def list(
        self,
        filters: QueueFilters | None = None,
        page: int = 1,
        per_page: int | None = PER_PAGE,
        today: date | None = None,
    ) -> QueuePage:
        """One page of the queue (``per_page`` None: every matching item, for exports)."""
        filters = (filters or QueueFilters()).validate()
        terms = filters.text_terms()
        day = today or datetime.now(UTC).date()
        query = select(AnswerRecord).order_by(AnswerRecord.created_at.desc(), AnswerRecord.id)
        if filters.date_from:
            query = query.where(AnswerRecord.created_at >= datetime.combine(filters.date_from, time(), UTC))
        if filters.date_to and filters.date_to < date.max:  # date.max: no end (and no overflow)
            end = datetime.combine(filters.date_to + timedelta(days=1), time(), UTC)
            query = query.where(AnswerRecord.created_at < end)
        with self.sessions() as session:
            records = list(session.scalars(query))
            feedback: dict[str, list[FeedbackRecord]] = {}
            ids = [r.id for r in records]
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                rows = session.scalars(
                    select(FeedbackRecord)
                    .where(FeedbackRecord.answer_id.in_(chunk))
                    .order_by(FeedbackRecord.created_at)
                )
                for f in rows:
                    feedback.setdefault(f.answer_id, []).append(f)
        items = []
        for record in records:
            judged = feedback.get(record.id, [])
            kinds = self.kinds_of(record, judged, day)
            if not kinds or (filters.kind and filters.kind not in kinds):
                continue
            staff = [f for f in judged if f.source == "staff"]
            users = [f for f in judged if f.source != "staff"]
            if (filters.status == "unreviewed" and staff) or (filters.status == "reviewed" and not staff):
                continue
            if filters.rating is not None and not any(f.rating == filters.rating for f in judged):
                continue
            documents = self.documents_of(record)
            if filters.document and filters.document not in documents:
                continue
            if terms:
                haystack = normalize(
                    " ".join(
                        [record.question, record.standalone_question or "", record.answer]
                        + [f.comment or "" for f in judged]
                        + [f.correction or "" for f in staff]
                    )
                ).casefold()
                if not all(term in haystack for term in terms):
                    continue
            items.append(
                QueueItem(
                    answer_id=record.id,
                    question=record.question,
                    answer=record.answer,
                    created_at=record.created_at,
                    refused=record.refused,
                    confidence=record.confidence or 0.0,
                    kinds=kinds,
                    document_ids=documents,
                    user_rating=users[-1].rating if users else None,
                    user_reason=users[-1].reason if users else None,
                    staff_rating=staff[-1].rating if staff else None,
                    standalone_question=record.standalone_question or "",
                    user_comment=users[-1].comment if users else None,
                    staff_reason=staff[-1].reason if staff else None,
                    staff_comment=staff[-1].comment if staff else None,
                    correction=staff[-1].correction if staff else None,
                )
            )
        items.sort(key=lambda i: KINDS.index(i.kind))  # stable: newest first within a kind
        counts = {kind: sum(1 for i in items if i.kind == kind) for kind in KINDS}
        if per_page is None:
            return QueuePage(items, len(items), 1, 1, counts)
        pages = max(1, math.ceil(len(items) / per_page))
        page = min(max(1, page), pages)
        return QueuePage(items[(page - 1) * per_page : page * per_page], len(items), page, pages, counts)

    # --- one answer ---------------------------------------------------------------------------
    def answer(self, answer_id: str) -> AnswerRecord:
        with self.sessions() as session:
            record = session.get(AnswerRecord, answer_id)
        if record is None:
            raise NotFound(f"No answer with id '{answer_id[:64]}'.")
        return record

    def feedback(self, answer_id: str) -> list[FeedbackRecord]:
        with self.sessions() as session:
            return list(
                session.scalars(
                    select(FeedbackRecord)
                    .where(FeedbackRecord.answer_id == answer_id)
                    .order_by(FeedbackRecord.created_at, FeedbackRecord.id)
                )
            )

    def latest_review(self, answer_id: str) -> FeedbackRecord | None:
        reviews = [f for f in self.feedback(answer_id) if f.source == "staff"]
        return reviews[-1] if reviews else None

    def promoted_rows(self, answer_id: str) -> list[dict[str, Any]]:
        """Dataset rows made from this answer: [{"row_id", "dataset_id"}]."""
        with self.sessions() as session:
            rows = session.execute(
                select(EvalRowRecord.id, EvalRowRecord.dataset_id).where(
                    EvalRowRecord.source_answer_id == answer_id
                )
            )
            return [{"row_id": r.id, "dataset_id": r.dataset_id} for r in rows]

    def save_review(
        self,
        answer_id: str,
        *,
        reviewer_id: str,
        rating: int,
        reason: str | None = None,
        comment: str | None = None,
        correction: str | None = None,
        expected_chunk_ids: list[str] | tuple[str, ...] = (),
    ) -> str:
        if rating not in STAFF_RATINGS:
            raise InvalidRequest("Choose correct, partly correct or wrong.")
        reason = (reason or "").strip() or None
        if reason is not None and reason not in STAFF_REASONS:
            raise InvalidRequest(f"reason must be one of {', '.join(STAFF_REASONS)}.")
        comment = (comment or "").strip() or None
        correction = (correction or "").strip() or None
        for name, text in (("comment", comment), ("corrected answer", correction)):
            if text and len(text) > MAX_TEXT_CHARS:
                raise InvalidRequest(
                    f"The {name} is {len(text)} characters long; the limit is {MAX_TEXT_CHARS}."
                )
        chunks = list(dict.fromkeys(c.strip() for c in expected_chunk_ids if c and c.strip()))
        if len(chunks) > MAX_EXPECTED_CHUNKS or any(len(c) > 64 for c in chunks):
            raise InvalidRequest("Too many or malformed chunk ids.")
        return insert_feedback(
            self.sessions,
            answer_id,
            rating=rating,
            reason=reason,
            comment=comment,
            correction=correction,
            source="staff",
            reviewer_id=reviewer_id,
            expected_chunk_ids=chunks,
        )

    def bulk_review(
        self, answer_ids: list[str], *, reviewer_id: str, rating: int, reason: str | None = None
    ) -> int:
        """The same verdict for several answers at once (a staff review each, without a correction);
        returns how many were saved. Unknown ids are refused before anything is saved."""
        ids = list(dict.fromkeys(a.strip()[:64] for a in answer_ids if a and a.strip()))
        if not ids:
            raise InvalidRequest("Select at least one answer.")
        if len(ids) > MAX_BULK:
            raise InvalidRequest(f"Select at most {MAX_BULK} answers at a time.")
        if rating not in STAFF_RATINGS:
            raise InvalidRequest("Choose correct, partly correct or wrong.")
        with self.sessions() as session:
            known = set(session.scalars(select(AnswerRecord.id).where(AnswerRecord.id.in_(ids))))
        missing = [a for a in ids if a not in known]
        if missing:
            raise NotFound(f"No answer with id '{missing[0]}'.")
        for answer_id in ids:
            self.save_review(answer_id, reviewer_id=reviewer_id, rating=rating, reason=reason)
        return len(ids)
