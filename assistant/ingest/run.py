"""One ingest run (``assistant ingest``): the documents folder into the stores of one data folder.

Load → clean → chunk → embed only what changed (``Indexer``), then save BM25 and the chunk
catalogue for a new index generation (store/lexical_snapshot.py) and publish that generation, so
every serving process loads them (``Assistant.refresh``, within ``index_check_seconds``; at once
with ``refresh(force=True)``).
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

from assistant.errors import DiskFull, is_disk_full
from assistant.ingest.indexer import Indexer, IngestReport
from assistant.store.index_state import bump_generation, new_generation
from assistant.store.lexical_snapshot import LexicalSnapshot
from assistant.store.models import DocumentRecord
from assistant.store.stores import Stores

log = logging.getLogger(__name__)

LOW_DISK_BYTES = 2 * 1024 * 1024  # a write that fails with less free space than this is a full disk


def ingest(
    stores: Stores, documents_dir: Path | None = None, *, progress: bool = True, rebuild: bool = False
) -> IngestReport:
    settings = stores.settings
    folder = Path(documents_dir or settings.documents_dir)
    if rebuild:
        stores.chroma.reset()
        stores.states.clear()
        with stores.sessions.begin() as session:
            session.query(DocumentRecord).delete()
    else:
        stores.chroma.check_model()
    indexer = Indexer(
        stores.chroma,
        stores.sessions,
        stores.embedder,
        max_tokens=settings.chunk_max_tokens,
        overlap_sentences=settings.chunk_overlap_sentences,
        batch_size=settings.embed_batch_size,
        max_document_bytes=int(settings.max_document_mb * 1024 * 1024),
        states=stores.states,
    )
    try:
        report = indexer.run(folder, progress=progress)
    except Exception as exc:
        # Chroma reports a full disk as a generic write failure: look at the disk too
        if not (is_disk_full(exc) or shutil.disk_usage(stores.data_dir).free < LOW_DISK_BYTES):
            raise
        raise DiskFull(
            f"The disk under {stores.data_dir} is full, so the index could not be written. Free some space "
            "and run `assistant ingest` again: the index that was being served is still in place."
        ) from exc
    if report.changed or rebuild:
        generation = new_generation()
        persisted = persist_lexical_index(stores, generation)
        bump_generation(stores.sessions, generation)  # serving processes reload within index_check_seconds
        if persisted:
            stores.lexical.prune(keep=generation)
    return report


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
