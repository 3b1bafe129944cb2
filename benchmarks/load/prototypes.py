"""Side by side, in one process and one run: what would make /v1/chat faster.

Part A -- the query encoder alone, on the questions of evalsets/questions.jsonl:
  * one query per call, one caller (the latency a lone request pays);
  * one query per call from 8 threads at once (what the server's thread pool does under
    8 concurrent clients: shows whether the encoder scales past one core or is GIL-bound);
  * the same 8-thread load through the micro-batcher (one forward pass for whatever is waiting);
  for torch (sentence-transformers, 2 and 1 intra-op threads) and ONNX Runtime (the shipped fp32
  export with 2 and 1 threads, and a dynamic int8 copy). Quality: cosine of each variant's query
  vectors to torch fp32's.
Part B -- Assistant.ask (everything but HTTP) from 8 threads, per variant of
  benchmarks/load/variants.py: mean/p50/p95 latency and throughput, and the ratios to baseline.
Part C -- answer quality per encoder: ``assistant.eval.runner.evaluate`` (the same code as
  ``assistant eval``) on evalsets/questions.jsonl and evalsets/calibration.jsonl, and how many answers
  differ from the baseline's (refusal flag or quoted sentences).

    .venv/bin/python benchmarks/load/prototypes.py [--rounds 2] [--threads 8] [--data-dir DIR]
                                                   [--skip-quality]
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]  # don't shadow stdlib `profile`
sys.path.insert(0, str(HERE.parents[1]))

import numpy as np  # noqa: E402

from benchmarks.load.common import CACHE, REPO, OtherLoad, ingest, machine, percentile, questions  # noqa: E402

ASK_VARIANTS = [
    "baseline",
    "torch",
    "torch+threads1",
    "torch+batch",
    "threads1",
    "batch",
    "onnx-int8",
    "sentfilter",
    "sentcache",
    "sqlite-normal",
    "cache",
]


def timed_calls(fn, items, threads: int) -> tuple[list[float], float]:
    """Per-call latencies (ms) and wall seconds, ``threads`` callers at once."""

    def one(item):
        started = time.perf_counter()
        fn(item)
        return (time.perf_counter() - started) * 1000

    started = time.perf_counter()
    if threads == 1:
        latencies = [one(i) for i in items]
    else:
        with ThreadPoolExecutor(threads) as pool:
            latencies = list(pool.map(one, items))
    return latencies, time.perf_counter() - started


def part_a(qs: list[str], rounds: int, threads: int) -> None:
    import torch

    from assistant.config import Settings
    from assistant.embedding import load_embedder
    from benchmarks.load.encoders import MicroBatchEmbedder, int8_embedder

    default_threads = torch.get_num_threads()
    torch_model = load_embedder(Settings(cache_dir=CACHE, encoder_runtime="torch"))
    reference = torch_model.embed_queries(qs)
    encoders = [
        (f"torch, {default_threads} threads", torch_model, default_threads),
        ("torch, 1 thread", torch_model, 1),
        ("ort fp32 (shipped), default", load_embedder(Settings(cache_dir=CACHE)), None),
        ("ort fp32, 1 thread", load_embedder(Settings(cache_dir=CACHE, encoder_threads=1)), None),
        ("ort int8, default", int8_embedder(CACHE), None),
    ]
    work = qs * rounds
    print("\nA. query encoder alone (ms per query; 'x8' = 8 threads each encoding one query at a time)")
    print(
        f"{'encoder':<28} {'cos min':>7} {'cos mean':>8} {'1 caller p50':>12} {'p95':>6} "
        f"{'x8 q/s':>7} {'x8 p95':>7} {'x8 batched q/s':>14} {'p95':>6} {'mean batch':>10}"
    )
    base_single = base_x8 = None
    for label, encoder, n_threads in encoders:
        if n_threads is not None:
            torch.set_num_threads(n_threads)
        vectors = np.stack([encoder.embed_queries([q])[0] for q in qs])  # also warms up
        cos = (vectors * reference).sum(1)
        single, _ = timed_calls(lambda q, e=encoder: e.embed_queries([q]), work, 1)
        x8, wall8 = timed_calls(lambda q, e=encoder: e.embed_queries([q]), work, threads)
        batcher = MicroBatchEmbedder(encoder)
        xb, wallb = timed_calls(lambda q, b=batcher: b.embed_queries([q]), work, threads)
        mean_batch = statistics.mean(batcher.batches) if batcher.batches else 0
        print(
            f"{label:<28} {cos.min():>7.4f} {cos.mean():>8.4f} {percentile(single, 0.5):>12.1f} "
            f"{percentile(single, 0.95):>6.1f} {len(work) / wall8:>7.1f} {percentile(x8, 0.95):>7.1f} "
            f"{len(work) / wallb:>14.1f} {percentile(xb, 0.95):>6.1f} {mean_batch:>10.1f}"
        )
        if base_single is None:
            base_single, base_x8 = percentile(single, 0.5), len(work) / wall8
        else:
            r1 = percentile(single, 0.5) / base_single
            r8, rb = len(work) / wall8 / base_x8, len(work) / wallb / base_x8
            print(f"{'':<28} vs torch default: 1-caller p50 x{r1:.2f}, x8 q/s x{r8:.2f}, batched x{rb:.2f}")
    torch.set_num_threads(default_threads)
    return torch_model


def part_b(data_dir: Path, qs: list[str], rounds: int, threads: int, torch_model) -> None:
    from assistant.config import Settings
    from benchmarks.load.variants import build_assistant

    settings = Settings(data_dir=data_dir, cache_dir=CACHE, generator="extractive")
    work = qs * rounds
    print(f"\nB. Assistant.ask (no HTTP), {threads} concurrent callers, {len(work)} requests per variant")
    print("   (baseline = the shipped Assistant: ORT fp32 encoder; torch = the encoder shipped before)")
    print(
        f"{'variant':<42} {'mean ms':>8} {'p50 ms':>7} {'p95 ms':>7} {'req/s':>6} "
        f"{'p95 ratio':>9} {'req/s ratio':>11} {'other CPU':>9}"
    )
    base = None
    for variant in ASK_VARIANTS:
        assistant = build_assistant(settings, variant, CACHE, embedder=torch_model)
        for q in qs:  # warm-up
            assistant.ask(q)
        other = OtherLoad([os.getpid()])
        other.start()
        latencies, wall = timed_calls(assistant.ask, work, threads)
        other_cores = other.stop()
        p95, rps = percentile(latencies, 0.95), len(work) / wall
        base = base or (p95, rps)
        print(
            f"{variant:<42} {statistics.mean(latencies):>8.1f} {percentile(latencies, 0.5):>7.1f} "
            f"{p95:>7.1f} {rps:>6.1f} {p95 / base[0]:>9.2f} {rps / base[1]:>11.2f} {other_cores:>9.2f}"
        )
        del assistant


def part_c(data_dir: Path, torch_model) -> None:
    from assistant.config import Settings
    from assistant.eval.dataset import load_rows
    from assistant.eval.runner import evaluate
    from benchmarks.load.variants import build_assistant

    settings = Settings(data_dir=data_dir, cache_dir=CACHE, generator="extractive")
    print("\nC. answer quality per query encoder (assistant.eval.runner.evaluate); ort fp32 is shipped")
    print(
        f"{'set':<18} {'encoder':<10} {'hit@5':>6} {'mrr@10':>6} {'key facts':>9} {'refusal acc':>11} "
        f"{'answers differing from torch':>28}"
    )
    for name in ("questions", "calibration"):
        rows = load_rows(REPO / "evalsets" / f"{name}.jsonl")
        reference = None
        for variant in ("torch", "baseline", "onnx-int8"):
            assistant = build_assistant(settings, variant, CACHE, embedder=torch_model)
            report = evaluate(assistant, rows)
            s = report.summary()
            answers = [(r.refused, r.answer) for r in report.rows]
            differing = "-"
            if reference is not None:
                differing = sum(a != b for a, b in zip(answers, reference, strict=True))
            reference = reference or answers
            label = {"torch": "torch", "baseline": "ort fp32", "onnx-int8": "ort int8"}[variant]
            print(
                f"{name + f' ({len(rows)})':<18} {label:<10} {s['hit@5']:>6.3f} {s['mrr@10']:>6.3f} "
                f"{s['key_facts']:>9.3f} {s['refusal_accuracy']:>11.3f} {differing!s:>28}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--skip-quality", action="store_true")
    parser.add_argument("--only", choices=["a", "b", "c"], help="run one part")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    qs = questions()
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory(prefix="scn-proto-") as tmp:
        data_dir = args.data_dir or Path(tmp) / "data"
        ingest(data_dir)
        from assistant.config import Settings
        from assistant.embedding import load_embedder

        torch_model = None
        if args.only in (None, "a"):
            torch_model = part_a(qs, args.rounds, args.threads)
        torch_model = torch_model or load_embedder(Settings(cache_dir=CACHE, encoder_runtime="torch"))
        if args.only in (None, "b"):
            part_b(data_dir, qs, args.rounds, args.threads, torch_model)
        if args.only in (None, "c") and not args.skip_quality:
            part_c(data_dir, torch_model)
    print(f"\nmachine after: {machine()}")


if __name__ == "__main__":
    main()
