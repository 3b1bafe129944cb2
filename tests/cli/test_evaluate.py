"""`assistant eval`: a dataset by name or a file imported once, a stored run, a table or JSON."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

import assistant.cli as cli
from assistant.cli import common
from assistant.config import get_settings
from assistant.errors import NotFound
from assistant.eval.datasets import DatasetStore
from tests.conftest import CACHE, REPO

runner = CliRunner()
QUESTIONS = REPO / "evalsets" / "questions.jsonl"


@pytest.fixture
def fake_cli(ingested, monkeypatch):
    monkeypatch.setattr(common, "open_assistant", lambda: ingested)
    return ingested


def _small_file(tmp_path, name, rows=4):
    lines = QUESTIONS.read_text(encoding="utf-8").splitlines()[:rows]
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_file_is_imported_once_and_reused_until_it_changes(fake_cli, tmp_path, unique):
    stem = unique("small")
    path = _small_file(tmp_path, f"{stem}.jsonl")
    first = runner.invoke(cli.app, ["eval", "--dataset", str(path), "--label", "one", "--json"])
    assert first.exit_code == 0, first.output
    report = json.loads(first.stdout)
    assert report["run"]["dataset"]["name"] == stem and report["run"]["label"] == "one"
    assert report["run"]["status"] == "done" and report["summary"]["rows"] == 4

    again = json.loads(runner.invoke(cli.app, ["eval", "--dataset", str(path), "--json"]).stdout)
    assert again["run"]["dataset"]["id"] == report["run"]["dataset"]["id"]
    assert again["run"]["id"] != report["run"]["id"]

    _small_file(tmp_path, f"{stem}.jsonl", rows=5)  # the file changed: a new dataset
    changed = json.loads(runner.invoke(cli.app, ["eval", "--dataset", str(path), "--json"]).stdout)
    assert changed["run"]["dataset"]["name"] == f"{stem}-2" and changed["summary"]["rows"] == 5
    store = DatasetStore(fake_cli.sessions)
    assert len(store.rows(stem)) == 4

    by_name = runner.invoke(cli.app, ["eval", "--dataset", f"{stem}-2"])
    assert by_name.exit_code == 0, by_name.output
    assert f"dataset '{stem}-2'" in by_name.stdout and "hit@5" in by_name.stdout
    assert "by tag:" in by_name.stdout and "factoid" in by_name.stdout


def test_csv_file_and_errors(fake_cli, tmp_path, unique):
    store = DatasetStore(fake_cli.sessions)
    source = store.create(unique())
    store.import_rows(
        source.id, _small_file(tmp_path, "src.jsonl", rows=3).read_text(encoding="utf-8"), "jsonl"
    )
    stem = unique("csv")
    path = tmp_path / f"{stem}.csv"
    path.write_text(store.export(source.id, "csv"), encoding="utf-8")
    result = runner.invoke(cli.app, ["eval", "--dataset", str(path), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["summary"]["rows"] == 3

    missing = runner.invoke(cli.app, ["eval", "--dataset", str(tmp_path / "nope.jsonl")])
    assert missing.exit_code == 2 and "No file" in missing.stderr and "Traceback" not in missing.output
    unknown = runner.invoke(cli.app, ["eval", "--dataset", unique("no-such-dataset")])
    assert unknown.exit_code == 2 and "No evaluation dataset" in unknown.stderr
    bad = tmp_path / f"{unique('bad')}.jsonl"
    bad.write_text('{"id": "x", "question": ""}\n', encoding="utf-8")
    broken = runner.invoke(cli.app, ["eval", "--dataset", str(bad)])
    assert broken.exit_code == 2 and "line 1" in broken.stderr
    with pytest.raises(NotFound):  # nothing was created for the bad file
        store.get(bad.stem)


@pytest.mark.model
def test_eval_questions_with_the_real_model(real_assistant, monkeypatch):
    """The held-out set through the CLI as a user runs it (real model, ingested data dir)."""
    env = {"ASSISTANT_DATA_DIR": str(real_assistant.settings.data_dir), "ASSISTANT_CACHE_DIR": str(CACHE)}
    monkeypatch.chdir(REPO)
    get_settings.cache_clear()
    try:
        result = runner.invoke(cli.app, ["eval", "--dataset", "evalsets/questions.jsonl", "--json"], env=env)
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    summary = report["summary"]
    assert report["run"]["dataset"]["name"].startswith("questions") and report["run"]["status"] == "done"
    assert (summary["rows"], summary["answerable"], summary["unanswerable"]) == (55, 42, 13)
    assert summary["hit@5"] > 0.8 and summary["mrr@10"] > 0.6 and summary["key_facts"] > 0.6
    assert summary["refusal_accuracy"] > 0.7 and summary["false_refusals"] < 0.2
    assert 0 < summary["citation_precision"] <= 1 and 0 < summary["f1"] < 1
    assert {r["relevance"] for r in report["rows"] if r["answerable"]} == {"evidence"}
    assert report["by_tag"]["english"]["rows"] == 8
