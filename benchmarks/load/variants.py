"""Prototype configurations of the Assistant, built *in the benchmark* (the library is unchanged).

A variant is a "+"-joined list of parts, e.g. ``onnx-int8+batch+sqlite-normal``:

  baseline       the Assistant exactly as ``assistant serve`` builds it (ONNX Runtime fp32 encoder,
                 one intra-op thread per core; sentences fetched by id)
  torch          the query encoder on torch (sentence-transformers), ASSISTANT_ENCODER_RUNTIME=torch:
                 what was shipped before the ONNX encoder
  threads1       one intra-op thread for the encoder (ASSISTANT_ENCODER_THREADS=1; with ``torch``:
                 torch.set_num_threads(1))
  onnx-int8      query encoder = ONNX Runtime on a dynamic int8 per-channel quantization of the export
  batch          concurrent single-query encodings are merged into one forward pass
  cache          LRU cache of query vectors (upper bound: the load test repeats its questions)
  sqlite-normal  PRAGMA synchronous=NORMAL on the SQLite connections (WAL mode: no fsync per commit)
  sentcache      sentence records + vectors of every chunk kept in memory (dict by chunk id)
  sentfilter     the evidence step fetches sentences with the ``where chunk_id $in …`` metadata
                 filter (what was shipped before sentence counts were stored with the chunks)
  reader-off     the cosine composer and support threshold (ASSISTANT_READER=off), no reader
  reader-fp32    the reader's float32 graph instead of its int8 one (ASSISTANT_READER_INT8=false)
  (workers2      two uvicorn worker processes: handled by benchmarks/load/variant_server.py)

Passages stay as ingested; only the query side changes.
"""

from __future__ import annotations

import numpy as np

_default_threads: int | None = None
PARTS = (
    "baseline",
    "torch",
    "threads1",
    "onnx-int8",
    "batch",
    "cache",
    "sqlite-normal",
    "sentcache",
    "sentfilter",
    "reader-off",
    "reader-fp32",
)


def parse(variant: str) -> list[str]:
    parts = [p for p in variant.split("+") if p]
    unknown = [p for p in parts if p not in PARTS]
    if unknown or not parts:
        raise SystemExit(f"unknown variant part(s) {unknown}; choose from {', '.join(PARTS)}")
    return parts


def build_assistant(settings, variant: str, cache_dir, embedder=None):
    """An Assistant with the variant's parts swapped in. ``embedder`` reuses a loaded model when the
    variant asks for the default encoder of its runtime."""
    import torch

    from assistant.chat.service import Assistant
    from assistant.embedding import load_embedder
    from benchmarks.load.encoders import CachedEmbedder, MicroBatchEmbedder, int8_embedder

    global _default_threads
    parts = parse(variant)
    if _default_threads is None:
        _default_threads = torch.get_num_threads()
    torch.set_num_threads(1 if "threads1" in parts else _default_threads)
    threads = 1 if "threads1" in parts else settings.encoder_threads
    settings = settings.model_copy(
        update={
            "encoder_runtime": "torch" if "torch" in parts else "onnx",
            "encoder_threads": threads,
            "reader": "off" if "reader-off" in parts else settings.reader,
            "reader_int8": "reader-fp32" not in parts,
        }
    )
    if "onnx-int8" in parts:
        encoder = int8_embedder(cache_dir, threads=threads, name=settings.embedding_model)
    elif embedder is not None and _runtime(embedder) == settings.encoder_runtime and "threads1" not in parts:
        encoder = embedder
    else:
        encoder = load_embedder(settings)
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
    if "sentfilter" in parts:
        assistant.store._sentence_counts = _ForgetfulCounts()  # reloads of the catalogue teach it nothing
    return assistant


class _ForgetfulCounts(dict):
    """A sentence-count map that never keeps anything: every lookup takes the metadata filter."""

    def __setitem__(self, key, value) -> None:
        pass

    def update(self, *args, **kwargs) -> None:
        pass


def _runtime(embedder) -> str:
    from assistant.embedding import OnnxEmbedder

    return "onnx" if isinstance(embedder, OnnxEmbedder) else "torch"


def install_sentence_cache(assistant) -> None:
    """Replace store.sentences_of with a lookup in a dict filled once from Chroma."""
    from assistant.store.chroma_store import sentence_from_record

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
            record = sentence_from_record(sid, text, meta)
            by_chunk.setdefault(record.chunk_id, []).append((record, np.asarray(vec, dtype=np.float32)))
        offset += len(page["ids"])

    def sentences_of(chunk_ids):
        return [item for cid in chunk_ids for item in by_chunk.get(cid, ())]

    store.sentences_of = sentences_of
