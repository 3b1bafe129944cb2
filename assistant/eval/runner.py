"""Score a list of rows in memory, without storing a run: for benchmark scripts that compare
settings side by side. Each row is scored by ``scoring.RowScorer``, the code behind
``assistant eval`` and the staff runs, so the figures are the same as a stored run's."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from assistant.eval.dataset import EvalRow
from assistant.eval.reports import summarize
from assistant.eval.scoring import RowScorer


@dataclass
class RowResult:
    id: str
    tags: list[str]
    answerable: bool
    refused: bool
    confidence: float
    hit_at_5: float | None = None
    mrr_at_10: float | None = None
    key_facts: float | None = None
    answer: str = ""
    metrics: dict[str, Any] = field(default_factory=dict)  # every metric RowScorer computed
    latency_ms: float = 0.0


@dataclass
class EvalReport:
    rows: list[RowResult] = field(default_factory=list)

    def summary(self, rows: list[RowResult] | None = None) -> dict[str, Any]:
        """``reports.summarize``, the summary of a stored run (hit@5, mrr@10, key_facts,
        refusal_accuracy, correct_refusals, false_refusals, …)."""
        rows = self.rows if rows is None else rows
        return summarize([asdict(r) for r in rows])

    def by_tag(self) -> dict[str, dict[str, Any]]:
        groups: dict[str, list[RowResult]] = defaultdict(list)
        for row in self.rows:
            for tag in row.tags:
                groups[tag].append(row)
        return {tag: self.summary(rows) for tag, rows in sorted(groups.items())}

    def to_dict(self) -> dict[str, Any]:
        return {"summary": self.summary(), "by_tag": self.by_tag(), "rows": [asdict(r) for r in self.rows]}


def relevant_chunks(assistant: Any, row: EvalRow) -> set[str]:
    """The chunk ids a ranking is scored against (``RowScorer.references``: reference chunks, else
    chunks overlapping the evidence span); empty when the row only names documents."""
    refs = RowScorer(assistant).references(row)
    return refs.relevant if refs.relevance in ("chunks", "evidence") else set()


def evaluate(
    assistant: Any, rows: list[EvalRow], progress: Callable[[int], None] | None = None
) -> EvalReport:
    scorer = RowScorer(assistant)
    report = EvalReport()
    for row in rows:
        scored = scorer.score(row)
        metrics = scored["metrics"]
        report.rows.append(
            RowResult(
                id=row.id,
                tags=list(row.tags),
                answerable=row.answerable,
                refused=scored["refused"],
                confidence=metrics["support"],
                hit_at_5=metrics["hit@5"],
                mrr_at_10=metrics["mrr@10"],
                key_facts=metrics["key_facts"],
                answer=scored["answer"],
                metrics=metrics,
                latency_ms=scored["latency_ms"],
            )
        )
        if progress:
            progress(1)
    return report
