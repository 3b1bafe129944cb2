"""Hybrid retrieval: dense search in Chroma + BM25, fused (weighted RRF or convex combination).

Under a metadata filter BM25 scores only the chunks of the documents that pass (a mask), and the
dense side picks the cheapest exact-enough way to get the best passing chunks (Chroma's own
filtered query costs ~20 ms more per query at 10k chunks whatever the filter;
benchmarks/filter_cost.py):

* few chunks pass (``exact_max``): their vectors are fetched by id and scored exactly;
* otherwise Chroma's unfiltered query is asked for enough neighbours that ``candidate_k`` of them
  pass on average (with a margin, ``overfetch``), and the others are dropped: an exact prefix of
  the filtered ranking. When that would take more than ``overfetch_budget`` neighbours, fewer are
  asked for, as long as ``min_kept`` pass on average (the dense side then brings 20-50
  candidates to the fusion instead of 50);
  When fewer pass than expected (the query's neighbourhood is mostly other documents), it looks
  twice as far (again if need be), up to ``overfetch_max`` neighbours, and keeps what passed there;
* when more than ``overfetch_max`` neighbours would be needed from the start, or none passed, the
  passing chunks are scored exactly if there are at most ``exact_fallback_max`` of them, else
  Chroma's filtered query (``where``) answers.
"""

from __future__ import annotations

import logging
import math
import time
from typing import Literal

import numpy as np

from assistant.embedding import Embedder
from assistant.errors import StoreUnavailable
from assistant.retrieval.filters import DocumentColumns
from assistant.retrieval.fusion import convex_combination, weighted_rrf
from assistant.store.chroma_store import ChromaStore
from assistant.store.lexical_index import LexicalIndex
from assistant.store.lexical_snapshot import LexicalSnapshot, LexicalSnapshots
from assistant.types import Chunk, Hit, SearchFilters

log = logging.getLogger(__name__)

Mode = Literal["hybrid", "dense", "lexical"]
FILTER_KEYS = ("kind", "date", "place", "language")  # types.filter_metadata


