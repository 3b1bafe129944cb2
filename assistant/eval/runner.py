"""Run a question set through the assistant and score retrieval, answers and refusals."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from statistics import mean
from typing import Any

from assistant.eval.dataset import EvalRow
from assistant.eval.metrics import hit_at, key_fact_share, mrr_at
from assistant.service import Assistant


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


@dataclass
class EvalReport:
    rows: list[RowResult] = field(default_factory=list)

    def summary(self, rows: list[RowResult] | None = None) -> dict[str, float | int | None]:
        rows = self.rows if rows is None else rows
        answerable = [r for r in rows if r.answerable]
        unanswerable = [r for r in rows if not r.answerable]

        def avg(values: list[float | None]) -> float | None:
            present = [v for v in values if v is not None]
            return round(mean(present), 4) if present else None

        correct = [r.refused != r.answerable for r in rows]
        return {
            "rows": len(rows),
            "hit@5": avg([r.hit_at_5 for r in answerable]),
            "mrr@10": avg([r.mrr_at_10 for r in answerable]),
            "key_facts": avg([r.key_facts for r in answerable]),
            "refusal_accuracy": round(mean(correct), 4) if correct else None,
            "correct_refusals": round(mean([r.refused for r in unanswerable]), 4) if unanswerable else None,
            "false_refusals": round(mean([r.refused for r in answerable]), 4) if answerable else None,
        }

    def by_tag(self) -> dict[str, dict[str, Any]]:
        groups: dict[str, list[RowResult]] = defaultdict(list)
        for row in self.rows:
            for tag in row.tags:
                groups[tag].append(row)
        return {tag: self.summary(rows) for tag, rows in sorted(groups.items())}

    def to_dict(self) -> dict[str, Any]:
        return {"summary": self.summary(), "by_tag": self.by_tag(), "rows": [asdict(r) for r in self.rows]}


def relevant_chunks(assistant: Assistant, row: EvalRow) -> set[str]:
    """Chunks overlapping the row's evidence span (chunk-level relevance; five documents make
    document-level recall meaningless)."""
    relevant = set()
    for doc_id in row.document_ids:
        text = assistant.document_text(doc_id)
        start = text.find(row.evidence) if row.evidence else -1
        for chunk in assistant.retriever.chunks.values():
            if chunk.document_id != doc_id:
                continue
            if start < 0 or (chunk.start < start + len(row.evidence) and chunk.end > start):
                relevant.add(chunk.id)
    return relevant


def evaluate(
    assistant: Assistant, rows: list[EvalRow], progress: Callable[[int], None] | None = None
) -> EvalReport:
    report = EvalReport()
    for row in rows:
        answer, _ = assistant.answer(row.question)
        result = RowResult(
            id=row.id,
            tags=row.tags,
            answerable=row.answerable,
            refused=answer.refused,
            confidence=round(answer.confidence, 4),
            answer=answer.text,
        )
        if row.answerable:
            ranking = [h.chunk.id for h in assistant.retriever.search(row.question, 10)]
            relevant = relevant_chunks(assistant, row)
            result.hit_at_5 = hit_at(ranking, relevant, 5)
            result.mrr_at_10 = mrr_at(ranking, relevant, 10)
            result.key_facts = 0.0 if answer.refused else key_fact_share(answer.text, row.key_facts)
        report.rows.append(result)
        if progress:
            progress(1)
    return report
