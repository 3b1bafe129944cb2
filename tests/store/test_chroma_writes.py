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
