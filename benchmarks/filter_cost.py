"""What a metadata filter costs /v1/search: p50/p95 with and without a filter, side by side.

The corpus is the synthetic one of benchmarks/scale/run.py (real sentences and their real e5
vectors recombined into N chunks, 14 per document, the real 70 chunks included), written through
``ChromaStore.add_chunks`` with each document's filter metadata, the way ingest writes it. The
synthetic documents get metadata spread like a growing library: kind cycling through
declaration / brief / event_report / about / other (one in five each), a date in 2015-2025,
one of ten places, language ``ar`` (nine in ten) or ``en``. Sentence records are left out:
/v1/search never reads them.

The measuring process serves the real app (``create_app``) in-process and POSTs /v1/search
through Starlette's TestClient, so each figure includes request parsing, the filter's
validation, BM25 (with the filter's mask), Chroma's query (with the filter's ``where``) and
fusion. Query vectors are precomputed by the real encoder and looked up by text (the encoder
costs the same with or without a filter). The variants run interleaved, query by query, so the
machine's load falls on all of them alike; ``extra p95`` is the variant's p95 over the
unfiltered one's.

    .venv/bin/python benchmarks/filter_cost.py [--chunks 100000] [--rounds 3] [--work-dir DIR] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import numpy as np  # noqa: E402

from benchmarks.load.common import CACHE, ingest, machine, percentile, questions  # noqa: E402
from benchmarks.scale.run import (  # noqa: E402
    WRITE_BATCH,
    LookupEmbedder,
    export_real,
    in_child,
    query_vectors,
    synthesise,
)

AGREEMENT_QUESTIONS = 20
KINDS = ("declaration", "brief", "event_report", "about", "other")
PLACES = [f"مدينة {i}" for i in range(10)]
VARIANTS: dict[str, dict | None] = {
    "no filter": None,
    "kind (1 of 5)": {"kind": ["declaration"]},
    "date range (3 of 11 years)": {"date_from": "2020-01-01", "date_to": "2022-12-31"},
    "kind + language": {"kind": ["event_report", "brief"], "language": ["ar"]},
    "place (1 of 10)": {"place": [PLACES[3]]},
    "one document": {"document_ids": ["melbourne-declaration-2018"]},
}


def synthetic_metadata(document_id: str, n: int) -> dict:
    from assistant.types import filter_metadata

    year = 2015 + (n * 7) % 11
    date = f"{year}-{1 + n % 12:02d}-{1 + n % 28:02d}"
    return filter_metadata(KINDS[n % 5], date, PLACES[(n // 5) % 10], "en" if n % 10 == 9 else "ar")


def build(real_path: Path, data_dir: Path, n_chunks: int) -> dict:
    """Write N chunks with their documents' filter metadata, then publish the BM25 snapshot."""
    import pickle

    from assistant.config import Settings
    from assistant.ingest.run import persist_lexical_index
    from assistant.store.chroma_store import ChromaStore
    from assistant.store.index_state import bump_generation, new_generation
    from assistant.store.stores import Stores

    with open(real_path, "rb") as f:
        real = pickle.load(f)
    chunks, vectors, titles, _, _ = synthesise(real, n_chunks, seed=n_chunks)
    described = {}
    for meta in real["chunks"]["metas"]:  # the real documents keep what ingest gave them
        described[meta["document_id"]] = {k: meta[k] for k in ("kind", "date", "place", "language")}
    for n, document_id in enumerate(d for d in titles if d.startswith("synthetic-")):
        described[document_id] = synthetic_metadata(document_id, n)
    store = ChromaStore(data_dir, LookupEmbedder().embedder)
    started = time.perf_counter()
    for lo in range(0, len(chunks), WRITE_BATCH):
        part = slice(lo, lo + WRITE_BATCH)
        store.add_chunks(chunks[part], vectors[part], titles, described=described)
    write_s = time.perf_counter() - started
    stores = Stores.open(Settings(data_dir=data_dir, cache_dir=CACHE), LookupEmbedder().embedder)
    generation = new_generation()
    assert persist_lexical_index(stores, generation)
    bump_generation(stores.sessions, generation)
    return {"chunks": store.count(), "documents": len(titles), "chroma_write_s": write_s}


