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
validation, BM25 (with the filter's mask), the dense side (the vector matrix, or Chroma) and
fusion. With ``--without-matrix`` every filtered variant is also timed with the retriever's
vector matrix switched off (the Chroma over-fetch path it replaced), in the same interleaving.
Query vectors are precomputed by the real encoder and looked up by text (the encoder
costs the same with or without a filter). The variants run interleaved, query by query, so the
machine's load falls on all of them alike; ``extra p95`` is the variant's p95 over the
unfiltered one's.

Agreement: each filtered variant's top 5 (hybrid, as served) against the same search whose dense
side scores every passing chunk exactly with the float32 vectors read from Chroma ("= exact"),
and against Chroma's own filtered query (``where``, ~0.9 s a query at 100k: ``--where``).

    .venv/bin/python benchmarks/filter_cost.py [--chunks 100000] [--rounds 3] [--work-dir DIR]
        [--without-matrix] [--where] [--json FILE]
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
    "place + kind (1 of 50)": {"place": [PLACES[3]], "kind": ["brief"]},
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


def has_vectors(data_dir: Path) -> bool:
    """Whether the published snapshot of ``data_dir`` carries the chunk vectors (a corpus built
    before they were kept does not: ``republish`` writes them)."""
    from assistant.store.lexical_snapshot import MANIFEST, VECTORS

    for manifest in (data_dir / "lexical").glob(f"*/{MANIFEST}"):
        if VECTORS in json.loads(manifest.read_text(encoding="utf-8"))["files"]:
            return True
    return False


def republish(data_dir: Path) -> float:
    """Write the snapshot again from Chroma (now with the vectors) and publish it, as an ingest does."""
    from assistant.config import Settings
    from assistant.ingest.run import publish
    from assistant.store.stores import Stores

    stores = Stores.open(Settings(data_dir=data_dir, cache_dir=CACHE), LookupEmbedder().embedder)
    started = time.perf_counter()
    publish(stores)
    return time.perf_counter() - started


def vectors_rss_kb(path_part: str) -> int:
    """Resident kB of the mappings of files whose path contains ``path_part`` (the vector matrix)."""
    total, inside = 0, False
    with open("/proc/self/smaps", encoding="utf-8") as f:
        for line in f:
            if "-" in line.split(" ", 1)[0]:  # a mapping's header line
                inside = path_part in line
            elif inside and line.startswith("Rss:"):
                total += int(line.split()[1])
    return total


def status_kb() -> dict:
    out = {}
    with open("/proc/self/status", encoding="utf-8") as f:
        for line in f:
            key = line.split(":")[0]
            if key in ("VmRSS", "RssAnon", "RssFile"):
                out[key] = int(line.split()[1])
    return out


def measure(
    data_dir: Path, qvec_path: Path, qs: list[str], rounds: int, without_matrix: bool, where: bool
) -> dict:
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
    status_before = status_kb()
    started = time.perf_counter()
    assistant = Assistant(settings, embedder=LookupEmbedder(vectors).embedder)
    load_s = time.perf_counter() - started
    retriever = assistant.retriever
    matrix = retriever.vectors
    print(f"retriever loaded from {retriever.loaded_from} in {load_s:.2f} s; vector matrix: "
          f"{'none' if matrix is None else f'{matrix.shape[0]:,} x {matrix.shape[1]} {matrix.dtype}'}"
          f" (matrix_max {retriever.matrix_max:,})")
    variants: dict[str, tuple[dict | None, bool]] = {name: (f, True) for name, f in VARIANTS.items()}
    if without_matrix:
        variants.update({f"{name} [no matrix]": (f, False) for name, f in VARIANTS.items() if f})
    allowed = {
        name: (int(retriever.allowed(_parsed(f)).sum()) if f else len(retriever))
        for name, (f, _) in variants.items()
    }
    times: dict[str, list[float]] = {name: [] for name in variants}
    found: dict[str, list[int]] = {name: [] for name in variants}
    with TestClient(create_app(assistant=assistant)) as client:

        def search(q: str, filters: dict | None, use_matrix: bool = True) -> tuple[float, int]:
            retriever.vectors = matrix if use_matrix else None
            body = {"query": q, "k": 5, **({"filters": filters} if filters else {})}
            t0 = time.perf_counter()
            response = client.post("/v1/search", json=body)
            took = (time.perf_counter() - t0) * 1000
            assert response.status_code == 200, response.text
            return took, len(response.json()["results"])

        for q in qs:  # warm-up: every variant once
            for f, use in variants.values():
                search(q, f, use)
        for r in range(rounds):
            for i, q in enumerate(qs):
                names = list(variants)
                shift = (i + r) % len(names)  # rotate which variant goes first
                for name in names[shift:] + names[:shift]:
                    took, n = search(q, *variants[name])
                    times[name].append(took)
                    found[name].append(n)
        retriever.vectors = matrix
    memory = {
        "before_kb": status_before,
        "after_kb": status_kb(),
        "vectors_resident_kb": vectors_rss_kb("vectors.npy"),
        "vectors_file_kb": 0 if matrix is None else matrix.nbytes // 1024,
    }
    print(f"memory: {memory}")
    # Does the cheap way find what the exact filtered search finds? Top-5 (hybrid, as served), on
    # the first AGREEMENT_QUESTIONS questions, against (a) the dense side scoring every passing
    # chunk exactly with the float32 vectors read from Chroma, (b) Chroma's filtered query (where).
    records, chroma_vectors = assistant.store.records_and_vectors()
    row = {r[0]: i for i, r in enumerate(records)}
    reference = chroma_vectors[[row[cid] for cid in retriever.lexical.ids]]  # the retriever's row order
    reference /= np.maximum(np.linalg.norm(reference, axis=1, keepdims=True), 1e-12)

    def top5(q: str, f, how: str) -> set[str]:
        saved = (retriever.vectors, retriever.matrix_max, retriever.exact_max,
                 retriever.overfetch_max, retriever.exact_fallback_max)
        if how == "without matrix":
            retriever.vectors = None
        elif how == "exact":
            retriever.vectors, retriever.matrix_max = reference, len(reference)
        elif how == "where":
            retriever.vectors = None
            retriever.exact_max = retriever.overfetch_max = retriever.exact_fallback_max = 0
        try:
            return {h.chunk.id for h in retriever.search(q, 5, query_vector=vectors[q], filters=f)}
        finally:
            (retriever.vectors, retriever.matrix_max, retriever.exact_max,
             retriever.overfetch_max, retriever.exact_fallback_max) = saved

    agreement: dict[str, dict[str, float]] = {}
    truths: dict[tuple[str, str, str], set[str]] = {}  # the [no matrix] variants share them
    for name, (wire, use_matrix) in variants.items():
        if not wire:
            continue
        f = _parsed(wire)
        same: dict[str, list[float]] = {"exact": [], "where": []}
        for q in qs[:AGREEMENT_QUESTIONS]:
            served = top5(q, f, "served" if use_matrix else "without matrix")
            for against in ("exact", "where") if where else ("exact",):
                key = (json.dumps(wire, sort_keys=True), q, against)
                if key not in truths:
                    truths[key] = top5(q, f, against)
                truth = truths[key]
                same[against].append(len(served & truth) / max(1, len(truth)))
        agreement[name] = {k: statistics.mean(v) for k, v in same.items() if v}
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
            "top5_vs_exact": agreement.get(name, {}).get("exact", 1.0),
            "top5_vs_where": agreement.get(name, {}).get("where"),
        }
        for name, t in times.items()
    } | {"_memory": memory}


