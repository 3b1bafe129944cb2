"""The lexical index persisted per index generation (store/lexical_snapshot.py): ingest writes it,
the retriever loads it instead of rebuilding from Chroma, and anything doubtful about it (another
generation, a corrupt or torn file, Chroma changed under it) falls back to a rebuild that answers
the same. Real Chroma and SQLite, the fast hash embedder."""

from __future__ import annotations

import json
import logging
import os
import shutil
import time
from pathlib import Path

import numpy as np
import pytest

from assistant.chat.service import Assistant
from assistant.config import Settings
from assistant.embedding import HashEmbedder
from assistant.ingest.run import ingest, redescribe_document
from assistant.retrieval.filters import parse_filters
from assistant.retrieval.hybrid import HybridRetriever
from assistant.store import lexical_snapshot
from assistant.store.index_state import bump_generation, read_generation
from assistant.store.lexical_index import LexicalIndex
from assistant.store.lexical_snapshot import LexicalSnapshot
from assistant.store.stores import Stores
from tests.conftest import CACHE, DOCUMENTS, REPO

QUESTIONS = [
    json.loads(line)["question"]
    for line in (REPO / "evalsets" / "questions.jsonl").read_text(encoding="utf-8").splitlines()
    if line.strip()
]
SNAPSHOT_LOG = "assistant.store.lexical_snapshot"


def open_stores(data_dir: Path) -> Stores:
    settings = Settings(data_dir=data_dir, documents_dir=DOCUMENTS, cache_dir=CACHE)
    return Stores.open(settings, HashEmbedder())


def retriever(stores: Stores, generation: str | None) -> HybridRetriever:
    """What a worker builds at start: a fresh Chroma client (no sentence counts known yet)."""
    from assistant.store.chroma_store import ChromaStore

    settings = stores.settings
    return HybridRetriever(
        ChromaStore(stores.data_dir, stores.embedder),
        stores.embedder,
        dense_weight=settings.fusion_dense_weight,
        rrf_k=settings.fusion_rrf_k,
        candidate_k=settings.candidate_k,
        snapshots=stores.lexical,
        generation=generation,
    )


def rebuilt(stores: Stores) -> HybridRetriever:
    """The reference: everything read from Chroma, nothing persisted (no generation)."""
    reference = retriever(stores, None)
    assert reference.loaded_from == "chroma"
    return reference


def results(r: HybridRetriever) -> list:
    """Every question's lexical and hybrid results and query weights, exactly."""
    out = []
    for q in QUESTIONS:
        out.append(r.lexical.search(q, 50))
        out.append([(h.chunk, h.score, h.dense_rank, h.lexical_rank) for h in r.search(q, 10)])
        out.append(r.lexical_weights(q))
    return out


def assert_same(r: HybridRetriever, reference: HybridRetriever) -> None:
    assert r.chunks == reference.chunks and r.titles == reference.titles
    assert r.lexical.ids == reference.lexical.ids
    vocabulary = set(reference.lexical._df)
    assert set(r.lexical._df) == vocabulary
    for token in [*vocabulary, "كلمة-غير-موجودة"]:
        assert r.lexical.idf(token) == reference.lexical.idf(token)
    assert results(r) == results(reference)


def persisted_folder(stores: Stores) -> Path:
    folder = stores.lexical.folder(read_generation(stores.sessions))
    assert folder is not None
    return folder


@pytest.fixture(scope="module")
def ingested(tmp_path_factory) -> Stores:
    """documents/ ingested once for the tests that do not change Chroma."""
    stores = open_stores(tmp_path_factory.mktemp("persisted") / "data")
    ingest(stores, progress=False)
    return stores


@pytest.fixture
def own(tmp_path: Path, corpus_copy: Path) -> tuple[Stores, Path]:
    """A data dir of the test's own, ingested from a copy of documents/ it may change."""
    stores = open_stores(tmp_path / "data")
    ingest(stores, corpus_copy, progress=False)
    return stores, corpus_copy


