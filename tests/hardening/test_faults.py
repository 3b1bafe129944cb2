"""Faults: kill -9 during ingestion (a real subprocess running the real CLI)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from assistant.chat.service import Assistant
from assistant.config import Settings
from assistant.ingest.run import ingest
from assistant.store.documents import DocumentStore
from assistant.store.models import DocumentRecord
from assistant.store.stores import Stores
from tests.conftest import ingest_into

ASSISTANT = str(Path(sys.executable).with_name("assistant"))


def consistent(assistant: Assistant) -> None:
    """Chroma, BM25 and the SQL catalogue agree on the set of chunks."""
    assistant.retriever.reload()
    chroma_ids = {c.id for c, _ in assistant.store.iter_chunks()}
    assert set(assistant.retriever.lexical.ids) == chroma_ids == set(assistant.retriever.chunks)
    with assistant.sessions() as session:
        docs = {d.id: d.chunk_count for d in session.scalars(select(DocumentRecord))}
    by_doc: dict[str, int] = {}
    for chunk in assistant.retriever.chunks.values():
        by_doc[chunk.document_id] = by_doc.get(chunk.document_id, 0) + 1
    assert by_doc == docs
    sentence_chunks = {
        m["chunk_id"] for m in assistant.store.sentences.get(include=["metadatas"])["metadatas"]
    }
    assert sentence_chunks == chroma_ids


@pytest.mark.server
def test_kill_9_during_ingest_keeps_serving_and_the_next_ingest_is_consistent(tmp_path, corpus_copy):
    settings = Settings(data_dir=tmp_path / "data", documents_dir=corpus_copy, embedding_model="test:hash")
    serving = Assistant(settings)
    ingest_into(serving, progress=False)
    before = serving.search("كيب تاون", k=3)
    assert before

    # a bigger change: 30 new documents, one edited, one deleted
    source = (corpus_copy / "about-scn.txt").read_text(encoding="utf-8")
    for i in range(30):
        (corpus_copy / f"extra-{i:02d}.txt").write_text(
            f"وثيقة إضافية رقم {i}\n\n{source}\nسطر خاص {i}.\n", "utf-8"
        )
    (corpus_copy / "melbourne-declaration-2018.txt").write_text("نص جديد تماما عن إعلان ميلبورن.\n", "utf-8")
    (corpus_copy / "birmingham-stronger-cities-conference.txt").unlink()
    shutil.rmtree(corpus_copy / "__pycache__", ignore_errors=True)

    env = {
        **os.environ,
        "ASSISTANT_DATA_DIR": str(settings.data_dir),
        "ASSISTANT_DOCUMENTS_DIR": str(corpus_copy),
        "ASSISTANT_EMBEDDING_MODEL": "test:hash-slow",
    }
    ingest = subprocess.Popen(
        [ASSISTANT, "ingest"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    time.sleep(4.0)
    assert ingest.poll() is None, "the ingest finished before it could be killed; make it slower"
    os.kill(ingest.pid, signal.SIGKILL)
    ingest.wait(timeout=30)
    assert ingest.returncode == -signal.SIGKILL

    # the previous index keeps serving in the running process
    serving.refresh()
    assert serving.search("كيب تاون", k=3)
    answer, _ = serving.answer("أين عقدت القمة العالمية الخامسة؟")
    assert answer.text

    # the next ingest completes and everything agrees
    again = Assistant(settings)
    report = ingest_into(again, progress=False)
    assert not report.failed
    consistent(again)
    listed = {d["id"] for d in DocumentStore(again.sessions).list()}
    assert "birmingham-stronger-cities-conference" not in listed
    assert {f"extra-{i:02d}" for i in range(30)} <= {c.document_id for c in again.retriever.chunks.values()}
    assert again.search("خاص 7", k=40, mode="lexical")


@pytest.fixture
def tiny_disk(tmp_path):
    """A 6 MB tmpfs (needs root, as in CI; skipped with the reason otherwise)."""
    mount = tmp_path / "tiny"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {done.stderr.decode().strip()}")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def test_full_disk_during_ingest_is_a_clear_error_and_the_old_index_stays(tiny_disk, corpus_copy):
    from assistant.errors import DiskFull

    settings = Settings(data_dir=tiny_disk / "data", documents_dir=corpus_copy, embedding_model="test:hash")
    assistant = Assistant(settings)
    ingest_into(assistant, progress=False)
    before = {c.id for c, _ in assistant.store.iter_chunks()}
    source = (corpus_copy / "fifth-global-summit-nlc-2024.txt").read_text(encoding="utf-8")
    for i in range(120):
        (corpus_copy / f"bulk-{i:03d}.txt").write_text(
            f"نسخة {i}\n\n{source}\n{'سطر إضافي ' * 200}{i}\n", "utf-8"
        )
    with pytest.raises(DiskFull, match="run `assistant ingest` again"):
        ingest_into(assistant, progress=False)
    # the old index still serves, and everything it had is still there
    reopened = Assistant(settings)
    assert before <= {c.id for c, _ in reopened.store.iter_chunks()}
    assert reopened.search("كيب تاون", k=3)
    assert {d["id"] for d in DocumentStore(reopened.sessions).list()} >= {
        p.stem for p in corpus_copy.glob("*.txt") if "bulk" not in p.stem
    }


@pytest.mark.server
def test_kill_9_during_an_evaluation_run_reports_it_interrupted(tmp_path, corpus_copy):
    """A run whose process dies cannot mark itself failed; its stale heartbeat does it."""
    import json
    from datetime import timedelta

    from assistant.eval.runs import RunStore
    from assistant.store.database import make_engine, make_sessionmaker, sqlite_url
    from assistant.store.models import EvalResult, EvalRun
    from tests.conftest import REPO

    settings = Settings(data_dir=tmp_path / "data", documents_dir=corpus_copy, embedding_model="test:hash")
    ingest(Stores.open(settings), progress=False)
    sessions = make_sessionmaker(make_engine(sqlite_url(settings.data_dir)))
    env = {
        **os.environ,
        "ASSISTANT_DATA_DIR": str(settings.data_dir),
        "ASSISTANT_EMBEDDING_MODEL": "test:hash",
    }
    dataset = str(REPO / "evalsets" / "questions.jsonl")
    slow = {**env, "ASSISTANT_EMBEDDING_MODEL": "test:hash-slow"}
    evaluation = subprocess.Popen(
        [ASSISTANT, "eval", "--dataset", dataset], env=slow, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    deadline = time.monotonic() + 60
    run_id = None
    while time.monotonic() < deadline:
        with sessions() as session:
            run = session.scalars(select(EvalRun)).first()
            if run is not None and run.done >= 2:
                run_id = run.id
                break
        time.sleep(0.1)
    assert run_id, "the evaluation never got going"
    assert evaluation.poll() is None, "the evaluation finished before it could be killed; make it slower"
    os.kill(evaluation.pid, signal.SIGKILL)
    evaluation.wait(timeout=30)

    assert RunStore(sessions).get_run(run_id).status == "running"  # its heartbeat is fresh
    time.sleep(1.2)
    run = RunStore(sessions, stall_after=timedelta(seconds=1)).get_run(run_id)
    assert run.status == "failed" and run.error.startswith("interrupted") and run.finished_at
    with sessions() as session:  # the rows done before the kill are kept
        kept = session.scalars(select(EvalResult).where(EvalResult.run_id == run_id)).all()
    assert len(kept) == run.done >= 2

    # the dataset is evaluated again by a new run, to the end
    again = subprocess.run(
        [ASSISTANT, "eval", "--dataset", dataset, "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert again.returncode == 0, again.stderr
    report = json.loads(again.stdout)
    assert report["run"]["status"] == "done" and report["summary"]["rows"] == 55
