"""Choose the evidence lexical weight, the unknown-term penalty and the refusal threshold on
evalsets/calibration.jsonl only.

For each lexical weight λ the sentences are rescored (cosine + λ·overlap); the answer is what the
extractive composer would quote. The support score is the best sentence's score minus μ times the
share of the question's Arabic terms unknown to the corpus. Then every threshold is tried:
  * answer rate on answerable rows (1 - false refusals) and key-fact share of the answers;
  * refusal rate on unanswerable rows.
The threshold picked maximises balanced accuracy = (answer rate + refusal rate) / 2, ties broken
toward the lower threshold (fewer false refusals). Prints the table the choice was made from.

    .venv/bin/python benchmarks/calibrate.py [--dataset evalsets/calibration.jsonl]
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from assistant.answer.evidence import confidence, score_evidence, unknown_term_share  # noqa: E402
from assistant.answer.extractive import ExtractiveComposer  # noqa: E402
from assistant.chat.service import Assistant  # noqa: E402
from assistant.config import Settings  # noqa: E402
from assistant.eval.dataset import load_rows  # noqa: E402
from assistant.eval.metrics import key_fact_share  # noqa: E402
from assistant.ingest.run import ingest  # noqa: E402
from assistant.store.stores import Stores  # noqa: E402

LAMBDAS = (0.0, 0.05, 0.1, 0.2)
PENALTIES = (0.0, 0.05, 0.08, 0.1, 0.15)
THRESHOLDS = np.round(np.arange(0.76, 1.01, 0.005), 3)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dataset", type=Path, default=REPO / "evalsets" / "calibration.jsonl")
    parser.add_argument("--work", type=Path, default=REPO / ".cache" / "bench")
    args = parser.parse_args()
    cache = Path(os.environ.get("ASSISTANT_CACHE_DIR", REPO / ".cache"))
    settings = Settings(data_dir=args.work / "own-data", documents_dir=REPO / "documents", cache_dir=cache)
    stores = Stores.open(settings)
    ingest(stores, progress=False)
    assistant = Assistant(settings, stores=stores)
    composer = ExtractiveComposer(max_sentences=settings.answer_max_sentences, margin=settings.answer_margin)
    rows = load_rows(args.dataset)

    prepared = []
    for row in rows:
        vector = assistant.retriever.embed_query(row.question)
        hits = assistant.retriever.search(row.question, settings.retrieval_k, query_vector=vector)
        weights = assistant.retriever.lexical.query_weights(row.question)
        evidence = score_evidence(vector, hits, assistant.store, query_weights=weights, lexical_weight=1.0)
        unknown = unknown_term_share(weights, assistant.retriever.lexical.contains)
        prepared.append((row, evidence, unknown))

    answerable_rows = sum(r.answerable for r in rows)
    print(f"{args.dataset.name}: {answerable_rows} answerable, {len(rows) - answerable_rows} unanswerable")
    header = ("lambda", "mu", "best_t", "bal_acc", "answer", "refuse", "facts(all)", "facts@t")
    print(" ".join(f"{h:>8}" for h in header))
    best_overall = None
    grid = [(lam, mu) for lam in LAMBDAS for mu in PENALTIES]
    for lam, mu in grid:
        confidences, facts, answerable = [], [], []
        for row, evidence, unknown in prepared:
            rescored = sorted(
                (
                    replace(
                        e,
                        relevance=e.cosine + lam * e.overlap,
                        score=e.cosine + lam * e.overlap + settings.evidence_rank_prior / (1 + e.hit_rank),
                    )
                    for e in evidence
                ),
                key=lambda e: (-e.score, e.hit_rank, e.sentence.start),
            )
            chosen = composer.select(rescored)
            text = " ".join(e.sentence.text for e in chosen)
            confidences.append(confidence(rescored) - mu * unknown)
            facts.append(key_fact_share(text, row.key_facts) if row.answerable else None)
            answerable.append(row.answerable)
        conf = np.array(confidences)
        ans = np.array(answerable)
        best = None
        for t in THRESHOLDS:
            answered = conf >= t
            answer_rate = answered[ans].mean()
            refuse_rate = (~answered[~ans]).mean()
            bal = (answer_rate + refuse_rate) / 2
            if best is None or bal > best[1] + 1e-9:
                kept = [f for f, a, ok in zip(facts, ans, answered, strict=True) if a]
                facts_at_t = np.mean(
                    [f if ok else 0.0 for f, a, ok in zip(facts, ans, answered, strict=True) if a]
                )
                best = (t, bal, answer_rate, refuse_rate, np.mean(kept), facts_at_t)
        t, bal, answer_rate, refuse_rate, facts_all, facts_at_t = best
        cells = (lam, mu, t, bal, answer_rate, refuse_rate, facts_all, facts_at_t)
        print(" ".join(f"{c:8.3f}" for c in cells))
        key = (round(facts_at_t + bal, 6), -lam, -mu)
        if best_overall is None or key > best_overall[0]:
            best_overall = (key, lam, mu, t)
    _, lam, mu, t = best_overall
    print(
        f"\nchosen: evidence_lexical_weight={lam} unknown_term_penalty={mu} refusal_threshold={t} "
        "(max key facts@t + balanced accuracy; ties to the simpler setting)"
    )
    print("\nsupport score by row at the chosen setting (answerable rows marked +):")
    for row, evidence, unknown in prepared:
        top = max((e.cosine + lam * e.overlap for e in evidence), default=0.0) - mu * unknown
        print(f"  {'+' if row.answerable else '-'} {top:.3f} {row.id} {','.join(row.tags)}")


if __name__ == "__main__":
    main()
