"""`assistant serve` and `assistant purge`: the HTTP API, and the retention of what it stores.

The app is named by import string (``api.main:create_app``), so this package does not import the
web layer above it; uvicorn imports it in the serving process.
"""

from __future__ import annotations

from typing import Annotated

import typer

from assistant.cli import common
from assistant.config import server_options
from assistant.errors import AssistantError, InvalidRequest

APP_FACTORY = "api.main:create_app"  # create_app() reads the same settings (get_settings) as the CLI


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

    settings = common.settings()  # bad settings fail here, before uvicorn starts
    if workers > 1 and not settings.chroma_url:
        typer.echo(
            "warning: several workers on the embedded Chroma; set ASSISTANT_CHROMA_URL to a Chroma "
            "server for a shared index (docs/deploy.md).",
            err=True,
        )
    # with several workers, each worker process builds its own app (and Assistant) from the same environment;
    # forwarded headers are believed only from ASSISTANT_TRUSTED_PROXIES (config.server_options)
    uvicorn.run(
        APP_FACTORY,
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
        **server_options(settings),
    )


def purge(
    days: Annotated[int | None, typer.Option("--days", help="Default: ASSISTANT_RETENTION_DAYS.")] = None,
) -> None:
    """Delete conversations, messages, answers and their feedback older than N days."""
    from assistant.store.retention import purge_older_than

    days = days if days is not None else common.settings().retention_days
    try:
        if days < 1:
            raise InvalidRequest("Retention must be at least 1 day: use --days or ASSISTANT_RETENTION_DAYS.")
        counts = purge_older_than(common.open_sessions(), days)
    except AssistantError as exc:
        common.fail(exc)
        return
    typer.echo(", ".join(f"{n} {name}" for name, n in counts.items()) + f" deleted (older than {days} days).")
