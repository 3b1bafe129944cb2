"""Chroma: one collection of chunks, one of sentences, both in cosine space.

Embedded on disk (``PersistentClient`` under DATA_DIR/chroma) by default, or a Chroma server
(``HttpClient``) when ``ASSISTANT_CHROMA_URL`` is set, so that several API workers and hosts share
one index. The collection API is the same either way.

Vectors are computed by our ``Embedder`` and passed explicitly; the collections are also given
our embedding function so that Chroma's default (which downloads a model) is never constructed.

A Chroma server that cannot be reached raises ``StoreUnavailable`` (HTTP 503). The client is not
kept for ever: after a connection error it is dropped and rebuilt on the next call, so the
assistant recovers by itself when the server is back.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

import chromadb
import httpx
import numpy as np
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
from chromadb.config import Settings as ChromaSettings
from chromadb.errors import NotFoundError

from assistant.embedding import Embedder
from assistant.errors import IndexNotReady, StoreUnavailable
from assistant.types import Chunk, SearchFilters, date_number

log = logging.getLogger(__name__)

CHUNKS = "chunks"
SENTENCES = "sentences"
PAGE = 5000  # Chroma get() page size when loading everything
# What a Chroma server that is down, restarting or unreachable raises through HttpClient.
CONNECTION_ERRORS = (httpx.TransportError, ConnectionError, TimeoutError)
T = TypeVar("T")


class AssistantEmbeddingFunction(EmbeddingFunction[Documents]):
    """Adapter so Chroma can embed with our model (passages on add, queries on query)."""

    def __init__(self, embedder: Embedder):
        self._embedder = embedder

    def __call__(self, input: Documents) -> Embeddings:
        return list(self._embedder.embed_passages(list(input)))

    def embed_query(self, input: Documents) -> Embeddings:
        return list(self._embedder.embed_queries(list(input)))

    @staticmethod
    def name() -> str:
        return "scn-assistant"

    def get_config(self) -> dict[str, Any]:
        return {"model": self._embedder.name}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> AssistantEmbeddingFunction:
        raise NotImplementedError("pass the assistant's embedder explicitly")

    def default_space(self) -> str:  # type: ignore[override]
        return "cosine"

    def supported_spaces(self) -> list[str]:  # type: ignore[override]
        return ["cosine"]


@dataclass(frozen=True)
class SentenceRecord:
    id: str
    chunk_id: str
    document_id: str
    start: int
    end: int
    text: str


WRITE_BATCH = 4000  # Chroma refuses larger writes (embedded SQLite: 5461 records per call)


def write_batches(n: int, size: int = WRITE_BATCH) -> list[tuple[int, int]]:
    """[(start, end)] slices of at most ``size`` records covering ``n`` (none when n == 0): a long
    document (a 200-page PDF has ~10,000 sentences) is written in several calls."""
    return [(a, min(a + size, n)) for a in range(0, n, size)]


def chunk_metadata(
    chunk: Chunk, title: str, sentences: int | None = None, described: dict[str, Any] | None = None
) -> dict[str, Any]:
    """``sentences`` (how many sentence records the chunk has, ids ``{chunk_id}:0…n-1``) lets the
    evidence step fetch them by id; title-only updates leave it out (Chroma merges metadata).
    ``described``: the document's filter metadata (types.filter_metadata: kind, date as yyyymmdd,
    place, language), which ``where`` filters on."""
    meta: dict[str, Any] = {
        **(described or {}),
        "document_id": chunk.document_id,
        "position": chunk.position,
        "start": chunk.start,
        "end": chunk.end,
        "title": title,
        "page": chunk.page,
        "page_breaks": ",".join(str(b) for b in chunk.page_breaks),
        "section": chunk.section,
    }
    if sentences is not None:
        meta["sentences"] = sentences
    return meta


def chunk_from_record(chunk_id: str, text: str, meta: dict[str, Any]) -> Chunk:
    return Chunk(
        id=chunk_id,
        document_id=str(meta["document_id"]),
        position=int(meta["position"]),
        start=int(meta["start"]),
        end=int(meta["end"]),
        text=text,
        page=int(meta.get("page") or 0),
        page_breaks=tuple(int(b) for b in str(meta.get("page_breaks") or "").split(",") if b),
        section=str(meta.get("section") or ""),
    )


def sentence_from_record(sentence_id: str, text: str, meta: dict[str, Any]) -> SentenceRecord:
    return SentenceRecord(
        id=sentence_id,
        chunk_id=str(meta["chunk_id"]),
        document_id=str(meta["document_id"]),
        start=int(meta["start"]),
        end=int(meta["end"]),
        text=text,
    )


def filters_where(filters: SearchFilters | None) -> dict[str, Any] | None:
    """The Chroma ``where`` of a search filter, on the metadata every chunk carries
    (``chunk_metadata``): ``$in`` per list field, the date range on the yyyymmdd integer (0, no
    date, never matches a range)."""
    if not filters:
        return None
    clauses: list[dict[str, Any]] = []
    for key, values in (
        ("document_id", filters.document_ids),
        ("kind", filters.kinds),
        ("language", filters.languages),
        ("place", filters.places),
    ):
        if values:
            clauses.append({key: {"$in": list(values)}})
    if filters.date_from or filters.date_to:
        clauses.append({"date": {"$gte": max(1, date_number(filters.date_from))}})
        if filters.date_to:
            clauses.append({"date": {"$lte": date_number(filters.date_to)}})
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def parse_chroma_url(url: str) -> tuple[str, int, bool]:
    """``http://host:port`` → (host, port, ssl). The port defaults to 8000 (http) / 443 (https)."""
    parts = urlsplit(url if "://" in url else f"http://{url}")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"ASSISTANT_CHROMA_URL must look like http://host:port, not {url!r}")
    ssl = parts.scheme == "https"
    return parts.hostname, parts.port or (443 if ssl else 8000), ssl


