"""`python -m assistant.cli`: the same as the `assistant` command."""

from assistant.cli import app

app()
