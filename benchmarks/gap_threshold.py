"""Choose the content-gap grouping threshold (assistant/staff/gaps.py DISTANCE_THRESHOLD) on labelled
paraphrase groups (evalsets/gap_groups.jsonl: topics near each other, each asked in MSA, dialect and
English) with the real embedder.

Prints the cosine distances within and across topics, then for each threshold the number of groups,
the adjusted Rand index against the topics, purity (share of questions whose group's majority topic is
their own) and how many topics were split. The threshold picked maximises the Rand index, ties broken
toward the lower threshold (a wrongly merged group hides a gap; a split one only shows it twice).

    ASSISTANT_CACHE_DIR=.cache .venv/bin/python benchmarks/gap_threshold.py
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from sklearn.metrics import adjusted_rand_score  # noqa: E402

from assistant.config import Settings  # noqa: E402
from assistant.embedding import load_embedder  # noqa: E402
from assistant.staff.gaps import DISTANCE_THRESHOLD, cluster  # noqa: E402

THRESHOLDS = np.round(np.arange(0.04, 0.31, 0.01), 2)


def main(path: Path = REPO / "evalsets" / "gap_groups.jsonl") -> None:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    topics = [r["topic"] for r in rows]
    vectors = np.asarray(load_embedder(Settings()).embed_queries([r["question"] for r in rows]))
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    distance = 1 - unit @ unit.T
    same = np.array([[a == b for b in topics] for a in topics])
    off_diagonal = ~np.eye(len(rows), dtype=bool)
    within, across = distance[same & off_diagonal], distance[~same]
    print(f"{len(rows)} questions, {len(set(topics))} topics")
    print(
        f"within a topic: median {np.median(within):.3f}  p90 {np.percentile(within, 90):.3f}  "
        f"max {within.max():.3f}"
    )
    print(
        f"across topics:  min {across.min():.3f}  p10 {np.percentile(across, 10):.3f}  "
        f"median {np.median(across):.3f}"
    )
    print(f"{'threshold':>9} {'groups':>6} {'ARI':>6} {'purity':>6} {'split':>5}")
    best = (-1.0, 0.0)
    for threshold in THRESHOLDS:
        groups = cluster(vectors, float(threshold))
        labels = np.empty(len(rows), dtype=int)
        for g, members in enumerate(groups):
            labels[members] = g
        ari = adjusted_rand_score(topics, labels)
        pure = sum(Counter(topics[i] for i in members).most_common(1)[0][1] for members in groups) / len(rows)
        split = sum(len({labels[i] for i, t in enumerate(topics) if t == topic}) > 1 for topic in set(topics))
        print(f"{threshold:>9.2f} {len(groups):>6} {ari:>6.3f} {pure:>6.3f} {split:>5}")
        if ari > best[0] + 1e-9:
            best = (ari, float(threshold))
    print(f"best threshold {best[1]:.2f} (ARI {best[0]:.3f}); in use: {DISTANCE_THRESHOLD}")


if __name__ == "__main__":
    main()
