"""The in-memory runner the benchmark scripts use scores exactly like a stored run."""

from __future__ import annotations

import json

import pytest

from assistant.errors import InvalidRequest
from assistant.eval.dataset import load_rows
from assistant.eval.datasets import DatasetStore
from assistant.eval.runner import evaluate, relevant_chunks
from assistant.eval.runs import RunStore, settings_snapshot
from assistant.store.documents import DocumentStore
from tests.conftest import REPO


def _file(tmp_path, n_answerable=5, n_unanswerable=2):
    lines = (REPO / "evalsets" / "questions.jsonl").read_text(encoding="utf-8").splitlines()
    rows = [json.loads(x) for x in lines]
    chosen = [r for r in rows if r["answerable"]][:n_answerable]
    chosen += [r for r in rows if not r["answerable"]][:n_unanswerable]
    path = tmp_path / "rows.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in chosen), encoding="utf-8")
    return path


def test_file_rows_score_like_a_stored_run(ingested, tmp_path, unique):
    path = _file(tmp_path)
    report = evaluate(ingested, load_rows(path))

    datasets = DatasetStore(ingested.sessions)
    dataset = datasets.create(unique())
    datasets.import_rows(dataset.id, path.read_text(encoding="utf-8"), "jsonl")
    runs = RunStore(ingested.sessions)
    run = runs.execute_run(ingested, runs.create_run(dataset.id, "", settings_snapshot(ingested.settings)).id)

    stored, ours = run.summary, report.summary()
    for key in ("hit@5", "mrr@10", "key_facts", "refusal_accuracy", "correct_refusals", "false_refusals"):
        assert ours[key] == stored[key], key
    assert ours["rows"] == 7 and ours["answerable"] == 5
    assert [r.id for r in report.rows] == [json.loads(x)["id"] for x in path.read_text().splitlines()]
    assert all(r.hit_at_5 is None for r in report.rows if not r.answerable)


def test_relevant_chunks_overlap_the_evidence(ingested, tmp_path):
    row = load_rows(_file(tmp_path, 1, 0))[0]
    relevant = relevant_chunks(ingested, row)
    assert relevant
    for cid in relevant:
        chunk = ingested.retriever.chunks[cid]
        text = DocumentStore(ingested.sessions).text(chunk.document_id)
        start = text.find(row.evidence)
        assert chunk.start < start + len(row.evidence) and chunk.end > start


def test_a_bad_file_names_its_lines(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "a", "question": "سؤال"}\nnot json\n{"id": "a", "question": "مكرر"}\n')
    with pytest.raises(InvalidRequest, match="line 2.*line 3"):
        load_rows(path)
    with pytest.raises(InvalidRequest, match="does not exist"):
        load_rows(tmp_path / "missing.jsonl")
