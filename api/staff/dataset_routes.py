"""Datasets: list and create, one dataset's rows, edit/add/delete rows, import and export files,
and starting an evaluation run. Reading and exporting is open to every staff member; changing
datasets and starting runs is for admins."""

from __future__ import annotations

import logging
import math
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import File, Form, Request, UploadFile
from fastapi.responses import Response

from api.limits import STAFF_UPLOAD_BYTES
from api.staff.render import flash, redirect, render
from api.staff.security import AdminDep, PageNotFound, UserDep, staff_router
from assistant.chat.service import Assistant
from assistant.errors import InvalidRequest, NotFound
from assistant.eval.datasets import DatasetStore
from assistant.eval.runs import RunStore, settings_snapshot, start_run_in_background
from assistant.store.models import EvalDataset, EvalRowRecord

log = logging.getLogger("api.staff")
router = staff_router()
ROWS_PER_PAGE = 100  # a dataset page shows this many rows (50,000 rows in one page: 28 MB, 6 s)
BLANK_ROW = {
    "question": "",
    "reference_answer": "",
    "answerable": True,
    "tags": [],
    "external_id": "",
    "key_facts": [],
    "reference_chunk_ids": [],
    "reference_document_ids": [],
    "evidence": "",
}


def datasets(request: Request) -> DatasetStore:
    return DatasetStore(request.app.state.assistant.sessions)


def _dataset(store: DatasetStore, dataset_id: str) -> EvalDataset:
    try:
        return store.get(dataset_id[:200])
    except NotFound:
        raise PageNotFound("not_found", f"No dataset with id '{dataset_id[:64]}'.") from None


def _row(store: DatasetStore, dataset: EvalDataset, row_id: str) -> EvalRowRecord:
    try:
        row = store.get_row(row_id[:64])
    except NotFound:
        row = None
    if row is None or row.dataset_id != dataset.id:
        raise PageNotFound("not_found", f"No row with id '{row_id[:64]}' in this dataset.")
    return row


def _split(text: str, sep: str = ",") -> list[str]:
    return [part.strip() for part in (text or "").replace("\r", "").split(sep) if part.strip()]


def row_fields(form: Any) -> dict[str, Any]:
    """The editable row fields from a submitted form (lists as comma- or line-separated text)."""
    return {
        "external_id": str(form.get("external_id", "")),
        "question": str(form.get("question", "")),
        "reference_answer": str(form.get("reference_answer", "")),
        "answerable": str(form.get("answerable", "")) in ("1", "on", "true"),
        "tags": _split(str(form.get("tags", ""))),
        "key_facts": _split(str(form.get("key_facts", "")), "\n"),
        "reference_chunk_ids": _split(str(form.get("reference_chunk_ids", ""))),
        "reference_document_ids": _split(str(form.get("reference_document_ids", ""))),
        "evidence": str(form.get("evidence", "")),
    }


def page_number(value: str | None) -> int:
    value = (value or "").strip()
    return int(value) if value.isdigit() and 0 < len(value) < 7 and int(value) > 0 else 1


def dataset_page(request: Request, dataset: EvalDataset, status_code: int = 200, **extra: Any) -> Response:
    store = datasets(request)
    runs = RunStore(store.sessions).list_runs(dataset.id)
    context: dict[str, Any] = {"error": None, "new_row": None, "blank_row": BLANK_ROW}
    context.update(extra)
    page = page_number(request.query_params.get("page"))
    rows, total = store.rows_page(dataset.id, page, ROWS_PER_PAGE)
    pages = max(1, math.ceil(total / ROWS_PER_PAGE))
    if page > pages:
        page = pages
        rows, total = store.rows_page(dataset.id, page, ROWS_PER_PAGE)
    return render(
        request,
        "staff/dataset.html",
        status_code,
        dataset=dataset,
        rows=rows,
        total_rows=total,
        page=page,
        pages=pages,
        first_row=(page - 1) * ROWS_PER_PAGE + 1,
        runs=runs,
        **context,
    )


def row_url(store: DatasetStore, dataset_id: str, row_id: str) -> str:
    """The dataset page that shows the row, scrolled to it."""
    page = store.row_position(dataset_id, row_id) // ROWS_PER_PAGE + 1
    return f"/staff/datasets/{dataset_id}" + (f"?page={page}" if page > 1 else "") + f"#row-{row_id}"


@router.get("/datasets")
def list_page(request: Request, user: UserDep) -> Response:
    return render(request, "staff/datasets.html", datasets=datasets(request).list(), error=None, form={})


@router.post("/datasets")
def create_dataset(
    request: Request,
    user: AdminDep,
    name: str = Form("", max_length=300),
    description: str = Form("", max_length=4000),
) -> Response:
    store = datasets(request)
    try:
        dataset = store.create(name, description)
    except InvalidRequest as exc:
        form = {"name": name, "description": description}
        return render(
            request, "staff/datasets.html", 422, datasets=store.list(), error=exc.message, form=form
        )
    log.info("dataset created by %r", user.username)
    flash(request, "dataset_created")
    return redirect(f"/staff/datasets/{dataset.id}")


@router.get("/datasets/{dataset_id}")
def show_dataset(request: Request, dataset_id: str, user: UserDep) -> Response:
    return dataset_page(request, _dataset(datasets(request), dataset_id))


