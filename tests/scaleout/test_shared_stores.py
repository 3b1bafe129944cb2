"""Several assistants (workers) over one Chroma server and one PostgreSQL database, and what happens
when either store goes away and comes back. Fast fake embedder; real servers on 127.0.0.1."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.exc import OperationalError

from api.main import create_app
from assistant.chat.service import Assistant
from assistant.errors import IndexNotReady, StoreUnavailable
from assistant.store.chroma_store import parse_chroma_url
from assistant.store.database import database_unavailable, make_engine, make_sessionmaker, sqlite_url
from assistant.store.index_state import GENERATION_KEY, bump_generation, read_generation
from assistant.store.models import IndexState
from tests.chroma_server import ChromaServer
from tests.conftest import ingest_into
from tests.postgres import PostgresServer
from tests.scaleout.conftest import another_worker

NEW_WORD = "قرطبيزون"  # made up: in no document until a test adds it
QUESTION = "أين عقدت القمة العالمية الخامسة؟"


def add_sentence(corpus: Path, sentence: str) -> None:
    path = corpus / "about-scn.txt"
    path.write_text(path.read_text(encoding="utf-8") + f"\n\n{sentence}\n", encoding="utf-8")


def lexical_texts(assistant: Assistant, query: str) -> list[str]:
    return [h.chunk.text for h in assistant.search(query, k=5, mode="lexical")]


def test_a_second_worker_follows_ingests_through_the_database(
    shared_settings, fake_embedder, corpus_copy, tmp_path
):
    writer = Assistant(shared_settings, embedder=fake_embedder)
    lazy = Assistant(
        another_worker(shared_settings, tmp_path / "lazy", index_check_seconds=3600), embedder=fake_embedder
    )
    quick = Assistant(
        another_worker(shared_settings, tmp_path / "quick", index_check_seconds=0.2), embedder=fake_embedder
    )
    assert not (tmp_path / "quick" / "chroma").exists()  # the vectors live on the Chroma server

    with pytest.raises(IndexNotReady):
        lazy.search("كيب تاون", 3)
    ingest_into(writer, corpus_copy, progress=False)
    # a worker with an empty index asks the database on every request: the first ingest shows at once
    assert lazy.search("كيب تاون", 3)[0].chunk.document_id == "fifth-global-summit-nlc-2024"
    assert quick.search("كيب تاون", 3)[0].chunk.document_id == "fifth-global-summit-nlc-2024"

    add_sentence(corpus_copy, f"كلمة {NEW_WORD} تظهر هنا لأول مرة في الوثائق.")
    report = ingest_into(writer, corpus_copy, progress=False)
    assert report.updated == ["about-scn"]
    assert any(NEW_WORD in t for t in lexical_texts(writer, NEW_WORD))
    # within its check interval a worker does not ask the database: still the old BM25
    assert not any(NEW_WORD in t for t in lexical_texts(lazy, NEW_WORD))
    time.sleep(0.3)
    assert any(NEW_WORD in t for t in lexical_texts(quick, NEW_WORD))  # BM25 rebuilt from Chroma
    lazy.refresh(force=True)
    assert any(NEW_WORD in t for t in lexical_texts(lazy, NEW_WORD))
    assert lazy.search("كيب تاون", 3)[0].chunk.document_id == "fifth-global-summit-nlc-2024"

    generation = read_generation(writer.sessions)
    assert not ingest_into(writer, corpus_copy, progress=False).changed
    assert read_generation(writer.sessions) == generation  # nothing changed: no reload anywhere


def test_a_rebuild_elsewhere_is_followed(shared_settings, fake_embedder, corpus_copy, tmp_path):
    """A rebuild drops and recreates the collections (new ids); other workers fetch them again."""
    writer = Assistant(shared_settings, embedder=fake_embedder)
    ingest_into(writer, corpus_copy, progress=False)
    worker = Assistant(
        another_worker(shared_settings, tmp_path / "w", index_check_seconds=0), embedder=fake_embedder
    )
    before = {h.chunk.id for h in worker.search("كيب تاون", 5, mode="dense")}
    ingest_into(writer, corpus_copy, progress=False, rebuild=True)
    assert {h.chunk.id for h in worker.search("كيب تاون", 5, mode="dense")} == before
    answer, _ = worker.answer(QUESTION)
    assert answer.citations


def test_chroma_outage_is_a_503_and_the_api_recovers_without_restart(
    shared_settings, chroma: ChromaServer, fake_embedder, corpus_copy
):
    assistant = Assistant(shared_settings, embedder=fake_embedder)
    ingest_into(assistant, corpus_copy, progress=False)
    with TestClient(create_app(assistant=assistant)) as client:
        assert client.post("/v1/chat", json={"message": QUESTION}).status_code == 200
        chroma.halt()
        for response in (
            client.post("/v1/chat", json={"message": QUESTION}),
            client.post("/v1/search", json={"query": "القمة", "k": 3}),
            client.get("/healthz"),
        ):
            assert response.status_code == 503, response.text
            body = response.json()
            assert body["error"] == "store_unavailable"
            assert "Chroma server" in body["message"] and chroma.url in body["message"]
            assert "Traceback" not in response.text
        chroma.start()
        assert client.get("/healthz").status_code == 200
        reply = client.post("/v1/chat", json={"message": QUESTION})
        assert reply.status_code == 200 and reply.json()["citations"]


def test_database_outage_is_a_503_and_the_api_recovers_without_restart(settings, fake_embedder, corpus_copy):
    server = PostgresServer().start()
    try:
        settings.database_url = server.new_database()
        assistant = Assistant(settings, embedder=fake_embedder)
        ingest_into(assistant, corpus_copy, progress=False)
        with TestClient(create_app(assistant=assistant)) as client:
            first = client.post("/v1/chat", json={"message": QUESTION}).json()
            conversation = first["conversation_id"]
            server.halt()
            for response in (
                client.post("/v1/chat", json={"message": QUESTION}),
                client.post("/v1/chat", json={"message": "ومتى؟", "conversation_id": conversation}),
                client.post("/v1/feedback", json={"answer_id": first["answer_id"], "rating": 1}),
                client.get("/v1/documents"),
                client.get("/healthz"),
            ):
                assert response.status_code == 503, response.text
                body = response.json()
                assert body["error"] == "store_unavailable"
                assert "database" in body["message"] and str(server.port) in body["message"]
            server.resume()
            follow_up = client.post("/v1/chat", json={"message": "ومتى؟", "conversation_id": conversation})
            assert follow_up.status_code == 200 and follow_up.json()["conversation_id"] == conversation
            thumbs = client.post("/v1/feedback", json={"answer_id": first["answer_id"], "rating": 1})
            assert thumbs.status_code == 200
            assert client.get("/healthz").status_code == 200
    finally:
        server.stop()


def test_the_assistant_starts_before_chroma_and_connects_when_it_appears(
    settings, fake_embedder, corpus_copy, postgres_server
):
    server = ChromaServer()  # not running yet
    settings.chroma_url = server.url
    settings.database_url = postgres_server.new_database()
    assistant = Assistant(settings, embedder=fake_embedder)  # no exception: the API can start
    with pytest.raises(StoreUnavailable, match="cannot be reached"):
        assistant.search("القمة", 3)
    with pytest.raises(StoreUnavailable):
        ingest_into(assistant, corpus_copy, progress=False)
    server.start()
    try:
        ingest_into(assistant, corpus_copy, progress=False)
        assert assistant.search("كيب تاون", 3)[0].chunk.document_id == "fifth-global-summit-nlc-2024"
    finally:
        server.stop()


def test_generation_row_is_created_by_the_migration_and_bumped(tmp_path):
    engine = make_engine(sqlite_url(tmp_path))
    sessions = make_sessionmaker(engine)
    assert read_generation(sessions) == ""
    first = bump_generation(sessions)
    assert read_generation(sessions) == first != bump_generation(sessions)
    with sessions.begin() as session:  # the row deleted by hand is created again
        session.query(IndexState).filter_by(key=GENERATION_KEY).delete()
    assert read_generation(sessions) == ""
    again = bump_generation(sessions)
    assert again not in ("", first) and read_generation(sessions) == again


def test_chroma_url_parsing():
    assert parse_chroma_url("http://127.0.0.1:8001") == ("127.0.0.1", 8001, False)
    assert parse_chroma_url("https://chroma.internal") == ("chroma.internal", 443, True)
    assert parse_chroma_url("chroma:8000") == ("chroma", 8000, False)
    with pytest.raises(ValueError, match="ASSISTANT_CHROMA_URL"):
        parse_chroma_url("ftp://x")


def test_database_errors_map_to_store_unavailable():
    error = OperationalError("SELECT 1", {}, Exception("database is locked"))
    mapped = database_unavailable(error, "the SQLite database x.db")
    assert isinstance(mapped, StoreUnavailable) and mapped.status_code == 503
    assert "x.db" in mapped.message
    assert database_unavailable(ValueError("no")) is None
