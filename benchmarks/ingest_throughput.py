"""Ingest throughput (chunks/s) against the encoder's raw throughput on the same text, one run.

The corpus (documents/) is copied COPIES times under new ids so there is enough text to time.
Three figures, measured side by side:
  * encoder raw: embed_passages() on exactly the chunk texts ingest will produce;
  * encoder raw on chunks + sentences: the texts ingest really embeds (chunks for retrieval,
    sentences for the extractive composer);
  * full ingest: load + clean + chunk + embed + write Chroma/SQLite (fresh data dir).
A second ingest of the unchanged corpus is timed too (it must embed nothing).

    .venv/bin/python benchmarks/ingest_throughput.py [--copies 4]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from assistant.config import Settings  # noqa: E402
from assistant.embedding import load_embedder  # noqa: E402
from assistant.ingest.chunking import chunk_text  # noqa: E402
from assistant.ingest.corpus import LoadFailure, load_corpus  # noqa: E402
from assistant.ingest.indexer import sentence_records  # noqa: E402
from assistant.ingest.run import ingest  # noqa: E402
from assistant.store.stores import Stores  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--copies", type=int, default=4)
    parser.add_argument("--runtime", choices=["onnx", "torch"], default="onnx", help="encoder runtime")
    args = parser.parse_args()
    cache = Path(os.environ.get("ASSISTANT_CACHE_DIR", REPO / ".cache"))
    settings = Settings(cache_dir=cache, encoder_runtime=args.runtime)
    embedder = load_embedder(settings)

    with tempfile.TemporaryDirectory() as tmp:
        docs = Path(tmp) / "documents"
        docs.mkdir()
        for i in range(args.copies):
            for path in (REPO / "documents").iterdir():
                stem = path.name.split(".")[0]
                target = docs / path.name.replace(stem, f"{stem}-copy{i}", 1)
                shutil.copy(path, target)
                if path.suffix == ".txt":  # a line of its own, or ingest skips the copy as a duplicate
                    text = f"نسخة رقم {i}\n\n" + path.read_text(encoding="utf-8")
                    target.write_text(text, encoding="utf-8")
        stores = Stores.open(
            Settings(data_dir=Path(tmp) / "data", documents_dir=docs, cache_dir=cache), embedder=embedder
        )
        indexer_chunks = []
        for doc in load_corpus(docs):
            if not isinstance(doc, LoadFailure):
                indexer_chunks.extend(
                    chunk_text(
                        doc.id,
                        doc.text,
                        embedder.count_tokens,
                        max_tokens=settings.chunk_max_tokens,
                        overlap_sentences=settings.chunk_overlap_sentences,
                    )
                )
        chunk_texts = [c.text for c in indexer_chunks]
        sentence_texts = [s.text for c in indexer_chunks for s in sentence_records(c)]
        embedder.embed_passages(chunk_texts[:8])  # warm-up

        started = time.perf_counter()
        embedder.embed_passages(chunk_texts)
        raw_chunks = time.perf_counter() - started

        started = time.perf_counter()
        embedder.embed_passages(chunk_texts + sentence_texts)
        raw_all = time.perf_counter() - started

        started = time.perf_counter()
        report = ingest(stores, progress=False)
        ingest_s = time.perf_counter() - started

        started = time.perf_counter()
        again = ingest(stores, progress=False)
        again_s = time.perf_counter() - started

    n = len(chunk_texts)
    print(f"encoder: {type(embedder).__name__} ({args.runtime})")
    print(f"corpus: {args.copies} copies of documents/ = {n} chunks, {len(sentence_texts)} sentences")
    print(f"encoder raw, chunk texts only:     {n / raw_chunks:7.1f} chunks/s ({raw_chunks:.1f}s)")
    print(f"encoder raw, chunks + sentences:   {n / raw_all:7.1f} chunks/s ({raw_all:.1f}s)")
    print(
        f"full ingest (fresh):               {report.chunks_total / ingest_s:7.1f} chunks/s ({ingest_s:.1f}s)"
    )
    print(f"ratio ingest / raw chunk encoding: {raw_chunks / ingest_s:.2f}")
    print(f"ratio ingest / raw chunks+sentences encoding: {raw_all / ingest_s:.2f}")
    print(f"re-ingest unchanged: {again_s:.2f}s, {again.chunks_embedded} chunks embedded")


if __name__ == "__main__":
    main()
