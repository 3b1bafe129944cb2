"""Files uploaded on /staff/documents, processed one at a time by a background thread of the server.

Each file becomes an ``UploadJob`` row (queued → processing → done | failed), which the page polls.
A file is stored under DATA_DIR/uploads/.staging/<job>/ first (hidden: no ingest reads it), then
loaded through the folder run's loader (``load_one``: the same per-file errors — unsupported type,
too large, corrupt, encrypted, empty), compared with the library, and only then moved to its folder
and indexed through the same ``Indexer`` (``ingest_documents``):

* the same text as a document already indexed → done, ``unchanged`` (same document) or
  ``duplicate`` (another document): nothing changes;
* a document with the file's id (its name without the suffix) exists → its file is replaced (the
  old one goes to DATA_DIR/trash) in the folder it lives in, and it is re-indexed (``updated``);
* otherwise a new document in DATA_DIR/uploads (``added``).

A failure at any step leaves the served index and the stored files as they were.
"""

from __future__ import annotations

import logging
import queue
import re
import shutil
import threading
import unicodedata
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any

from sqlalchemy import select

from assistant.errors import AssistantError, InvalidRequest
from assistant.ingest.corpus import SIDECAR_SUFFIXES, LoadFailure, document_id, load_one
from assistant.ingest.run import FOLDER_RUN, ingest_documents
from assistant.staff.library import Library
from assistant.store.models import DocumentRecord, UploadJob, utcnow

log = logging.getLogger(__name__)

MAX_FILES = 20  # per request
# a job not updated for this long died with its process (queued jobs are touched whenever the
# worker starts another file, and one file — a 100-page PDF with OCR — takes minutes, not 30)
STALL_AFTER = timedelta(minutes=30)
_queue: queue.Queue[tuple[Any, str]] = queue.Queue()
_worker: threading.Thread | None = None
_worker_lock = threading.Lock()


def safe_filename(name: str) -> str:
    """The uploaded file's own name, made safe to store: no folders, no leading dot or underscore
    (which ingest skips), no control characters; Arabic letters are kept."""
    name = unicodedata.normalize("NFC", Path(name.replace("\\", "/")).name)
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = re.sub(r"\s+", " ", name).strip().lstrip("._ ")
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    stem = stem[:150].strip() or "document"
    return f"{stem}.{suffix[:10]}" if suffix else stem


def public(job: UploadJob) -> dict[str, Any]:
    return {
        "id": job.id,
        "filename": job.filename,
        "status": job.status,
        "stage": job.stage,
        "result": job.result,
        "document_id": job.document_id,
        "reason": job.reason,
        "created_by": job.created_by,
        "created_at": job.created_at.isoformat() if job.created_at else None,
    }


