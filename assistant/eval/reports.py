"""Summaries, JSON reports and run-to-run comparisons of evaluation runs.

Summary keys: ``rows``, ``answerable``, ``unanswerable``, ``errors``; the means over answerable
rows of hit@1, hit@5, recall@5, recall@10, mrr@10, ndcg@10, key_facts, f1, citation_precision and
faithfulness (None when no row has the metric); ``refusal_accuracy`` (all rows: answered when
answerable, refused when not), ``correct_refusals`` (refusal accuracy on unanswerable rows),
``false_refusals`` (share of answerable rows refused); ``support`` (mean support score) and
latency p50/p95 in ms.
"""

from __future__ import annotations

from collections import defaultdict
from statistics import mean, median, quantiles
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from assistant.errors import InvalidRequest, NotFound
from assistant.eval import metrics as m
from assistant.eval.scoring import METRIC_KEYS
from assistant.store.models import EvalDataset, EvalResult, EvalRowRecord, EvalRun

EPS = 1e-9
LOWER_IS_BETTER = {"false_refusals", "errors", "latency_ms_p50", "latency_ms_p95"}
NEUTRAL = {"rows", "answerable", "unanswerable", "support"}
DISTRIBUTIONS = ("support", "f1", "key_facts", "citation_precision", "mrr@10", "latency_ms")


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def item(row: EvalRowRecord, fields: dict[str, Any]) -> dict[str, Any]:
    """What summaries need of one scored row."""
    return {
        "answerable": bool(row.answerable),
        "refused": bool(fields.get("refused", False)),
        "metrics": fields.get("metrics") or {},
        "latency_ms": fields.get("latency_ms", 0.0),
    }


def summarize(items: list[dict[str, Any]]) -> dict[str, Any]:
    ok = [i for i in items if "error" not in i["metrics"]]
    answerable = [i for i in ok if i["answerable"]]
    unanswerable = [i for i in ok if not i["answerable"]]
    out: dict[str, Any] = {
        "rows": len(items),
        "answerable": len(answerable),
        "unanswerable": len(unanswerable),
        "errors": len(items) - len(ok),
    }
    for key in METRIC_KEYS:
        out[key] = _r(m.aggregate([i["metrics"].get(key) for i in answerable])["score"])
    out["refusal_accuracy"] = _r(
        m.refusal_accuracy([i["answerable"] for i in ok], [i["refused"] for i in ok])
    )
    out["correct_refusals"] = _r(m.correct_refusal_rate([i["refused"] for i in unanswerable]))
    out["false_refusals"] = _r(m.false_refusal_rate([i["refused"] for i in answerable]))
    supports = [i["metrics"]["support"] for i in ok if i["metrics"].get("support") is not None]
    out["support"] = _r(mean(supports)) if supports else None
    latencies = [float(i["latency_ms"]) for i in ok]
    out["latency_ms_p50"] = round(median(latencies), 1) if latencies else None
    p95 = quantiles(latencies, n=20, method="inclusive")[-1] if len(latencies) > 1 else None
    out["latency_ms_p95"] = round(p95, 1) if p95 is not None else out["latency_ms_p50"]
    return out


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def run_meta(run: EvalRun, dataset: EvalDataset | None) -> dict[str, Any]:
    return {
        "id": run.id,
        "label": run.label,
        "status": run.status,
        "done": run.done,
        "total": run.total,
        "error": run.error,
        "dataset": {"id": run.dataset_id, "name": dataset.name if dataset else None},
        "created_at": _iso(run.created_at),
        "finished_at": _iso(run.finished_at),
        "config": run.config or {},
    }


def _load(sessions: sessionmaker, run_id: str):
    with sessions() as session:
        run = session.get(EvalRun, run_id) if run_id else None
        if run is None:
            raise NotFound(f"No evaluation run with id '{str(run_id)[:64]}'.")
        dataset = session.get(EvalDataset, run.dataset_id)
        pairs = session.execute(
            select(EvalResult, EvalRowRecord)
            .join(EvalRowRecord, EvalResult.row_id == EvalRowRecord.id)
            .where(EvalResult.run_id == run.id)
            .order_by(EvalRowRecord.created_at, EvalRowRecord.external_id)
        ).all()
    return run, dataset, pairs


