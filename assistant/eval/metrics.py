"""Retrieval and answer metrics. Each returns a float in [0, 1]; per-row values are averaged by callers."""

from __future__ import annotations

import math
from collections.abc import Sequence

from assistant.arabic import normalize


def first_relevant_rank(ranking: Sequence[str], relevant: set[str]) -> int | None:
    for rank, item in enumerate(ranking, start=1):
        if item in relevant:
            return rank
    return None


def hit_at(ranking: Sequence[str], relevant: set[str], k: int) -> float:
    rank = first_relevant_rank(ranking[:k], relevant)
    return 1.0 if rank is not None else 0.0


def recall_at(ranking: Sequence[str], relevant: set[str], k: int) -> float:
    if not relevant:
        return 0.0
    return len(set(ranking[:k]) & relevant) / len(relevant)


def mrr_at(ranking: Sequence[str], relevant: set[str], k: int = 10) -> float:
    rank = first_relevant_rank(ranking[:k], relevant)
    return 1.0 / rank if rank else 0.0


def ndcg_at(ranking: Sequence[str], relevant: set[str], k: int = 10) -> float:
    dcg = sum(1.0 / math.log2(i + 2) for i, item in enumerate(ranking[:k]) if item in relevant)
    ideal = sum(1.0 / math.log2(i + 2) for i in range(min(len(relevant), k)))
    return dcg / ideal if ideal else 0.0


def dedupe(items: Sequence[str]) -> list[str]:
    """Keep the first occurrence (chunk rankings mapped to documents)."""
    seen: set[str] = set()
    out = []
    for item in items:
        if item not in seen:
            seen.add(item)
            out.append(item)
    return out


def contains_fact(answer: str, fact: str) -> bool:
    """Key-fact check, insensitive to diacritics, hamza and teh-marbuta spelling."""
    return normalize(fact) in normalize(answer)


def key_fact_share(answer: str, facts: Sequence[str]) -> float:
    if not facts:
        return 1.0
    return sum(contains_fact(answer, f) for f in facts) / len(facts)
