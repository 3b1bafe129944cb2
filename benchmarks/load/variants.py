"""Prototype configurations of the Assistant, built *in the benchmark* (the library is unchanged).

A variant is a "+"-joined list of parts, e.g. ``onnx-int8+batch+sqlite-normal``:

  baseline       the Assistant exactly as ``assistant serve`` builds it
  threads1       torch.set_num_threads(1) (the default is one intra-op thread per core = 2)
  onnx-fp32      query encoder = ONNX Runtime, fp32 export of the same weights (1 intra-op thread)
  onnx-int8      query encoder = ONNX Runtime, dynamic int8 per-channel quantization (1 thread)
  batch          concurrent single-query encodings are merged into one forward pass
  cache          LRU cache of query vectors (upper bound: the load test repeats its questions)
  sqlite-normal  PRAGMA synchronous=NORMAL on the SQLite connections (WAL mode: no fsync per commit)
  sentcache      sentence records + vectors of every chunk kept in memory (dict by chunk id),
                 replacing the Chroma ``get(where chunk_id $in …)`` of the evidence step
  sentids        the evidence step fetches sentences by id (``{chunk_id}:{i}``, i < the chunk's
                 sentence count) instead of by a metadata filter; the counts come from
                 split_sentences(chunk.text) at start (a library version would store them at ingest)
  sqllock        conversations.save serialised by a threading.Lock in the process (SQLite allows
                 one writer; without the lock, waiting writers sleep in SQLite's busy handler)
  (workers2      two uvicorn worker processes: handled by benchmarks/load/variant_server.py)
  nocount        store.query_chunks without its ``collection.count()`` call on every query
                 (n_results capped by the retriever's in-memory chunk count instead)

Passages stay as ingested (torch fp32 vectors in Chroma); only the query side changes.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

_default_threads: int | None = None
PARTS = (
    "baseline",
    "threads1",
    "onnx-fp32",
    "onnx-int8",
    "batch",
    "cache",
    "sqlite-normal",
    "sentcache",
    "sentids",
    "nocount",
    "sqllock",
)


def parse(variant: str) -> list[str]:
    parts = [p for p in variant.split("+") if p]
    unknown = [p for p in parts if p not in PARTS]
    if unknown or not parts:
        raise SystemExit(f"unknown variant part(s) {unknown}; choose from {', '.join(PARTS)}")
    return parts


def build_assistant(settings, variant: str, cache_dir: Path, embedder=None):
    """An Assistant with the variant's parts swapped in. ``embedder`` reuses a loaded torch model."""
    import torch

    from assistant.embedding import load_embedder
    from assistant.service import Assistant
    from benchmarks.load.encoders import CachedEmbedder, MicroBatchEmbedder, OnnxEmbedder

    global _default_threads
    parts = parse(variant)
    if _default_threads is None:
        _default_threads = torch.get_num_threads()
    torch.set_num_threads(1 if "threads1" in parts else _default_threads)
    if "onnx-int8" in parts or "onnx-fp32" in parts:
        encoder = OnnxEmbedder(cache_dir, int8="onnx-int8" in parts, threads=1, name=settings.embedding_model)
    else:
        encoder = embedder or load_embedder(settings)
    if "batch" in parts:
        encoder = MicroBatchEmbedder(encoder)
    if "cache" in parts:
        encoder = CachedEmbedder(encoder)
    assistant = Assistant(settings, embedder=encoder)
    if "sqlite-normal" in parts:
        from sqlalchemy import event

        @event.listens_for(assistant.db, "connect")
        def _normal(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        assistant.db.dispose()  # pooled connections are re-opened with the pragma
    if "sentcache" in parts:
        install_sentence_cache(assistant)
    if "sentids" in parts:
        install_sentence_ids(assistant)
    if "nocount" in parts:
        install_no_count(assistant)
    if "sqllock" in parts:
        import threading

        lock, save = threading.Lock(), assistant.conversations.save

        def locked_save(*args, **kwargs):
            with lock:
                return save(*args, **kwargs)

        assistant.conversations.save = locked_save
    return assistant


def sentences_by_ids(store, chunk_ids, counts: dict[str, int]):
    """store.sentences_of, but a get by ids (``{chunk_id}:{i}``) instead of a ``where`` filter."""
    from assistant.store.chroma_store import SentenceRecord

    ids = [f"{cid}:{i}" for cid in chunk_ids for i in range(counts.get(cid, 0))]
    if not ids:
        return []
    res = store.sentences.get(ids=ids, include=["documents", "metadatas", "embeddings"])
    return [
        (
            SentenceRecord(
                id=sid,
                chunk_id=str(meta["chunk_id"]),
                document_id=str(meta["document_id"]),
                start=int(meta["start"]),
                end=int(meta["end"]),
                text=text,
            ),
            np.asarray(vec, dtype=np.float32),
        )
        for sid, text, meta, vec in zip(
            res["ids"], res["documents"], res["metadatas"], res["embeddings"], strict=True
        )
    ]


def install_sentence_ids(assistant) -> None:
    from assistant.sentences import split_sentences

    counts = {cid: len(split_sentences(c.text)) for cid, c in assistant.retriever.chunks.items()}
    store = assistant.store
    store.sentences_of = lambda chunk_ids: sentences_by_ids(store, chunk_ids, counts)


def install_no_count(assistant) -> None:
    store, retriever = assistant.store, assistant.retriever

    def query_chunks(query_vector, k):
        n = len(retriever.chunks)
        if n == 0:
            return []
        res = store.chunks.query(query_embeddings=[query_vector], n_results=min(k, n), include=["distances"])
        return [(cid, 1.0 - float(d)) for cid, d in zip(res["ids"][0], res["distances"][0], strict=True)]

    store.query_chunks = query_chunks


def install_sentence_cache(assistant) -> None:
    """Replace store.sentences_of with a lookup in a dict filled once from Chroma."""
    from assistant.store.chroma_store import SentenceRecord

    store = assistant.store
    by_chunk: dict[str, list] = {}
    offset = 0
    while True:
        page = store.sentences.get(
            include=["documents", "metadatas", "embeddings"], limit=5000, offset=offset
        )
        if not page["ids"]:
            break
        for sid, text, meta, vec in zip(
            page["ids"], page["documents"], page["metadatas"], page["embeddings"], strict=True
        ):
            record = SentenceRecord(
                id=sid,
                chunk_id=str(meta["chunk_id"]),
                document_id=str(meta["document_id"]),
                start=int(meta["start"]),
                end=int(meta["end"]),
                text=text,
            )
            by_chunk.setdefault(record.chunk_id, []).append((record, np.asarray(vec, dtype=np.float32)))
        offset += len(page["ids"])

    def sentences_of(chunk_ids):
        return [item for cid in chunk_ids for item in by_chunk.get(cid, ())]

    store.sentences_of = sentences_of
