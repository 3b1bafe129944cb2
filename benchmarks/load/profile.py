"""Where the time of one /v1/chat request goes: per-stage timings, in process, real model.

Builds the ``Assistant`` the server builds (extractive backend) over a data dir filled by
``assistant ingest`` from documents/, then calls ``Assistant.ask(question, None)`` -- what
POST /v1/chat runs in its worker thread -- for every question of evalsets/questions.jsonl, ROUNDS
times, after one untimed warm-up pass. The Assistant's own methods are wrapped with timers
(nothing in the library is changed):

  encoder: tokenize        the tokenizer call inside embed_query (ORT: tokenizer.encode_batch;
                           torch: SentenceTransformer.preprocess)
  encoder: forward+pool    retriever.embed_query, minus tokenize
  dense: Chroma query      store.query_chunks (HNSW search through chromadb)
  BM25 search              retriever.lexical.search
  idf weights              retriever.lexical.query_weights
  fusion + hits            retriever.search, minus the dense and BM25 calls inside it
  evidence: Chroma get     store.sentences_of (sentences of the 5 hits, with their vectors)
  evidence: scoring        score_evidence, minus the Chroma get
  composer                 generator.generate (extractive)
  SQL: save                conversations.save (one transaction: conversation, answer, 2 messages)
  SQL: check + history     conversations.check / history (trivial for a new conversation)
  other                    the rest of ask(): validation, refusal decision, titles

Times are exclusive (a nested stage is subtracted from its parent). With ``--threads N`` the
same calls run from N threads at once, as the server's thread pool runs them under N concurrent
clients: stages that hold the GIL or a lock then show how much they stretch.

    .venv/bin/python benchmarks/load/profile.py [--rounds 3] [--threads 1] [--data-dir DIR]
                                                [--runtime onnx|torch]
"""

from __future__ import annotations

import argparse
import functools
import os
import statistics
import sys
import tempfile
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
# benchmarks/load/profile.py must not shadow the stdlib `profile` (cProfile imports it)
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
sys.path.insert(0, str(HERE.parents[1]))
from benchmarks.load.common import CACHE, OtherLoad, ingest, machine, percentile, questions  # noqa: E402

STAGES = [
    "encoder: tokenize",
    "encoder: forward+pool",
    "dense: Chroma query",
    "BM25 search",
    "idf weights",
    "fusion + hits",
    "evidence: Chroma get",
    "evidence: scoring",
    "composer",
    "SQL: save",
    "SQL: check + history",
    "other",
]


class StageTimer:
    """Exclusive wall time per stage, per request, per thread (nesting-aware)."""

    def __init__(self):
        self.local = threading.local()

    def begin_request(self) -> None:
        self.local.times = defaultdict(float)
        self.local.stack = []  # [stage, started, child_time]

    def end_request(self) -> dict[str, float]:
        return dict(self.local.times)

    def wrap(self, stage: str, fn):
        @functools.wraps(fn)
        def timed(*args, **kwargs):
            stack = getattr(self.local, "stack", None)
            if stack is None:
                return fn(*args, **kwargs)
            frame = [stage, time.perf_counter(), 0.0]
            stack.append(frame)
            try:
                return fn(*args, **kwargs)
            finally:
                stack.pop()
                inclusive = time.perf_counter() - frame[1]
                self.local.times[stage] += inclusive - frame[2]
                if stack:
                    stack[-1][2] += inclusive

        return timed


