"""One ingest run (``assistant ingest``): the documents folder (and the files uploaded on
/staff/documents, DATA_DIR/uploads) into the stores of one data folder; and the single-document
changes of the staff documents page (one upload, a metadata edit, a deletion) through the same
``Indexer``.

Load → clean → chunk → embed only what changed (``Indexer``), then save BM25 and the chunk
catalogue for a new index generation (store/lexical_snapshot.py) and publish that generation, so
every serving process loads them (``Assistant.refresh``, within ``index_check_seconds``; at once
with ``refresh(force=True)``).
"""

from __future__ import annotations

import logging
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from assistant.errors import DiskFull, NotFound, is_disk_full
from assistant.ingest.indexer import Indexer, IngestReport
from assistant.store.index_state import bump_generation, new_generation
from assistant.store.lexical_snapshot import LexicalSnapshot
from assistant.store.models import DocumentRecord, UploadJob
from assistant.store.stores import Stores
from assistant.types import SourceDocument, filter_metadata

log = logging.getLogger(__name__)

LOW_DISK_BYTES = 2 * 1024 * 1024  # a write that fails with less free space than this is a full disk


# One writer of the index per process: the staff page's upload worker, edits and deletions.
INDEX_LOCK = threading.RLock()


def make_indexer(stores: Stores) -> Indexer:
    settings = stores.settings
    return Indexer(
        stores.chroma,
        stores.sessions,
        stores.embedder,
        max_tokens=settings.chunk_max_tokens,
        overlap_sentences=settings.chunk_overlap_sentences,
        batch_size=settings.embed_batch_size,
        max_document_bytes=int(settings.max_document_mb * 1024 * 1024),
        states=stores.states,
    )


@contextmanager
def disk_checked(stores: Stores) -> Iterator[None]:
    """Chroma reports a full disk as a generic write failure: look at the disk too."""
    try:
        yield
    except Exception as exc:
        if not (is_disk_full(exc) or shutil.disk_usage(stores.data_dir).free < LOW_DISK_BYTES):
            raise
        raise DiskFull(
            f"The disk under {stores.data_dir} is full, so the index could not be written. Free some space "
            "and run `assistant ingest` again: the index that was being served is still in place."
        ) from exc


def ingest(
    stores: Stores, documents_dir: Path | None = None, *, progress: bool = True, rebuild: bool = False
) -> IngestReport:
    settings = stores.settings
    folder = Path(documents_dir or settings.documents_dir)
    with INDEX_LOCK:
        if rebuild:
            stores.chroma.reset()
            stores.states.clear()
            with stores.sessions.begin() as session:
                session.query(DocumentRecord).delete()
        else:
            stores.chroma.check_model()
        indexer = make_indexer(stores)
        with disk_checked(stores):
            report = indexer.run(folder, progress=progress)
            uploads = stores.uploads_dir
            if uploads.is_dir():  # the files uploaded on /staff/documents
                merge_reports(report, indexer.run(uploads, progress=progress, origin="upload"))
        if report.changed or rebuild:
            publish(stores)
        record_failures(stores, report)
    return report


FOLDER_RUN = "assistant ingest"  # UploadJob.created_by of the files a folder run could not ingest


def record_failures(stores: Stores, report: IngestReport) -> None:
    """The files this run could not ingest, for the documents page (status "failed" with the
    reason): rows of ``upload_jobs`` by ``FOLDER_RUN``, replaced at every run."""
    with stores.sessions.begin() as session:
        session.query(UploadJob).filter(UploadJob.created_by == FOLDER_RUN).delete()
        for file in report.files:
            if file.status == "failed":
                session.add(
                    UploadJob(
                        filename=file.file[:255],
                        status="failed",
                        stage="extracting",
                        reason=file.reason,
                        document_id=file.document_id[:200],
                        created_by=FOLDER_RUN,
                    )
                )


def merge_reports(into: IngestReport, other: IngestReport) -> None:
    for name in ("added", "updated", "unchanged", "removed", "failed", "files"):
        getattr(into, name).extend(getattr(other, name))
    into.chunks_embedded += other.chunks_embedded
    into.sentences_embedded += other.sentences_embedded
    into.chunks_total = other.chunks_total
    into.seconds += other.seconds


def publish(stores: Stores) -> str:
    """Publish a new index generation (with its BM25 snapshot): serving processes reload it within
    ``index_check_seconds``; ``Assistant.refresh(force=True)`` at once."""
    generation = new_generation()
    persisted = persist_lexical_index(stores, generation)
    bump_generation(stores.sessions, generation)
    if persisted:
        stores.lexical.prune(keep=generation)
    return generation


def ingest_documents(stores: Stores, docs: list[SourceDocument], *, origin: str) -> IngestReport:
    """Loaded documents (a staff upload) into the live index, through the folder run's indexer,
    then publish. A failure leaves the served index as it was (old chunks go only after the new
    ones are written)."""
    with INDEX_LOCK, disk_checked(stores):
        stores.chroma.check_model()
        report = make_indexer(stores).index_documents(docs, origin=origin)
        if report.changed:
            publish(stores)
    return report


def remove_documents(stores: Stores, document_ids: list[str]) -> IngestReport:
    """Documents out of every index (Chroma, sentence states, SQL, then BM25 with the new generation)."""
    with INDEX_LOCK:
        report = make_indexer(stores).remove_documents(document_ids)
        if report.changed:
            publish(stores)
    return report


DESCRIBED_FIELDS = ("title", "kind", "date", "place", "language")


def redescribe_document(stores: Stores, document_id: str, values: dict[str, str | None]) -> dict[str, list]:
    """New metadata for an indexed document (a staff edit): the SQL catalogue and every chunk's
    metadata in Chroma (no re-embedding: chunk ids do not depend on metadata), then publish.
    Returns the changed fields as {field: [old, new]}."""
    with INDEX_LOCK:
        with stores.sessions.begin() as session:
            record = session.get(DocumentRecord, document_id)
            if record is None:
                raise NotFound(f"No document with id '{document_id}'.")
            changed = {
                key: [getattr(record, key), values[key]]
                for key in DESCRIBED_FIELDS
                if key in values and getattr(record, key) != values[key]
            }
            for key, (_, new) in changed.items():
                setattr(record, key, new)
            if changed:
                record.metadata_origin = {**(record.metadata_origin or {}), **dict.fromkeys(changed, "staff")}
            values = {
                "title": record.title,
                **filter_metadata(record.kind, record.date, record.place, record.language),
            }
        if changed:
            stores.chroma.set_document_metadata(document_id, values)
            publish(stores)
    return changed


def persist_lexical_index(stores: Stores, generation: str) -> bool:
    """Build BM25 and the chunk catalogue from what Chroma now holds and save them for ``generation``
    before it is published, so serving processes load them instead of rebuilding (docs/deploy.md).
    Never fails the ingest: without the file, workers rebuild from Chroma as before."""
    try:
        snapshot = LexicalSnapshot.build(generation, stores.chroma.iter_records())
        return stores.lexical.save(snapshot) is not None
    except Exception:  # noqa: BLE001 - an optimisation; Chroma and the generation stay the truth
        log.warning("lexical index of generation %s not persisted", generation, exc_info=True)
        return False