class Uploads:
    def __init__(self, assistant: Any):
        self.assistant = assistant
        self.stores = assistant.stores
        self.sessions = assistant.stores.sessions
        self.library = Library(assistant.stores)

    @property
    def staging(self) -> Path:
        return self.stores.uploads_dir / ".staging"

    # --- accepting files ---------------------------------------------------------------------
    def accept(self, files: list[tuple[str, IO[bytes]]], by: str, *, start: bool = True) -> list[str]:
        """Store each file and queue it; returns the job ids (one per file, in order)."""
        if not files:
            raise InvalidRequest("Choose at least one file to upload.")
        if len(files) > MAX_FILES:
            raise InvalidRequest(f"Upload at most {MAX_FILES} files at a time.")
        limit = int(self.stores.settings.max_document_mb * 1024 * 1024)
        ids = []
        for raw_name, stream in files:
            name = safe_filename(raw_name or "")
            job = UploadJob(
                id=uuid.uuid4().hex, filename=name, created_by=by, status="queued", stage="stored"
            )
            folder = self.staging / job.id
            folder.mkdir(parents=True, exist_ok=True)
            size = 0
            with (folder / name).open("wb") as out:
                while block := stream.read(1024 * 1024):
                    size += len(block)
                    if size <= limit:
                        out.write(block)
            job.size = size
            if size > limit:  # the loader reports the limit; keep no oversized bytes on disk
                job.status, job.stage = "failed", "stored"
                job.reason = (
                    f"{name}: the file is {size / 1e6:.1f} MB; the limit is {limit / 1e6:.0f} MB. "
                    "Split it or raise ASSISTANT_MAX_DOCUMENT_MB."
                )
                shutil.rmtree(folder, ignore_errors=True)
            with self.sessions.begin() as session:
                session.add(job)
            ids.append(job.id)
            if job.status == "queued" and start:
                self.enqueue(job.id)
        log.info("%d file(s) uploaded by %r", len(ids), by)
        return ids

    def enqueue(self, job_id: str) -> None:
        global _worker
        _pending.add(job_id)
        _queue.put((self, job_id))
        with _worker_lock:
            if _worker is None or not _worker.is_alive():
                _worker = threading.Thread(target=_work, name="document-uploads", daemon=True)
                _worker.start()

    # --- reading -----------------------------------------------------------------------------
    def jobs(self, ids: list[str]) -> list[dict[str, Any]]:
        self.fail_stalled()
        with self.sessions() as session:
            found = {
                j.id: j
                for j in session.scalars(select(UploadJob).where(UploadJob.id.in_(ids[: MAX_FILES * 5])))
            }
            return [public(found[i]) for i in ids if i in found]

    def recent(self, limit: int = 20) -> list[dict[str, Any]]:
        self.fail_stalled()
        with self.sessions() as session:
            rows = session.scalars(
                select(UploadJob)
                .where(UploadJob.dismissed.is_(False), UploadJob.created_by != FOLDER_RUN)
                .order_by(UploadJob.created_at.desc())
                .limit(limit)
            )
            return [public(j) for j in rows]

    def dismiss(self, job_id: str) -> None:
        with self.sessions.begin() as session:
            job = session.get(UploadJob, job_id)
            if job is not None and job.status in ("done", "failed"):
                job.dismissed = True

    def touch(self, job_ids: set[str]) -> None:
        if not job_ids:
            return
        with self.sessions.begin() as session:
            for job in session.scalars(select(UploadJob).where(UploadJob.id.in_(sorted(job_ids)))):
                job.updated_at = utcnow()

    def fail_stalled(self) -> None:
        """Jobs whose process died (a restart mid-upload) are shown as failed: upload the file again."""
        cutoff = datetime.now(UTC) - STALL_AFTER
        with self.sessions.begin() as session:
            for job in session.scalars(
                select(UploadJob).where(UploadJob.status.in_(("queued", "processing")))
            ):
                updated = job.updated_at if job.updated_at.tzinfo else job.updated_at.replace(tzinfo=UTC)
                if updated < cutoff:
                    job.status = "failed"
                    job.reason = (
                        f"{job.filename}: processing was interrupted (the server restarted); upload it again."
                    )

    # --- processing --------------------------------------------------------------------------
    def _set(self, job_id: str, **values: Any) -> None:
        with self.sessions.begin() as session:
            job = session.get(UploadJob, job_id)
            for key, value in values.items():
                setattr(job, key, value)
            job.updated_at = utcnow()

    def process(self, job_id: str) -> dict[str, Any]:
        """Run one queued job to its end; never raises (the outcome is in the job row)."""
        with self.sessions() as session:
            job = session.get(UploadJob, job_id)
            if job is None or job.status != "queued":
                return {}
            name, by = job.filename, job.created_by
        folder = self.staging / job_id
        try:
            self._process(job_id, name, by, folder)
        except AssistantError as exc:
            self._set(job_id, status="failed", reason=f"{name}: {exc.message}")
        except Exception as exc:  # noqa: BLE001 - the page shows an id; the log has the details
            error_id = uuid.uuid4().hex[:12]
            log.error(
                "upload %s failed (error id %s): %s", job_id, error_id, type(exc).__name__, exc_info=exc
            )
            self._set(job_id, status="failed", reason=f"{name}: could not be indexed (error id {error_id}).")
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        try:
            self.assistant.refresh(force=True)  # this process answers from the new index at once
        except Exception:  # noqa: BLE001 - other workers reload within index_check_seconds anyway
            log.warning("refresh after upload %s failed", job_id, exc_info=True)
        return self.jobs([job_id])[0]

    def _process(self, job_id: str, name: str, by: str, folder: Path) -> None:
        self._set(job_id, status="processing", stage="extracting")
        staged = folder / name
        doc_id = document_id(staged, folder)
        with self.sessions() as session:
            existing = session.get(DocumentRecord, doc_id)
            if existing is not None:
                session.expunge(existing)
        target_folder = self.library.folder_of(existing.origin if existing else "upload")
        if existing is not None and Path(existing.source_path).parent == Path("."):
            # the document's stated metadata (staff edits, sidecars) stays with the new version
            old_stem = Path(existing.source_path).stem
            for suffix in SIDECAR_SUFFIXES:
                if (target_folder / (old_stem + suffix)).exists():
                    shutil.copy2(target_folder / (old_stem + suffix), folder / (staged.stem + suffix))
        doc = load_one(staged, folder, max_bytes=int(self.stores.settings.max_document_mb * 1024 * 1024))
        if isinstance(doc, LoadFailure):
            self._set(job_id, status="failed", reason=doc.reason, document_id=doc_id)
            return
        with self.sessions() as session:
            same = session.scalars(select(DocumentRecord.id).where(DocumentRecord.text == doc.text)).first()
        if same is not None:
            result = "unchanged" if same == doc.id else "duplicate"
            self._set(job_id, status="done", stage="done", result=result, document_id=same)
            return
        if existing is not None and Path(existing.source_path).parent != Path("."):
            raise InvalidRequest(
                f"the document '{doc.id}' is in a subfolder of the documents folder; replace its file there "
                "and run `assistant ingest`."
            )
        self.library.check_writable(target_folder)
        target_folder.mkdir(parents=True, exist_ok=True)
        old = [target_folder / existing.source_path] if existing is not None else []
        moved = self.library.trash(doc.id, old + [p for p in [target_folder / name] if p not in old])
        final = target_folder / name
        shutil.copy2(staged, final)
        self._set(job_id, stage="indexing", document_id=doc.id)
        origin = existing.origin if existing is not None else "upload"
        try:
            report = ingest_documents(self.stores, [doc], origin=origin)
        except Exception:
            final.unlink(missing_ok=True)
            self.library.restore(moved)
            raise
        result = "updated" if existing is not None else "added"
        files = report.files[0] if report.files else None
        self.library.audit.record(
            by,
            "replace" if existing is not None else "upload",
            doc.id,
            doc.title,
            {"file": name, "chunks": files.chunks if files else 0, "pages": doc.pages or None},
        )
        self._set(job_id, status="done", stage="done", result=result)
        log.info("upload %s: document %s %s by %r", job_id, doc.id, result, by)


_pending: set[str] = set()  # jobs queued in this process, kept alive while they wait


def _work() -> None:
    while True:
        uploads, job_id = _queue.get()
        try:
            uploads.touch(_pending - {job_id})  # still waiting here, not stalled
            uploads.process(job_id)
        finally:
            _pending.discard(job_id)
            _queue.task_done()


def wait_idle() -> None:
    """Block until every queued upload of this process is processed (tests, shutdown)."""
    _queue.join()