def instrument(assistant, timer: StageTimer) -> None:
    import assistant.chat.pipeline as pipeline

    r = assistant.retriever
    model = getattr(assistant.embedder, "_model", None)  # the SentenceTransformer, when there is one
    if model is not None:
        model.preprocess = timer.wrap("encoder: tokenize", model.preprocess)
    elif hasattr(assistant.embedder, "tokenizer"):  # OnnxEmbedder: a Rust object, wrapped in a proxy
        assistant.embedder.tokenizer = TimedTokenizer(assistant.embedder.tokenizer, timer)
    r.embed_query = timer.wrap("encoder: forward+pool", r.embed_query)
    assistant.store.query_chunks = timer.wrap("dense: Chroma query", assistant.store.query_chunks)
    r.lexical.search = timer.wrap("BM25 search", r.lexical.search)
    r.lexical.query_weights = timer.wrap("idf weights", r.lexical.query_weights)
    r.search = timer.wrap("fusion + hits", r.search)
    assistant.store.sentences_of = timer.wrap("evidence: Chroma get", assistant.store.sentences_of)
    pipeline.score_evidence = timer.wrap("evidence: scoring", pipeline.score_evidence)
    assistant.generator.generate = timer.wrap("composer", assistant.generator.generate)
    conv = assistant.conversations
    conv.save = timer.wrap("SQL: save", conv.save)
    conv.check = timer.wrap("SQL: check + history", conv.check)
    conv.history = timer.wrap("SQL: check + history", conv.history)
    assistant.ask = timer.wrap("other", assistant.ask)


class TimedTokenizer:
    def __init__(self, inner, timer: StageTimer):
        self._inner = inner
        self.encode_batch = timer.wrap("encoder: tokenize", inner.encode_batch)

    def __getattr__(self, name):
        return getattr(self._inner, name)


def build_assistant(data_dir: Path, runtime: str = "onnx"):
    from api.main import serving_settings
    from assistant.chat.service import Assistant
    from assistant.config import Settings

    settings = Settings(data_dir=data_dir, cache_dir=CACHE, generator="extractive", encoder_runtime=runtime)
    settings = serving_settings(settings)  # as the server runs it: one encoder thread per request
    return Assistant(settings)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1, help="concurrent callers (server thread pool)")
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--runtime", choices=["onnx", "torch"], default="onnx", help="query encoder runtime")
    args = parser.parse_args()
    import logging

    logging.disable(logging.INFO)
    qs = questions()
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory(prefix="scn-profile-") as tmp:
        data_dir = args.data_dir or Path(tmp) / "data"
        ingest(data_dir)
        assistant = build_assistant(data_dir, args.runtime)
        import torch

        print(
            f"encoder: {type(assistant.embedder).__name__} ({args.runtime}, "
            f"{assistant.settings.encoder_threads} ORT thread(s)); torch threads: "
            f"{torch.get_num_threads()}; {len(assistant.retriever)} chunks; "
            f"{len(qs)} questions x {args.rounds} rounds, {args.threads} concurrent caller(s)"
        )
        for q in qs:  # warm-up (untimed)
            assistant.ask(q)
        timer = StageTimer()
        instrument(assistant, timer)

        def one(question: str) -> tuple[dict[str, float], float]:
            timer.begin_request()
            started = time.perf_counter()
            assistant.ask(question)
            total = time.perf_counter() - started
            return timer.end_request(), total

        work = [q for _ in range(args.rounds) for q in qs]
        other = OtherLoad([os.getpid()])
        other.start()
        started = time.perf_counter()
        with ThreadPoolExecutor(args.threads) as pool:
            results = list(pool.map(one, work))
        wall = time.perf_counter() - started
        other_cores = other.stop()

    totals = [t * 1000 for _, t in results]
    mean_total = statistics.mean(totals)
    print(f"\n{'stage':<24} {'mean ms':>8} {'p95 ms':>8} {'share':>6}")
    accounted = 0.0
    for stage in STAGES:
        values = [times.get(stage, 0.0) * 1000 for times, _ in results]
        mean = statistics.mean(values)
        accounted += mean
        print(f"{stage:<24} {mean:>8.2f} {percentile(values, 0.95):>8.2f} {mean / mean_total:>6.1%}")
    print(
        f"{'total (ask)':<24} {mean_total:>8.2f} {percentile(totals, 0.95):>8.2f} "
        f"{accounted / mean_total:>6.1%}"
    )
    print(
        f"\nrequests {len(results)} in {wall:.1f} s = {len(results) / wall:.1f} req/s; "
        f"p50 {percentile(totals, 0.5):.1f} ms; other processes used {other_cores:.2f} cores meanwhile"
    )


if __name__ == "__main__":
    main()
