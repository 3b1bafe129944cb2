"""Documents carry the address of their page online (metadata ``source_url``) to /v1/documents;
the seed documents have theirs where the saved page was found (issue 15). Fast fake embedder."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from assistant.chat.service import Assistant
from assistant.errors import DocumentLoadError
from assistant.ingest.corpus import load_document
from assistant.store.documents import DocumentStore
from tests.conftest import ingest_into


def test_source_urls_reach_the_documents_endpoint(settings, fake_embedder, corpus_copy):
    assistant = Assistant(settings, embedder=fake_embedder)
    ingest_into(assistant, corpus_copy, progress=False)
    with TestClient(create_app(assistant=assistant)) as client:
        documents = {d["id"]: d for d in client.get("/v1/documents").json()["documents"]}
    assert documents["melbourne-declaration-2018"]["source_url"] == (
        "https://strongcitiesnetwork.org/ar/blog/2018/07/11/mayors-call-for-worldwide-local-cooperation-to-combat-extremism/"
    )
    assert documents["south-asia-regional-workshop-2023"]["source_url"].startswith(
        "https://strongcitiesnetwork.org/ar/news/south-asia-regional-hub-"
    )
    assert documents["about-scn"]["source_url"] is None


def test_a_changed_source_url_is_picked_up_by_an_incremental_ingest(settings, fake_embedder, corpus_copy):
    assistant = Assistant(settings, embedder=fake_embedder)
    ingest_into(assistant, corpus_copy, progress=False)
    sidecar = corpus_copy / "about-scn.meta.yaml"
    sidecar.write_text(
        sidecar.read_text(encoding="utf-8").replace(
            "source_url: null", "source_url: https://example.org/about"
        ),
        encoding="utf-8",
    )
    report = ingest_into(assistant, corpus_copy, progress=False)
    assert report.updated == ["about-scn"]
    assert {d["id"]: d["source_url"] for d in DocumentStore(assistant.sessions).list()}[
        "about-scn"
    ] == "https://example.org/about"


@pytest.mark.parametrize("bad", ["javascript:alert(1)", "ftp://example.org/x", "/relative/page", "not a url"])
def test_source_url_must_be_an_http_address(corpus_copy, bad):
    (corpus_copy / "about-scn.meta.yaml").write_text(f"source_url: '{bad}'\n", encoding="utf-8")
    with pytest.raises(DocumentLoadError, match="source_url"):
        load_document(corpus_copy / "about-scn.txt", corpus_copy)
