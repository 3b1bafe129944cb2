"""The review queue, one answer's review page, saving a review and promoting it to a dataset."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlencode

from fastapi import Form, Request
from fastapi.responses import Response
from sqlalchemy import select

from api.staff.exports import download
from api.staff.render import flash, redirect, render
from api.staff.security import UserDep, staff_router
from assistant.chat.service import Assistant
from assistant.errors import InvalidRequest, NotFound
from assistant.eval.datasets import DatasetStore
from assistant.staff.accounts import usernames
from assistant.staff.library import Library
from assistant.staff.review import (
    KINDS,
    MAX_BULK,
    MAX_SEARCH_CHARS,
    STAFF_REASONS,
    STATUSES,
    QueueFilters,
    ReviewQueue,
)
from assistant.store.models import AnswerRecord, FeedbackRecord

log = logging.getLogger("api.staff")
router = staff_router()


def review_queue(assistant: Assistant) -> ReviewQueue:
    chunks = assistant.retriever.chunks

    def document_of(chunk_id: str) -> str | None:
        chunk = chunks.get(chunk_id)
        return chunk.document_id if chunk else None

    return ReviewQueue(
        assistant.sessions, refusal_threshold=assistant.settings.refusal_threshold, document_of=document_of
    )


def _date(value: str, name: str) -> date | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidRequest(f"{name} must be a date (YYYY-MM-DD).") from None


def _rating(value: str) -> int | None:
    value = (value or "").strip()
    if value in ("1", "0", "-1"):
        return int(value)
    return None


def queue_filters(params: dict[str, str]) -> tuple[QueueFilters, str | None]:
    """Filters from the query string; every value is checked (an invalid one is ignored and named)."""
    kind, status = params.get("kind", ""), params.get("status", "unreviewed")
    filters = QueueFilters(
        document=(params.get("document") or "").strip()[:200] or None,
        kind=kind if kind in KINDS else None,
        rating=_rating(params.get("rating", "")),
        status=status if status in STATUSES else "unreviewed",
        text=(params.get("q") or "").strip() or None,
    )
    error = None
    try:
        filters.date_from = _date(params.get("date_from", ""), "From")
        filters.date_to = _date(params.get("date_to", ""), "To")
        filters.validate()
    except InvalidRequest as exc:
        error = exc.message
        filters.date_from = filters.date_to = None
        if filters.text and len(filters.text) > MAX_SEARCH_CHARS:
            filters.text = None
    return filters, error


@router.get("/review")
def queue_page(request: Request, user: UserDep, page: str = "1") -> Response:
    assistant: Assistant = request.app.state.assistant
    assistant.refresh()
    params = dict(request.query_params)
    filters, error = queue_filters(params)
    page_number = int(page) if page.strip().isdigit() and len(page.strip()) < 7 else 1
    result = review_queue(assistant).list(filters, page=page_number)
    titles = assistant.retriever.titles
    return render(
        request,
        "staff/queue.html",
        result=result,
        filters=filters,
        form={
            "date_from": params.get("date_from", ""),
            "date_to": params.get("date_to", ""),
            "q": filters.text or "",
        },
        documents=sorted(titles.items()),
        titles=titles,
        kinds=KINDS,
        statuses=STATUSES,
        error=error,
        export_query=urlencode({k: v for k, v in params.items() if k not in ("page", "lang", "fmt")}),
    )


QUEUE_COLUMNS = (
    "answer_id",
    "created_at",
    "kinds",
    "question",
    "standalone_question",
    "answer",
    "refused",
    "confidence",
    "documents",
    "user_rating",
    "user_reason",
    "user_comment",
    "staff_rating",
    "staff_reason",
    "staff_comment",
    "correction",
)


@router.get("/review/export")
def export_queue(request: Request, user: UserDep, fmt: str = "csv") -> Response:
    """Every item matching the queue's filters (not only one page), as CSV or JSON Lines."""
    assistant: Assistant = request.app.state.assistant
    assistant.refresh()
    filters, _ = queue_filters(dict(request.query_params))
    items = review_queue(assistant).list(filters, per_page=None).items
    rows = [
        {
            **{c: getattr(i, c, None) for c in QUEUE_COLUMNS},
            "kinds": i.kinds,
            "documents": i.document_ids,
            "confidence": round(i.confidence, 4),
        }
        for i in items
    ]
    log.info("review queue exported by %r: %d items", user.username, len(rows))
    return download(rows, QUEUE_COLUMNS, fmt, f"review-queue-{datetime.now(UTC).date().isoformat()}")