class ChromaStore:
    def __init__(self, data_dir: Path, embedder: Embedder, url: str | None = None, timeout: float = 30.0):
        self.embedder = embedder
        self.url = url.rstrip("/") if url else None
        self.timeout = timeout
        self._ef = AssistantEmbeddingFunction(embedder)
        self._client: Any = None
        self._chunks: Any = None
        self._sentences: Any = None
        # chunk id → number of its sentence records. Chunk ids are content hashes, so a count never
        # goes stale; chunks missing here (indexed before counts were stored, or by another worker
        # since this one last read the catalogue) are fetched with a metadata filter instead.
        self._sentence_counts: dict[str, int] = {}
        if self.url is None:
            self.path: Path | None = Path(data_dir) / "chroma"
            self.path.mkdir(parents=True, exist_ok=True)
            self._connect()
        else:
            self.path = None
            parse_chroma_url(self.url)  # a malformed URL is a configuration error: fail at start
            try:
                self._connect()
            except StoreUnavailable as exc:  # the API still starts; requests get 503 until it is back
                log.warning("%s", exc.message)

    # --- connection ---------------------------------------------------------------------------
    @property
    def where(self) -> str:
        return f"the Chroma server at {self.url}" if self.url else f"the embedded Chroma in {self.path}"

    def _make_client(self):
        settings = ChromaSettings(anonymized_telemetry=False)
        if self.url is None:
            return chromadb.PersistentClient(path=str(self.path), settings=settings)
        host, port, ssl = parse_chroma_url(self.url)
        client = chromadb.HttpClient(host=host, port=port, ssl=ssl, settings=settings)
        session = getattr(getattr(client, "_server", None), "_session", None)
        if isinstance(session, httpx.Client):  # chromadb sends without a timeout; a hung server would hang us
            session.timeout = httpx.Timeout(self.timeout, connect=min(self.timeout, 5.0))
        return client

    def _connect(self) -> None:
        try:
            if self._client is None:
                self._client = self._make_client()
            self._chunks = self._collection(CHUNKS)
            self._sentences = self._collection(SENTENCES)
        except CONNECTION_ERRORS as exc:
            self._disconnect()
            raise self._unavailable(exc) from exc
        except ValueError as exc:  # HttpClient's "Could not connect to a Chroma server"
            if self.url is None or "connect" not in str(exc).lower():
                raise
            self._disconnect()
            raise self._unavailable(exc) from exc

    def _disconnect(self) -> None:
        self._client = self._chunks = self._sentences = None

    def _unavailable(self, exc: BaseException) -> StoreUnavailable:
        return StoreUnavailable(
            f"The vector store ({self.where}) cannot be reached ({type(exc).__name__}). "
            "The assistant reconnects by itself when it is back; try again shortly."
        )

    def reopen(self) -> None:
        """Fetch the collections again (another process may have rebuilt them: new collection ids)."""
        self._chunks = self._sentences = None

    def reload(self) -> None:
        """See the index as another process left it: the collections fetched again and, embedded,
        a fresh Chroma system. An embedded system keeps what it read of the segments on disk, so
        after an ingest by another process (a CLI ingest next to the server) reading vectors through
        the old one failed ("Error creating hnsw segment reader: Nothing found on disk")."""
        self.reopen()
        if self.url is None:
            self._discard_connection()

    def _call(self, operation: Callable[[], T]) -> T:
        """Run one Chroma operation: connection errors become StoreUnavailable (and drop the client);
        a collection that vanished (rebuilt elsewhere) is fetched again and the operation retried once."""
        for attempt in (1, 2):
            try:
                return operation()
            except CONNECTION_ERRORS as exc:
                self._disconnect()
                raise self._unavailable(exc) from exc
            except NotFoundError:
                if attempt == 2:
                    raise
                log.info("Chroma collection changed under us; fetching it again")
                self.reopen()
        raise AssertionError("unreachable")

    def _write(self, operation: Callable[[], T]) -> T:
        """A Chroma write (through ``_call``). If it fails for any other reason than an unreachable
        server (a full disk, ...), this store lets go of its embedded Chroma, which is opened
        afresh on the next operation (``_discard_connection``)."""
        try:
            return self._call(operation)
        except StoreUnavailable:
            raise
        except Exception:
            self._discard_connection()
            raise

    def _discard_connection(self) -> None:
        """Let go of the embedded Chroma after a failed write: the next operation opens a fresh one.
        chromadb shares one system (one SQLite connection pool) per folder in a process, so a new
        client would otherwise get the same pool back, and after a write failed on a full disk the
        next operation through that pool was seen to hang for good (a connection retrying the
        SQLite lock every 100 ms while the process itself held it); through a fresh pool the
        interrupted transaction is recovered and the index read as it was. The old system is
        taken out of chromadb's cache rather than stopped: a read still running on another thread
        finishes on it, and its pool closes when nothing refers to it any more."""
        client = self._client
        self._disconnect()
        if client is None or self.url is not None:
            return
        from chromadb.api.shared_system_client import SharedSystemClient

        identifier = getattr(client, "_identifier", None)
        shared = SharedSystemClient._identifier_to_system
        if identifier in shared and shared[identifier] is getattr(client._server, "_system", None):
            del shared[identifier]

    @property
    def client(self):
        if self._client is None:
            self._connect()
        return self._client

    @property
    def chunks(self):
        if self._chunks is None:
            self._connect()
        return self._chunks

    @property
    def sentences(self):
        if self._sentences is None:
            self._connect()
        return self._sentences

    def heartbeat(self) -> None:
        """Raise StoreUnavailable unless Chroma answers (a cheap request)."""
        self._call(lambda: self.client.heartbeat())

    def _collection(self, name: str):
        collection = self._client.get_or_create_collection(
            name,
            embedding_function=self._ef,  # type: ignore[arg-type]
            metadata={"hnsw:space": "cosine", "model": self.embedder.name},
        )
        return collection

    def check_model(self) -> None:
        """Vectors from another model are meaningless to this one: refuse to mix them."""
        built_with = (self.chunks.metadata or {}).get("model")
        if built_with and built_with != self.embedder.name:
            raise IndexNotReady(
                f"The index was built with the embedding model '{built_with}' but the assistant is "
                f"configured with '{self.embedder.name}'. Run `assistant ingest --rebuild` to re-embed."
            )

    def reset(self) -> None:
        """Drop both collections (used when the embedding model changes)."""
        client = self.client
        for name in (CHUNKS, SENTENCES):
            try:
                self._call(lambda name=name: client.delete_collection(name))
            except StoreUnavailable:
                raise
            except Exception:  # noqa: BLE001 - absent collection
                pass
        self.reopen()
        self._connect()

    # --- writes -------------------------------------------------------------------------------
    def existing_ids(self, ids: Sequence[str]) -> set[str]:
        if not ids:
            return set()
        return set(self._call(lambda: self.chunks.get(ids=list(ids), include=[]))["ids"])

    def add_chunks(
        self,
        chunks: Sequence[Chunk],
        vectors: np.ndarray,
        titles: dict[str, str],
        sentence_counts: dict[str, int] | None = None,
        described: dict[str, dict[str, Any]] | None = None,
    ) -> None:
        """``described``: document id → its filter metadata (types.filter_metadata), copied on
        every chunk."""
        counts = sentence_counts or {}
        described = described or {}
        for a, b in write_batches(len(chunks)):
            part = chunks[a:b]
            self._write(
                lambda part=part, a=a, b=b: self.chunks.upsert(
                    ids=[c.id for c in part],
                    documents=[c.text for c in part],
                    embeddings=vectors[a:b],  # type: ignore[arg-type]
                    metadatas=[
                        chunk_metadata(
                            c, titles[c.document_id], counts.get(c.id), described.get(c.document_id)
                        )
                        for c in part
                    ],
                )
            )
        self._sentence_counts.update(counts)

    def update_chunk_metadata(
        self,
        chunks: Sequence[Chunk],
        titles: dict[str, str],
        described: dict[str, dict[str, Any]] | None = None,
    ) -> None:
        described = described or {}
        for a, b in write_batches(len(chunks)):
            part = chunks[a:b]
            self._write(
                lambda part=part: self.chunks.update(
                    ids=[c.id for c in part],
                    metadatas=[
                        chunk_metadata(c, titles[c.document_id], None, described.get(c.document_id))
                        for c in part
                    ],
                )
            )

    def set_document_metadata(self, document_id: str, values: dict[str, Any]) -> int:
        """Merge ``values`` (e.g. ``{"title": ..., **types.filter_metadata(...)}``) into the metadata
        of every chunk of a document (a metadata edit without re-ingesting). Returns the chunk count.
        Retrievers see it after their next reload (bump the index generation)."""
        ids = sorted(self.chunk_ids_of(document_id))
        for a, b in write_batches(len(ids)):
            part = ids[a:b]
            self._write(
                lambda part=part: self.chunks.update(ids=part, metadatas=[dict(values) for _ in part])
            )
        return len(ids)

    def add_sentences(self, records: Sequence[SentenceRecord], vectors: np.ndarray) -> None:
        for a, b in write_batches(len(records)):
            part = records[a:b]
            self._write(
                lambda part=part, a=a, b=b: self.sentences.upsert(
                    ids=[r.id for r in part],
                    documents=[r.text for r in part],
                    embeddings=vectors[a:b],  # type: ignore[arg-type]
                    metadatas=[
                        {"chunk_id": r.chunk_id, "document_id": r.document_id, "start": r.start, "end": r.end}
                        for r in part
                    ],
                )
            )

    def delete_chunks(self, chunk_ids: Sequence[str]) -> None:
        if not chunk_ids:
            return
        ids = list(chunk_ids)
        for cid in ids:
            self._sentence_counts.pop(cid, None)
        for a, b in write_batches(len(ids)):
            part = ids[a:b]
            self._write(lambda part=part: self.chunks.delete(ids=part))
            self._write(lambda part=part: self.sentences.delete(where={"chunk_id": {"$in": part}}))

    def delete_document(self, document_id: str) -> None:
        self._write(lambda: self.chunks.delete(where={"document_id": document_id}))
        self._write(lambda: self.sentences.delete(where={"document_id": document_id}))

    # --- reads --------------------------------------------------------------------------------
    def count(self) -> int:
        return self._call(lambda: self.chunks.count())

    def chunk_ids_of(self, document_id: str) -> set[str]:
        return set(self._call(lambda: self.chunks.get(where={"document_id": document_id}, include=[]))["ids"])

    def chunks_of(self, document_id: str) -> list[Chunk]:
        """A document's chunks as the assistant sees them (text, pages, heading path), in order."""
        res = self._call(
            lambda: self.chunks.get(where={"document_id": document_id}, include=["documents", "metadatas"])
        )
        chunks = [
            chunk_from_record(cid, text, meta)
            for cid, text, meta in zip(res["ids"], res["documents"], res["metadatas"], strict=True)
        ]
        return sorted(chunks, key=lambda c: (c.position, c.start))

    def iter_chunks(self) -> Iterator[tuple[Chunk, str]]:
        """Every stored chunk with its document title, page by page."""
        return self.chunks_of_records(self.iter_records())

    def iter_records(self) -> Iterator[tuple[str, str, dict[str, Any]]]:
        """Every stored chunk as Chroma holds it, (id, text, metadata), page by page."""
        offset = 0
        while True:
            page = self._call(
                lambda offset=offset: self.chunks.get(
                    include=["documents", "metadatas"], limit=PAGE, offset=offset
                )
            )
            if not page["ids"]:
                return
            yield from zip(page["ids"], page["documents"], page["metadatas"], strict=True)
            offset += len(page["ids"])

    def records_and_vectors(self) -> tuple[list[tuple[str, str, dict[str, Any]]], np.ndarray]:
        """Every stored chunk as Chroma holds it, (id, text, metadata), and its vector: float32 rows
        in the same order (read in the same pages, so they cannot drift apart). What a snapshot of
        the index is built from (store/lexical_snapshot.py)."""
        records: list[tuple[str, str, dict[str, Any]]] = []
        vectors: list[np.ndarray] = []
        offset = 0
        while True:
            page = self._call(
                lambda offset=offset: self.chunks.get(
                    include=["documents", "metadatas", "embeddings"], limit=PAGE, offset=offset
                )
            )
            if not len(page["ids"]):
                break
            records.extend(zip(page["ids"], page["documents"], page["metadatas"], strict=True))
            vectors.append(np.asarray(page["embeddings"], dtype=np.float32))
            offset += len(page["ids"])
        dim = vectors[0].shape[1] if vectors else 0
        return records, (np.concatenate(vectors) if vectors else np.zeros((0, dim), dtype=np.float32))

    def vectors_of(self, chunk_ids: Sequence[str]) -> dict[str, np.ndarray]:
        """The stored vectors of the given chunks (float32), by id; absent chunks are left out."""
        if not chunk_ids:
            return {}
        res = self._call(lambda: self.chunks.get(ids=list(chunk_ids), include=["embeddings"]))
        found = zip(res["ids"], res["embeddings"], strict=True)
        return {cid: np.asarray(vec, dtype=np.float32) for cid, vec in found}

    def chunks_of_records(
        self, records: Iterable[tuple[str, str, dict[str, Any]]]
    ) -> Iterator[tuple[Chunk, str]]:
        """The chunks and document titles of stored records (read from Chroma, or from a persisted
        copy: store/lexical_snapshot.py), remembering each chunk's sentence count for ``sentences_of``."""
        for cid, text, meta in records:
            if "sentences" in meta:
                self._sentence_counts[cid] = int(meta["sentences"])
            yield chunk_from_record(cid, text, meta), str(meta.get("title", ""))

    def query_chunks(
        self,
        query_vector: np.ndarray,
        k: int,
        known: int | None = None,
        filters: SearchFilters | None = None,
    ) -> list[tuple[str, float]]:
        """Nearest chunks as (chunk_id, cosine similarity), best first. ``known`` is the number of
        chunks the caller already knows of (the retriever's catalogue, or with ``filters`` the
        number that pass them), which saves a count() per query (9 ms at 100k chunks,
        docs/performance.md). ``filters`` become a Chroma ``where`` (``filters_where``)."""
        n = self.count() if known is None else known
        if n == 0:
            return []
        where = filters_where(filters)
        res = self._call(
            lambda: self.chunks.query(
                query_embeddings=[query_vector], n_results=min(k, n), include=["distances"], where=where
            )
        )
        return [(cid, 1.0 - float(d)) for cid, d in zip(res["ids"][0], res["distances"][0], strict=True)]

    def score_chunks(self, query_vector: np.ndarray, chunk_ids: Sequence[str]) -> list[tuple[str, float]]:
        """(chunk_id, cosine similarity) of the given chunks, best first: exact scores from their
        stored vectors, fetched by id (for a filter that few chunks pass)."""
        if not chunk_ids:
            return []
        found = self.vectors_of(chunk_ids)
        if not found:
            return []
        ids = list(found)
        vectors = np.stack([found[cid] for cid in ids])
        q = np.asarray(query_vector, dtype=np.float32)
        norms = np.linalg.norm(vectors, axis=1) * max(float(np.linalg.norm(q)), 1e-12)
        scores = vectors @ q / np.maximum(norms, 1e-12)
        order = np.argsort(-scores, kind="stable")
        return [(ids[i], float(scores[i])) for i in order]

    def sentences_of(self, chunk_ids: Sequence[str]) -> list[tuple[SentenceRecord, np.ndarray]]:
        """Sentence records and vectors of the chunks, in chunk order, then document order.

        By id where the chunk's sentence count is known: a primary-key lookup, 2 ms instead of 43 ms
        for the metadata filter at 100k chunks (docs/performance.md)."""
        if not chunk_ids:
            return []
        include = ["documents", "metadatas", "embeddings"]
        by_id = [f"{cid}:{i}" for cid in chunk_ids for i in range(self._sentence_counts.get(cid, 0))]
        unknown = [cid for cid in chunk_ids if cid not in self._sentence_counts]
        results = []
        if by_id:
            results.append(self._call(lambda: self.sentences.get(ids=by_id, include=include)))
        if unknown:
            where = {"chunk_id": {"$in": unknown}}
            results.append(self._call(lambda: self.sentences.get(where=where, include=include)))
        out = []
        for res in results:
            for sid, text, meta, vec in zip(
                res["ids"], res["documents"], res["metadatas"], res["embeddings"], strict=True
            ):
                out.append((sentence_from_record(sid, text, meta), np.asarray(vec, dtype=np.float32)))
        order = {cid: i for i, cid in enumerate(chunk_ids)}
        out.sort(key=lambda item: (order[item[0].chunk_id], item[0].start))
        return out
