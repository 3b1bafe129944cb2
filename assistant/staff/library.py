"""The library as staff manage it on /staff/documents: the table of every document (and of the
uploads being processed or that failed), one document's text, chunks and citing questions, and the
admin changes — a metadata edit and a deletion — each written through the ingestion code path
(assistant/ingest/run.py) and recorded in the audit log.

Where files live: a document's ``origin`` is ``folder`` (the documents folder, ``assistant ingest``)
or ``upload`` (DATA_DIR/uploads, added here). An edit writes the document's ``<stem>.meta.yaml``
sidecar next to its file, so the next ``assistant ingest`` keeps it; a deletion moves the file and its
sidecar to DATA_DIR/trash (nothing stored is lost) and takes the document out of every index.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path, PurePosixPath
from typing import Any

import yaml
from sqlalchemy import String, cast, select

from assistant.errors import InvalidRequest, NotFound
from assistant.ingest.corpus import SIDECAR_SUFFIX, SIDECAR_SUFFIXES
from assistant.ingest.run import FOLDER_RUN, redescribe_document, remove_documents
from assistant.staff.audit import AuditLog
from assistant.store.documents import DocumentStore
from assistant.store.models import AnswerRecord, DocumentRecord, UploadJob
from assistant.store.stores import Stores
from assistant.text.safety import clean_user_text
from assistant.types import DOCUMENT_KINDS, Chunk

PAGE_SIZE = 50
STATUSES = ("indexed", "processing", "failed")
SORTS = ("title", "kind", "date", "place", "language", "format", "pages", "chunks", "ingested", "status")
LISTED_COLUMNS = (
    DocumentRecord.id,
    DocumentRecord.title,
    DocumentRecord.kind,
    DocumentRecord.date,
    DocumentRecord.place,
    DocumentRecord.language,
    DocumentRecord.source_path,
    DocumentRecord.pages,
    DocumentRecord.chunk_count,
    DocumentRecord.updated_at,
    DocumentRecord.origin,
)
_LANGUAGE = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})?$")
MAX_TITLE = 300
MAX_PLACE = 200


@dataclass
class DocumentFilters:
    q: str = ""
    kind: str = ""
    language: str = ""
    place: str = ""
    format: str = ""
    status: str = ""
    year: str = ""
    sort: str = "ingested"
    order: str = "desc"
    page: int = 1

    def checked(self) -> DocumentFilters:
        """Unknown values fall back to the defaults (a hand-edited URL shows the whole table)."""
        self.q = self.q.strip()[:200]
        self.kind = self.kind if self.kind in DOCUMENT_KINDS else ""
        self.status = self.status if self.status in STATUSES else ""
        self.year = self.year if re.fullmatch(r"\d{4}", self.year) else ""
        self.sort = self.sort if self.sort in SORTS else "ingested"
        self.order = "asc" if self.order == "asc" else "desc"
        self.page = max(1, self.page)
        return self


@dataclass
class DocumentTable:
    rows: list[dict[str, Any]]
    total: int
    page: int
    pages: int
    facets: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # {name: [{value, count}]}


def file_format(source_path: str) -> str:
    suffix = PurePosixPath(source_path or "").suffix.lower().lstrip(".")
    return suffix.upper() or "—"


def _sort_key(sort: str):
    def key(row: dict[str, Any]):
        value = row[sort]
        missing = value in (None, "")
        if isinstance(value, str):
            value = value.casefold()
        return (missing, value if not missing else 0)

    return key


class Library:
    def __init__(self, stores: Stores):
        self.stores = stores
        self.sessions = stores.sessions
        self.audit = AuditLog(stores.sessions)

    # --- reading -------------------------------------------------------------------------------
    def table(self, filters: DocumentFilters) -> DocumentTable:
        """One page of the table. The light columns of every document are read in one query (no
        text), filtered and sorted here with the uploads in progress or failed, and one page is
        returned: 1,000 documents take a few milliseconds (benchmarks/staff_documents.py)."""
        f = filters.checked()
        with self.sessions() as session:
            records = session.execute(select(*LISTED_COLUMNS)).all()
            jobs = session.scalars(
                select(UploadJob).where(UploadJob.status != "done", UploadJob.dismissed.is_(False))
            ).all()
        rows = [
            {
                "id": r.id,
                "title": r.title or r.id,
                "kind": r.kind,
                "date": r.date,
                "place": r.place,
                "language": r.language,
                "format": file_format(r.source_path),
                "pages": r.pages,
                "chunks": r.chunk_count or 0,
                "ingested": r.updated_at,
                "status": "indexed",
                "reason": None,
                "origin": r.origin,
                "job_id": None,
            }
            for r in records
        ]
        rows += [
            {
                "id": job.document_id,
                "title": job.filename,
                "kind": None,
                "date": None,
                "place": None,
                "language": None,
                "format": file_format(job.filename),
                "pages": None,
                "chunks": None,
                "ingested": job.created_at,
                "status": "processing" if job.status in ("queued", "processing") else "failed",
                "reason": job.reason,
                "origin": "folder" if job.created_by == FOLDER_RUN else "upload",
                "job_id": job.id,
            }
            for job in jobs
        ]
        # the facet counts of GET /v1/documents (store/documents.py), and the formats present
        facets: dict[str, list[dict[str, Any]]] = DocumentStore(self.sessions).facets()
        formats: dict[str, int] = {}
        for r in rows:
            if r["status"] == "indexed" and r["format"] != "—":
                formats[r["format"]] = formats.get(r["format"], 0) + 1
        facets["format"] = [
            {"value": v, "count": n} for v, n in sorted(formats.items(), key=lambda kv: (-kv[1], kv[0]))
        ]
        if f.q:
            words = f.q.casefold().split()
            rows = [r for r in rows if all(w in f"{r['title']} {r['id'] or ''}".casefold() for w in words)]
        for key in ("kind", "language", "place", "format", "status"):
            wanted = getattr(f, key)
            if wanted:
                rows = [r for r in rows if r[key] == wanted]
        if f.year:
            rows = [r for r in rows if (r["date"] or "").startswith(f.year)]
        rows.sort(key=_sort_key(f.sort), reverse=f.order == "desc")
        if f.order == "desc":  # missing values last in both directions
            rows.sort(key=lambda r: r[f.sort] in (None, ""))
        total = len(rows)
        pages = max(1, -(-total // PAGE_SIZE))
        f.page = min(f.page, pages)
        start = (f.page - 1) * PAGE_SIZE
        return DocumentTable(rows[start : start + PAGE_SIZE], total, f.page, pages, facets)

    def get(self, document_id: str) -> DocumentRecord:
        with self.sessions() as session:
            record = session.get(DocumentRecord, document_id)
            if record is None:
                raise NotFound(f"No document with id '{document_id[:200]}'.")
            session.expunge(record)
            return record

    def chunks(self, document_id: str) -> list[Chunk]:
        return self.stores.chroma.chunks_of(document_id)

    def citing_answers(self, document_id: str, limit: int = 100) -> list[dict[str, Any]]:
        """The stored answers that cited the document, newest first — within the retention period
        (older ones are deleted by the retention job; they are not shown even before it runs)."""
        query = select(
            AnswerRecord.id, AnswerRecord.question, AnswerRecord.created_at, AnswerRecord.citations
        )
        days = self.stores.settings.retention_days
        if days > 0:
            query = query.where(AnswerRecord.created_at >= datetime.now(UTC) - timedelta(days=days))
        # a coarse text match in SQL, then the exact check on the parsed citations
        query = query.where(cast(AnswerRecord.citations, String).contains(document_id))
        found = []
        with self.sessions() as session:
            for row in session.execute(query.order_by(AnswerRecord.created_at.desc())):
                if any(c.get("document_id") == document_id for c in row.citations or []):
                    found.append({"id": row.id, "question": row.question, "created_at": row.created_at})
                    if len(found) >= limit:
                        break
        return found

    def existing_ids(self, document_ids: set[str]) -> set[str]:
        if not document_ids:
            return set()
        with self.sessions() as session:
            return set(session.scalars(select(DocumentRecord.id).where(DocumentRecord.id.in_(document_ids))))

    # --- files --------------------------------------------------------------------------------
    def folder_of(self, origin: str) -> Path:
        return self.stores.uploads_dir if origin == "upload" else Path(self.stores.settings.documents_dir)

    def file_of(self, record: DocumentRecord) -> Path:
        return self.folder_of(record.origin) / record.source_path

    def trash(self, document_id: str, files: list[Path]) -> list[tuple[Path, Path]]:
        """Move files to DATA_DIR/trash/<time>-<id>/; returns (from, to) pairs to undo with ``restore``."""
        present = [p for p in files if p.exists()]
        if not present:
            return []
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
        safe = re.sub(r"[^\w.-]+", "_", document_id)[:80]
        target = self.stores.data_dir / "trash" / f"{stamp}-{safe}"
        target.mkdir(parents=True, exist_ok=True)
        moved = []
        for path in present:
            destination = target / path.name
            shutil.move(str(path), destination)
            moved.append((path, destination))
        return moved

    @staticmethod
    def restore(moved: list[tuple[Path, Path]]) -> None:
        for original, trashed in moved:
            original.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(str(trashed), original)

    @staticmethod
    def check_writable(folder: Path) -> None:
        if folder.exists() and not os.access(folder, os.W_OK):
            raise InvalidRequest(
                f"The server cannot write to the folder {folder}; give its account write access, or change "
                "the file there and run `assistant ingest`."
            )

    # --- changes (admins) -------------------------------------------------------------------------
    def edit(self, document_id: str, values: dict[str, str], by: str) -> dict[str, list]:
        """New title, kind, date, place or language: checked, kept in the document's sidecar (so the
        next ingest keeps them) and applied to the live index at once. Returns {field: [old, new]}."""
        record = self.get(document_id)
        clean = check_metadata(values)
        path = self.file_of(record)
        sidecar = path.with_name(path.stem + SIDECAR_SUFFIX)
        self.check_writable(path.parent)
        before = sidecar.read_text(encoding="utf-8") if sidecar.exists() else None
        stated = (yaml.safe_load(before) if before else None) or {}
        if not isinstance(stated, dict):
            stated = {}
        stated.update({k: v for k, v in clean.items()})
        path.parent.mkdir(parents=True, exist_ok=True)
        sidecar.write_text(yaml.safe_dump(stated, allow_unicode=True, sort_keys=True), encoding="utf-8")
        try:
            changed = redescribe_document(self.stores, document_id, clean)
        except Exception:
            if before is None:
                sidecar.unlink(missing_ok=True)
            else:
                sidecar.write_text(before, encoding="utf-8")
            raise
        if changed:
            self.audit.record(
                by, "edit", document_id, clean.get("title") or record.title, {"changed": changed}
            )
        return changed

    def delete(self, document_id: str, by: str) -> DocumentRecord:
        """Out of every index (Chroma chunks and sentences, sentence states, SQL, BM25 with the new
        generation) and its file and sidecar moved to DATA_DIR/trash. Past answers that cited it keep
        their stored quotes (the review page marks the document as removed)."""
        record = self.get(document_id)
        path = self.file_of(record)
        if path.exists():
            self.check_writable(path.parent)
        moved = self.trash(document_id, [path, *(path.with_name(path.stem + s) for s in SIDECAR_SUFFIXES)])
        try:
            remove_documents(self.stores, [document_id])
        except Exception:
            self.restore(moved)
            raise
        self.audit.record(
            by,
            "delete",
            document_id,
            record.title,
            {"file": record.source_path, "origin": record.origin, "chunks": record.chunk_count},
        )
        return record


def check_metadata(values: dict[str, str]) -> dict[str, str | None]:
    """The edit form's values, checked: a clear message per field that is wrong."""
    title = " ".join(clean_user_text(values.get("title") or "", "title").split())
    if not title:
        raise InvalidRequest("The title is empty; write the document's title.")
    if len(title) > MAX_TITLE:
        raise InvalidRequest(f"The title is longer than {MAX_TITLE} characters; shorten it.")
    kind = values.get("kind") or "other"
    if kind not in DOCUMENT_KINDS:
        raise InvalidRequest(f"Kind '{kind[:40]}' is not one of {', '.join(DOCUMENT_KINDS)}.")
    date = (values.get("date") or "").strip()
    if date:
        try:
            date = dt.date.fromisoformat(date).isoformat()
        except ValueError:
            raise InvalidRequest(
                f"The date '{date[:40]}' is not a date; write it as YYYY-MM-DD (e.g. 2024-12-03)."
            ) from None
    place = " ".join(clean_user_text(values.get("place") or "", "place").split())
    if len(place) > MAX_PLACE:
        raise InvalidRequest(f"The place is longer than {MAX_PLACE} characters; shorten it.")
    language = (values.get("language") or "").strip()
    if not _LANGUAGE.match(language):
        raise InvalidRequest(f"The language '{language[:40]}' is not a language code such as ar or en.")
    return {"title": title, "kind": kind, "date": date or None, "place": place or None, "language": language}
