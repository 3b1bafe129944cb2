"""Score a list of rows in memory, without storing a run: for benchmark scripts that compare
settings side by side. Each row is scored by ``scoring.RowScorer``, the code behind
``assistant eval`` and the staff runs, so the figures are the same as a stored run's."""

from __future__ import annotations

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
    answer: str = ""
    metrics: dict[str, Any] = field(default_factory=dict)  # every metric RowScorer computed
    latency_ms: float = 0.0

    @property
    def hit_at_5(self) -> float | None:
        return self.metrics.get("hit@5")


@dataclass
class EvalReport:
    rows: list[RowResult] = field(default_factory=list)

    def summary(self, rows: list[RowResult] | None = None) -> dict[str, Any]:
        """``reports.summarize``, the summary of a stored run (hit@5, mrr@10, key_facts,
        refusal_accuracy, correct_refusals, false_refusals, …)."""
        rows = self.rows if rows is None else rows
        return summarize([asdict(r) for r in rows])


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
        report.rows.append(
            RowResult(
                id=row.id,
                tags=list(row.tags),
                answerable=row.answerable,
                refused=scored["refused"],
                answer=scored["answer"],
                metrics=scored["metrics"],
                latency_ms=scored["latency_ms"],
            )
        )
        if progress:
            progress(1)
    return report
