"""Score one dataset row against the assistant: answer it, rank chunks, and compute every metric.

Which items count as relevant for the ranking metrics (recorded per row as ``relevance``):
  1. ``chunks`` — the row's ``reference_chunk_ids`` that exist in the current index;
  2. ``evidence`` — otherwise, the chunks overlapping the row's evidence span, located in its
     reference documents (in every document when it names none); this is the chunk-level
     relevance the figures in docs/evaluation.md use;
  3. ``documents`` — otherwise, the reference document ids, against the retrieved chunks mapped
     to their documents (first occurrence kept);
  4. none — no ranking metrics for the row.
``first_sentence_hit``: the reply's first line (the lead span or the first quoted sentence) holds a
key fact; ``span_f1``: token F1 of that first line against the reference answer.
Ranking, key-fact, F1 and citation metrics are computed on answerable rows only; refusal
correctness on every row. A refused answerable row scores 0 on key facts and F1.

``faithfulness_judge(question, answer, quotes) -> float in [0, 1]`` is an optional hook (e.g. an
LLM judge): called for answered rows whose answer came from a generator other than the extractive
one (extractive answers are verbatim quotes). Nothing calls an LLM unless a judge is passed.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from assistant.errors import NotFound
from assistant.eval import metrics as m
from assistant.store.documents import DocumentStore
from assistant.store.models import EvalRowRecord

FaithfulnessJudge = Callable[[str, str, Sequence[str]], float]
# a stored row, or eval.dataset.EvalRow read from a file: the same field names
ScoredRow = EvalRowRecord | Any
RANK_K = 10
RANK_KEYS = ("hit@1", "hit@5", "recall@5", "recall@10", "mrr@10", "ndcg@10")
ANSWER_KEYS = ("key_facts", "first_sentence_hit", "f1", "span_f1", "citation_precision", "faithfulness")
METRIC_KEYS = (*RANK_KEYS, *ANSWER_KEYS)


@dataclass
class References:
    relevance: str | None = None  # chunks | evidence | documents | None
    relevant: set[str] = field(default_factory=set)
    evidence_spans: list[tuple[str, int, int]] = field(default_factory=list)


class RowScorer:
    def __init__(self, assistant: Any, faithfulness_judge: FaithfulnessJudge | None = None):
        self.assistant = assistant
        self.judge = faithfulness_judge
        self.documents = DocumentStore(assistant.sessions)
        self._texts: dict[str, str | None] = {}

    def document_text(self, document_id: str) -> str | None:
        if document_id not in self._texts:
            try:
                self._texts[document_id] = self.documents.text(document_id)
            except NotFound:
                self._texts[document_id] = None
        return self._texts[document_id]

    def evidence_spans(self, row: ScoredRow) -> list[tuple[str, int, int]]:
        evidence = (row.evidence or "").strip()
        if not evidence:
            return []
        documents = row.reference_document_ids or sorted(self.assistant.retriever.titles)
        spans = []
        for doc_id in documents:
            text = self.document_text(doc_id)
            start = text.find(evidence) if text else -1
            if start >= 0:
                spans.append((doc_id, start, start + len(evidence)))
        return spans

    def references(self, row: ScoredRow) -> References:
        chunks = self.assistant.retriever.chunks
        spans = self.evidence_spans(row)
        explicit = {c for c in row.reference_chunk_ids or [] if c in chunks}
        if explicit:
            return References("chunks", explicit, spans)
        overlapping = {
            chunk.id
            for chunk in chunks.values()
            for doc_id, start, end in spans
            if chunk.document_id == doc_id and chunk.start < end and chunk.end > start
        }
        if overlapping:
            return References("evidence", overlapping, spans)
        if row.reference_document_ids:
            return References("documents", set(row.reference_document_ids), spans)
        return References(None, set(), spans)

    def score(self, row: ScoredRow) -> dict[str, Any]:
        """Everything an EvalResult stores for the row."""
        started = time.perf_counter()
        answer, _ = self.assistant.answer(row.question)
        latency_ms = (time.perf_counter() - started) * 1000
        hits = self.assistant.pipeline.search(row.question.strip(), RANK_K)
        citations = [asdict(c) for c in answer.citations]
        values: dict[str, Any] = dict.fromkeys(METRIC_KEYS)
        values.update(
            support=round(answer.confidence, 4),
            refusal_correct=m.refusal_correct(row.answerable, answer.refused),
            relevance=None,
        )
        if row.answerable:
            refs = self.references(row)
            values["relevance"] = refs.relevance
            if refs.relevance in ("chunks", "evidence"):
                values.update(m.ranking_metrics([h.chunk.id for h in hits], refs.relevant))
            elif refs.relevance == "documents":
                ranking = m.dedupe([h.chunk.document_id for h in hits])
                values.update(m.ranking_metrics(ranking, refs.relevant))
            first = m.first_sentence(answer.text)
            if row.key_facts:
                values["key_facts"] = 0.0 if answer.refused else m.key_fact_share(answer.text, row.key_facts)
                values["first_sentence_hit"] = (
                    0.0 if answer.refused else m.first_sentence_hit(first, row.key_facts)
                )
            if row.reference_answer:
                values["f1"] = 0.0 if answer.refused else m.token_f1(answer.text, row.reference_answer)
                values["span_f1"] = 0.0 if answer.refused else m.token_f1(first, row.reference_answer)
            if not answer.refused:
                values["citation_precision"] = m.citation_precision(
                    citations,
                    reference_chunk_ids=row.reference_chunk_ids or (),
                    evidence=row.evidence or "",
                    evidence_spans=refs.evidence_spans,
                    reference_answer=row.reference_answer or "",
                    reference_document_ids=row.reference_document_ids or (),
                )
        if self.judge is not None and not answer.refused and answer.generator != "extractive":
            score = self.judge(row.question, answer.text, [c.quote for c in answer.citations])
            values["faithfulness"] = None if score is None else max(0.0, min(1.0, float(score)))
        for key in METRIC_KEYS:
            if values[key] is not None:
                values[key] = round(values[key], 4)
        return {
            "answer": answer.text,
            "refused": answer.refused,
            "generator": answer.generator,
            "citations": citations,
            "retrieved": [
                {
                    "rank": i,
                    "chunk_id": h.chunk.id,
                    "document_id": h.chunk.document_id,
                    "score": round(h.score, 6),
                }
                for i, h in enumerate(hits, start=1)
            ],
            "metrics": values,
            "latency_ms": round(latency_ms, 2),
        }
