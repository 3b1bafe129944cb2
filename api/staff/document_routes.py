"""The documents page (/staff/documents): the table of every document, uploads with their progress,
one document's text, chunks and citing questions, metadata edits and deletions (admins), and the
audit log (/staff/audit). The work is done by assistant/staff/library.py and uploads.py."""

from __future__ import annotations

import logging
from typing import Annotated
from urllib.parse import quote

from fastapi import Form, Query, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from api.staff.i18n import translate_error
from api.staff.render import flash, lang_of, redirect, render
from api.staff.security import AdminDep, PageNotFound, UserDep, staff_router
from assistant.errors import AssistantError, InvalidRequest, NotFound
from assistant.ingest.loaders import SUPPORTED_SUFFIXES
from assistant.staff.audit import ACTIONS
from assistant.staff.library import SORTS, STATUSES, DocumentFilters, Library
from assistant.staff.uploads import MAX_FILES, Uploads
from assistant.types import DOCUMENT_KINDS

log = logging.getLogger("api.staff")
router = staff_router()
COLUMNS = ("title", "kind", "date", "place", "language", "format", "pages", "chunks", "ingested", "status")


def library(request: Request) -> Library:
    return Library(request.app.state.assistant.stores)


def uploads(request: Request) -> Uploads:
    return Uploads(request.app.state.assistant)


def _document(lib: Library, document_id: str):
    try:
        return lib.get(document_id[:200])
    except NotFound:
        raise PageNotFound("not_found", f"No document with id '{document_id[:200]}'.") from None


def documents_page(
    request: Request, filters: DocumentFilters, status_code: int = 200, error: str | None = None
):
    table = library(request).table(filters)
    return render(
        request,
        "staff/documents.html",
        status_code,
        table=table,
        filters=filters,
        kinds=DOCUMENT_KINDS,
        statuses=STATUSES,
        columns=COLUMNS,
        jobs=uploads(request).recent(),
        accept=",".join(SUPPORTED_SUFFIXES),
        max_files=MAX_FILES,
        error=error,
    )