@router.post("/datasets/{dataset_id}/rows")
async def add_row(request: Request, dataset_id: str, user: AdminDep) -> Response:
    store = datasets(request)
    dataset = _dataset(store, dataset_id)
    fields = row_fields(await request.form())
    try:
        row = store.add_row(dataset.id, **fields)
    except InvalidRequest as exc:
        return dataset_page(request, dataset, 422, error=exc.message, new_row=fields)
    flash(request, "row_added")
    return redirect(row_url(store, dataset.id, row.id))


@router.get("/datasets/{dataset_id}/rows/{row_id}")
def edit_row_page(request: Request, dataset_id: str, row_id: str, user: UserDep) -> Response:
    store = datasets(request)
    dataset = _dataset(store, dataset_id)
    row = _row(store, dataset, row_id)
    return render(request, "staff/row_edit.html", dataset=dataset, row=row, values=None, error=None)


@router.post("/datasets/{dataset_id}/rows/{row_id}")
async def save_row(request: Request, dataset_id: str, row_id: str, user: AdminDep) -> Response:
    store = datasets(request)
    dataset = _dataset(store, dataset_id)
    row = _row(store, dataset, row_id)
    fields = row_fields(await request.form())
    try:
        store.update_row(row.id, **fields)
    except InvalidRequest as exc:
        return render(
            request, "staff/row_edit.html", 422, dataset=dataset, row=row, values=fields, error=exc.message
        )
    flash(request, "row_saved")
    return redirect(row_url(store, dataset.id, row.id))


@router.post("/datasets/{dataset_id}/rows/{row_id}/delete")
def delete_row(request: Request, dataset_id: str, row_id: str, user: AdminDep) -> Response:
    store = datasets(request)
    dataset = _dataset(store, dataset_id)
    store.delete_row(_row(store, dataset, row_id).id)
    log.info("dataset row deleted by %r", user.username)
    flash(request, "row_deleted")
    return redirect(f"/staff/datasets/{dataset.id}")


@router.post("/datasets/{dataset_id}/delete")
def delete_dataset(
    request: Request, dataset_id: str, user: AdminDep, confirm_name: str = Form("", max_length=300)
) -> Response:
    store = datasets(request)
    dataset = _dataset(store, dataset_id)
    try:
        counts = store.delete(dataset.id, confirm_name=confirm_name)
    except InvalidRequest as exc:
        return dataset_page(request, dataset, 422, error=exc.message)
    log.info("dataset deleted by %r (%d rows, %d runs)", user.username, counts["rows"], counts["runs"])
    flash(request, "dataset_deleted")
    return redirect("/staff/datasets")


@router.post("/datasets/{dataset_id}/import")
async def import_rows(
    request: Request,
    dataset_id: str,
    user: AdminDep,
    file: Annotated[UploadFile, File()],
    fmt: str = Form(""),
) -> Response:
    store = datasets(request)
    dataset = _dataset(store, dataset_id)
    try:
        data = await file.read(STAFF_UPLOAD_BYTES + 1)
        if len(data) > STAFF_UPLOAD_BYTES:
            raise InvalidRequest(f"The file is larger than {STAFF_UPLOAD_BYTES // (1024 * 1024)} MB.")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InvalidRequest("The file is not UTF-8 text.") from None
        name = (file.filename or "").lower()
        chosen = fmt if fmt in ("jsonl", "csv") else ("csv" if name.endswith(".csv") else "jsonl")
        count = store.import_rows(dataset.id, text, chosen)
    except InvalidRequest as exc:
        return dataset_page(request, dataset, 422, error=exc.message)
    log.info("dataset import by %r: %d rows", user.username, count)
    flash(request, "imported", extra=str(count))
    return redirect(f"/staff/datasets/{dataset.id}")


@router.get("/datasets/{dataset_id}/export")
def export_rows(request: Request, dataset_id: str, user: UserDep, fmt: str = "jsonl") -> Response:
    store = datasets(request)
    dataset = _dataset(store, dataset_id)
    fmt = fmt if fmt in ("jsonl", "csv") else "jsonl"
    body = store.export(dataset.id, fmt)
    media = "text/csv; charset=utf-8" if fmt == "csv" else "application/x-ndjson; charset=utf-8"
    ascii_name = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-_") else "-" for ch in dataset.name)
    ascii_name = (ascii_name.strip("-") or "dataset")[:80] + "." + fmt
    disposition = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(dataset.name[:80] + '.' + fmt)}"
    )
    return Response(body, media_type=media, headers={"Content-Disposition": disposition})


@router.post("/datasets/{dataset_id}/runs")
def start_run(
    request: Request, dataset_id: str, user: AdminDep, label: str = Form("", max_length=200)
) -> Response:
    assistant: Assistant = request.app.state.assistant
    store = datasets(request)
    dataset = _dataset(store, dataset_id)
    try:
        run = RunStore(assistant.sessions).create_run(
            dataset.id, label, settings_snapshot(assistant.settings)
        )
    except InvalidRequest as exc:
        return dataset_page(request, dataset, 422, error=exc.message)
    start_run_in_background(assistant, run.id)
    log.info("evaluation run %s started by %r", run.id, user.username)
    return redirect(f"/staff/runs/{run.id}")
