"""Choose how the extractive composer picks sentences, on evalsets/calibration.jsonl (answerable rows).

Grid: chunks passed to the composer (K), rank prior β, lexical weight λ, max sentences, margin.
Prints the share of key facts found in the composed answer for each setting (no refusal here;
that is benchmarks/calibrate.py).

    .venv/bin/python benchmarks/compose.py
"""

from __future__ import annotations

import os
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from assistant.answer.evidence import score_evidence  # noqa: E402
from assistant.answer.extractive import ExtractiveComposer  # noqa: E402
from assistant.chat.service import Assistant  # noqa: E402
from assistant.config import Settings  # noqa: E402
from assistant.eval.dataset import load_rows  # noqa: E402
from assistant.eval.metrics import key_fact_share  # noqa: E402
from assistant.ingest.run import ingest  # noqa: E402
from assistant.store.stores import Stores  # noqa: E402

KS = (3, 5, 8)
PRIORS = (0.0, 0.02, 0.05)
LAMBDAS = (0.0, 0.05)
SHAPES = ((1, 0.0), (2, 0.03), (3, 0.03), (3, 0.05), (3, 0.08), (4, 0.05))


def main() -> None:
    cache = Path(os.environ.get("ASSISTANT_CACHE_DIR", REPO / ".cache"))
    settings = Settings(
        data_dir=cache / "bench" / "own-data", documents_dir=REPO / "documents", cache_dir=cache
    )
    stores = Stores.open(settings)
    ingest(stores, progress=False)
    assistant = Assistant(settings, stores=stores)
    rows = [r for r in load_rows(REPO / "evalsets" / "calibration.jsonl") if r.answerable]
    results = []
    for k in KS:
        prepared = []
        for row in rows:
            vector = assistant.retriever.embed_query(row.question)
            hits = assistant.retriever.search(row.question, k, query_vector=vector)
            weights = assistant.retriever.lexical.query_weights(row.question)
            prepared.append((row, score_evidence(vector, hits, assistant.store, query_weights=weights)))
        for beta in PRIORS:
            for lam in LAMBDAS:
                for max_sentences, margin in SHAPES:
                    composer = ExtractiveComposer(max_sentences=max_sentences, margin=margin)
                    facts = []
                    for row, evidence in prepared:
                        rescored = sorted(
                            (
                                replace(e, score=e.cosine + lam * e.overlap + beta / (1 + e.hit_rank))
                                for e in evidence
                            ),
                            key=lambda e: (-e.score, e.hit_rank, e.sentence.start),
                        )
                        text = " ".join(e.sentence.text for e in composer.select(rescored))
                        facts.append(key_fact_share(text, row.key_facts))
                    results.append((float(np.mean(facts)), k, beta, lam, max_sentences, margin))
    print(f"{len(rows)} answerable calibration questions; key-fact share of the composed answer")
    print(f"{'facts':>6} {'K':>3} {'beta':>5} {'lambda':>6} {'max':>4} {'margin':>6}")
    for facts, k, beta, lam, max_sentences, margin in sorted(results, reverse=True):
        print(f"{facts:6.3f} {k:>3} {beta:5.2f} {lam:6.2f} {max_sentences:>4} {margin:6.2f}")


if __name__ == "__main__":
    main()
