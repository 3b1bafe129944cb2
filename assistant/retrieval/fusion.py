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


def convex_combination(
    dense: Sequence[tuple[str, float]], lexical: Sequence[tuple[str, float]], *, dense_weight: float
) -> list[tuple[str, float]]:
    """Score fusion: w·minmax(dense) + (1-w)·minmax(bm25) over each query's candidate lists.

    Min-max puts both on [0, 1] per query, so the weight means the same thing for every query.
    A candidate absent from one list gets 0 from it.
    """
    if not 0.0 <= dense_weight <= 1.0:
        raise ValueError("dense_weight must be between 0 and 1")
    scores: dict[str, float] = {}
    for weight, ranking in ((dense_weight, dense), (1.0 - dense_weight, lexical)):
        if not ranking or weight == 0.0:
            continue
        values = [s for _, s in ranking]
        low, high = min(values), max(values)
        span = high - low
        for item, value in ranking:
            scaled = (value - low) / span if span > 0 else 1.0
            scores[item] = scores.get(item, 0.0) + weight * scaled
    return sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