class HybridRetriever:
    def __init__(
        self,
        store: ChromaStore,
        embedder: Embedder,
        *,
        dense_weight: float,
        rrf_k: int,
        candidate_k: int,
        method: str = "rrf",
        snapshots: LexicalSnapshots | None = None,
        generation: str | None = None,
    ):
        if method not in ("rrf", "cc"):
            raise ValueError(
                "fusion method must be 'rrf' (weighted reciprocal rank) or 'cc' (convex combination)"
            )
        self.method = method
        self.store = store
        self.embedder = embedder
        self.dense_weight = dense_weight
        self.rrf_k = rrf_k
        self.candidate_k = candidate_k
        self.chunks: dict[str, Chunk] = {}
        self.titles: dict[str, str] = {}
        # per document: its filter metadata as its chunks carry it (kind, date, place, language)
        self.documents: dict[str, dict] = {}
        self._columns = DocumentColumns([], [])  # the same, as columns; _chunk_document indexes into it
        self._chunk_document = np.zeros(0, dtype=np.int32)  # per lexical row: its document's index
        self.lexical = LexicalIndex([], [])
        self.snapshots = snapshots
        self.generation: str | None = None  # the index generation loaded (None: not known)
        self.loaded_from = ""  # "snapshot" (persisted files) or "chroma" (rebuilt), once loaded
        self.loaded = False  # True once the catalogue was loaded (even if it is empty)
        try:
            self.reload(generation)
        except StoreUnavailable as exc:  # a Chroma server that is down: start empty, load when it is back
            log.warning("retriever not loaded: %s", exc.message)

    def reload(self, generation: str | None = None) -> None:
        """(Re)load the chunk catalogue and BM25 of the index ``generation`` (index_state.py).

        From its persisted snapshot (store/lexical_snapshot.py) when one is sound, has that
        generation and as many chunks as Chroma; otherwise read every chunk from Chroma (the source
        of truth), rebuild BM25, and persist it for the next start. Without a generation (or without
        ``snapshots``) it always rebuilds and writes nothing."""
        started = time.perf_counter()
        snapshot = None
        if self.snapshots is not None and generation:
            snapshot = self.snapshots.load(generation, chunks=self.store.count())
        loaded_from = "snapshot"
        if snapshot is None:
            snapshot = LexicalSnapshot.build(generation or "", self.store.iter_records())
            loaded_from = "chroma"
            if self.snapshots is not None and generation and self.snapshots.save(snapshot):
                self.snapshots.prune(keep=generation)
        chunks: dict[str, Chunk] = {}
        titles: dict[str, str] = {}
        documents: dict[str, dict] = {}
        for (chunk, title), (_, _, meta) in zip(
            self.store.chunks_of_records(snapshot.records), snapshot.records, strict=True
        ):
            chunks[chunk.id] = chunk
            titles[chunk.document_id] = title
            if chunk.document_id not in documents:
                documents[chunk.document_id] = {k: meta[k] for k in FILTER_KEYS if k in meta}
        columns = DocumentColumns(list(documents), list(documents.values()))
        self._chunk_document = np.array(
            [columns.position[chunks[cid].document_id] for cid in snapshot.index.ids], dtype=np.int32
        )
        self.chunks, self.titles, self.lexical = chunks, titles, snapshot.index
        self.documents, self._columns = documents, columns
        self.generation, self.loaded_from, self.loaded = generation, loaded_from, True
        log.info(
            "retriever loaded %d chunks of generation %s from %s in %.2fs",
            len(chunks),
            generation or "(unknown)",
            "the persisted snapshot" if loaded_from == "snapshot" else "Chroma",
            time.perf_counter() - started,
        )

    def __len__(self) -> int:
        return len(self.chunks)

    def lexical_weights(self, query: str) -> dict[str, float]:
        """Idf of the query's terms in the current index (follows reloads)."""
        return self.lexical.query_weights(query)

    def embed_query(self, query: str) -> np.ndarray:
        return self.embedder.embed_queries([query])[0]

    # How the dense side finds the best chunks that pass a filter (module doc; figures in
    # docs/performance.md, "Metadata filters"): Chroma's own filtered query costs ~0.9 s at 100k chunks.
    exact_max = 300  # at most this many pass: fetch their vectors by id and score them exactly
    overfetch = 1.25  # ask for enough unfiltered neighbours that, on average, 1.25x the target pass
    overfetch_budget = 150  # neighbours asked for when the full candidate_k would need more ...
    min_kept = 20  # ... as long as this many still pass on average (else more neighbours are asked for)
    overfetch_max = 2500  # never more neighbours than this
    exact_fallback_max = 3000  # too few passed: score exactly up to this many chunks, else Chroma's where

    def allowed(self, filters: SearchFilters) -> np.ndarray:
        """Boolean mask over the lexical index's rows: the chunks whose document passes ``filters``."""
        if not len(self._columns):
            return np.zeros(0, dtype=bool)
        return self._columns.mask(filters)[self._chunk_document]

    def _dense(
        self, vector: np.ndarray, filters: SearchFilters | None, allowed: np.ndarray | None, n_allowed: int
    ) -> list[tuple[str, float]]:
        """The best chunks by cosine among those ``allowed``: ``candidate_k`` of them, or at least
        ``min_kept`` when getting all would cost more than ``overfetch_budget`` neighbours."""
        total = len(self.chunks)
        if filters is None or allowed is None or n_allowed == total:
            return self.store.query_chunks(vector, self.candidate_k, known=total)
        if n_allowed <= self.exact_max:
            return self._exact(vector, allowed)
        want = min(self.candidate_k, n_allowed)
        share = n_allowed / total
        n_full = math.ceil(want * self.overfetch / share)
        n_min = math.ceil(min(want, self.min_kept) * self.overfetch / share)
        n = min(total, max(min(n_full, self.overfetch_budget), n_min))
        if n <= self.overfetch_max:
            passing, position = self._columns.mask(filters), self._columns.position
            while True:
                kept = [
                    (cid, s)
                    for cid, s in self.store.query_chunks(vector, n, known=total)
                    if cid in self.chunks and passing[position[self.chunks[cid].document_id]]
                ]
                if len(kept) >= min(want, self.min_kept) or n == total:
                    return kept[: self.candidate_k]
                if n >= self.overfetch_max:  # the query's neighbourhood is mostly filtered out:
                    break  # keep what passed among the overfetch_max nearest, if anything did
                n = min(total, self.overfetch_max, n * 2)  # fewer passed than usual: look further
            if kept:
                return kept[: self.candidate_k]
        if n_allowed <= self.exact_fallback_max:
            return self._exact(vector, allowed)
        return self.store.query_chunks(vector, self.candidate_k, known=n_allowed, filters=filters)

    def _exact(self, vector: np.ndarray, allowed: np.ndarray) -> list[tuple[str, float]]:
        ids = [self.lexical.ids[i] for i in np.flatnonzero(allowed)]
        return self.store.score_chunks(vector, ids)[: self.candidate_k]

    def search(
        self,
        query: str,
        k: int,
        *,
        mode: Mode = "hybrid",
        query_vector: np.ndarray | None = None,
        filters: SearchFilters | None = None,
    ) -> list[Hit]:
        """The top ``k`` chunks. ``filters`` restrict both sides alike: BM25 scores only the chunks
        of the documents that pass (a mask from the catalogue), Chroma gets the same filter as a
        ``where`` on the metadata every chunk carries."""
        if not self.chunks:
            return []
        allowed = self.allowed(filters) if filters else None
        n_allowed = len(self.chunks) if allowed is None else int(allowed.sum())
        if n_allowed == 0:
            return []
        dense: list[tuple[str, float]] = []
        lexical: list[tuple[str, float]] = []
        if mode in ("hybrid", "dense"):
            vector = self.embed_query(query) if query_vector is None else query_vector
            found = self._dense(vector, filters, allowed, n_allowed)
            dense = [(cid, s) for cid, s in found if cid in self.chunks]
        if mode in ("hybrid", "lexical"):
            lexical = self.lexical.search(query, self.candidate_k, allowed)
        dense_info = {cid: (rank, s) for rank, (cid, s) in enumerate(dense, start=1)}
        lexical_info = {cid: (rank, s) for rank, (cid, s) in enumerate(lexical, start=1)}
        if mode == "dense":
            ranked = dense
        elif mode == "lexical":
            ranked = lexical
        elif self.method == "cc":
            ranked = convex_combination(dense, lexical, dense_weight=self.dense_weight)
        else:
            ranked = weighted_rrf(
                [c for c, _ in dense], [c for c, _ in lexical], dense_weight=self.dense_weight, k=self.rrf_k
            )
        hits = []
        for cid, score in ranked[:k]:
            d_rank, d_score = dense_info.get(cid, (None, None))
            l_rank, l_score = lexical_info.get(cid, (None, None))
            hits.append(
                Hit(
                    chunk=self.chunks[cid],
                    score=float(score),
                    dense_score=d_score,
                    dense_rank=d_rank,
                    lexical_score=l_score,
                    lexical_rank=l_rank,
                )
            )
        return hits
