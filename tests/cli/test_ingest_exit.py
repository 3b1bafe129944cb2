"""`assistant ingest` tells scripts when files failed (issue 15): exit 1, or 0 with --allow-failures."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from assistant import cli
from assistant.cli import common
from assistant.store.stores import Stores

runner = CliRunner()


@pytest.fixture
def fake_cli(settings, fake_embedder, monkeypatch):
    monkeypatch.setattr(common, "open_stores", lambda: Stores.open(settings, embedder=fake_embedder))


def test_failed_files_make_ingest_exit_non_zero(fake_cli, corpus_copy):
    (corpus_copy / "broken.pdf").write_bytes(b"%PDF-1.4 this is not really a pdf")
    result = runner.invoke(cli.app, ["ingest", "--documents", str(corpus_copy), "--json"])
    assert result.exit_code == 1, result.output
    assert "skipped broken.pdf" in result.stderr
    report = json.loads(result.stdout)
    assert [name for name, _ in report["failed"]] == ["broken.pdf"] and len(report["added"]) == 5
    allowed = runner.invoke(cli.app, ["ingest", "--documents", str(corpus_copy), "--allow-failures"])
    assert allowed.exit_code == 0, allowed.output
    assert "1 failed" in allowed.stdout


def test_a_clean_ingest_exits_zero(fake_cli, corpus_copy):
    result = runner.invoke(cli.app, ["ingest", "--documents", str(corpus_copy)])
    assert result.exit_code == 0, result.output
    assert "0 failed" in result.stdout