@router.get("/documents")
def list_page(
    request: Request,
    user: UserDep,
    q: Annotated[str, Query(max_length=200)] = "",
    kind: Annotated[str, Query(max_length=40)] = "",
    language: Annotated[str, Query(max_length=20)] = "",
    place: Annotated[str, Query(max_length=200)] = "",
    format: Annotated[str, Query(max_length=10)] = "",
    status: Annotated[str, Query(max_length=20)] = "",
    year: Annotated[str, Query(max_length=4)] = "",
    sort: Annotated[str, Query(max_length=20)] = "ingested",
    order: Annotated[str, Query(max_length=4)] = "desc",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    filters = DocumentFilters(
        q, kind, language, place, format, status, year, sort if sort in SORTS else "ingested", order, page
    )
    return documents_page(request, filters)


def _wants_json(request: Request) -> bool:
    return "application/json" in request.headers.get("accept", "")


@router.post("/documents/upload")
async def upload(request: Request, user: AdminDep) -> Response:
    """One or many files (field ``files``). The page's script sends them with fetch and polls the
    progress; without JavaScript the form posts here and the page lists the uploads, refreshing."""
    form = await request.form(max_files=MAX_FILES + 1)
    files = [f for f in form.getlist("files") if isinstance(f, UploadFile) and f.filename]
    try:
        ids = await run_in_threadpool(
            uploads(request).accept, [(f.filename or "", f.file) for f in files], user.username
        )
    except InvalidRequest as exc:
        if _wants_json(request):
            return JSONResponse({"error": "invalid_request", "message": exc.message}, status_code=422)
        return documents_page(request, DocumentFilters(), 422, exc.message)
    finally:
        for f in files:
            await f.close()
    if _wants_json(request):
        return JSONResponse({"jobs": _shown(request, uploads(request).jobs(ids))}, status_code=202)
    flash(request, "upload_started", extra=str(len(ids)))
    return redirect("/staff/documents#uploads")


@router.get("/documents/uploads/progress")
def upload_progress(
    request: Request, user: UserDep, ids: Annotated[str, Query(max_length=2000)] = ""
) -> Response:
    """JSON ``{jobs: [{id, filename, status, stage, result, document_id, reason}]}``; status queued,
    processing, done or failed (reason: what is wrong with the file)."""
    wanted = [i for i in ids.split(",") if i][: MAX_FILES * 5]
    return JSONResponse(
        {"jobs": _shown(request, uploads(request).jobs(wanted) if wanted else uploads(request).recent())}
    )


def _shown(request: Request, jobs: list[dict]) -> list[dict]:
    """Each job with ``message``: its failure reason in the page's language (``reason`` stays English)."""
    lang = lang_of(request)
    return [
        {**job, "message": translate_error(job["reason"], lang)[0] if job["reason"] else None} for job in jobs
    ]


@router.post("/documents/uploads/{job_id}/dismiss")
def dismiss(request: Request, job_id: str, user: AdminDep) -> Response:
    uploads(request).dismiss(job_id[:64])
    return redirect("/staff/documents#uploads")


@router.get("/documents/edit/{document_id:path}")
def edit_page(request: Request, document_id: str, user: AdminDep) -> Response:
    record = _document(library(request), document_id)
    form = {k: getattr(record, k) or "" for k in ("title", "kind", "date", "place", "language")}
    return render(
        request, "staff/document_edit.html", record=record, form=form, kinds=DOCUMENT_KINDS, error=None
    )


@router.post("/documents/edit/{document_id:path}")
def edit(
    request: Request,
    document_id: str,
    user: AdminDep,
    title: str = Form("", max_length=1000),
    kind: str = Form("", max_length=40),
    date: str = Form("", max_length=40),
    place: str = Form("", max_length=1000),
    language: str = Form("", max_length=40),
) -> Response:
    lib = library(request)
    record = _document(lib, document_id)
    form = {"title": title, "kind": kind, "date": date, "place": place, "language": language}
    try:
        changed = lib.edit(record.id, form, user.username)
    except AssistantError as exc:
        status = exc.status_code if exc.status_code < 500 else 503
        return render(
            request,
            "staff/document_edit.html",
            status,
            record=record,
            form=form,
            kinds=DOCUMENT_KINDS,
            error=exc.message,
        )
    request.app.state.assistant.refresh(force=True)
    log.info(
        "document %s: metadata edited by %r (%s)", record.id, user.username, ", ".join(changed) or "no change"
    )
    flash(request, "document_saved" if changed else "document_unchanged")
    return redirect(f"/staff/documents/{quote(record.id)}")


@router.get("/documents/delete/{document_id:path}")
def delete_page(request: Request, document_id: str, user: AdminDep) -> Response:
    record = _document(library(request), document_id)
    cited = len(library(request).citing_answers(record.id))
    return render(request, "staff/document_delete.html", record=record, cited=cited, error=None)


@router.post("/documents/delete/{document_id:path}")
def delete(
    request: Request, document_id: str, user: AdminDep, confirm: str = Form("", max_length=10)
) -> Response:
    lib = library(request)
    record = _document(lib, document_id)
    if confirm != "yes":
        return render(
            request,
            "staff/document_delete.html",
            422,
            record=record,
            cited=0,
            error="Tick the box to confirm the deletion.",
        )
    try:
        lib.delete(record.id, user.username)
    except AssistantError as exc:
        return render(request, "staff/document_delete.html", 422, record=record, cited=0, error=exc.message)
    request.app.state.assistant.refresh(force=True)
    log.info("document %s deleted by %r", record.id, user.username)
    flash(request, "document_deleted", extra=record.title[:200])
    return redirect("/staff/documents")


@router.get("/documents/{document_id:path}")
def detail_page(request: Request, document_id: str, user: UserDep) -> Response:
    lib = library(request)
    record = _document(lib, document_id)
    return render(
        request,
        "staff/document.html",
        record=record,
        chunks=lib.chunks(record.id),
        cited_by=lib.citing_answers(record.id),
        history=lib.audit.page(document_id=record.id).entries,
        retention_days=request.app.state.assistant.settings.retention_days,
    )


@router.get("/audit")
def audit_page(
    request: Request,
    user: UserDep,
    action: Annotated[str, Query(max_length=20)] = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    result = library(request).audit.page(page, action if action in ACTIONS else "")
    return render(request, "staff/audit.html", result=result, actions=ACTIONS, action=action)
