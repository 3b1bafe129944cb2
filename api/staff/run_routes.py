"""Evaluation runs: the list, a run's progress (polled as JSON), its report with server-drawn SVG
charts, the JSON export, and the row-by-row comparison of two runs."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import Form, Request
from fastapi.responses import JSONResponse, Response

from api.staff import charts
from api.staff.i18n import metric_labels, translate
from api.staff.render import flash, lang_of, redirect, render
from api.staff.security import AdminDep, PageNotFound, UserDep, staff_router
from assistant.errors import InvalidRequest, NotFound
from assistant.eval.datasets import DatasetStore
from assistant.eval.reports import LOWER_IS_BETTER, NEUTRAL
from assistant.eval.runs import RunStore, settings_snapshot, start_run_in_background
from assistant.eval.scoring import METRIC_KEYS
from assistant.store.models import EvalRun

log = logging.getLogger("api.staff")
router = staff_router()
SCORE_KEYS = (*METRIC_KEYS, "refusal_accuracy", "correct_refusals", "false_refusals", "support")
ROW_COLUMNS = ("hit@5", "mrr@10", "key_facts", "f1", "citation_precision", "support")
STATUS_ORDER = ("regression", "mixed", "improvement", "only_a", "only_b", "unchanged")


def runs(request: Request) -> RunStore:
    return RunStore(request.app.state.assistant.sessions)


def _run(store: RunStore, run_id: str) -> EvalRun:
    try:
        return store.get_run(run_id[:64])
    except NotFound:
        raise PageNotFound("not_found", f"No evaluation run with id '{run_id[:64]}'.") from None


def run_name(run: EvalRun | dict[str, Any]) -> str:
    label = run["label"] if isinstance(run, dict) else run.label
    created = run["created_at"] if isinstance(run, dict) else run.created_at
    when = created if isinstance(created, str) else (created.isoformat() if created else "")
    return label or when[:16].replace("T", " ")


def previous_run(store: RunStore, run: EvalRun) -> EvalRun | None:
    for other in store.list_runs(run.dataset_id):  # newest first
        if other.id != run.id and other.status == "done" and other.created_at < run.created_at:
            return other
    return None


def score_metrics(*summaries: dict[str, Any]) -> list[str]:
    return [k for k in SCORE_KEYS if any(isinstance(s.get(k), int | float) for s in summaries)]


def runs_page(request: Request, status_code: int = 200, error: str | None = None, form=None) -> Response:
    datasets = DatasetStore(request.app.state.assistant.sessions).list()
    names = {d["id"]: d["name"] for d in datasets}
    return render(
        request,
        "staff/runs.html",
        status_code,
        runs=runs(request).list_runs(),
        dataset_names=names,
        datasets=[d for d in datasets if d["rows"]],
        run_name=run_name,
        error=error,
        form=form or {},
    )


@router.get("/runs")
def list_page(request: Request, user: UserDep) -> Response:
    return runs_page(request)


@router.post("/runs")
def start_run(
    request: Request,
    user: AdminDep,
    dataset_id: str = Form("", max_length=200),
    label: str = Form("", max_length=200),
) -> Response:
    """Start an evaluation run of a dataset from the runs page (admins)."""
    assistant = request.app.state.assistant
    try:
        if not dataset_id:
            raise InvalidRequest("Choose a dataset.")
        run = runs(request).create_run(dataset_id, label, settings_snapshot(assistant.settings))
    except (InvalidRequest, NotFound) as exc:
        return runs_page(request, 422, exc.message, {"dataset_id": dataset_id, "label": label})
    start_run_in_background(assistant, run.id)
    log.info("evaluation run %s started by %r from the runs page", run.id, user.username)
    return redirect(f"/staff/runs/{run.id}")


@router.post("/runs/{run_id}/cancel")
def cancel_run(request: Request, run_id: str, user: AdminDep) -> Response:
    """Stop a queued or running run (admins); the rows done so far are kept."""
    store = runs(request)
    run = _run(store, run_id)
    try:
        store.cancel(run.id, by=user.username)
    except InvalidRequest as exc:
        flash(request, "run_not_cancelled", kind="error", extra=exc.message)
        return redirect(f"/staff/runs/{run.id}")
    log.info("evaluation run %s cancelled by %r", run.id, user.username)
    flash(request, "run_cancelled")
    back = str(request.query_params.get("back", ""))
    return redirect("/staff/runs" if back == "runs" else f"/staff/runs/{run.id}")


@router.get("/runs/compare")
def compare_page(request: Request, user: UserDep, a: str = "", b: str = "") -> Response:
    store = runs(request)
    run_a, run_b = _run(store, a), _run(store, b)
    try:
        result = store.compare(run_a.id, run_b.id)
    except InvalidRequest as exc:
        return render(request, "staff/error.html", 422, message=exc.message, title_key="compare_title")
    pairs = sorted(result["rows"], key=lambda p: STATUS_ORDER.index(p["status"]))
    lang = lang_of(request)
    side_a = {k: v["a"] for k, v in result["summary"].items()}
    side_b = {k: v["b"] for k, v in result["summary"].items()}
    shown = score_metrics(side_a, side_b)
    chart = charts.bar_chart(
        shown,
        [(f"A: {run_name(result['run_a'])}", side_a), (f"B: {run_name(result['run_b'])}", side_b)],
        title=translate("metrics_chart", lang),
        empty=translate("chart_no_data", lang),
        testid="chart-compare",
        labels=metric_labels(shown, lang),
        lower_is_better=LOWER_IS_BETTER,
        lower_note=translate("lower_is_better", lang),
    )
    siblings = store.list_runs(run_a.dataset_id)
    return render(
        request,
        "staff/compare.html",
        result=result,
        pairs=pairs,
        chart=chart,
        run_a=run_a,
        run_b=run_b,
        siblings=siblings,
        run_name=run_name,
        metric_keys=METRIC_KEYS,
        lower_is_better=LOWER_IS_BETTER,
    )


@router.get("/runs/{run_id}/progress")
def progress(request: Request, run_id: str, user: UserDep) -> JSONResponse:
    store = runs(request)
    try:
        run = store.get_run(run_id[:64])
    except NotFound as exc:
        return JSONResponse({"error": "not_found", "message": exc.message}, status_code=404)
    return JSONResponse(
        {"id": run.id, "status": run.status, "done": run.done, "total": run.total, "error": run.error},
        headers={"Cache-Control": "no-store"},
    )


@router.get("/runs/{run_id}/report.json")
def report_json(request: Request, run_id: str, user: UserDep) -> JSONResponse:
    store = runs(request)
    try:
        report = store.report(run_id[:64])
    except NotFound as exc:
        return JSONResponse({"error": "not_found", "message": exc.message}, status_code=404)
    filename = f"run-{report['run']['id'][:12]}.json"
    return JSONResponse(report, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@router.get("/runs/{run_id}")
def run_page(request: Request, run_id: str, user: UserDep) -> Response:
    store = runs(request)
    run = _run(store, run_id)
    if run.status != "done":
        return render(request, "staff/run_progress.html", run=run, run_name=run_name)
    lang = lang_of(request)
    report = store.report(run.id)
    previous = previous_run(store, run)
    summary = report["summary"]
    prev_summary = (previous.summary or {}) if previous else {}
    metrics = score_metrics(summary, prev_summary)
    series = [(f"{translate('this_run', lang)}: {run_name(run)}", summary)]
    if previous:
        series.append((f"{translate('previous_run', lang)}: {run_name(previous)}", prev_summary))
    summary_rows = []
    for key, value in summary.items():
        prev = prev_summary.get(key) if previous else None
        delta = better = None
        if isinstance(value, int | float) and isinstance(prev, int | float) and not isinstance(value, bool):
            delta = round(value - prev, 4)
            if key not in NEUTRAL and abs(delta) > 1e-9:
                better = delta < 0 if key in LOWER_IS_BETTER else delta > 0
        summary_rows.append((key, value, prev, delta, better))
    empty = translate("chart_no_data", lang)
    metric_chart = charts.bar_chart(
        metrics,
        series,
        title=translate("metrics_chart", lang),
        empty=empty,
        labels=metric_labels(metrics, lang),
        lower_is_better=LOWER_IS_BETTER,
        lower_note=translate("lower_is_better", lang),
    )
    tag_chart = charts.heat_table(
        report["by_tag"],
        title=translate("by_tag", lang),
        rows_label=translate("rows", lang),
        empty=empty,
        labels=metric_labels({k for v in report["by_tag"].values() for k in v}, lang),
        lower_is_better=LOWER_IS_BETTER,
    )
    histograms = [
        (
            key,
            charts.histogram(
                report["distribution"].get(key, []),
                title=f"{translate('distribution', lang)}: {metric_labels([key], lang)[key]}",
                empty=empty,
                testid=f"chart-distribution-{key}",
                colour=colour,
            ),
        )
        for key, colour in (("support", "#1d4ed8"), ("f1", "#059669"))
    ]
    return render(
        request,
        "staff/report.html",
        run=run,
        report=report,
        previous=previous,
        prev_summary=prev_summary,
        metric_chart=metric_chart,
        tag_chart=tag_chart,
        histograms=histograms,
        row_columns=ROW_COLUMNS,
        run_name=run_name,
        summary_rows=summary_rows,
        lower_is_better=LOWER_IS_BETTER,
    )
