"""A scaled-out deployment on one machine: `assistant serve --workers 2` (real model in each worker)
over a real Chroma server and a real PostgreSQL, ingested with the real CLI, exercised over HTTP.

Which worker answers is known by keeping a connection open: a TCP connection is accepted by one
worker process, and /healthz on it tells that worker's pid; later requests on it go to the same one.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

from assistant.store.database import make_engine, make_sessionmaker
from assistant.store.models import AnswerRecord, FeedbackRecord, Message
from tests.chroma_server import ChromaServer, free_port
from tests.conftest import CACHE, DOCUMENTS
from tests.postgres import PostgresServer

pytestmark = [pytest.mark.model, pytest.mark.server]

ASSISTANT = str(Path(sys.executable).with_name("assistant"))
QUESTION = "أين عقدت القمة العالمية الخامسة؟"
NEW_WORD = "قرطبيزون"  # made up: in no document until the ingest-while-serving test adds it
CHECK_SECONDS = 2.0  # ASSISTANT_INDEX_CHECK_SECONDS's default, left as it is


@dataclass
class Deployment:
    port: int
    env: dict[str, str]
    documents: Path
    chroma: ChromaServer
    postgres: PostgresServer
    database_url: str
    server: subprocess.Popen


def run_cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    result = subprocess.run([ASSISTANT, *args], env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    return result


def request(conn: http.client.HTTPConnection, method: str, path: str, body: dict | None = None):
    payload = json.dumps(body).encode() if body is not None else None
    conn.request(method, path, body=payload, headers={"content-type": "application/json"})
    response = conn.getresponse()
    return response.status, json.loads(response.read() or b"null")


def healthy_workers(port: int, attempts: int = 200) -> dict[int, http.client.HTTPConnection]:
    """One open connection to each of the two workers, keyed by pid (fresh connections until both
    answered /healthz with 200)."""
    found: dict[int, http.client.HTTPConnection] = {}
    for _ in range(attempts):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            status, body = request(conn, "GET", "/healthz")
        except OSError:
            conn.close()
            time.sleep(0.2)
            continue
        if status != 200 or body["worker"] in found:
            conn.close()
            if status != 200:
                time.sleep(0.2)
            continue
        found[body["worker"]] = conn
        if len(found) == 2:
            return found
    for conn in found.values():
        conn.close()
    raise AssertionError(f"two healthy workers not reached in {attempts} connections (found {list(found)})")


def wait_until_healthy(port: int, timeout: float) -> float:
    started = time.monotonic()
    deadline = started + timeout
    while time.monotonic() < deadline:
        try:
            for conn in healthy_workers(port, attempts=20).values():
                conn.close()
            return time.monotonic() - started
        except AssertionError:
            time.sleep(0.3)
    raise AssertionError(f"the workers did not become healthy within {timeout}s")


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    root = tmp_path_factory.mktemp("scaleout")
    documents = root / "documents"
    shutil.copytree(DOCUMENTS, documents)
    chroma = ChromaServer().start()
    postgres = PostgresServer().start()
    server = None
    log = open(root / "serve.log", "w")  # noqa: SIM115 - closed in the finally below
    try:
        database_url = postgres.new_database()
        env = {
            **os.environ,
            "ASSISTANT_CHROMA_URL": chroma.url,
            "ASSISTANT_DATABASE_URL": database_url,
            "ASSISTANT_DATA_DIR": str(root / "data"),
            "ASSISTANT_DOCUMENTS_DIR": str(documents),
            "ASSISTANT_CACHE_DIR": str(CACHE),
            "ASSISTANT_SECRET_KEY": "scale-out-test-secret-key-0123456789abcdefghijklmnop",
            "ASSISTANT_RATE_LIMIT_PER_IP": "",  # every request comes from 127.0.0.1 here
        }
        report = json.loads(run_cli(env, "ingest", "--json").stdout)
        assert len(report["added"]) == 5 and report["failed"] == []
        assert not (root / "data" / "chroma").exists()  # the vectors went to the Chroma server

        port = free_port()
        server = subprocess.Popen(
            [ASSISTANT, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log,
            start_new_session=True,
        )
        try:
            wait_until_healthy(port, timeout=240)
        except AssertionError:
            raise AssertionError((root / "serve.log").read_text()[-3000:]) from None
        yield Deployment(port, env, documents, chroma, postgres, database_url, server)
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=60)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(timeout=10)
        log.close()
        chroma.stop()
        postgres.stop()


@pytest.fixture(scope="module")
def sessions(deployment):
    engine = make_engine(deployment.database_url)
    yield make_sessionmaker(engine)
    engine.dispose()


def test_every_worker_answers_with_citations_searches_and_lists_documents(deployment):
    workers = healthy_workers(deployment.port)
    assert len(workers) == 2
    for pid in workers:  # a figure for docs/deploy.md: each worker holds its own model and BM25
        rss = next(line for line in Path(f"/proc/{pid}/status").read_text().splitlines() if "VmRSS" in line)
        print(f"\nworker {pid} {rss}")
    for pid, conn in workers.items():
        status, body = request(conn, "POST", "/v1/chat", {"message": QUESTION})
        assert status == 200, (pid, body)
        assert not body["refused"] and "كيب تاون" in body["answer"]
        assert body["citations"] and all(c["quote"] and c["title"] for c in body["citations"])
        assert "fifth-global-summit-nlc-2024" in {c["document_id"] for c in body["citations"]}

        status, body = request(conn, "POST", "/v1/search", {"query": "كيب تاون", "k": 2})
        assert status == 200 and body["results"][0]["document_id"] == "fifth-global-summit-nlc-2024"

        status, body = request(conn, "GET", "/v1/documents")
        assert status == 200 and len(body["documents"]) == 5
        conn.close()


def test_a_conversation_continues_on_the_other_worker(deployment, sessions):
    (a, conn_a), (b, conn_b) = healthy_workers(deployment.port).items()
    status, first = request(conn_a, "POST", "/v1/chat", {"message": "متى عُقدت القمة العالمية الخامسة؟"})
    assert status == 200
    conversation = first["conversation_id"]
    # worker b has never seen this conversation: it reads the history from PostgreSQL
    status, second = request(
        conn_b, "POST", "/v1/chat", {"message": "ومن دعمها؟", "conversation_id": conversation}
    )
    assert status == 200 and second["conversation_id"] == conversation
    assert not second["refused"] and "الاتحاد الأوروبي" in " ".join(c["quote"] for c in second["citations"])
    status, third = request(conn_a, "POST", "/v1/chat", {"message": "وأين؟", "conversation_id": conversation})
    assert status == 200 and third["conversation_id"] == conversation
    for conn in (conn_a, conn_b):
        conn.close()

    with sessions() as session:
        roles = session.scalars(
            select(Message.role).where(Message.conversation_id == conversation).order_by(Message.created_at)
        ).all()
        rewritten = session.get(AnswerRecord, second["answer_id"])
    assert roles == ["user", "assistant"] * 3
    assert rewritten.standalone_question != "ومن دعمها؟"  # b rewrote the follow-up with a's turn


def test_feedback_on_the_other_worker_is_stored(deployment, sessions):
    (_, conn_a), (_, conn_b) = healthy_workers(deployment.port).items()
    _, answer = request(conn_a, "POST", "/v1/chat", {"message": QUESTION})
    status, body = request(
        conn_b,
        "POST",
        "/v1/feedback",
        {"answer_id": answer["answer_id"], "rating": -1, "reason": "incomplete"},
    )
    assert status == 200 and body["feedback_id"]
    for conn in (conn_a, conn_b):
        conn.close()
    with sessions() as session:
        stored = session.scalars(
            select(FeedbackRecord).where(FeedbackRecord.answer_id == answer["answer_id"])
        ).all()
    assert [(f.rating, f.reason, f.source) for f in stored] == [(-1, "incomplete", "user")]


def finds_new_word(conn: http.client.HTTPConnection) -> bool:
    status, body = request(conn, "POST", "/v1/search", {"query": NEW_WORD, "k": 20})
    assert status == 200, body
    return any(NEW_WORD in r["text"] for r in body["results"])


def test_an_ingest_while_serving_reaches_every_worker(deployment):
    workers = healthy_workers(deployment.port)
    assert not any(finds_new_word(conn) for conn in workers.values())
    for conn in workers.values():
        conn.close()

    path = deployment.documents / "about-scn.txt"
    path.write_text(
        path.read_text(encoding="utf-8") + f"\n\nأطلقت الشبكة برنامج {NEW_WORD} لتبادل الخبرات بين المدن.\n",
        encoding="utf-8",
    )
    report = json.loads(run_cli(deployment.env, "ingest", "--json").stdout)  # another process
    assert report["updated"] == ["about-scn"] and 0 < report["chunks_embedded"] < 10
    ingested = time.monotonic()

    seen: dict[int, float] = {}
    while len(seen) < 2 and time.monotonic() - ingested < CHECK_SECONDS + 20:
        for pid, conn in healthy_workers(deployment.port).items():
            if pid not in seen and finds_new_word(conn):
                seen[pid] = time.monotonic() - ingested
            conn.close()
        time.sleep(0.1)
    assert len(seen) == 2, f"only {seen} found the new word"
    print(f"\nnew chunk visible on every worker {max(seen.values()):.2f}s after the ingest ended: {seen}")
    assert max(seen.values()) < CHECK_SECONDS + 5

    for _ in range(10):  # from now on, whichever worker answers knows the new word
        conn = http.client.HTTPConnection("127.0.0.1", deployment.port, timeout=60)
        assert finds_new_word(conn)
        conn.close()


def test_chroma_outage_is_a_503_on_every_worker_and_they_recover(deployment):
    workers = healthy_workers(deployment.port)
    deployment.chroma.halt()
    try:
        for pid, conn in workers.items():
            for method, path, body in (
                ("POST", "/v1/chat", {"message": QUESTION}),
                ("GET", "/healthz", None),
            ):
                status, reply = request(conn, method, path, body)
                assert status == 503, (pid, path, reply)
                assert reply["error"] == "store_unavailable"
                assert "Chroma server" in reply["message"] and deployment.chroma.url in reply["message"]
            conn.close()
    finally:
        deployment.chroma.start()
    seconds = wait_until_healthy(deployment.port, timeout=30)  # the same API processes, not restarted
    print(f"\nhealthy on both workers {seconds:.2f}s after Chroma was back")
    for conn in healthy_workers(deployment.port).values():
        status, body = request(conn, "POST", "/v1/chat", {"message": QUESTION})
        assert status == 200 and body["citations"]
        conn.close()


def test_database_outage_is_a_503_on_every_worker_and_they_recover(deployment):
    workers = healthy_workers(deployment.port)
    _, first = request(next(iter(workers.values())), "POST", "/v1/chat", {"message": QUESTION})
    conversation = first["conversation_id"]
    deployment.postgres.halt()
    try:
        for pid, conn in workers.items():
            for method, path, body in (
                ("POST", "/v1/chat", {"message": QUESTION}),
                ("POST", "/v1/chat", {"message": "ومن دعمها؟", "conversation_id": conversation}),
                ("GET", "/healthz", None),
            ):
                status, reply = request(conn, method, path, body)
                assert status == 503, (pid, path, reply)
                assert reply["error"] == "store_unavailable" and "database" in reply["message"]
            conn.close()
    finally:
        deployment.postgres.resume()
    seconds = wait_until_healthy(deployment.port, timeout=30)
    print(f"\nhealthy on both workers {seconds:.2f}s after PostgreSQL was back")
    for conn in healthy_workers(deployment.port).values():
        status, body = request(
            conn, "POST", "/v1/chat", {"message": "ومن دعمها؟", "conversation_id": conversation}
        )
        assert status == 200 and body["conversation_id"] == conversation
        conn.close()