CROSSOVER_SHARES = (0.02, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4)


def crossover(data_dir: Path, qvec_path: Path, rounds: int) -> dict:
    """The dense side alone (``HybridRetriever._dense``) under a filter that a given share of the
    documents pass (random documents), scored against the vector matrix or by the Chroma path
    (over-fetch, else exact by id), interleaved query by query: where the matrix stops paying."""
    logging.disable(logging.INFO)
    from assistant.config import Settings
    from assistant.retrieval.hybrid import HybridRetriever
    from assistant.store.index_state import read_generation
    from assistant.store.stores import Stores
    from assistant.types import SearchFilters

    stores = Stores.open(Settings(data_dir=data_dir, cache_dir=CACHE), LookupEmbedder().embedder)
    s = stores.settings
    retriever = HybridRetriever(
        stores.chroma, stores.embedder, dense_weight=s.fusion_dense_weight, rrf_k=s.fusion_rrf_k,
        candidate_k=s.candidate_k, snapshots=stores.lexical, generation=read_generation(stores.sessions),
    )
    matrix = retriever.vectors
    assert matrix is not None, "the snapshot has no vectors"
    retriever.matrix_max = len(retriever)
    queries = np.load(qvec_path).astype(np.float32)
    rng = np.random.default_rng(7)
    documents = list(retriever._columns.ids)
    cases = []
    for share in CROSSOVER_SHARES:
        f = SearchFilters(document_ids=tuple(d for d in documents if rng.random() < share))
        allowed = retriever.allowed(f)
        cases.append((share, f, allowed, int(allowed.sum())))
    for q in queries[:10]:  # warm-up
        retriever.store.query_chunks(q, 50, known=len(retriever))
    times = {(share, way): [] for share, *_ in cases for way in ("matrix", "chroma")}
    for r in range(rounds):
        for i, q in enumerate(queries):
            for share, f, allowed, n in cases:
                for way in ("matrix", "chroma") if (i + r) % 2 else ("chroma", "matrix"):
                    retriever.vectors = matrix if way == "matrix" else None
                    t0 = time.perf_counter()
                    retriever._dense(q, f, allowed, n)
                    times[(share, way)].append((time.perf_counter() - t0) * 1000)
    return {
        f"{share:.2f}": {
            "chunks_passing": n,
            **{f"{way}_{q}_ms": percentile(times[(share, way)], p)
               for way in ("matrix", "chroma") for q, p in (("p50", 0.5), ("p95", 0.95))},
        }
        for share, _, _, n in cases
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
    parser.add_argument("--without-matrix", action="store_true",
                        help="also time every filter with the vector matrix off (the Chroma path)")
    parser.add_argument("--where", action="store_true",
                        help="also measure agreement with Chroma's filtered query (~0.9 s a query at 100k)")
    parser.add_argument("--crossover", action="store_true",
                        help="instead: time the dense side alone, vector matrix against the Chroma path, "
                             "for filters that 2-40%% of the documents pass (how matrix_max was chosen)")
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
            if not has_vectors(data_dir):  # built before the snapshot kept the chunk vectors
                took = in_child(republish, data_dir)
                print(f"republished the snapshot with the chunk vectors in {took:.0f} s")
        else:
            started = time.perf_counter()
            built = in_child(build, tmp / "real.pkl", data_dir, args.chunks)
            marker.write_text(json.dumps(built), encoding="utf-8")
            print(f"built {built['chunks']:,} chunks of {built['documents']:,} documents in "
                  f"{time.perf_counter() - started:.0f} s (Chroma write {built['chroma_write_s']:.0f} s)")
        if args.crossover:
            table = in_child(crossover, data_dir, tmp / "queries.npy", args.rounds)
            print(f"\nthe dense side alone under a filter, {built['chunks']:,} chunks, {len(qs)} questions "
                  f"x {args.rounds} rounds, interleaved; {machine()}")
            header = ("share", 6), ("chunks passing", 16), ("matrix p50", 12), ("p95", 8), ("Chroma p50", 12)
            print("".join(f"{name:>{width}}" for name, width in header) + f"{'p95':>8}")
            for share, row in table.items():
                print(f"{share:>6}{row['chunks_passing']:>16,}{row['matrix_p50_ms']:>12.2f}"
                      f"{row['matrix_p95_ms']:>8.2f}{row['chroma_p50_ms']:>12.2f}{row['chroma_p95_ms']:>8.2f}")
            if args.json:
                args.json.write_text(json.dumps({"built": built, "crossover": table}, indent=2), "utf-8")
            return
        result = in_child(
            measure, data_dir, tmp / "queries.npy", qs, args.rounds, args.without_matrix, args.where
        )
    memory = result.pop("_memory")
    print(
        f"\n/v1/search (k=5, in-process HTTP), {built['chunks']:,} chunks, {len(qs)} questions x "
        f"{args.rounds} rounds, variants interleaved; {machine()}"
    )
    print(f"{'variant':<40}{'chunks passing':>15}{'p50 ms':>9}{'p95 ms':>9}{'extra p50':>11}{'extra p95':>11}"
          f"{'top-5 = exact':>15}{'= where':>9}")
    base50 = result["no filter"]["p50_ms"]
    for name, r in result.items():
        vs_where = "" if r["top5_vs_where"] is None else f"{r['top5_vs_where']:.0%}"
        print(f"{name:<40}{r['chunks_passing']:>15,}{r['p50_ms']:>9.1f}{r['p95_ms']:>9.1f}"
              f"{r['p50_ms'] / base50 - 1:>+10.0%}{r['extra_p95']:>+10.0%}"
              f"{r['top5_vs_exact']:>15.0%}{vs_where:>9}")
    print(f"(top-5 = exact / where: share of the top 5 that the exact filtered search (every passing "
          f"chunk scored with Chroma's float32 vectors) / Chroma's filtered query also gives, first "
          f"{AGREEMENT_QUESTIONS} questions)")
    after, resident = memory["after_kb"], memory["vectors_resident_kb"]
    print(f"RSS after the run {after['VmRSS'] / 1024:.0f} MB (anon {after['RssAnon'] / 1024:.0f}, "
          f"file {after['RssFile'] / 1024:.0f}); the vector matrix: {resident / 1024:.0f} MB resident of "
          f"{memory['vectors_file_kb'] / 1024:.0f} MB mapped")
    print(machine())
    if args.json:
        args.json.write_text(
            json.dumps({"built": built, "variants": result, "memory": memory}, indent=2), encoding="utf-8"
        )


if __name__ == "__main__":
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
    main()
