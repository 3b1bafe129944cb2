"""`assistant search` and `assistant ask` take the filters as options (real Chroma and SQLite, the
fake embedder); a bad value prints the API's message and exits 2, like every other error."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from assistant import cli
from assistant.chat.service import Assistant
from assistant.cli import common
from tests.conftest import ingest_into

runner = CliRunner()


@pytest.fixture
def filtered_cli(settings, fake_embedder, corpus_copy, monkeypatch):
    settings.refusal_threshold = 0.0
    assistant = Assistant(settings, embedder=fake_embedder)
    ingest_into(assistant, corpus_copy, progress=False)
    monkeypatch.setattr(common, "open_assistant", lambda: assistant)


def test_search_and_ask_honour_filter_options(filtered_cli):
    result = runner.invoke(
        cli.app, ["search", "شبكة المدن القوية", "--k", "10", "--json", "--kind", "event_report",
                  "--date-from", "2023-01-01"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    found = {r["document_id"] for r in json.loads(result.stdout)["results"]}
    assert found == {"fifth-global-summit-nlc-2024", "south-asia-regional-workshop-2023"}
    result = runner.invoke(
        cli.app, ["ask", "ما هي شبكة المدن القوية؟", "--json", "--document", "melbourne-declaration-2018"]
    )
    assert result.exit_code == 0, result.output
    cited = {c["document_id"] for c in json.loads(result.stdout)["citations"]}
    assert cited == {"melbourne-declaration-2018"}


def test_a_bad_filter_option_is_reported(filtered_cli):
    result = runner.invoke(cli.app, ["search", "القمة", "--date-to", "2024-13-40"])
    assert result.exit_code == 2
    assert "error: filters.date_to '2024-13-40' is not a date" in result.stderr
