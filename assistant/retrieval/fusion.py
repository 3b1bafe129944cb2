"""Weighted reciprocal rank fusion.

score(d) = w_dense / (k + rank_dense(d)) + (1 - w_dense) / (k + rank_lexical(d)), ranks from 1.
A document missing from one list gets nothing from it. The weight and k were chosen by
measurement (benchmarks/retrieval.py, docs/retrieval.md).
"""

from __future__ import annotations

from collections.abc import Sequence


def weighted_rrf(
    dense: Sequence[str], lexical: Sequence[str], *, dense_weight: float, k: int
) -> list[tuple[str, float]]:
    if not 0.0 <= dense_weight <= 1.0:
        raise ValueError("dense_weight must be between 0 and 1")
    scores: dict[str, float] = {}
    for weight, ranking in ((dense_weight, dense), (1.0 - dense_weight, lexical)):
        if weight == 0.0:
            continue
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + weight / (k + rank)
    return sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
