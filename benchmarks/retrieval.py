"""Retrieval quality: BM25 alone, dense alone and weighted-RRF hybrids, side by side in one run.

Corpora and questions:
  * ARCD train (../shared/datasets/arcd-train.json): 231 Arabic Wikipedia paragraphs, one document
    each; 693 questions; the question's own paragraph is the relevant document.
  * Our corpus (documents/) with evalsets/calibration.jsonl (used to choose the fusion) and
    evalsets/questions.jsonl (held out); a chunk is relevant when it overlaps the evidence sentence.

Methods: BM25, dense, weighted RRF (w, k) and convex combination of min-max scaled scores (w).
Prints Recall@1/5/10 and MRR@10 per method. Each question is embedded and searched once; the
fusion grid is evaluated on the stored candidate lists.

    .venv/bin/python benchmarks/retrieval.py [--arcd PATH] [--limit N]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from assistant.chat.service import Assistant  # noqa: E402
from assistant.config import Settings  # noqa: E402
from assistant.eval.dataset import load_rows  # noqa: E402
from assistant.eval.metrics import dedupe, mrr_at, recall_at  # noqa: E402
from assistant.eval.runner import relevant_chunks  # noqa: E402
from assistant.ingest.run import ingest  # noqa: E402
from assistant.retrieval.fusion import convex_combination, weighted_rrf  # noqa: E402
from assistant.store.stores import Stores  # noqa: E402

WEIGHTS = (0.5, 0.6, 0.7, 0.8, 0.9)
RRF_KS = (5, 20, 60)
CC_WEIGHTS = (0.5, 0.6, 0.7, 0.8, 0.9)
CANDIDATES = 50


def write_arcd_corpus(arcd: Path, folder: Path, limit: int | None) -> list[tuple[str, set[str]]]:
    data = json.loads(arcd.read_text(encoding="utf-8"))["data"]
    folder.mkdir(parents=True, exist_ok=True)
    questions: list[tuple[str, set[str]]] = []
    n = 0
    for article in data:
        for paragraph in article["paragraphs"]:
            doc_id = f"arcd-{n:04d}"
            path = folder / f"{doc_id}.txt"
            text = paragraph["context"].strip() + "\n"
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                path.write_text(text, encoding="utf-8")
            for qa in paragraph["qas"]:
                questions.append((qa["question"], {doc_id}))
            n += 1
    return questions[:limit] if limit else questions


Scored = list[tuple[str, float]]


def candidate_lists(assistant: Assistant, questions: list[str]) -> list[tuple[Scored, Scored]]:
    """Dense and BM25 chunk rankings with scores per question (each question embedded once)."""
    retriever = assistant.retriever
    vectors = assistant.embedder.embed_queries(questions)
    return [
        (assistant.store.query_chunks(vector, CANDIDATES), retriever.lexical.search(question, CANDIDATES))
        for question, vector in zip(questions, vectors, strict=True)
    ]


def score(
    rankings: list[list[str]], relevant: list[set[str]], to_unit: Callable[[str], str]
) -> dict[str, float]:
    r1 = r5 = r10 = mrr = 0.0
    for ranking, rel in zip(rankings, relevant, strict=True):
        units = dedupe([to_unit(c) for c in ranking])
        r1 += recall_at(units, rel, 1)
        r5 += recall_at(units, rel, 5)
        r10 += recall_at(units, rel, 10)
        mrr += mrr_at(units, rel, 10)
    n = len(rankings) or 1
    return {"R@1": r1 / n, "R@5": r5 / n, "R@10": r10 / n, "MRR@10": mrr / n}


def ids(scored: Scored) -> list[str]:
    return [item for item, _ in scored]


def methods(cands: list[tuple[Scored, Scored]]) -> dict[str, list[list[str]]]:
    out = {"bm25": [ids(lex) for _, lex in cands], "dense": [ids(dense) for dense, _ in cands]}
    for w in WEIGHTS:
        for k in RRF_KS:
            out[f"rrf w={w} k={k}"] = [
                ids(weighted_rrf(ids(dense), ids(lex), dense_weight=w, k=k)) for dense, lex in cands
            ]
    for w in CC_WEIGHTS:
        out[f"cc w={w}"] = [ids(convex_combination(dense, lex, dense_weight=w)) for dense, lex in cands]
    return out


def table(title: str, results: dict[str, dict[str, float]]) -> None:
    print(f"\n{title}")
    print(f"{'method':<18} {'R@1':>6} {'R@5':>6} {'R@10':>6} {'MRR@10':>7}")
    for name, m in results.items():
        print(f"{name:<18} {m['R@1']:6.3f} {m['R@5']:6.3f} {m['R@10']:6.3f} {m['MRR@10']:7.3f}")


def evaluate_own(assistant: Assistant, dataset: Path) -> dict[str, dict[str, float]]:
    rows = [r for r in load_rows(dataset) if r.answerable]
    cands = candidate_lists(assistant, [r.question for r in rows])
    relevant = [relevant_chunks(assistant, r) for r in rows]
    return {name: score(rk, relevant, lambda c: c) for name, rk in methods(cands).items()}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--arcd", type=Path, default=REPO.parent / "shared" / "datasets" / "arcd-train.json")
    parser.add_argument("--limit", type=int, default=None, help="ARCD questions to use (default all)")
    parser.add_argument("--work", type=Path, default=REPO / ".cache" / "bench")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args()

    cache = Path(os.environ.get("ASSISTANT_CACHE_DIR", REPO / ".cache"))
    own_settings = Settings(
        data_dir=args.work / "own-data", documents_dir=REPO / "documents", cache_dir=cache
    )
    own_stores = Stores.open(own_settings)
    ingest(own_stores, progress=False)
    own = Assistant(own_settings, stores=own_stores)
    all_results: dict[str, dict[str, dict[str, float]]] = {}
    for name in ("calibration", "questions"):
        started = time.perf_counter()
        all_results[f"own/{name}"] = evaluate_own(own, REPO / "evalsets" / f"{name}.jsonl")
        table(
            f"Own corpus, evalsets/{name}.jsonl, chunk-level ({time.perf_counter() - started:.1f}s)",
            all_results[f"own/{name}"],
        )

    if args.arcd.exists():
        questions = write_arcd_corpus(args.arcd, args.work / "arcd-docs", args.limit)
        arcd_settings = Settings(
            data_dir=args.work / "arcd-data", documents_dir=args.work / "arcd-docs", cache_dir=cache
        )
        arcd_stores = Stores.open(arcd_settings, own.embedder)
        report = ingest(arcd_stores, progress=True)
        arcd = Assistant(arcd_settings, stores=arcd_stores)
        print(
            f"\nARCD: {len(questions)} questions over {len(report.added) + len(report.unchanged)} paragraphs"
        )
        started = time.perf_counter()
        cands = candidate_lists(arcd, [q for q, _ in questions])
        doc_of = {cid: c.document_id for cid, c in arcd.retriever.chunks.items()}
        all_results["arcd"] = {
            name: score(rk, [rel for _, rel in questions], doc_of.__getitem__)
            for name, rk in methods(cands).items()
        }
        table(f"ARCD train, document-level ({time.perf_counter() - started:.1f}s)", all_results["arcd"])
    else:
        print(f"\nARCD file not found at {args.arcd}; skipped")
    if args.json:
        args.json.write_text(json.dumps(all_results, indent=2))


if __name__ == "__main__":
    main()
