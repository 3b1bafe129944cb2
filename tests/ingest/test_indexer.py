"""Incremental ingestion against real Chroma and SQLite, with the fast fake embedder."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from assistant.chat.service import Assistant
from assistant.ingest.run import ingest
from assistant.store.documents import DocumentStore
from assistant.store.stores import Stores
from tests.conftest import ingest_into


def make(settings, embedder) -> Assistant:
    return Assistant(settings, embedder=embedder)


def test_first_ingest_indexes_every_document(settings, fake_embedder, corpus_copy: Path):
    assistant = make(settings, fake_embedder)
    report = ingest_into(assistant, corpus_copy, progress=False)
    assert sorted(report.added) == sorted(p.stem for p in corpus_copy.glob("*.txt"))
    assert report.failed == []
    assert report.chunks_embedded == report.chunks_total > 0
    assert report.sentences_embedded > report.chunks_embedded
    assert len(assistant.retriever) == report.chunks_total
    docs = {d["id"]: d for d in DocumentStore(assistant.sessions).list()}
    assert docs["fifth-global-summit-nlc-2024"]["kind"] == "event_report"
    assert docs["fifth-global-summit-nlc-2024"]["date"] == "2024-12-03"
    assert docs["about-scn"]["date"] is None


def test_cleaning_happens_at_ingest(settings, fake_embedder, corpus_copy: Path):
    assistant = make(settings, fake_embedder)
    ingest_into(assistant, corpus_copy, progress=False)
    texts = " ".join(c.text for c in assistant.retriever.chunks.values())
    for boilerplate in ("arrow-circle", "Leave a Reply", "WPML", "دقائق وقت القراءة"):
        assert boilerplate not in texts


def test_rerun_on_unchanged_corpus_embeds_nothing(settings, fake_embedder, corpus_copy: Path):
    ingest(Stores.open(settings, fake_embedder), corpus_copy, progress=False)
    fake_embedder.texts = 0
    again = make(settings, fake_embedder)  # a new process would start like this
    report = ingest_into(again, corpus_copy, progress=False)
    assert fake_embedder.texts == 0
    assert report.chunks_embedded == 0
    assert len(report.unchanged) == 5 and not report.changed


def test_changed_document_is_replaced(settings, fake_embedder, corpus_copy: Path):
    assistant = make(settings, fake_embedder)
    first = ingest_into(assistant, corpus_copy, progress=False)
    path = corpus_copy / "about-scn.txt"
    path.write_text(
        path.read_text(encoding="utf-8") + "\n\nفقرة جديدة تماما عن برنامج المنح الصغيرة للمدن.\n",
        encoding="utf-8",
    )
    fake_embedder.texts = 0
    report = ingest_into(assistant, corpus_copy, progress=False)
    assert report.updated == ["about-scn"]
    assert 0 < report.chunks_embedded < first.chunks_embedded  # only the changed tail is re-embedded
    hits = assistant.search("برنامج المنح الصغيرة", k=3, mode="lexical")
    assert hits and hits[0].chunk.document_id == "about-scn"
    stored = assistant.store.chunk_ids_of("about-scn")
    assert stored == {c.id for c in assistant.retriever.chunks.values() if c.document_id == "about-scn"}
    for chunk in assistant.retriever.chunks.values():
        assert chunk.id in assistant.store.existing_ids([chunk.id])


def test_deleted_document_leaves_every_index(settings, fake_embedder, corpus_copy: Path):
    assistant = make(settings, fake_embedder)
    ingest_into(assistant, corpus_copy, progress=False)
    (corpus_copy / "birmingham-stronger-cities-conference.txt").unlink()
    report = ingest_into(assistant, corpus_copy, progress=False)
    assert report.removed == ["birmingham-stronger-cities-conference"]
    doc = "birmingham-stronger-cities-conference"
    assert assistant.store.chunk_ids_of(doc) == set()
    assert assistant.store.sentences.get(where={"document_id": doc}, include=[])["ids"] == []
    assert all(c.document_id != doc for c in assistant.retriever.chunks.values())
    assert all(
        assistant.retriever.chunks[cid].document_id != doc
        for cid, _ in assistant.retriever.lexical.search("بيرمنغهام", 10)
    )
    assert doc not in {d["id"] for d in DocumentStore(assistant.sessions).list()}


def test_unreadable_file_is_reported_and_the_rest_goes_on(settings, fake_embedder, corpus_copy: Path):
    (corpus_copy / "broken.pdf").write_bytes(b"%PDF-1.4 this is not really a pdf")
    (corpus_copy / "binary.txt").write_bytes(b"\x00\x01\x02\xff\xfe garbage \x00")
    assistant = make(settings, fake_embedder)
    report = ingest_into(assistant, corpus_copy, progress=False)
    failed = dict(report.failed)
    assert set(failed) == {"broken.pdf", "binary.txt"}
    assert all(reason for reason in failed.values())
    assert len(report.added) == 5


def test_previous_version_kept_when_file_becomes_unreadable(settings, fake_embedder, corpus_copy: Path):
    assistant = make(settings, fake_embedder)
    ingest_into(assistant, corpus_copy, progress=False)
    before = assistant.store.chunk_ids_of("about-scn")
    (corpus_copy / "about-scn.txt").write_bytes(b"\x00\x00\x00binary now")
    report = ingest_into(assistant, corpus_copy, progress=False)
    assert "about-scn.txt" in dict(report.failed)
    assert report.removed == []
    assert assistant.store.chunk_ids_of("about-scn") == before


def test_metadata_change_updates_catalogue_without_embedding(settings, fake_embedder, corpus_copy: Path):
    assistant = make(settings, fake_embedder)
    ingest_into(assistant, corpus_copy, progress=False)
    sidecar = corpus_copy / "about-scn.meta.yaml"
    sidecar.write_text(
        sidecar.read_text(encoding="utf-8").replace("date: null", "date: 2015-09-29"), encoding="utf-8"
    )
    fake_embedder.texts = 0
    report = ingest_into(assistant, corpus_copy, progress=False)
    assert report.updated == ["about-scn"]
    assert fake_embedder.texts == 0
    assert {d["id"]: d for d in DocumentStore(assistant.sessions).list()}["about-scn"]["date"] == "2015-09-29"


def test_chunks_record_exact_offsets(settings, fake_embedder, corpus_copy: Path):
    assistant = make(settings, fake_embedder)
    ingest_into(assistant, corpus_copy, progress=False)
    texts = {}
    from assistant.store.models import DocumentRecord

    with assistant.sessions() as session:
        for record in session.query(DocumentRecord):
            texts[record.id] = record.text
    for chunk in assistant.retriever.chunks.values():
        assert texts[chunk.document_id][chunk.start : chunk.end] == chunk.text


def test_changing_the_embedding_model_requires_a_rebuild(settings, fake_embedder, corpus_copy: Path):
    from assistant.embedding import HashEmbedder
    from assistant.errors import IndexNotReady

    ingest(Stores.open(settings, fake_embedder), corpus_copy, progress=False)
    other = HashEmbedder(dimension=128)
    other.name = "another-model"
    assistant = make(settings, other)
    import pytest

    with pytest.raises(IndexNotReady, match="--rebuild"):
        assistant.search("القمة", k=3)
    with pytest.raises(IndexNotReady, match="--rebuild"):
        ingest_into(assistant, corpus_copy, progress=False)
    report = ingest_into(assistant, corpus_copy, progress=False, rebuild=True)
    assert len(report.added) == 5 and report.chunks_embedded == report.chunks_total
    assert assistant.search("القمة", k=3)


def test_serving_process_sees_a_later_ingest(settings, fake_embedder, corpus_copy: Path):
    serving = make(settings, fake_embedder)  # e.g. the API, started before anything was ingested
    assert not serving.ready
    ingest(Stores.open(settings, fake_embedder), corpus_copy, progress=False)  # `assistant ingest` elsewhere
    assert serving.search("كيب تاون", k=1)[0].chunk.document_id == "fifth-global-summit-nlc-2024"


def test_length_sorted_batches_keep_the_callers_order(settings, fake_embedder):
    from assistant.ingest.indexer import Indexer

    assistant = make(settings, fake_embedder)
    indexer = Indexer(
        assistant.store, assistant.sessions, fake_embedder, max_tokens=200, overlap_sentences=1, batch_size=2
    )
    texts = ["قمة طويلة جدا في كيب تاون مع رؤساء البلديات", "ورشة", "المدن القوية في العالم", "قمة"]
    vectors, states = indexer.embed(texts, progress=False)
    expected = fake_embedder.inner.embed_passages(texts)
    assert np.allclose(vectors, expected) and states == {}  # no states store, no states


def _by_filter(store, chunk_ids):
    """The sentences as the metadata filter finds them, in the order sentences_of promises."""
    res = store.sentences.get(where={"chunk_id": {"$in": list(chunk_ids)}}, include=["metadatas"])
    order = {cid: i for i, cid in enumerate(chunk_ids)}
    pairs = sorted(zip(res["ids"], res["metadatas"], strict=True), key=lambda p: p[1]["start"])
    return [sid for sid, meta in sorted(pairs, key=lambda p: order[p[1]["chunk_id"]])]


def test_evidence_sentences_are_fetched_by_id_and_match_the_filter(settings, fake_embedder, corpus_copy):
    from assistant.store.chroma_store import ChromaStore

    assistant = make(settings, fake_embedder)
    ingest_into(assistant, corpus_copy, progress=False)
    chunk_ids = [h.chunk.id for h in assistant.search("القمة العالمية الخامسة", k=5)]
    store = assistant.store
    assert all(store._sentence_counts[cid] > 0 for cid in chunk_ids)  # counts recorded at ingest
    fetched = store.sentences_of(chunk_ids)
    assert [r.id for r, _ in fetched] == _by_filter(store, chunk_ids)
    assert all(r.id.startswith(f"{r.chunk_id}:") for r, _ in fetched)

    # another process (an API worker) learns the counts from the catalogue it reads at start
    other = ChromaStore(settings.data_dir, fake_embedder)
    assert other._sentence_counts == {}
    assert [r.id for r, _ in other.sentences_of(chunk_ids)] == _by_filter(store, chunk_ids)  # by filter
    list(other.iter_chunks())
    assert other._sentence_counts == store._sentence_counts


def test_chunks_indexed_without_sentence_counts_are_still_found(settings, fake_embedder, corpus_copy):
    """An index written before counts were stored: the metadata filter stands in."""
    assistant = make(settings, fake_embedder)
    ingest_into(assistant, corpus_copy, progress=False)
    store = assistant.store
    chunk_ids = [h.chunk.id for h in assistant.search("مدينة كيب تاون", k=5)]
    expected = [(r.id, r.text) for r, _ in store.sentences_of(chunk_ids)]
    store._sentence_counts.clear()
    assert [(r.id, r.text) for r, _ in store.sentences_of(chunk_ids)] == expected
    # a mix of known and unknown chunks keeps the chunk order
    store._sentence_counts[chunk_ids[-1]] = len([i for i, _ in expected if i.startswith(chunk_ids[-1])])
    assert [(r.id, r.text) for r, _ in store.sentences_of(chunk_ids)] == expected


def test_a_failed_sentence_write_stops_the_writer_before_the_error_propagates(
    settings, fake_embedder, corpus_copy: Path, monkeypatch
):
    """The first write that fails ends the ingest: no later batch goes to Chroma, the writer thread
    is gone when the error reaches the caller, and nothing is recorded as indexed."""
    import threading

    from assistant.ingest import indexer as indexer_module
    from assistant.ingest.run import make_indexer

    stores = Stores.open(settings, fake_embedder)
    monkeypatch.setattr(indexer_module, "WRITE_BATCH", 5)  # many batches for the writer
    written: list[int] = []

    def failing(records, vectors):
        written.append(len(records))
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(stores.chroma, "add_sentences", failing)
    try:
        make_indexer(stores).run(corpus_copy, progress=False)
    except OSError as exc:
        assert exc.errno == 28
    else:
        raise AssertionError("the failed write did not fail the ingest")
    assert len(written) == 1  # the first batch only, of many
    assert not [t for t in threading.enumerate() if t.name.startswith("ingest-writer")]
    assert stores.chroma.count() == 0
    assert DocumentStore(stores.sessions).list() == []