FEEDBACK_COLUMNS = (
    "feedback_id",
    "answer_id",
    "created_at",
    "source",
    "rating",
    "reason",
    "comment",
    "correction",
    "reviewer",
    "origin",
    "question",
    "answer",
)


@router.get("/feedback/export")
def export_feedback(request: Request, user: UserDep, fmt: str = "csv") -> Response:
    """Every judgement: users' thumbs (with reason and comment) and staff reviews, newest first."""
    assistant: Assistant = request.app.state.assistant
    with assistant.sessions() as session:
        records = session.execute(
            select(FeedbackRecord, AnswerRecord.question, AnswerRecord.answer)
            .join(AnswerRecord, AnswerRecord.id == FeedbackRecord.answer_id)
            .order_by(FeedbackRecord.created_at.desc(), FeedbackRecord.id)
        ).all()
    names = usernames(assistant.sessions, {f.reviewer_id for f, _, _ in records if f.reviewer_id})
    rows = [
        {
            "feedback_id": f.id,
            "answer_id": f.answer_id,
            "created_at": f.created_at,
            "source": f.source,
            "rating": f.rating,
            "reason": f.reason,
            "comment": f.comment,
            "correction": f.correction,
            "reviewer": names.get(f.reviewer_id or ""),
            "origin": f.origin,
            "question": question,
            "answer": answer,
        }
        for f, question, answer in records
    ]
    log.info("feedback exported by %r: %d records", user.username, len(rows))
    return download(rows, FEEDBACK_COLUMNS, fmt, f"feedback-{datetime.now(UTC).date().isoformat()}")


@router.post("/review/bulk")
async def bulk_review(request: Request, user: UserDep) -> Response:
    """One verdict for the answers ticked in the queue (a staff review each)."""
    form = await request.form()
    ids = [str(v) for v in form.getlist("answer_ids")][: MAX_BULK + 1]
    rating = _rating(str(form.get("rating", "")))
    back = str(form.get("back", "")) or "/staff/review"
    if not back.startswith("/staff/review"):
        back = "/staff/review"
    try:
        if rating is None:
            raise InvalidRequest("Choose correct, partly correct or wrong.")
        reason = str(form.get("reason", "")).strip() or None
        count = review_queue(request.app.state.assistant).bulk_review(
            ids, reviewer_id=user.id, rating=rating, reason=reason
        )
    except (InvalidRequest, NotFound) as exc:
        flash(request, "bulk_failed", kind="error", extra=exc.message)
        return redirect(back)
    log.info("bulk review by %r: %d answers rated %d", user.username, count, rating)
    flash(request, "bulk_saved", extra=str(count))
    return redirect(back)


def _highlight(text: str, quote: str) -> dict[str, Any]:
    start = text.find(quote) if quote else -1
    if start < 0:
        return {"found": False, "before": text, "match": "", "after": ""}
    return {"found": True, "before": text[:start], "match": quote, "after": text[start + len(quote) :]}


def item_context(assistant: Assistant, answer_id: str) -> dict[str, Any]:
    assistant.refresh()
    queue = review_queue(assistant)
    record = queue.answer(answer_id)
    chunks, titles = assistant.retriever.chunks, assistant.retriever.titles
    cited_docs = {c.get("document_id", "") for c in record.citations or []} - {""}
    present = Library(assistant.stores).existing_ids(cited_docs)
    citations = []
    for c in record.citations or []:
        chunk = chunks.get(c.get("chunk_id", ""))
        quote = c.get("quote", "")
        citations.append(
            {
                "n": c.get("n"),
                "document_id": c.get("document_id", ""),
                "title": c.get("title") or titles.get(c.get("document_id", ""), ""),
                "chunk_id": c.get("chunk_id", ""),
                "quote": quote,
                "in_index": chunk is not None,
                # deleted on /staff/documents: the stored quote stays readable, marked as removed
                "removed": c.get("document_id", "") not in present,
                **_highlight(chunk.text if chunk else "", quote),
            }
        )
    feedback = queue.feedback(answer_id)
    reviews = [f for f in feedback if f.source == "staff"]
    latest = reviews[-1] if reviews else None
    cited_n = {c["chunk_id"]: c["n"] for c in citations}
    picked = set(latest.expected_chunk_ids or []) if latest else set(cited_n)
    options, seen = [], set()
    for hit in [*(record.retrieved or []), *({"chunk_id": c["chunk_id"]} for c in citations)]:
        chunk_id = hit.get("chunk_id", "")
        if not chunk_id or chunk_id in seen:
            continue
        seen.add(chunk_id)
        chunk = chunks.get(chunk_id)
        options.append(
            {
                "chunk_id": chunk_id,
                "document_id": chunk.document_id if chunk else "",
                "title": titles.get(chunk.document_id, "") if chunk else "",
                "text": chunk.text if chunk else "",
                "score": hit.get("score"),
                "cited_as": cited_n.get(chunk_id),
                "checked": chunk_id in picked,
            }
        )
    for chunk_id in picked - seen:  # picked earlier but no longer retrieved or cited
        chunk = chunks.get(chunk_id)
        options.append(
            {
                "chunk_id": chunk_id,
                "document_id": chunk.document_id if chunk else "",
                "title": titles.get(chunk.document_id, "") if chunk else "",
                "text": chunk.text if chunk else "",
                "score": None,
                "cited_as": None,
                "checked": True,
            }
        )
    names = usernames(assistant.sessions, {f.reviewer_id for f in reviews if f.reviewer_id})
    day = datetime.now(UTC).date()
    return {
        "record": record,
        "kinds": queue.kinds_of(record, feedback, day),
        "citations": citations,
        "options": options,
        "user_feedback": [f for f in feedback if f.source != "staff"],
        "reviews": [(f, names.get(f.reviewer_id or "", "?")) for f in reversed(reviews)],
        "latest": latest,
        "reasons": STAFF_REASONS,
        "datasets": DatasetStore(assistant.sessions).list(),
        "promoted": queue.promoted_rows(answer_id),
    }


