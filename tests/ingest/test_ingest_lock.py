"""One writer of the index across processes (assistant/ingest/run.py, ``index_writer``: the file lock
DATA_DIR/ingest.lock): real `assistant ingest` processes, and a staff upload processed by the
server's upload worker while a CLI ingest runs. The second writer waits, says so, and nothing is
corrupted (Chroma, BM25 and the SQL catalogue agree afterwards)."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant.chat.service import Assistant
from assistant.config import Settings
from assistant.errors import IndexBusy
from assistant.ingest.run import LOCK_NAME, index_writer, redescribe_document
from assistant.staff import uploads as uploads_module
from assistant.staff.uploads import Uploads
from assistant.store.models import DocumentRecord
from tests.hardening.test_faults import consistent

ASSISTANT = str(Path(sys.executable).with_name("assistant"))
EXTRA = 40  # documents added to the corpus so that one slow ingest takes several seconds


@pytest.fixture
def big_corpus(corpus_copy: Path) -> Path:
    source = (corpus_copy / "about-scn.txt").read_text(encoding="utf-8")
    for i in range(EXTRA):
        (corpus_copy / f"extra-{i:02d}.txt").write_text(
            f"وثيقة إضافية رقم {i}\n\n{source}\nسطر خاص {i}.\n", "utf-8"
        )
    shutil.rmtree(corpus_copy / "__pycache__", ignore_errors=True)
    return corpus_copy


def _env(data: Path, documents: Path, model: str = "test:hash-slow") -> dict[str, str]:
    return {
        **os.environ,
        "ASSISTANT_DATA_DIR": str(data),
        "ASSISTANT_DOCUMENTS_DIR": str(documents),
        "ASSISTANT_EMBEDDING_MODEL": model,
    }


def _cli_ingest(env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [ASSISTANT, "ingest", "--json"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def _lock_held(lock: Path) -> bool:
    """Whether some process holds ``lock`` (filelock's flock), read from /proc/locks: probing it by
    taking it would make the ingest itself wait for a moment and say so."""
    try:
        inode = lock.stat().st_ino
    except FileNotFoundError:
        return False
    for line in Path("/proc/locks").read_text().splitlines():
        fields = line.split()
        if "FLOCK" in fields and "->" not in fields and any(f.endswith(f":{inode}") for f in fields):
            return True
    return False


def _wait_until_writing(process: subprocess.Popen, settings: Settings, timeout: float = 60) -> None:
    """Until the ingest process holds the index lock (it writes only while it does)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, "the first ingest finished before the second started; make it slower"
        if _lock_held(settings.data_dir / LOCK_NAME):
            return
        time.sleep(0.02)
    raise AssertionError("the first ingest never took the index lock")


def _hold(lock: Path) -> subprocess.Popen:
    """Another process holding the index lock (until killed)."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import time; from filelock import FileLock\n"
            f"with FileLock({str(lock)!r}):\n    print('held', flush=True); time.sleep(120)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "held"
    return holder


def test_a_second_cli_ingest_waits_for_the_first(tmp_path, big_corpus):
    settings = Settings(data_dir=tmp_path / "data", documents_dir=big_corpus, embedding_model="test:hash")
    env = _env(settings.data_dir, big_corpus)
    first = _cli_ingest(env)
    _wait_until_writing(first, settings)
    second = _cli_ingest(env)
    out1, err1 = first.communicate(timeout=300)
    out2, err2 = second.communicate(timeout=300)
    assert first.returncode == 0, err1
    assert second.returncode == 0, err2
    assert "another ingest is running" in err2 and "waiting" in err2
    assert "the other ingest has finished; ingesting now." in err2
    assert "another ingest is running" not in err1
    one, two = json.loads(out1), json.loads(out2)
    assert len(one["added"]) == 5 + EXTRA
    # the second ran after the first had finished: it found everything in place and embedded nothing
    assert two["added"] == [] and two["updated"] == [] and len(two["unchanged"]) == 5 + EXTRA
    assert two["chunks_embedded"] == 0
    consistent(Assistant(settings))


def test_an_upload_waits_while_a_cli_ingest_runs(tmp_path, big_corpus):
    """The server side (the upload worker of this process) and `assistant ingest` in another process,
    on one data folder: the job shows it is waiting, then indexes after the CLI run."""
    settings = Settings(data_dir=tmp_path / "data", documents_dir=big_corpus, embedding_model="test:hash")
    server = Assistant(settings)  # the server's stores (migrated, empty index)
    ingest = _cli_ingest(_env(settings.data_dir, big_corpus))
    _wait_until_writing(ingest, settings)

    uploads = Uploads(server)
    text = "تقرير مرفوع من صفحة الوثائق عن برنامج تدريب موظفي البلديات على الوقاية.\n" * 20
    (job_id,) = uploads.accept([("تقرير-مرفوع.txt", io.BytesIO(text.encode()))], by="admin")
    seen = set()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        job = uploads.jobs([job_id])[0]
        seen.add((job["status"], job["stage"]))
        if job["status"] in ("done", "failed"):
            break
        time.sleep(0.05)
    out, err = ingest.communicate(timeout=300)
    uploads_module.wait_idle()
    assert ingest.returncode == 0, err
    assert ("processing", "waiting") in seen, seen
    assert "another ingest is running" not in err  # the CLI held the lock first and never waited
    job = uploads.jobs([job_id])[0]
    assert job["status"] == "done" and job["result"] == "added", job
    server.refresh(force=True)
    ids = {d for d in (c.document_id for c in server.retriever.chunks.values())}
    assert job["document_id"] in ids
    # the CLI run ingested the folder; it may also have read the uploaded file, which the upload
    # worker had put in DATA_DIR/uploads before waiting (both paths read that folder): then the
    # upload's own indexing found it in place. Either way, one copy of each document.
    added = set(json.loads(out)["added"]) - {job["document_id"]}
    assert len(added) == 5 + EXTRA and {f"extra-{i:02d}" for i in range(EXTRA)} <= added <= ids
    consistent(server)


def test_a_staff_edit_says_so_when_another_process_holds_the_index(tmp_path, corpus_copy):
    settings = Settings(data_dir=tmp_path / "data", documents_dir=corpus_copy, embedding_model="test:hash")
    server = Assistant(settings)
    from tests.conftest import ingest_into

    ingest_into(server, progress=False)
    with server.sessions() as session:
        before = session.get(DocumentRecord, "about-scn").title
    lock = settings.data_dir / LOCK_NAME
    holder = _hold(lock)
    try:
        started = time.monotonic()
        with pytest.raises(IndexBusy) as busy:
            redescribe_document(server.stores, "about-scn", {"title": "عنوان جديد"}, timeout=1.0)
        assert 1.0 <= time.monotonic() - started < 10
        assert "another ingest" in busy.value.message and busy.value.status_code == 409
        with server.sessions() as session:
            assert session.get(DocumentRecord, "about-scn").title == before  # nothing changed
        told = []
        with pytest.raises(IndexBusy):
            with index_writer(server.stores, waiting=told.append, timeout=0.5):
                pass
        assert told == [True]  # told it waits; never that it holds the index
    finally:
        holder.kill()
        holder.wait(timeout=30)
    # the holder is gone (the system released its lock): the edit goes through
    assert redescribe_document(server.stores, "about-scn", {"title": "عنوان جديد"}) == {
        "title": [before, "عنوان جديد"]
    }


def test_the_staff_pages_say_so_when_another_process_holds_the_index(tmp_path, corpus_copy, monkeypatch):
    """An edit and a deletion on /staff/documents while another process holds the lock: 409 with the
    reason on the page, and nothing changed (title, file, index)."""
    from fastapi.testclient import TestClient

    from api.main import create_app
    from assistant.ingest import run
    from assistant.staff import accounts
    from tests.conftest import ingest_into
    from tests.staff.helpers import ADMIN, sign_in

    monkeypatch.setattr(accounts, "BCRYPT_ROUNDS", 4)
    monkeypatch.setattr(run, "EDIT_WAIT_SECONDS", 1.0)
    settings = Settings(data_dir=tmp_path / "data", documents_dir=corpus_copy, embedding_model="test:hash")
    server = Assistant(settings)
    ingest_into(server, progress=False)
    accounts.create_user(server.sessions, *ADMIN, role="admin")
    with server.sessions() as session:
        before = session.get(DocumentRecord, "about-scn").title
    sidecar = (corpus_copy / "about-scn.meta.yaml").read_text(encoding="utf-8")
    holder = _hold(settings.data_dir / LOCK_NAME)
    try:
        with TestClient(create_app(assistant=server)) as client:
            token = sign_in(client)
            form = {"csrf_token": token, "title": "عنوان جديد", "kind": "about", "language": "ar"}
            edited = client.post("/staff/documents/edit/about-scn", data=form, follow_redirects=False)
            assert edited.status_code == 409
            assert "being updated by another ingest" in edited.text and "Traceback" not in edited.text
            deleted = client.post(
                "/staff/documents/delete/about-scn",
                data={"csrf_token": token, "confirm": "yes"},
                follow_redirects=False,
            )
            assert deleted.status_code == 409 and "being updated by another ingest" in deleted.text
    finally:
        holder.kill()
        holder.wait(timeout=30)
    with server.sessions() as session:
        assert session.get(DocumentRecord, "about-scn").title == before
    assert (corpus_copy / "about-scn.txt").exists()  # the file was put back from the trash
    assert "about-scn" in {c.document_id for c in server.retriever.chunks.values()}
    assert (corpus_copy / "about-scn.meta.yaml").read_text(encoding="utf-8") == sidecar  # edit undone
