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

from assistant.config import Settings
from assistant.service import Assistant
from assistant.store.models import DocumentRecord

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
    serving.ingest(progress=False)
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
    report = again.ingest(progress=False)
    assert not report.failed
    consistent(again)
    assert "birmingham-stronger-cities-conference" not in {d["id"] for d in again.documents()}
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
    assistant.ingest(progress=False)
    before = {c.id for c, _ in assistant.store.iter_chunks()}
    source = (corpus_copy / "fifth-global-summit-nlc-2024.txt").read_text(encoding="utf-8")
    for i in range(120):
        (corpus_copy / f"bulk-{i:03d}.txt").write_text(
            f"نسخة {i}\n\n{source}\n{'سطر إضافي ' * 200}{i}\n", "utf-8"
        )
    with pytest.raises(DiskFull, match="run `assistant ingest` again"):
        assistant.ingest(progress=False)
    # the old index still serves, and everything it had is still there
    reopened = Assistant(settings)
    assert before <= {c.id for c, _ in reopened.store.iter_chunks()}
    assert reopened.search("كيب تاون", k=3)
    assert {d["id"] for d in reopened.documents()} >= {
        p.stem for p in corpus_copy.glob("*.txt") if "bulk" not in p.stem
    }
