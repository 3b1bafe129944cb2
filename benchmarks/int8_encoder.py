"""The int8 query encoder against fp32, side by side in one run.

Quantization recipes (dynamic int8, per channel) of the fp32 export: `all` (every MatMul and the
embedding Gather) and `shipped` (embeddings/onnx_export.py: ensure_int8 — the feed-forward output
projections kept in float32). For each: the cosine of every evalsets/ question's vector to its
fp32 vector (min, 1st percentile, mean), one question's encode time (one thread, rounds
interleaved with fp32, median), and the SCN figures (`assistant eval` code, reader on) with that
copy as the query encoder — the index stays fp32 in every variant.

    .venv/bin/python benchmarks/int8_encoder.py [--rounds 4] [--sets calibration,reader_eval,questions]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from assistant.chat.service import Assistant  # noqa: E402
from assistant.config import Settings  # noqa: E402
from assistant.embedding import OnnxEmbedder  # noqa: E402
from assistant.eval.dataset import load_rows  # noqa: E402
from assistant.eval.runner import evaluate  # noqa: E402
from assistant.ingest.run import ingest  # noqa: E402
from assistant.store.stores import Stores  # noqa: E402
from benchmarks.reader_eval import figures  # noqa: E402
from embeddings.build import ensure_model  # noqa: E402
from embeddings.onnx_export import ONNX_FILE, ensure_int8  # noqa: E402

KEYS = ("key_facts", "first_hit", "cite_prec", "false_ref", "near_ref", "off_ref", "hit@5", "mrr@10")


def quantize_all(folder: Path, target: Path) -> Path:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    if not target.exists():
        quantize_dynamic(str(folder / ONNX_FILE), str(target), weight_type=QuantType.QInt8, per_channel=True)
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--sets", default="calibration,reader_eval,questions")
    parser.add_argument("--work", type=Path, default=REPO / ".cache" / "bench")
    args = parser.parse_args()
    cache = Path(os.environ.get("ASSISTANT_CACHE_DIR", REPO / ".cache"))
    base = Settings(
        data_dir=args.work / "own-data", documents_dir=REPO / "documents", cache_dir=cache, encoder_threads=1
    )
    folder = ensure_model(cache)
    scratch = Path(tempfile.mkdtemp(prefix="int8-"))
    copies = {
        "fp32": None,
        "int8 all": quantize_all(folder, scratch / "all.onnx"),
        "int8 shipped": ensure_int8(folder),
    }

    def embedder(file: Path | None) -> OnnxEmbedder:
        return OnnxEmbedder(
            folder,
            query_prompt=base.query_prompt,
            passage_prompt=base.passage_prompt,
            batch_size=base.embed_batch_size,
            threads=1,
            name=base.embedding_model,
            query_model_file=file,
        )

    encoders = {name: embedder(file) for name, file in copies.items()}
    questions = [  # the sets of single questions (conversations.jsonl holds turns, gap_groups groups)
        row.question
        for name in ("questions", "reader_eval", "calibration", "safety")
        for row in load_rows(REPO / "evalsets" / f"{name}.jsonl")
    ]
    reference = encoders["fp32"].embed_queries(questions)
    times: dict[str, list[float]] = {name: [] for name in encoders}
    for _ in range(args.rounds):
        for name, encoder in encoders.items():
            started = time.perf_counter()
            for q in questions[:100]:
                encoder.embed_queries([q])
            times[name].append((time.perf_counter() - started) / 100 * 1000)
    fp32_ms = float(np.median(times["fp32"]))
    print(f"{len(questions)} questions; load average {os.getloadavg()[0]:.1f}")
    print(f"{'copy':<13} {'cos min':>8} {'cos p1':>8} {'cos mean':>9} {'ms/question':>12} {'vs fp32':>8}")
    for name, encoder in encoders.items():
        cos = np.sum(encoder.embed_queries(questions) * reference, axis=1)
        ms = float(np.median(times[name]))
        print(
            f"{name:<13} {cos.min():8.4f} {np.percentile(cos, 1):8.4f} {cos.mean():9.4f} {ms:12.1f} "
            f"{ms / fp32_ms:8.2f}"
        )

    stores = Stores.open(base, encoders["fp32"])
    ingest(stores, progress=False)
    assistants = {name: Assistant(base, embedder=encoder) for name, encoder in encoders.items()}
    for assistant in assistants.values():
        assistant.require_index()
    for name in args.sets.split(","):
        rows = load_rows(REPO / "evalsets" / f"{name}.jsonl")
        print(f"\n== evalsets/{name}.jsonl ({len(rows)} rows)")
        print(f"{'query encoder':<13} " + " ".join(f"{k:>9}" for k in KEYS))
        for variant, assistant in assistants.items():
            f = figures(evaluate(assistant, rows).rows)
            print(
                f"{variant:<13} "
                + " ".join(f"{f[k]:9.3f}" if f[k] is not None else f"{'-':>9}" for k in KEYS)
            )


if __name__ == "__main__":
    main()