@router.get("/review/{answer_id}")
def item_page(request: Request, answer_id: str, user: UserDep) -> Response:
    context = item_context(request.app.state.assistant, answer_id[:64])
    dataset_names = {d["id"]: d["name"] for d in context["datasets"]}
    return render(request, "staff/item.html", dataset_names=dataset_names, error=None, **context)


@router.post("/review/{answer_id}")
async def save_review(request: Request, answer_id: str, user: UserDep) -> Response:
    form = await request.form()
    answer_id = answer_id[:64]
    assistant: Assistant = request.app.state.assistant
    rating = _rating(str(form.get("rating", "")))
    try:
        if rating is None:
            raise InvalidRequest("Choose correct, partly correct or wrong.")
        review_queue(assistant).save_review(
            answer_id,
            reviewer_id=user.id,
            rating=rating,
            reason=str(form.get("reason", "")),
            comment=str(form.get("comment", "")),
            correction=str(form.get("correction", "")),
            expected_chunk_ids=[str(v) for v in form.getlist("expected_chunk_ids")],
        )
    except InvalidRequest as exc:
        context = item_context(assistant, answer_id)
        dataset_names = {d["id"]: d["name"] for d in context["datasets"]}
        return render(
            request, "staff/item.html", 422, dataset_names=dataset_names, error=exc.message, **context
        )
    log.info("review saved by %r: answer %s rating %d", user.username, answer_id, rating)
    flash(request, "review_saved")
    return redirect(f"/staff/review/{answer_id}#review")


@router.post("/review/{answer_id}/promote")
def promote(
    request: Request,
    answer_id: str,
    user: UserDep,
    dataset_id: str = Form("", max_length=200),
    answerable: str = Form(""),
    tags: str = Form("", max_length=1000),
) -> Response:
    answer_id = answer_id[:64]
    assistant: Assistant = request.app.state.assistant
    queue = review_queue(assistant)
    try:
        latest = queue.latest_review(answer_id)
        if latest is None:
            queue.answer(answer_id)  # 404 for an unknown answer
            raise InvalidRequest("Save a review before promoting the answer.")
        if not dataset_id:
            raise InvalidRequest("Choose a dataset.")
        picked = list(latest.expected_chunk_ids or [])
        chunks = assistant.retriever.chunks
        documents = list(dict.fromkeys(chunks[c].document_id for c in picked if c in chunks))
        row = DatasetStore(assistant.sessions).promote(
            answer_id,
            dataset_id=dataset_id,
            reference_answer=latest.correction or "",
            reference_chunk_ids=picked,
            reference_document_ids=documents or None,  # None: the store uses the cited documents
            answerable=answerable in ("1", "on", "true"),
            tags=[t.strip() for t in tags.split(",") if t.strip()],
        )
    except InvalidRequest as exc:
        context = item_context(assistant, answer_id)
        dataset_names = {d["id"]: d["name"] for d in context["datasets"]}
        return render(
            request, "staff/item.html", 422, dataset_names=dataset_names, error=exc.message, **context
        )
    log.info("answer %s promoted to dataset %s by %r", answer_id, row.dataset_id, user.username)
    flash(request, "promoted")
    return redirect(f"/staff/review/{answer_id}?promoted={row.id}#promote")
