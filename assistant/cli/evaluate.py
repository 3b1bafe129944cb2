"""`assistant eval --dataset NAME|FILE [--label L] [--json]`: evaluate a dataset as a stored run.

``--dataset`` is a dataset name in the database, or a JSONL/CSV file (schema in evalsets/README.md).
A file is imported into a dataset named after its stem (``questions`` for evalsets/questions.jsonl).
When a dataset of that name already exists it is reused if it holds exactly the file's rows;
otherwise the next free or identical ``stem-2``, ``stem-3``, … is used, so an edited file never
mixes with, or overwrites, the rows earlier runs were scored on.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from assistant.cli import common
from assistant.errors import AssistantError, InvalidRequest, NotFound

TABLE_KEYS = (
    "hit@1",
    "hit@5",
    "recall@5",
    "recall@10",
    "mrr@10",
    "ndcg@10",
    "key_facts",
    "f1",
    "citation_precision",
    "faithfulness",
    "refusal_accuracy",
    "correct_refusals",
    "false_refusals",
    "support",
    "latency_ms_p50",
    "latency_ms_p95",
)
TAG_KEYS = ("hit@5", "mrr@10", "key_facts", "f1", "citation_precision", "refusal_accuracy")


def resolve_dataset(store: Any, value: str) -> tuple[Any, str]:
    """(dataset, how): how is "named", "imported" or "reused"."""
    path = Path(value)
    if not path.is_file():
        try:
            return store.get(value), "named"
        except NotFound:
            if path.suffix.lower() in (".jsonl", ".csv") or "/" in value:
                raise InvalidRequest(f"No file '{value}' and no dataset with that name.") from None
            raise
    from assistant.eval import dataset_io

    fmt = "csv" if path.suffix.lower() == ".csv" else "jsonl"
    text = path.read_text(encoding="utf-8")
    dataset_io.parse(text, fmt)  # report a bad file before creating anything
    stem, number = path.stem, 1
    while True:
        name = stem if number == 1 else f"{stem}-{number}"
        try:
            existing = store.get(name)
        except NotFound:
            dataset = store.create(name, f"imported from {path.name}")
            store.import_rows(dataset.id, text, fmt)
            return dataset, "imported"
        if existing.name == name and store.same_content(existing.id, text, fmt):
            return existing, "reused"
        number += 1


def _cell(value: Any) -> str:
    if value is None:
        return "–"
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def print_report(report: dict[str, Any]) -> None:
    run, summary = report["run"], report["summary"]
    label = f", label '{run['label']}'" if run["label"] else ""
    typer.echo(
        f"run {run['id']} on dataset '{run['dataset']['name']}'{label}: {summary['rows']} rows "
        f"({summary['answerable']} answerable, {summary['unanswerable']} unanswerable, "
        f"{summary['errors']} errors)"
    )
    typer.echo(f"  {'metric':<20} value")
    for key in TABLE_KEYS:
        if summary.get(key) is not None:
            typer.echo(f"  {key:<20} {_cell(summary[key])}")
    if report["by_tag"]:
        typer.echo("by tag:")
        columns = [(k, max(len(k), 6) + 2) for k in TAG_KEYS]
        typer.echo("  " + f"{'tag':<20}{'rows':>6}" + "".join(f"{k:>{w}}" for k, w in columns))
        for tag, values in report["by_tag"].items():
            cells = "".join(f"{_cell(values.get(k)):>{w}}" for k, w in columns)
            typer.echo(f"  {tag:<20}{values['rows']:>6}{cells}")


def eval_command(
    dataset: Annotated[
        str,
        typer.Option("--dataset", help="Dataset name, or a JSONL/CSV question file (evalsets/README.md)."),
    ] = "evalsets/questions.jsonl",
    label: Annotated[str, typer.Option("--label", help="A label for the run.")] = "",
    as_json: Annotated[bool, typer.Option("--json", help="Print the full report as JSON.")] = False,
) -> None:
    """Evaluate a dataset as a stored run: retrieval (hit@k, recall, MRR, nDCG), answers (key facts,
    token F1, citation precision) and refusals; prints the summary and a by-tag breakdown."""
    from tqdm import tqdm

    from assistant.eval.datasets import DatasetStore
    from assistant.eval.runs import RunStore, settings_snapshot

    try:
        assistant = common.open_assistant()
        assistant.require_index()
        found, how = resolve_dataset(DatasetStore(assistant.sessions), dataset)
        runs = RunStore(assistant.sessions)
        run = runs.create_run(found.id, label, settings_snapshot(assistant.settings))
        if not as_json:
            typer.echo(f"dataset '{found.name}' ({how})", err=True)
        with tqdm(total=run.total, desc="Evaluating", unit="q", disable=as_json) as bar:
            run = runs.execute_run(assistant, run.id, lambda done, total: bar.update(done - bar.n))
        if run.status != "done":
            raise InvalidRequest(f"The evaluation run failed: {run.error}")
        report = runs.report(run.id)
    except AssistantError as exc:
        common.fail(exc)
        return
    if as_json:
        typer.echo(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print_report(report)
