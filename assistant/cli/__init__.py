"""The `assistant` command: ingest, ask, search, serve, purge, build-model, eval, train-reader, staff.

One module per command group: ingest.py (ingest, build-model), ask.py (ask, search), server.py
(serve, purge), evaluate.py (eval), staff.py (staff …); common.py holds what they share.
"""

from __future__ import annotations

import logging
from typing import Annotated

import typer

from assistant.cli import ask, evaluate, ingest, reader, server
from assistant.cli.staff import staff_app

app = typer.Typer(
    add_completion=False, no_args_is_help=True, help="Strong Cities Network assistant (Arabic RAG)."
)
app.add_typer(staff_app, name="staff")


@app.callback()
def main(
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log progress details.")] = False,
) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )


app.command()(ingest.ingest)
app.command()(ask.ask)
app.command()(ask.search)
app.command()(server.serve)
app.command()(server.purge)
app.command("build-model")(ingest.build_model)
app.command("eval")(evaluate.eval_command)
app.command("train-reader")(reader.train_reader)