def measure(data_dir: Path, qvec_path: Path, qs: list[str], rounds: int) -> dict:
    logging.disable(logging.INFO)
    from fastapi.testclient import TestClient

    from api.main import create_app
    from assistant.chat.service import Assistant
    from assistant.config import Settings
    from assistant.text.safety import clean_user_text

    vectors = {}
    for q, v in zip(qs, np.load(qvec_path), strict=True):
        vectors[q] = vectors[q.strip()] = vectors[clean_user_text(q).strip()] = v
    settings = Settings(
        data_dir=data_dir,
        cache_dir=CACHE,
        generator="extractive",
        rate_limit_per_ip="",
        rate_limit_per_origin="",
    )
    assistant = Assistant(settings, embedder=LookupEmbedder(vectors).embedder)
    allowed = {
        name: (int(assistant.retriever.allowed(_parsed(f)).sum()) if f else len(assistant.retriever))
        for name, f in VARIANTS.items()
    }
    times: dict[str, list[float]] = {name: [] for name in VARIANTS}
    found: dict[str, list[int]] = {name: [] for name in VARIANTS}
    with TestClient(create_app(assistant=assistant)) as client:

        def search(q: str, filters: dict | None) -> tuple[float, int]:
            body = {"query": q, "k": 5, **({"filters": filters} if filters else {})}
            t0 = time.perf_counter()
            response = client.post("/v1/search", json=body)
            took = (time.perf_counter() - t0) * 1000
            assert response.status_code == 200, response.text
            return took, len(response.json()["results"])

        for q in qs:  # warm-up: every variant once
            for f in VARIANTS.values():
                search(q, f)
        for r in range(rounds):
            for i, q in enumerate(qs):
                names = list(VARIANTS)
                shift = (i + r) % len(names)  # rotate which variant goes first
                for name in names[shift:] + names[:shift]:
                    took, n = search(q, VARIANTS[name])
                    times[name].append(took)
                    found[name].append(n)
    # Does the cheap way find what the exact filtered search finds? Top-5 (hybrid, as served) with
    # the retriever's strategy against Chroma's filtered query forced (where = exact filter), on
    # the first AGREEMENT_QUESTIONS questions.
    agreement: dict[str, float] = {}
    retriever = assistant.retriever
    for name, wire in VARIANTS.items():
        if not wire:
            continue
        f = _parsed(wire)
        same = []
        for q in qs[:AGREEMENT_QUESTIONS]:
            served = {h.chunk.id for h in retriever.search(q, 5, query_vector=vectors[q], filters=f)}
            saved = (retriever.exact_max, retriever.overfetch_max, retriever.exact_fallback_max)
            retriever.exact_max = retriever.overfetch_max = retriever.exact_fallback_max = 0
            try:
                exact = {h.chunk.id for h in retriever.search(q, 5, query_vector=vectors[q], filters=f)}
            finally:
                retriever.exact_max, retriever.overfetch_max, retriever.exact_fallback_max = saved
            same.append(len(served & exact) / max(1, len(exact)))
        agreement[name] = statistics.mean(same)
    base = percentile(times["no filter"], 0.95)
    return {
        name: {
            "chunks_passing": allowed[name],
            "p50_ms": percentile(t, 0.5),
            "p95_ms": percentile(t, 0.95),
            "mean_ms": statistics.mean(t),
            "extra_p95": percentile(t, 0.95) / base - 1,
            "mean_results": statistics.mean(found[name]),
            "requests": len(t),
            "top5_agreement": agreement.get(name, 1.0),
        }
        for name, t in times.items()
    }


def _parsed(wire: dict):
    from assistant.retrieval.filters import parse_filters

    return parse_filters(wire)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--chunks", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3, help="timed passes over the questions per variant")
    parser.add_argument("--work-dir", type=Path, help="keep the corpora here and reuse them (default: temp)")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    qs = questions()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = args.work_dir or Path(tmp_name)  # --work-dir: kept, and reused by the next run
        real_dir = tmp / "real"
        ingest(real_dir)
        if not (tmp / "queries.npy").exists():
            in_child(export_real, real_dir, tmp / "real.pkl")
            in_child(query_vectors, qs, tmp / "queries.npy")
        data_dir = tmp / f"n{args.chunks}"
        marker = data_dir / "built.json"
        if marker.exists():
            built = json.loads(marker.read_text(encoding="utf-8"))
            print(f"reusing {built['chunks']:,} chunks of {built['documents']:,} documents in {data_dir}")
        else:
            started = time.perf_counter()
            built = in_child(build, tmp / "real.pkl", data_dir, args.chunks)
            marker.write_text(json.dumps(built), encoding="utf-8")
            print(f"built {built['chunks']:,} chunks of {built['documents']:,} documents in "
                  f"{time.perf_counter() - started:.0f} s (Chroma write {built['chroma_write_s']:.0f} s)")
        result = in_child(measure, data_dir, tmp / "queries.npy", qs, args.rounds)
    print(
        f"\n/v1/search (k=5, in-process HTTP), {built['chunks']:,} chunks, {len(qs)} questions x "
        f"{args.rounds} rounds, variants interleaved; {machine()}"
    )
    print(f"{'variant':<28}{'chunks passing':>16}{'p50 ms':>9}{'p95 ms':>9}{'extra p50':>11}{'extra p95':>11}"
          f"{'top-5 = where':>15}")
    base50 = result["no filter"]["p50_ms"]
    for name, r in result.items():
        print(f"{name:<28}{r['chunks_passing']:>16,}{r['p50_ms']:>9.1f}{r['p95_ms']:>9.1f}"
              f"{r['p50_ms'] / base50 - 1:>+10.0%}{r['extra_p95']:>+10.0%}{r['top5_agreement']:>15.0%}")
    print(f"(top-5 = where: share of the top 5 that Chroma's exact filtered query also gives, first "
          f"{AGREEMENT_QUESTIONS} questions)")
    if args.json:
        args.json.write_text(json.dumps({"built": built, "variants": result}, indent=2), encoding="utf-8")


if __name__ == "__main__":
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
    main()