def test_ingest_writes_the_snapshot_of_the_generation_it_publishes(own):
    stores, documents = own
    generation = read_generation(stores.sessions)
    assert generation and stores.lexical.generations() == [generation]
    manifest = json.loads((persisted_folder(stores) / "manifest.json").read_text())
    assert manifest["generation"] == generation and manifest["chunks"] == stores.chroma.count() > 0

    ingest(stores, documents, progress=False)  # nothing changed: same generation, same files
    assert read_generation(stores.sessions) == generation
    assert stores.lexical.generations() == [generation]

    (documents / "about-scn.txt").write_text("نص جديد عن شبكة المدن القوية وبرامجها.\n", "utf-8")
    ingest(stores, documents, progress=False)
    newer = read_generation(stores.sessions)
    assert newer != generation
    assert stores.lexical.generations() == [newer]  # written for the new one, the old one pruned


def test_loading_the_snapshot_answers_exactly_as_a_rebuild(ingested, caplog):
    generation = read_generation(ingested.sessions)
    with caplog.at_level(logging.INFO):
        loaded = retriever(ingested, generation)
    assert loaded.loaded_from == "snapshot" and loaded.generation == generation
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    reference = rebuilt(ingested)
    assert len(loaded) == ingested.chroma.count() > 0
    assert_same(loaded, reference)
    # the sentence counts the evidence step fetches by id come with the catalogue too
    assert loaded.store._sentence_counts == reference.store._sentence_counts != {}


def test_the_bm25_index_round_trips(tmp_path: Path):
    texts = ["أُطلقت شبكة المدن القوية عام 2015.", "عقدت القمة العالمية الخامسة في كيب تاون.", "ورشة"]
    index = LexicalIndex(["c1", "c2", "c3"], texts)
    index.save(tmp_path / "i")
    loaded = LexicalIndex.load(tmp_path / "i")
    assert loaded.ids == index.ids and loaded._df == index._df
    for q in ["القمه العالميه", "شبكة المدن", "2015", "football"]:
        assert loaded.search(q, 3) == index.search(q, 3)
        assert loaded.query_weights(q) == index.query_weights(q)
    LexicalIndex([], []).save(tmp_path / "empty")
    assert LexicalIndex.load(tmp_path / "empty").search("القمة", 3) == []


def _flip_a_letter(path: Path) -> None:
    """Change one Arabic letter into another of the same size: the JSON stays valid."""
    data = path.read_bytes()
    at = data.index("القمة".encode())
    path.write_bytes(data[:at] + "ب".encode() + data[at + 2 :])


