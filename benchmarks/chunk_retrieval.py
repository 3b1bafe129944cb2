"""Chunk size and overlap vs retrieval and answers, on documents/ with evalsets/calibration.jsonl.

For each (max_tokens, overlap) the corpus is ingested with the real model into its own data dir,
then the calibration questions are run: chunk-level R@1/R@5/MRR@10 (dense and hybrid), and the
share of key facts in the extractive answers. Token statistics per size: benchmarks/chunk_sizes.py.

    .venv/bin/python benchmarks/chunk_retrieval.py
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from assistant.chat.service import Assistant  # noqa: E402
from assistant.config import Settings  # noqa: E402
from assistant.embedding import load_embedder  # noqa: E402
from assistant.eval.dataset import load_rows  # noqa: E402
from assistant.eval.metrics import hit_at, mrr_at  # noqa: E402
from assistant.eval.runner import evaluate, relevant_chunks  # noqa: E402
from assistant.ingest.run import ingest  # noqa: E402
from assistant.store.stores import Stores  # noqa: E402

GRID = ((128, 1), (200, 0), (200, 1), (256, 1), (384, 1))


def main() -> None:
    cache = Path(os.environ.get("ASSISTANT_CACHE_DIR", REPO / ".cache"))
    embedder = load_embedder(Settings(cache_dir=cache))
    rows = load_rows(REPO / "evalsets" / "calibration.jsonl")
    answerable = [r for r in rows if r.answerable]
    header = ("tokens", "overlap", "chunks", "dense MRR", "hyb R@1", "hyb R@5", "hyb MRR", "facts")
    print(" ".join(f"{h:>9}" for h in header))
    for max_tokens, overlap in GRID:
        settings = Settings(
            data_dir=cache / "bench" / f"chunks-{max_tokens}-{overlap}",
            documents_dir=REPO / "documents",
            cache_dir=cache,
            chunk_max_tokens=max_tokens,
            chunk_overlap_sentences=overlap,
        )
        stores = Stores.open(settings, embedder)
        ingest(stores, progress=False)
        assistant = Assistant(settings, stores=stores)
        dense_mrr = r1 = r5 = mrr = 0.0
        for row in answerable:
            relevant = relevant_chunks(assistant, row)
            dense = [h.chunk.id for h in assistant.retriever.search(row.question, 10, mode="dense")]
            hybrid = [h.chunk.id for h in assistant.retriever.search(row.question, 10)]
            dense_mrr += mrr_at(dense, relevant, 10)
            r1 += hit_at(hybrid, relevant, 1)
            r5 += hit_at(hybrid, relevant, 5)
            mrr += mrr_at(hybrid, relevant, 10)
        n = len(answerable)
        facts = evaluate(assistant, rows).summary()["key_facts"]
        print(
            f"{max_tokens:>6} {overlap:>7} {len(assistant.retriever):>6} {dense_mrr / n:9.3f} {r1 / n:7.3f} "
            f"{r5 / n:7.3f} {mrr / n:7.3f} {facts:6.3f}"
        )


if __name__ == "__main__":
    main()
