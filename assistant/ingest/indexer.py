"""Incremental indexing: only new or changed chunks are embedded.

Chunk ids are content hashes, so an unchanged corpus costs no embedding work, a changed document
re-embeds only the chunks whose text changed, and a deleted document is removed from Chroma
(and so from BM25, which is rebuilt from Chroma) and from the SQL catalogue.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker
from tqdm import tqdm

from assistant.embedding import Embedder
from assistant.ingest.chunking import chunk_text
from assistant.ingest.corpus import LoadFailure, document_id, load_corpus
from assistant.ingest.structure import place_chunk
from assistant.store.chroma_store import WRITE_BATCH, ChromaStore, SentenceRecord
from assistant.store.models import DocumentRecord, utcnow
from assistant.store.sentence_states import SentenceStateStore
from assistant.text.arabic import split_sentences
from assistant.types import Chunk, SourceDocument

log = logging.getLogger(__name__)


class SentenceWriter:
    """Writes batches on one thread (in order) while the caller goes on encoding. The first write
    that fails stops it: no later batch is written (the store is left as that failure left it,
    with nothing more in flight), and ``submit`` / ``wait`` raise that write's error in the
    caller. ``close`` drops the batches not yet written and joins the thread; call it (in a
    ``finally``) before an error propagates, so nothing writes after the ingest reported failure."""

    def __init__(self, write: Callable[..., None]):
        self._write = write
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="ingest-writer")
        self._pending: list[Future[None]] = []
        self._failed = threading.Event()

    def submit(self, *args: object) -> None:
        self._raise_failure(wait=False)
        self._pending.append(self._pool.submit(self._run, *args))

    def wait(self) -> None:
        """Block until every submitted batch is written; raise the first failed write's error."""
        self._raise_failure(wait=True)

    def close(self) -> None:
        self._failed.set()  # batches still queued are skipped, not written
        self._pool.shutdown(wait=True, cancel_futures=True)

    def _run(self, *args: object) -> None:
        if self._failed.is_set():
            raise _Skipped
        try:
            self._write(*args)
        except BaseException:
            self._failed.set()
            raise

    def _raise_failure(self, *, wait: bool) -> None:
        for future in self._pending:
            if not wait and not future.done():
                continue
            error = future.exception()  # waits for it when ``wait``
            if error is not None and not isinstance(error, _Skipped):
                raise error


class _Skipped(Exception):
    """A batch not written because an earlier write failed."""


@dataclass
class FileReport:
    """What ingest made of one file: its status (added | updated | unchanged | failed), and for a
    loaded file its pages (paged formats), characters, chunks, OCRed pages and the loader's
    warnings ("pages 2-3: 2 columns detected", "3 running header/footer ... lines removed")."""

    file: str
    document_id: str
    status: str
    pages: int | None = None
    characters: int = 0
    chunks: int = 0
    ocr_pages: list[int] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    reason: str | None = None  # why a failed file could not be ingested

    def summary(self) -> str:
        """One line for the console."""
        if self.status == "failed":
            return f"{self.file}: failed: {self.reason}"
        parts = [f"{self.pages} pages"] if self.pages else []
        parts += [f"{self.characters:,} characters", f"{self.chunks} chunks"]
        if self.ocr_pages:
            parts.append(f"OCR on {len(self.ocr_pages)} pages")
        line = f"{self.file}: {self.status}, " + ", ".join(parts)
        return line + "".join(f"\n    - {w}" for w in self.warnings)


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (file name, reason)
    chunks_embedded: int = 0
    sentences_embedded: int = 0
    chunks_total: int = 0
    seconds: float = 0.0
    files: list[FileReport] = field(default_factory=list)  # one per file of the folder, in order

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)


