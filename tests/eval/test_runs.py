"""Evaluation runs with the fast fake embedder: execution, stored results, report, comparison."""

from __future__ import annotations

import json
from statistics import mean

import pytest
from sqlalchemy import func, select

from assistant.errors import InvalidRequest, NotFound
from assistant.eval.datasets import DatasetStore
from assistant.eval.runs import RunStore, execute_run, settings_snapshot, start_run_in_background
from assistant.store.models import Conversation, EvalResult
from tests.conftest import REPO


def _rows(answerable: int, unanswerable: int) -> list[dict]:
    rows = [
        json.loads(x)
        for x in (REPO / "evalsets" / "questions.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    return [r for r in rows if r["answerable"]][:answerable] + [r for r in rows if not r["answerable"]][
        :unanswerable
    ]


@pytest.fixture
def dataset(ingested, unique):
    """4 evidence rows, 2 unanswerable rows, and one row per other kind of reference."""
    store = DatasetStore(ingested.sessions)
    dataset = store.create(unique())
    store.import_rows(dataset.id, "\n".join(json.dumps(r, ensure_ascii=False) for r in _rows(4, 2)), "jsonl")
    chunk = next(c for c in ingested.retriever.chunks.values() if c.document_id == "about-scn")
    store.add_row(
        dataset.id, question="ما هي شبكة المدن القوية؟", reference_chunk_ids=[chunk.id], tags=["ref"]
    )
    store.add_row(
        dataset.id, question="ما هو إعلان ملبورن؟", reference_document_ids=["melbourne-declaration-2018"]
    )
    store.add_row(dataset.id, question="من نظم القمة العالمية؟", reference_answer="نظمتها شبكة المدن القوية")
    return dataset


def _run(ingested, run_store, dataset, threshold, label="", **kwargs):
    ingested.settings.refusal_threshold = threshold
    # the threshold alone decides what these runs refuse: the answer-type check reads the reader's
    # probabilities, which mean nothing over the fake embedder
    ingested.settings.answer_type_window = 0
    run = run_store.create_run(dataset.id, label, settings_snapshot(ingested.settings))
    assert run.status == "queued" and run.total == 9 and run.done == 0
    return run_store.execute_run(ingested, run.id, **kwargs)


def test_run_scores_every_row_without_storing_conversations(ingested, run_store, dataset):
    calls = []
    run = _run(ingested, run_store, dataset, -1.0, "answer all", progress=lambda d, t: calls.append((d, t)))
    assert run.status == "done" and run.error is None and run.finished_at is not None
    assert run_store.get_run(run.id).done == 9 and calls == [(i, 9) for i in range(1, 10)]
    assert run.config["refusal_threshold"] == -1.0 and "llm_api_key" not in run.config
    with ingested.sessions() as session:
        assert session.scalar(select(func.count(Conversation.id))) == 0
        results = session.scalars(select(EvalResult).where(EvalResult.run_id == run.id)).all()
    assert len(results) == 9 and all(r.latency_ms > 0 and len(r.retrieved) == 10 for r in results)

    report = run_store.report(run.id)
    json.dumps(report)  # serialisable
    assert report["run"]["label"] == "answer all" and report["run"]["dataset"]["name"] == dataset.name
    rows = report["rows"]
    assert [r["relevance"] for r in rows] == ["evidence"] * 4 + [None, None, "chunks", "documents", None]
    assert not any(r["refused"] for r in rows) and all(r["citations"] for r in rows)
    for row in rows[:4]:
        assert row["hit@5"] in (0.0, 1.0) and row["f1"] is not None and row["key_facts"] is not None
        assert row["citation_precision"] is not None and row["metrics"]["mrr@10"] == row["mrr@10"]
    assert rows[6]["hit@1"] is not None and rows[7]["ndcg@10"] is not None
    assert rows[8]["citation_precision"] is not None and rows[8]["hit@5"] is None  # reference answer only
    assert all(r["citation_precision"] is None for r in rows[4:6])  # unanswerable rows

    summary = report["summary"]
    assert (summary["rows"], summary["answerable"], summary["unanswerable"], summary["errors"]) == (
        9,
        7,
        2,
        0,
    )
    answerable = [r for r in rows if r["answerable"]]
    for key in ("hit@5", "mrr@10", "ndcg@10", "key_facts", "f1", "citation_precision"):
        values = [r[key] for r in answerable if r[key] is not None]
        assert summary[key] == pytest.approx(mean(values), abs=1e-4)
    assert summary["false_refusals"] == 0.0 and summary["correct_refusals"] == 0.0
    assert summary["refusal_accuracy"] == pytest.approx(7 / 9, abs=1e-4)
    assert summary["faithfulness"] is None  # no judge
    assert report["by_tag"]["unanswerable"]["rows"] == 2 and report["by_tag"]["ref"]["rows"] == 1
    assert len(report["distribution"]["support"]) == 9 and len(report["distribution"]["f1"]) == 5


def test_compare_flags_regressions_when_everything_is_refused(ingested, run_store, dataset):
    first = _run(ingested, run_store, dataset, -1.0, "answer all")
    second = _run(ingested, run_store, dataset, 99.0, "refuse all")
    assert run_store.report(second.id)["summary"]["false_refusals"] == 1.0
    assert [r.id for r in run_store.list_runs(dataset.id)] == [second.id, first.id]

    diff = run_store.compare(first.id, second.id)
    json.dumps(diff)
    assert diff["run_a"]["id"] == first.id and diff["run_b"]["id"] == second.id
    by_id = {p["external_id"]: p for p in diff["rows"] if p["external_id"]}
    answerable = [p for p in diff["rows"] if p["answerable"]]
    assert all("became_refused" in p["regressions"] for p in answerable)
    assert all(p["status"] in ("regression", "mixed") for p in answerable)
    unanswerable = [p for p in diff["rows"] if not p["answerable"]]
    assert all(p["status"] == "improvement" and p["improvements"] == ["became_refused"] for p in unanswerable)
    row = by_id[_rows(1, 0)[0]["id"]]
    assert row["a"]["refused"] is False and row["b"]["refused"] is True and row["answer_changed"]
    if row["a"]["metrics"]["f1"] > 0:
        assert "f1" in row["regressions"] and row["deltas"]["f1"] < 0
    assert diff["counts"]["regression"] + diff["counts"]["mixed"] == 7 and diff["counts"]["improvement"] == 2
    assert diff["summary"]["false_refusals"] == {"a": 0.0, "b": 1.0, "delta": 1.0, "better": False}
    assert diff["summary"]["correct_refusals"]["better"] is True
    assert diff["summary"]["rows"]["better"] is None

    same = run_store.compare(first.id, first.id)
    assert same["counts"]["unchanged"] == 9 and all(not p["regressions"] for p in same["rows"])


def test_failure_marks_the_run_failed_and_rows_errors_do_not(ingested, run_store, dataset, monkeypatch):
    store = DatasetStore(ingested.sessions)
    store.add_row(dataset.id, question="س" * (ingested.settings.max_message_chars + 1))
    run = run_store.create_run(dataset.id, config={})
    finished = execute_run(ingested, run.id)
    assert finished.status == "done" and finished.summary["errors"] == 1 and finished.summary["rows"] == 10
    assert finished.config["refusal_threshold"] == ingested.settings.refusal_threshold  # filled in
    assert "error" in run_store.report(run.id)["rows"][-1]
    with pytest.raises(InvalidRequest, match="already done"):
        run_store.execute_run(ingested, run.id)

    broken = run_store.create_run(dataset.id)

    def explode(question, history=()):
        raise RuntimeError("model crashed")

    monkeypatch.setattr(ingested, "answer", explode)
    failed = run_store.execute_run(ingested, broken.id)
    assert failed.status == "failed" and "model crashed" in failed.error and failed.finished_at is not None
    assert run_store.get_run(broken.id).status == "failed"
    monkeypatch.undo()
    retried = run_store.execute_run(ingested, broken.id)  # a failed run may be executed again
    assert retried.status == "done" and retried.error is None


def test_background_run_and_not_found(ingested, run_store, dataset, unique):
    run = run_store.create_run(dataset.id, "bg")
    thread = start_run_in_background(ingested, run.id)
    assert thread.daemon
    thread.join(timeout=60)
    assert not thread.is_alive() and run_store.get_run(run.id).status == "done"
    with pytest.raises(NotFound):
        run_store.get_run("nope")
    with pytest.raises(NotFound):
        run_store.create_run(unique("missing"))
    with pytest.raises(NotFound):
        run_store.report("nope")
    empty = DatasetStore(ingested.sessions).create(unique())
    with pytest.raises(InvalidRequest, match="no rows"):
        run_store.create_run(empty.id)


def test_compare_refuses_runs_of_different_datasets(ingested, run_store, dataset, unique):
    store = DatasetStore(ingested.sessions)
    other = store.create(unique())
    store.add_row(other.id, question="ما هي شبكة المدن القوية؟")
    a = run_store.create_run(dataset.id)
    b = run_store.create_run(other.id)
    with pytest.raises(InvalidRequest, match="different datasets"):
        run_store.compare(a.id, b.id)


class _LabelledGenerator:
    """Wraps the extractive composer and labels its answers as if an LLM wrote them."""

    def __init__(self, inner):
        self.inner = inner

    def generate(self, question, hits, evidence):
        answer = self.inner.generate(question, hits, evidence)
        answer.generator = "fake-llm"
        return answer


def test_faithfulness_judge_hook(ingested, run_store, dataset, monkeypatch):
    seen = []

    def judge(question, answer, quotes):
        seen.append((question, answer, list(quotes)))
        return 0.5

    extractive = _run(ingested, run_store, dataset, -1.0, faithfulness_judge=judge)
    assert seen == [] and extractive.summary["faithfulness"] is None  # extractive answers are not judged
    monkeypatch.setattr(ingested.pipeline, "generator", _LabelledGenerator(ingested.generator))
    judged = _run(ingested, run_store, dataset, -1.0, faithfulness_judge=judge)
    assert len(seen) == 9 and all(quotes for _, _, quotes in seen)
    assert judged.summary["faithfulness"] == 0.5
    assert RunStore(ingested.sessions).report(judged.id)["rows"][0]["generator"] == "fake-llm"


def test_a_run_without_a_recent_heartbeat_is_failed_as_interrupted(ingested, run_store, dataset):
    from datetime import timedelta

    from assistant.store.models import EvalRun, utcnow

    stalled = run_store.create_run(dataset.id, "killed")
    live = run_store.create_run(dataset.id, "alive")
    with ingested.sessions.begin() as session:
        session.get(EvalRun, stalled.id).status = "running"
        session.get(EvalRun, stalled.id).heartbeat_at = utcnow() - timedelta(minutes=20)
        session.get(EvalRun, live.id).status = "running"
        session.get(EvalRun, live.id).heartbeat_at = utcnow() - timedelta(minutes=5)
    by_id = {r.id: r for r in run_store.list_runs(dataset.id)}
    assert by_id[stalled.id].status == "failed" and "interrupted" in by_id[stalled.id].error
    assert by_id[live.id].status == "running" and by_id[live.id].error is None
    # a failed run can be executed again; the heartbeat moves with every row
    run = run_store.execute_run(ingested, stalled.id)
    assert run.status == "done" and run.error is None and run.heartbeat_at is not None
