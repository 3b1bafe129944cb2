"""Long documents are written to Chroma in batches: a 200-page PDF has more sentences than Chroma
takes in one call (5,461 records on embedded SQLite)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from assistant.store.chroma_store import WRITE_BATCH, ChromaStore, SentenceRecord, write_batches
from assistant.types import Chunk


def test_write_batches_cover_every_record() -> None:
    assert write_batches(0) == []
    assert write_batches(3, size=2) == [(0, 2), (2, 3)]
    assert write_batches(WRITE_BATCH * 2 + 1)[-1] == (WRITE_BATCH * 2, WRITE_BATCH * 2 + 1)


def test_more_sentences_than_one_chroma_call_takes(tmp_path: Path, fake_embedder) -> None:
    store = ChromaStore(tmp_path, fake_embedder)
    n = 6000  # above Chroma's limit of 5,461 per call
    chunks = [Chunk(f"c{i}", "long", i, i * 10, i * 10 + 9, f"جملة رقم {i}.") for i in range(n)]
    vectors = np.random.default_rng(0).random((n, fake_embedder.dimension), dtype=np.float32)
    store.add_chunks(chunks, vectors, {"long": "تقرير طويل"}, sentence_counts={c.id: 1 for c in chunks})
    records = [SentenceRecord(f"{c.id}:0", c.id, "long", c.start, c.end, c.text) for c in chunks]
    store.add_sentences(records, vectors)
    assert store.count() == n
    assert store.sentences.count() == n
    store.update_chunk_metadata(chunks, {"long": "عنوان جديد"})
    store.delete_chunks([c.id for c in chunks[: n - 10]])
    assert store.count() == 10 and store.sentences.count() == 10


def test_a_failed_write_lets_go_of_the_embedded_chroma(tmp_path: Path, fake_embedder) -> None:
    """After a write fails, the store goes on with a fresh embedded Chroma (chromadb shares one
    SQLite pool per folder in a process; reusing the one a write failed in can hang): what was
    written before is still there and the next writes work."""
    from chromadb.api.shared_system_client import SharedSystemClient

    store = ChromaStore(tmp_path, fake_embedder)
    chunks = [Chunk(f"c{i}", "doc", i, i * 10, i * 10 + 9, f"جملة رقم {i}.") for i in range(3)]
    vectors = np.random.default_rng(0).random((3, fake_embedder.dimension), dtype=np.float32)
    store.add_chunks(chunks, vectors, {"doc": "وثيقة"})
    before = SharedSystemClient._identifier_to_system[str(store.path)]
    try:
        store.add_chunks(chunks, vectors[:, :5], {"doc": "وثيقة"})  # wrong dimension: Chroma refuses
    except Exception:  # noqa: BLE001 - whatever Chroma raises for it
        pass
    else:
        raise AssertionError("Chroma took vectors of the wrong dimension")
    assert store.count() == 3  # reopened by itself
    assert SharedSystemClient._identifier_to_system[str(store.path)] is not before  # a new pool
    store.add_chunks(chunks[:1], vectors[:1], {"doc": "وثيقة جديدة"})
    assert store.count() == 3