def report(sessions: sessionmaker, run_id: str) -> dict[str, Any]:
    """JSON-serialisable report: run, summary, by_tag, distribution (per-row scores for
    histograms) and rows (metrics spread into each row and also under ``metrics``). A run still
    going gets a summary of the rows done so far."""
    run, dataset, pairs = _load(sessions, run_id)
    items = [
        item(row, {"refused": r.refused, "metrics": r.metrics, "latency_ms": r.latency_ms})
        for r, row in pairs
    ]
    summary = run.summary if run.status == "done" and run.summary else summarize(items)
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for (_, row), entry in zip(pairs, items, strict=True):
        for tag in row.tags or []:
            groups[tag].append(entry)
    distribution: dict[str, list[float]] = {key: [] for key in DISTRIBUTIONS}
    for entry in items:
        for key in DISTRIBUTIONS:
            value = entry["latency_ms"] if key == "latency_ms" else entry["metrics"].get(key)
            if value is not None and "error" not in entry["metrics"]:
                distribution[key].append(value)
    rows = []
    for result, row in pairs:
        metrics = dict(result.metrics or {})
        rows.append(
            {
                **metrics,
                "row_id": row.id,
                "result_id": result.id,
                "external_id": row.external_id,
                "question": row.question,
                "tags": list(row.tags or []),
                "answerable": row.answerable,
                "answer": result.answer,
                "refused": result.refused,
                "generator": result.generator,
                "citations": result.citations or [],
                "retrieved": result.retrieved or [],
                "latency_ms": result.latency_ms,
                "metrics": metrics,
                "answer_id": row.source_answer_id,
            }
        )
    return {
        "run": run_meta(run, dataset),
        "summary": summary,
        "by_tag": {tag: summarize(group) for tag, group in sorted(groups.items())},
        "distribution": distribution,
        "rows": rows,
    }


def _row_changes(row_a: dict[str, Any], row_b: dict[str, Any]) -> dict[str, Any]:
    deltas, regressions, improvements = {}, [], []
    for key in METRIC_KEYS:
        a, b = row_a["metrics"].get(key), row_b["metrics"].get(key)
        if a is None or b is None:
            continue
        deltas[key] = round(b - a, 4)
        if b < a - EPS:
            regressions.append(key)
        elif b > a + EPS:
            improvements.append(key)
    if row_a["refused"] != row_b["refused"]:
        if row_a["answerable"]:
            (regressions if row_b["refused"] else improvements).append(
                "became_refused" if row_b["refused"] else "became_answered"
            )
        else:
            (improvements if row_b["refused"] else regressions).append(
                "became_refused" if row_b["refused"] else "became_answered"
            )
    status = (
        "mixed"
        if regressions and improvements
        else ("regression" if regressions else "improvement" if improvements else "unchanged")
    )
    return {
        "deltas": deltas,
        "regressions": regressions,
        "improvements": improvements,
        "status": status,
        "answer_changed": row_a["answer"] != row_b["answer"],
    }


def _side(row: dict[str, Any] | None) -> dict[str, Any] | None:
    if row is None:
        return None
    return {k: row[k] for k in ("result_id", "answer", "refused", "generator", "citations", "metrics")}


def compare(sessions: sessionmaker, run_a: str, run_b: str) -> dict[str, Any]:
    """Row pairs of two runs over the same dataset (b against a): per-metric deltas, regressions
    (a metric got worse, an answerable row became refused, an unanswerable one became answered),
    improvements, and summary deltas with whether each moved the better way."""
    a, b = report(sessions, run_a), report(sessions, run_b)
    if a["run"]["dataset"]["id"] != b["run"]["dataset"]["id"]:
        raise InvalidRequest("The two runs are over different datasets; compare runs of one dataset.")
    rows_a = {r["row_id"]: r for r in a["rows"]}
    rows_b = {r["row_id"]: r for r in b["rows"]}
    ids = list(rows_a) + [i for i in rows_b if i not in rows_a]
    pairs, counts = (
        [],
        dict.fromkeys(("regression", "improvement", "mixed", "unchanged", "only_a", "only_b"), 0),
    )
    for row_id in ids:
        ra, rb = rows_a.get(row_id), rows_b.get(row_id)
        base = ra or rb
        pair = {k: base[k] for k in ("row_id", "external_id", "question", "tags", "answerable")}
        pair.update(a=_side(ra), b=_side(rb))
        if ra and rb:
            pair.update(_row_changes(ra, rb))
        else:
            pair.update(deltas={}, regressions=[], improvements=[], answer_changed=True)
            pair["status"] = "only_a" if ra else "only_b"
        counts[pair["status"]] += 1
        pairs.append(pair)
    summary = {}
    for key, va in a["summary"].items():
        vb = b["summary"].get(key)
        if not isinstance(va, int | float) or not isinstance(vb, int | float):
            summary[key] = {"a": va, "b": vb, "delta": None, "better": None}
            continue
        delta = round(vb - va, 4)
        better = None
        if key not in NEUTRAL and abs(delta) > EPS:
            better = (delta < 0) if key in LOWER_IS_BETTER else (delta > 0)
        summary[key] = {"a": va, "b": vb, "delta": delta, "better": better}
    return {"run_a": a["run"], "run_b": b["run"], "summary": summary, "counts": counts, "rows": pairs}