def sentence_records(chunk: Chunk) -> list[SentenceRecord]:
    """The sentences of a chunk, with offsets into the document text."""
    return [
        SentenceRecord(
            id=f"{chunk.id}:{i}",
            chunk_id=chunk.id,
            document_id=chunk.document_id,
            start=chunk.start + s.start,
            end=chunk.start + s.end,
            text=s.text,
        )
        for i, s in enumerate(split_sentences(chunk.text))
    ]


class Indexer:
    def __init__(
        self,
        store: ChromaStore,
        sessions: sessionmaker,
        embedder: Embedder,
        *,
        max_tokens: int,
        overlap_sentences: int,
        batch_size: int = 64,
        max_document_bytes: int = 25 * 1024 * 1024,
        states: SentenceStateStore | None = None,
    ):
        self.max_document_bytes = max_document_bytes
        self.states = states  # the reader's sentence states, written from the embedding pass
        self.store = store
        self.sessions = sessions
        self.embedder = embedder
        self.max_tokens = max_tokens
        self.overlap_sentences = overlap_sentences
        self.batch_size = batch_size

    def chunk(self, doc: SourceDocument) -> list[Chunk]:
        chunks = chunk_text(
            doc.id,
            doc.text,
            self.embedder.count_tokens,
            max_tokens=self.max_tokens,
            overlap_sentences=self.overlap_sentences,
            section_starts=frozenset(start for start, _, _ in doc.headings),
        )
        return [place_chunk(c, doc) for c in chunks]

    def embed(
        self,
        texts: list[str],
        progress: bool,
        *,
        states_from: int | None = None,
        on_batch: Callable[[list[int], np.ndarray, dict[int, np.ndarray]], None] | None = None,
    ) -> tuple[np.ndarray, dict[int, np.ndarray]]:
        """Embed in batches of similar length (less padding), in the caller's order. Texts from
        index ``states_from`` on (the sentences) also give the reader's token states, from the same
        forward pass, when a states store is configured and the model graph has them.
        ``on_batch(indices, vectors, states)`` is called after each batch (to write it meanwhile)."""
        states: dict[int, np.ndarray] = {}
        if not texts:
            return np.zeros((0, self.embedder.dimension), dtype=np.float32), states
        with_states = (
            states_from is not None
            and self.states is not None
            and getattr(self.embedder, "has_states", False)
        )
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.zeros((len(texts), self.embedder.dimension), dtype=np.float32)
        with tqdm(total=len(texts), desc="Embedding", unit="text", disable=not progress) as bar:
            for i in range(0, len(order), self.batch_size):
                batch = order[i : i + self.batch_size]
                batch_states: dict[int, np.ndarray] = {}
                if with_states and any(j >= states_from for j in batch):
                    vectors, token_states = self.embedder.embed_with_states(
                        [texts[j] for j in batch], kind="passage"
                    )
                    pairs = zip(batch, token_states, strict=True)
                    batch_states = {j: st for j, st in pairs if j >= states_from}
                    states.update(batch_states)
                else:
                    vectors = self.embedder.embed_passages([texts[j] for j in batch])
                out[batch] = vectors
                if on_batch is not None:
                    on_batch(batch, out[batch], batch_states)
                bar.update(len(batch))
        return out, states

    def run(
        self,
        folder: Path,
        *,
        progress: bool = True,
        on_failure: Callable[[LoadFailure], None] | None = None,
        origin: str = "folder",
    ) -> IngestReport:
        """Index every file of ``folder`` and remove the documents of that ``origin`` ("folder": the
        documents folder; "upload": DATA_DIR/uploads) whose file is gone."""
        started = time.perf_counter()
        report = IngestReport()
        known = self.known()
        seen: set[str] = set()
        docs: list[SourceDocument] = []
        for item in load_corpus(folder, max_bytes=self.max_document_bytes):
            if isinstance(item, LoadFailure):
                self._failed(report, item, folder)
                # keep the previously indexed version of an unreadable file: nothing stored is lost
                seen.add(document_id(item.path, folder))
                if on_failure:
                    on_failure(item)
                continue
            owner = known.get(item.id)
            if owner is not None and owner.origin != origin:
                where = "uploaded on /staff/documents" if owner.origin == "upload" else "in the folder"
                failure = LoadFailure(
                    folder / item.source_path,
                    f"{item.source_path}: another document ({where}) already has the id '{item.id}'; "
                    "rename one.",
                )
                self._failed(report, failure, folder)
                if on_failure:
                    on_failure(failure)
                continue
            seen.add(item.id)
            docs.append(item)
        self.index_documents(docs, origin=origin, progress=progress, report=report, known=known)
        mine = {doc_id for doc_id, record in known.items() if record.origin == origin}
        self.remove_documents(sorted(mine - seen), report)
        self._finish(report, started)
        return report

    def known(self) -> dict[str, DocumentRecord]:
        with self.sessions() as session:
            return {r.id: r for r in session.scalars(select(DocumentRecord))}

    def _failed(self, report: IngestReport, item: LoadFailure, folder: Path) -> None:
        report.failed.append((item.path.name, item.reason))
        report.files.append(
            FileReport(
                item.path.relative_to(folder).as_posix(),
                document_id(item.path, folder),
                "failed",
                reason=item.reason,
            )
        )

    def _finish(self, report: IngestReport, started: float) -> None:
        report.chunks_total = self.store.count()
        report.seconds = time.perf_counter() - started
        log.info(
            "ingest: %d added, %d updated, %d unchanged, %d removed, %d failed, %d chunks embedded in %.1fs",
            len(report.added),
            len(report.updated),
            len(report.unchanged),
            len(report.removed),
            len(report.failed),
            report.chunks_embedded,
            report.seconds,
        )

    def index_documents(
        self,
        docs: list[SourceDocument],
        *,
        origin: str = "folder",
        progress: bool = False,
        report: IngestReport | None = None,
        known: dict[str, DocumentRecord] | None = None,
    ) -> IngestReport:
        """Index loaded documents into the live index: unchanged ones (same content hash) cost
        nothing, changed ones re-embed only their new chunks, then their stale chunks go. The folder
        run and a staff upload (assistant/staff/uploads.py) both index through here."""
        started = time.perf_counter()
        outer = report is not None
        report = report if report is not None else IngestReport()
        known = known if known is not None else self.known()
        pending: list[tuple[SourceDocument, list[Chunk], list[Chunk]]] = []  # doc, all chunks, new chunks
        for item in docs:
            record = known.get(item.id)
            file_report = FileReport(
                item.source_path,
                item.id,
                "unchanged",
                pages=item.pages or None,
                characters=len(item.text),
                ocr_pages=list(item.ocr_pages),
                warnings=list(item.warnings),
            )
            report.files.append(file_report)
            if record is not None and record.content_hash == item.content_hash and record.origin == origin:
                report.unchanged.append(item.id)
                file_report.chunks = record.chunk_count or 0
                continue
            chunks = self.chunk(item)
            file_report.chunks = len(chunks)
            file_report.status = "updated" if item.id in known else "added"
            present = self.store.existing_ids([c.id for c in chunks])
            pending.append((item, chunks, [c for c in chunks if c.id not in present]))

        new_chunks = [c for _, _, fresh in pending for c in fresh]
        per_chunk = {c.id: sentence_records(c) for c in new_chunks}  # split once, used twice
        new_sentences = [s for c in new_chunks for s in per_chunk[c.id]]
        # Sentences (with their reader states) are written by a writer thread as their batches
        # come out of the encoder, so Chroma and SQL writes overlap the encoding of the rest; a
        # document is recorded as indexed (below) only once all of its sentences are written.
        sentences_from = len(new_chunks)
        ready: list[tuple[int, np.ndarray, np.ndarray | None]] = []  # (sentence index, vector, states)
        writer = SentenceWriter(self._write_sentences)

        def on_batch(batch: list[int], vectors: np.ndarray, states: dict[int, np.ndarray]) -> None:
            ready.extend(
                (j - sentences_from, vectors[k], states.get(j))
                for k, j in enumerate(batch)
                if j >= sentences_from
            )
            if len(ready) >= WRITE_BATCH:
                flush()

        def flush() -> None:
            if ready:
                records = [new_sentences[i] for i, _, _ in ready]
                vectors = np.stack([v for _, v, _ in ready])
                writer.submit(records, vectors, [st for *_, st in ready])  # raises a failed write's error
                ready.clear()

        try:
            vectors, _ = self.embed(
                [c.text for c in new_chunks] + [s.text for s in new_sentences],
                progress,
                states_from=sentences_from,
                on_batch=on_batch,
            )
            flush()
            writer.wait()  # every sentence written, or the first failed write's error
        finally:
            writer.close()  # on an error: queued writes dropped, the thread joined, before it propagates
        chunk_vectors = vectors[: len(new_chunks)]
        report.chunks_embedded += len(new_chunks)
        report.sentences_embedded += len(new_sentences)

        offset_c = 0
        for doc, chunks, fresh in pending:
            titles = {doc.id: doc.title}
            described = {doc.id: doc.filter_metadata()}
            self.store.add_chunks(
                fresh,
                chunk_vectors[offset_c : offset_c + len(fresh)],
                titles,
                sentence_counts={c.id: len(per_chunk[c.id]) for c in fresh},
                described=described,
            )
            offset_c += len(fresh)
            fresh_ids = {c.id for c in fresh}
            self.store.update_chunk_metadata([c for c in chunks if c.id not in fresh_ids], titles, described)
            stale = self.store.chunk_ids_of(doc.id) - {c.id for c in chunks}
            self.store.delete_chunks(sorted(stale))
            if self.states is not None:
                self.states.delete_chunks(sorted(stale))
            self._save_document(doc, len(chunks), origin)
            (report.updated if doc.id in known else report.added).append(doc.id)
        if not outer:
            self._finish(report, started)
        return report

    def remove_documents(self, document_ids: list[str], report: IngestReport | None = None) -> IngestReport:
        """Take documents out of every index: their chunks and sentences (Chroma), the reader's
        sentence states and the SQL catalogue. BM25 follows with the next published generation."""
        report = report if report is not None else IngestReport()
        for doc_id in document_ids:
            if self.states is not None:
                self.states.delete_chunks(sorted(self.store.chunk_ids_of(doc_id)))
            self.store.delete_document(doc_id)
            with self.sessions.begin() as session:
                record = session.get(DocumentRecord, doc_id)
                if record is not None:
                    session.delete(record)
            report.removed.append(doc_id)
        return report

    def _write_sentences(
        self, records: list[SentenceRecord], vectors: np.ndarray, states: list[np.ndarray | None]
    ) -> None:
        """Sentence records with their vectors to Chroma, their reader states (where computed) to SQL."""
        self.store.add_sentences(records, vectors)
        if self.states is not None:
            self.states.put(
                (r.id, r.chunk_id, st) for r, st in zip(records, states, strict=True) if st is not None
            )

    def _save_document(self, doc: SourceDocument, chunk_count: int, origin: str = "folder") -> None:
        with self.sessions.begin() as session:
            record = session.get(DocumentRecord, doc.id) or DocumentRecord(id=doc.id)
            record.title = doc.title
            record.kind = doc.kind
            record.date = doc.date
            record.place = doc.place
            record.language = doc.language
            record.metadata_origin = dict(doc.metadata_origin)
            record.source_path = doc.source_path
            record.source_url = doc.source_url
            record.content_hash = doc.content_hash
            record.text = doc.text
            record.chunk_count = chunk_count
            record.pages = doc.pages or None
            record.origin = origin
            record.updated_at = utcnow()
            session.add(record)