def _flip_a_score(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[-3] ^= 0x40  # inside the last float32 of the score matrix: still a well-formed .npy
    path.write_bytes(bytes(data))


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _edit_manifest(**changes):
    def edit(folder: Path) -> None:
        manifest = json.loads((folder / "manifest.json").read_text())
        manifest.update(changes)
        (folder / "manifest.json").write_text(json.dumps(manifest))

    return edit


CORRUPTIONS = {
    "a letter of a chunk text changed": (lambda f: _flip_a_letter(f / "catalogue.json"), "checksum"),
    "a BM25 score changed": (lambda f: _flip_a_score(f / "index/bm25/data.csc.index.npy"), "checksum"),
    "the score matrix cut short": (lambda f: _truncate(f / "index/bm25/indices.csc.index.npy"), "checksum"),
    "the manifest is not JSON": (lambda f: (f / "manifest.json").write_text("{not json"), "unreadable"),
    "the manifest is missing": (lambda f: (f / "manifest.json").unlink(), "unreadable"),
    "a file is missing": (lambda f: (f / "index/terms.json").unlink(), "missing"),
    "a chunk vector changed": (lambda f: _flip_a_score(f / "vectors.npy"), "checksum"),
    "written by another tokenizer": (_edit_manifest(fingerprint="0" * 16), "tokenizer"),
    "another format": (_edit_manifest(format=0), "format"),
    "the folder of another generation": (_edit_manifest(generation="f" * 32), "generation"),
}


@pytest.mark.parametrize("case", list(CORRUPTIONS), ids=list(CORRUPTIONS))
def test_a_corrupt_snapshot_is_rebuilt_from_chroma(ingested, caplog, case: str):
    corrupt, reason = CORRUPTIONS[case]
    generation = read_generation(ingested.sessions)
    assert ingested.lexical.save(LexicalSnapshot.from_chroma(generation, ingested.chroma))
    assert retriever(ingested, generation).loaded_from == "snapshot"  # sound before the damage
    corrupt(persisted_folder(ingested))

    with caplog.at_level(logging.WARNING, logger=SNAPSHOT_LOG):
        fallback = retriever(ingested, generation)
    assert fallback.loaded_from == "chroma" and fallback.generation == generation
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "rebuilding it from Chroma" in warnings[0] and reason in warnings[0]
    assert_same(fallback, rebuilt(ingested))
    # the worker wrote a sound one back: the next start loads it
    assert retriever(ingested, generation).loaded_from == "snapshot"


def test_a_stale_generation_is_rebuilt_and_answers_from_the_current_index(own, caplog):
    """An ingest elsewhere (another host) changed Chroma and published a generation this data dir
    has no snapshot of: the one here is stale."""
    stores, _ = own
    old = read_generation(stores.sessions)
    doc = "fifth-global-summit-nlc-2024"
    assert any(c.document_id == doc for c in retriever(stores, old).chunks.values())
    stores.chroma.delete_document(doc)
    current = bump_generation(stores.sessions)

    with caplog.at_level(logging.WARNING, logger=SNAPSHOT_LOG):
        worker = retriever(stores, current)
    assert worker.loaded_from == "chroma" and worker.generation == current
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and f"of generation {old}, not the current {current}" in warnings[0]
    assert not any(c.document_id == doc for c in worker.chunks.values())
    assert all(h.chunk.document_id != doc for h in worker.search("كيب تاون", 10, mode="lexical"))
    assert_same(worker, rebuilt(stores))
    assert_vectors_are_chromas(worker, stores)  # the rebuilt one has the current vectors, row for row
    assert stores.lexical.generations() == [current]  # written for the current one, the stale one pruned
    assert retriever(stores, current).loaded_from == "snapshot"


def test_chroma_changed_without_a_new_generation_is_not_served_from_the_snapshot(own, caplog):
    """E.g. an ingest that died after deleting chunks, before it published a generation."""
    stores, _ = own
    generation = read_generation(stores.sessions)
    stores.chroma.delete_document("about-scn")
    with caplog.at_level(logging.WARNING, logger=SNAPSHOT_LOG):
        worker = retriever(stores, generation)
    assert worker.loaded_from == "chroma"
    assert any("Chroma has" in r.getMessage() for r in caplog.records)
    assert_same(worker, rebuilt(stores))
    assert_vectors_are_chromas(worker, stores)


def test_a_deleted_document_is_gone_from_the_index_loaded_after_the_next_ingest(own):
    stores, documents = own
    doc = "fifth-global-summit-nlc-2024"
    settings = stores.settings.model_copy(update={"documents_dir": documents})
    serving = Assistant(settings, embedder=stores.embedder)  # a worker started on the first ingest
    assert serving.retriever.loaded_from == "snapshot"
    assert serving.search("كيب تاون", k=3, mode="lexical")[0].chunk.document_id == doc

    (documents / f"{doc}.txt").unlink()
    (documents / f"{doc}.meta.yaml").unlink(missing_ok=True)
    report = ingest(stores, documents, progress=False)
    assert report.removed == [doc]
    generation = read_generation(stores.sessions)

    started = Assistant(settings, embedder=stores.embedder)  # a worker (re)started after the ingest
    serving.refresh(force=True)  # and the one that was serving, at its next check
    for worker in (started, serving):
        r = worker.retriever
        assert r.loaded_from == "snapshot" and r.generation == generation
        assert not any(c.document_id == doc for c in r.chunks.values())
        assert not any(r.chunks[cid].document_id == doc for cid in r.lexical.ids)
        assert all(h.chunk.document_id != doc for h in worker.search("كيب تاون", k=10, mode="lexical"))
        assert doc not in r.titles
        assert_same(r, rebuilt(stores))


def test_a_failed_write_leaves_no_snapshot_and_the_ingest_still_publishes(own, monkeypatch, caplog):
    stores, documents = own

    def disk_full(self, folder):
        (folder / "partial").mkdir(parents=True)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(LexicalIndex, "save", disk_full)
    (documents / "about-scn.txt").write_text("نص جديد عن شبكة المدن القوية.\n", "utf-8")
    before = read_generation(stores.sessions)
    with caplog.at_level(logging.WARNING):
        ingest(stores, documents, progress=False)
    generation = read_generation(stores.sessions)
    assert generation != before  # the index changed: published all the same
    assert any("not persisted" in r.getMessage() for r in caplog.records)
    assert generation not in stores.lexical.generations()
    assert not [p for p in stores.lexical.root.iterdir() if p.name.startswith(".")]  # no half folder
    monkeypatch.undo()
    worker = retriever(stores, generation)
    assert worker.loaded_from == "chroma"
    assert_same(worker, rebuilt(stores))


def test_leftovers_of_a_dead_writer_are_ignored_then_pruned(ingested):
    generation = read_generation(ingested.sessions)
    root = ingested.lexical.root
    leftover = root / ".tmp-0123"  # a writer killed before its rename
    (leftover / "index").mkdir(parents=True)
    (leftover / "catalogue.json").write_text("{")
    assert retriever(ingested, generation).loaded_from == "snapshot"
    ingested.lexical.prune(keep=generation)
    assert leftover.exists()  # it might be a writer still at work
    old = time.time() - 2 * lexical_snapshot.LEFTOVER_SECONDS
    os.utime(leftover, (old, old))
    ingested.lexical.prune(keep=generation)
    assert not leftover.exists()
    assert ingested.lexical.generations() == [generation]


def test_nothing_is_persisted_without_a_generation(tmp_path: Path):
    stores = open_stores(tmp_path / "data")
    worker = retriever(stores, read_generation(stores.sessions))  # "" before the first ingest
    assert worker.loaded and len(worker) == 0 and worker.loaded_from == "chroma"
    assert not stores.lexical.root.exists()
    assert stores.lexical.folder("../../etc") is None  # a hand-edited generation is never a path
    shutil.rmtree(tmp_path / "data")


# --- the chunk vectors (the matrix a selective filter is scored against, retrieval/hybrid.py) ----
def assert_vectors_are_chromas(r: HybridRetriever, stores: Stores) -> None:
    """Row i of the retriever's matrix is the (unit) vector Chroma holds for lexical id i, for every
    chunk Chroma holds and no other."""
    assert r.vectors is not None
    assert len(r.vectors) == len(r.lexical.ids) == len(r.chunks) == stores.chroma.count()
    stored = stores.chroma.vectors_of(r.lexical.ids)
    assert set(stored) == set(r.lexical.ids)
    expected = np.stack([stored[cid] / np.linalg.norm(stored[cid]) for cid in r.lexical.ids])
    np.testing.assert_allclose(np.asarray(r.vectors), expected, atol=1e-6)


def filtered_dense(r: HybridRetriever, question: str, wire: dict) -> list[tuple[str, float]]:
    f = parse_filters(wire)
    allowed = r.allowed(f)
    return r._dense(r.embed_query(question), f, allowed, int(allowed.sum()))


def test_the_vectors_follow_chroma_through_ingest_edit_reingest_and_delete(own):
    stores, documents = own
    first = retriever(stores, read_generation(stores.sessions))
    assert first.loaded_from == "snapshot" and first.vectors is not None
    assert isinstance(first.vectors, np.memmap)  # mapped from the snapshot, not read into memory
    assert_vectors_are_chromas(first, stores)

    # an edit (no re-embedding): the filter sees the new kind, through the matrix
    redescribe_document(stores, "about-scn", {"kind": "brief"})
    edited = retriever(stores, read_generation(stores.sessions))
    assert edited.loaded_from == "snapshot"
    assert_vectors_are_chromas(edited, stores)
    found = filtered_dense(edited, QUESTIONS[0], {"kind": ["brief"]})
    assert found and {edited.chunks[c].document_id for c, _ in found} == {"about-scn"}

    # a re-ingest of a changed document: new chunk ids, new rows
    (documents / "about-scn.txt").write_text("نص جديد عن شبكة المدن القوية وبرامجها في المدن.\n", "utf-8")
    ingest(stores, documents, progress=False)
    changed = retriever(stores, read_generation(stores.sessions))
    assert changed.loaded_from == "snapshot"
    assert set(changed.lexical.ids) != set(edited.lexical.ids)
    assert_vectors_are_chromas(changed, stores)

    # a deleted document: its rows are gone, and a filter on it finds nothing
    doc = "fifth-global-summit-nlc-2024"
    (documents / f"{doc}.txt").unlink()
    (documents / f"{doc}.meta.yaml").unlink(missing_ok=True)
    ingest(stores, documents, progress=False)
    deleted = retriever(stores, read_generation(stores.sessions))
    assert deleted.loaded_from == "snapshot"
    assert_vectors_are_chromas(deleted, stores)
    assert not any(deleted.chunks[c].document_id == doc for c in deleted.lexical.ids)
    assert deleted.search(QUESTIONS[0], 5, filters=parse_filters({"document_ids": [doc]})) == []


def test_a_snapshot_without_vectors_is_served_through_chroma(ingested, caplog, monkeypatch):
    """A snapshot written before the vectors were kept: it is still loaded (no rebuild), the
    filtered searches take the Chroma path and find the same, and the next ingest adds them."""
    generation = read_generation(ingested.sessions)
    with_matrix = retriever(ingested, generation)
    assert with_matrix.vectors is not None
    assert ingested.lexical.save(LexicalSnapshot.build(generation, ingested.chroma.iter_records()))
    manifest = json.loads((persisted_folder(ingested) / "manifest.json").read_text())
    assert "vectors.npy" not in manifest["files"]
    try:
        with caplog.at_level(logging.INFO):
            without = retriever(ingested, generation)
        assert without.loaded_from == "snapshot" and without.vectors is None
        assert any("has no chunk vectors" in r.getMessage() for r in caplog.records)
        assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
        calls = []
        score, query = without.store.score_chunks, without.store.query_chunks
        monkeypatch.setattr(without.store, "score_chunks", lambda *a: calls.append("by id") or score(*a))
        monkeypatch.setattr(
            without.store, "query_chunks", lambda *a, **o: calls.append("query") or query(*a, **o)
        )
        for wire in ({"kind": ["event_report"]}, {"document_ids": ["about-scn"]}, {"language": ["ar"]}):
            for question in QUESTIONS[:3]:
                chroma = filtered_dense(without, question, wire)
                matrix = filtered_dense(with_matrix, question, wire)
                # the Chroma path may bring fewer (an over-fetch), always the best of them, in order
                best = [s for _, s in matrix][: len(chroma)]
                assert chroma and [s for _, s in chroma] == pytest.approx(best, abs=1e-5)
                assert {c for c, _ in chroma[:5]} == {c for c, _ in matrix[:5]}
        assert calls  # Chroma answered
    finally:  # the module's other tests expect the snapshot with its vectors
        assert ingested.lexical.save(LexicalSnapshot.from_chroma(generation, ingested.chroma))


def test_vectors_that_disagree_with_chroma_are_not_served(own, caplog):
    """Chroma re-embedded (or restored) under the same generation with as many chunks: the ids and
    the count still match, the vectors do not. The spot check at load catches it and the index is
    rebuilt from Chroma."""
    stores, _ = own
    generation = read_generation(stores.sessions)
    folder = persisted_folder(stores)
    vectors = np.load(folder / "vectors.npy")
    np.save(folder / "vectors.npy", np.roll(vectors, 1, axis=0))  # every row now another chunk's
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["files"]["vectors.npy"] = {  # a consistent snapshot, checksums and all
        "bytes": (folder / "vectors.npy").stat().st_size,
        "sha256": lexical_snapshot._sha256(folder / "vectors.npy"),
    }
    (folder / "manifest.json").write_text(json.dumps(manifest))

    with caplog.at_level(logging.WARNING):
        worker = retriever(stores, generation)
    assert worker.loaded_from == "chroma"
    assert any("differs from Chroma's" in r.getMessage() for r in caplog.records)
    assert_vectors_are_chromas(worker, stores)
    assert retriever(stores, generation).loaded_from == "snapshot"  # a sound one was written back
