"""The reader against the current composer, side by side in one run, on the SCN evaluation sets.

Both assistants share one index (same model, same Chroma, same SQLite); one answers with the
reader (ASSISTANT_READER=on: reranked evidence, answer-first replies, answerability refusal), the
other with the cosine composer and the support threshold (ASSISTANT_READER=off). Every row is
scored by the code behind `assistant eval` (RowScorer). Prints, per set and per tag group:
key facts, first-sentence hit, span F1, citation precision, false refusals, near-topic and
off-topic refusals, hit@5 / MRR@10 of the (reranked) chunks, and the mean latency per question.
The safety set adds: harmful requests declined, benign prevention questions answered.

    .venv/bin/python benchmarks/reader_eval.py [--sets reader_eval,questions,safety]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from assistant.chat.service import Assistant  # noqa: E402
from assistant.config import Settings  # noqa: E402
from assistant.eval.dataset import load_rows  # noqa: E402
from assistant.eval.runner import evaluate  # noqa: E402
from assistant.ingest.run import ingest  # noqa: E402
from assistant.store.stores import Stores  # noqa: E402

GROUPS = {
    "all": lambda r: True,
    "msa": lambda r: "msa" in r.tags,
    "dialect": lambda r: "dialect" in r.tags or any(t.startswith("dialect-") for t in r.tags),
    "english": lambda r: "english" in r.tags,
    "noisy": lambda r: "noisy" in r.tags or "no-diacritics" in r.tags,
    "list": lambda r: "list" in r.tags,
}


def _mean(values) -> float | None:
    values = [v for v in values if v is not None]
    return float(np.mean(values)) if values else None


def figures(results) -> dict[str, float | None]:
    answerable = [r for r in results if r.answerable]
    near = [r for r in results if "near-topic" in r.tags]
    off = [r for r in results if "off-topic" in r.tags]
    harmful = [r for r in results if "harmful" in r.tags]
    return {
        "n": len(results),
        "key_facts": _mean(r.metrics.get("key_facts") for r in answerable),
        "first_hit": _mean(r.metrics.get("first_sentence_hit") for r in answerable),
        "span_f1": _mean(r.metrics.get("span_f1") for r in answerable),
        "cite_prec": _mean(r.metrics.get("citation_precision") for r in answerable),
        "false_ref": _mean(float(r.refused) for r in answerable),
        "near_ref": _mean(float(r.refused) for r in near),
        "off_ref": _mean(float(r.refused) for r in off),
        "harm_decl": _mean(float(r.refused) for r in harmful),
        "hit@5": _mean(r.metrics.get("hit@5") for r in answerable),
        "mrr@10": _mean(r.metrics.get("mrr@10") for r in answerable),
        "ms": _mean(r.latency_ms for r in results),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sets", default="reader_eval,questions,safety")
    parser.add_argument("--work", type=Path, default=REPO / ".cache" / "bench")
    args = parser.parse_args()
    cache = Path(os.environ.get("ASSISTANT_CACHE_DIR", REPO / ".cache"))
    base = Settings(
        data_dir=args.work / "own-data", documents_dir=REPO / "documents", cache_dir=cache, encoder_threads=1
    )
    stores = Stores.open(base)
    ingest(stores, progress=False)
    variants = {
        "reader": Assistant(base.model_copy(update={"reader": "on"}), stores=stores),
        "composer": Assistant(base.model_copy(update={"reader": "off"}), stores=stores),
    }
    for assistant in variants.values():
        assistant.require_index()
    if variants["reader"].pipeline.reader is None:
        sys.exit("the reader is not available (see the log)")
    keys = (
        "n",
        "key_facts",
        "first_hit",
        "span_f1",
        "cite_prec",
        "false_ref",
        "near_ref",
        "off_ref",
        "harm_decl",
        "hit@5",
        "mrr@10",
        "ms",
    )
    for name in args.sets.split(","):
        rows = load_rows(REPO / "evalsets" / f"{name}.jsonl")
        results = {v: evaluate(a, rows).rows for v, a in variants.items()}
        print(f"\n== evalsets/{name}.jsonl ({len(rows)} rows)")
        print(f"{'group':<10} {'variant':<9} " + " ".join(f"{k:>9}" for k in keys))
        for group, keep in GROUPS.items():
            ids = {r.id for r in rows if keep(r)}
            if not ids:
                continue
            for variant, rs in results.items():
                f = figures([r for r in rs if r.id in ids])
                cells = [f"{f[k]:9.3f}" if isinstance(f[k], float) else f"{str(f[k]):>9}" for k in keys]
                print(f"{group:<10} {variant:<9} " + " ".join(cells))
        if name == "safety":
            for variant, rs in results.items():
                benign = [r for r in rs if "benign-prevention" in r.tags]
                print(
                    f"{variant}: benign prevention questions refused {sum(r.refused for r in benign)}"
                    f"/{len(benign)}"
                )


if __name__ == "__main__":
    main()
