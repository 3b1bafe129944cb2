"""Metadata filters on search and chat: parsing and its errors, and the same filter applied on
the lexical (BM25 mask) and the vector side (Chroma ``where``), against real embedded Chroma and a
real Chroma server (`chroma run`), with the fast hash embedder."""

from __future__ import annotations

import json

import numpy as np
import pytest

from assistant.chat.service import Assistant
from assistant.errors import InvalidRequest
from assistant.retrieval.filters import parse_filters
from assistant.store.chroma_store import filters_where
from assistant.types import SearchFilters
from tests.chroma_server import ChromaServer
from tests.conftest import REPO, ingest_into

QUESTIONS = [
    json.loads(line)["question"]
    for line in (REPO / "evalsets" / "questions.jsonl").read_text(encoding="utf-8").splitlines()
    if line.strip()
][:12]
DOCS = {  # from documents/*.meta.yaml
    "about-scn": ("about", None, None),
    "birmingham-stronger-cities-conference": ("event_report", None, "بيرمنغهام، المملكة المتحدة"),
    "fifth-global-summit-nlc-2024": ("event_report", "2024-12-03", "كيب تاون، جنوب أفريقيا"),
    "melbourne-declaration-2018": ("declaration", "2018-07-11", "ميلبورن، أستراليا"),
    "south-asia-regional-workshop-2023": ("event_report", "2023-08-02", "كولومبو، سريلانكا"),
}


# --- parsing -------------------------------------------------------------------------------------
def test_parse_filters_normalises_the_wire_form():
    parsed = parse_filters({"kind": "declaration", "date_from": "2018-01-01", "place": ["  ميلبورن ", ""]})
    assert parsed == SearchFilters(kinds=("declaration",), date_from="2018-01-01", places=("ميلبورن",))
    assert parse_filters({"language": ["AR", "ar"]}) == SearchFilters(languages=("ar",))
    assert parse_filters({}) is None and parse_filters(None) is None
    assert parse_filters({"kind": [], "place": None}) is None


@pytest.mark.parametrize(
    ("wire", "message"),
    [
        ({"type": ["brief"]}, "unknown field 'type'; the fields are kind, date_from"),
        ({"kind": ["memo"]}, "filters.kind 'memo' is not one of declaration, brief"),
        ({"date_from": "2024-13-01"}, "filters.date_from '2024-13-01' is not a date; write it as YYYY-MM-DD"),
        ({"date_to": "3/12/2024"}, "filters.date_to '3/12/2024' is not a date"),
        ({"date_from": "2024-01-01", "date_to": "2023-01-01"}, "date_from (2024-01-01) is after date_to"),
        ({"language": [1, 2]}, "filters.language must be a list of strings"),
        (["kind"], "filters must be an object"),
    ],
)
def test_bad_filters_say_what_to_send(wire, message):
    with pytest.raises(InvalidRequest) as caught:
        parse_filters(wire)
    assert message in caught.value.message
    assert caught.value.status_code == 422


def test_where_and_matches_agree_on_the_rules():
    f = SearchFilters(kinds=("event_report",), date_to="2023-12-31")
    assert filters_where(f) == {
        "$and": [{"kind": {"$in": ["event_report"]}}, {"date": {"$gte": 1}}, {"date": {"$lte": 20231231}}]
    }
    assert f.matches("x", {"kind": "event_report", "date": 20230802})
    assert not f.matches("x", {"kind": "event_report", "date": 0})  # undated: outside every range
    assert not f.matches("x", {"kind": "event_report", "date": 20241203})
    assert not f.matches("x", {"kind": "brief", "date": 20230802})
    assert filters_where(SearchFilters(languages=("ar",))) == {"language": {"$in": ["ar"]}}
    assert filters_where(None) is None


# --- both sides, both stores -----------------------------------------------------------------------
@pytest.fixture(scope="module", params=["embedded", "server"])
def assistant(request, tmp_path_factory):
    from assistant.config import Settings
    from assistant.embedding import HashEmbedder
    from tests.conftest import CACHE, DOCUMENTS

    settings = Settings(
        data_dir=tmp_path_factory.mktemp(request.param), documents_dir=DOCUMENTS, cache_dir=CACHE
    )
    server = None
    if request.param == "server":
        server = ChromaServer().start()
        settings.chroma_url = server.url
    settings.refusal_threshold = 0.0  # the hash embedder's similarities are low: answer, with citations
    assistant = Assistant(settings, embedder=HashEmbedder())
    ingest_into(assistant, DOCUMENTS, progress=False)
    assert assistant.store.url == (server.url if server else None)
    yield assistant
    if server is not None:
        server.stop()


CASES = [
    ({"kind": ["event_report"]}, {d for d, (k, _, _) in DOCS.items() if k == "event_report"}),
    ({"kind": ["declaration", "about"]}, {"melbourne-declaration-2018", "about-scn"}),
    ({"date_from": "2023-01-01"}, {"fifth-global-summit-nlc-2024", "south-asia-regional-workshop-2023"}),
    ({"date_from": "2018-07-11", "date_to": "2018-07-11"}, {"melbourne-declaration-2018"}),
    ({"date_to": "2023-12-31", "kind": ["event_report"]}, {"south-asia-regional-workshop-2023"}),
    ({"place": ["كيب تاون، جنوب أفريقيا", "كولومبو، سريلانكا"]},
     {"fifth-global-summit-nlc-2024", "south-asia-regional-workshop-2023"}),
    ({"document_ids": ["about-scn"]}, {"about-scn"}),
    ({"language": ["ar"]}, set(DOCS)),
    ({"language": ["en"]}, set()),
    ({"kind": ["brief"]}, set()),
]


STRATEGIES = {  # the dense side's four ways (retrieval/hybrid.py), each forced in turn
    "matrix": {"matrix_max": 10**9},
    "exact": {"vectors": None, "exact_max": 10**9},
    "overfetch": {"vectors": None, "exact_max": 0, "overfetch_max": 10**9},
    "where": {"vectors": None, "exact_max": 0, "overfetch_max": 0, "exact_fallback_max": 0},
}


@pytest.fixture(params=list(STRATEGIES))
def strategy(request, assistant, monkeypatch):
    assert assistant.retriever.vectors is not None  # the ingest's snapshot carries the chunk vectors
    for name, value in STRATEGIES[request.param].items():
        monkeypatch.setattr(assistant.retriever, name, value)
    calls = {"matrix": 0, "score_chunks": 0, "unfiltered": 0, "where": 0}
    retriever, store = assistant.retriever, assistant.store
    exact_matrix = retriever._exact_matrix

    def counting_matrix(*args, **kwargs):
        calls["matrix"] += 1
        return exact_matrix(*args, **kwargs)

    monkeypatch.setattr(retriever, "_exact_matrix", counting_matrix)
    score, query = store.score_chunks, store.query_chunks

    def counting_score(*args, **kwargs):
        calls["score_chunks"] += 1
        return score(*args, **kwargs)

    def counting_query(*args, filters=None, **kwargs):
        calls["where" if filters else "unfiltered"] += 1
        return query(*args, filters=filters, **kwargs)

    monkeypatch.setattr(store, "score_chunks", counting_score)
    monkeypatch.setattr(store, "query_chunks", counting_query)
    return request.param, calls


@pytest.mark.parametrize(("wire", "allowed"), CASES)
@pytest.mark.parametrize("mode", ["lexical", "dense", "hybrid"])
def test_filtered_results_are_the_unfiltered_ones_of_the_allowed_documents(
    assistant, strategy, wire, allowed, mode
):
    if mode == "lexical" and strategy[0] != "matrix":
        pytest.skip("the dense strategy does not matter to BM25")
    total = len(assistant.retriever)
    for question in QUESTIONS[:4]:
        unfiltered = assistant.search(question, 100, mode=mode)
        filtered = assistant.search(question, 5, mode=mode, filters=wire)
        assert {h.chunk.document_id for h in filtered} <= allowed
        expected = [h.chunk.id for h in unfiltered if h.chunk.document_id in allowed]
        if mode != "hybrid":  # one retriever: the same scores, only the others left out
            # the same chunks with the same scores (compared by score: equal chunks may swap places)
            assert len(filtered) == len(expected[:5])
            assert [h.score for h in filtered] == pytest.approx(
                [h.score for h in unfiltered if h.chunk.document_id in allowed][:5], abs=1e-5
            )  # exact scoring (numpy, float32) and Chroma's distance differ in the last bits
        elif expected:
            assert filtered, "a filter that leaves matching chunks must still find some"
    assert total > 5 * len(DOCS)  # the corpus has enough chunks for k=5 to matter
    name, calls = strategy
    if mode != "lexical" and allowed and allowed != set(DOCS):  # the chosen way was the one taken
        expected_calls = {
            "matrix": "matrix", "exact": "score_chunks", "overfetch": "unfiltered", "where": "where"
        }[name]
        assert calls[expected_calls] >= 4
        others = sum(calls.values()) - calls["unfiltered"]  # exact scoring and where calls
        assert others == (calls[expected_calls] if name != "overfetch" else 0)


@pytest.mark.parametrize(("wire", "allowed"), CASES)
def test_the_vectorised_mask_follows_the_rules(assistant, wire, allowed):
    """DocumentColumns.mask (what search uses) and SearchFilters.matches (the rules) agree."""
    retriever = assistant.retriever
    filters = parse_filters(wire)
    by_rule = {d for d, meta in retriever.documents.items() if filters.matches(d, meta)}
    mask = retriever._columns.mask(filters)
    assert {d for d, ok in zip(retriever._columns.ids, mask, strict=True) if ok} == by_rule == allowed


def test_the_unfiltered_search_does_reach_other_documents(assistant):
    """The filter tests above would pass vacuously if every question only hit one document."""
    found = {h.chunk.document_id for q in QUESTIONS for h in assistant.search(q, 5)}
    assert len(found) >= 4


def test_chat_cites_only_the_allowed_documents(assistant):
    wire = {"kind": ["declaration"]}
    cited = set()
    for question in QUESTIONS[:6]:
        answer, _, _ = assistant.ask(question, filters=wire)
        cited |= {c.document_id for c in answer.citations}
        events = list(assistant.stream(question, filters=wire))
        done = [e for e in events if e.type == "citations"][0]
        cited |= {c["document_id"] for c in done.data["citations"]}
    assert cited == {"melbourne-declaration-2018"}


def test_a_metadata_edit_reaches_the_vector_side(assistant):
    """set_document_metadata (the staff page's edit) changes what Chroma's where matches."""
    store = assistant.store
    n = store.set_document_metadata("about-scn", {"kind": "brief"})
    try:
        assert n > 0
        ids = store.chunks.get(where=filters_where(SearchFilters(kinds=("brief",))), include=[])["ids"]
        assert set(ids) == store.chunk_ids_of("about-scn")
    finally:
        store.set_document_metadata("about-scn", {"kind": "about"})


def test_overfetch_on_a_budget_and_its_fallback(assistant, monkeypatch):
    """A filter that would need many neighbours: fewer are asked for (``overfetch_budget``) and
    the passing ones are still the top of the filtered ranking; when too few pass, the passing
    chunks are scored exactly instead."""
    retriever, wire = assistant.retriever, {"kind": ["event_report"]}
    monkeypatch.setattr(retriever, "vectors", None)  # the path without the vector matrix
    monkeypatch.setattr(retriever, "exact_max", 0)
    monkeypatch.setattr(retriever, "overfetch_budget", 12)
    monkeypatch.setattr(retriever, "min_kept", 3)
    asked = []
    query = assistant.store.query_chunks

    def spy(vector, k, **options):
        asked.append((k, bool(options.get("filters"))))
        return query(vector, k, **options)

    monkeypatch.setattr(assistant.store, "query_chunks", spy)
    for question in QUESTIONS[:4]:
        unfiltered = [h.score for h in assistant.search(question, 100, mode="dense")
                      if h.chunk.document_id in DOCS and DOCS[h.chunk.document_id][0] == "event_report"]
        filtered = [h.score for h in assistant.search(question, 50, mode="dense", filters=wire)]
        assert 3 <= len(filtered) < len(unfiltered)  # fewer dense candidates, from 12 neighbours
        # the best of the passing chunks (scores: equal chunks may come in either order)
        assert filtered == pytest.approx(unfiltered[: len(filtered)], abs=1e-6)
    assert asked and all(k == 12 and not where for k, where in asked[1::2])

    monkeypatch.setattr(retriever, "min_kept", 10)  # 10 passing would take more than overfetch_max:
    monkeypatch.setattr(retriever, "overfetch_max", 12)  # exact scoring takes over
    scored = []
    score = assistant.store.score_chunks

    def counted(vector, ids):
        scored.append(len(ids))
        return score(vector, ids)

    monkeypatch.setattr(assistant.store, "score_chunks", counted)
    filtered = [h.chunk.id for h in assistant.search(QUESTIONS[0], 5, mode="dense", filters=wire)]
    assert scored == [int(retriever.allowed(parse_filters(wire)).sum())]
    assert len(filtered) == 5


def test_the_matrix_takes_over_when_the_overfetch_finds_too_few(assistant, monkeypatch):
    """With the vector matrix, a filter whose passing chunks the over-fetch cannot reach within
    ``overfetch_max`` neighbours is scored exactly in memory, never by Chroma's where or by
    fetching vectors."""
    retriever, wire = assistant.retriever, {"kind": ["event_report"]}
    monkeypatch.setattr(retriever, "matrix_max", 0)  # over the thresholds: the over-fetch first
    monkeypatch.setattr(retriever, "exact_max", 0)
    monkeypatch.setattr(retriever, "min_kept", 10)
    monkeypatch.setattr(retriever, "overfetch_max", 12)
    monkeypatch.setattr(retriever, "overfetch_budget", 12)
    asked = []
    query = assistant.store.query_chunks
    monkeypatch.setattr(
        assistant.store,
        "query_chunks",
        lambda v, k, **o: asked.append(bool(o.get("filters"))) or query(v, k, **o),
    )
    monkeypatch.setattr(assistant.store, "score_chunks", lambda *a: pytest.fail("fetched by id"))
    f = parse_filters(wire)
    expected = [cid for cid, _ in exact_filtered(assistant, QUESTIONS[0], f)]
    found = [h.chunk.id for h in assistant.search(QUESTIONS[0], 5, mode="dense", filters=wire)]
    assert found == expected[:5] and not any(asked)


def exact_filtered(assistant, question: str, filters) -> list[tuple[str, float]]:
    """The reference: every chunk that passes ``filters``, scored by cosine with the vector Chroma
    stores for it (fetched by id), best first, ``candidate_k`` of them."""
    retriever = assistant.retriever
    ids = [cid for cid, ok in zip(retriever.lexical.ids, retriever.allowed(filters), strict=True) if ok]
    stored = assistant.store.vectors_of(ids)
    q = retriever.embed_query(question)
    q = q / np.linalg.norm(q)
    scored = [(cid, float(v @ q / np.linalg.norm(v))) for cid, v in stored.items()]
    return sorted(scored, key=lambda item: -item[1])[: retriever.candidate_k]


@pytest.mark.parametrize(("wire", "allowed"), CASES)
def test_the_matrix_gives_the_exact_filtered_ranking(assistant, monkeypatch, wire, allowed):
    """The dense side from the vector matrix is the exact filtered search: the same chunks, in the
    same order, with the same cosines as scoring every passing chunk with Chroma's stored vectors."""
    monkeypatch.setattr(assistant.retriever, "matrix_max", 10**9)
    f = parse_filters(wire)
    for question in QUESTIONS[:6]:
        vector = assistant.retriever.embed_query(question)
        allowed_rows = assistant.retriever.allowed(f)
        n = int(allowed_rows.sum())
        if not n:
            continue
        served = assistant.retriever._dense(vector, f, allowed_rows, n)
        expected = exact_filtered(assistant, question, f)
        assert len(served) == len(expected) == min(n, assistant.retriever.candidate_k)
        assert [s for _, s in served] == pytest.approx([s for _, s in expected], abs=1e-5)
        ties = {cid for cid, s in expected if sum(abs(s - t) < 1e-5 for _, t in expected) > 1}
        assert [c for c, _ in served if c not in ties] == [c for c, _ in expected if c not in ties]


def test_the_matrix_follows_a_removal_on_a_chroma_server(tmp_path):
    """The vectors a Chroma server holds, read back at publish: after a document is removed the
    served matrix has exactly Chroma's rows, and a filter on that document finds nothing."""
    from assistant.config import Settings
    from assistant.embedding import HashEmbedder
    from assistant.ingest.run import remove_documents
    from tests.conftest import CACHE, DOCUMENTS

    server = ChromaServer().start()
    try:
        settings = Settings(data_dir=tmp_path / "data", documents_dir=DOCUMENTS, cache_dir=CACHE)
        settings.chroma_url = server.url
        served = Assistant(settings, embedder=HashEmbedder())
        ingest_into(served, DOCUMENTS, progress=False)
        retriever, doc = served.retriever, "melbourne-declaration-2018"
        assert retriever.vectors is not None and retriever.loaded_from == "snapshot"
        found = served.search(QUESTIONS[0], 5, filters={"document_ids": [doc]})
        assert {h.chunk.document_id for h in found} == {doc}

        remove_documents(served.stores, [doc])
        served.refresh(force=True)
        retriever = served.retriever
        stored = served.store.vectors_of(retriever.lexical.ids)
        assert len(stored) == len(retriever.vectors) == served.store.count()
        for row, cid in enumerate(retriever.lexical.ids):
            np.testing.assert_allclose(
                retriever.vectors[row], stored[cid] / np.linalg.norm(stored[cid]), atol=1e-6
            )
        assert served.search(QUESTIONS[0], 5, filters={"document_ids": [doc]}) == []
        assert served.search(QUESTIONS[0], 5, filters={"kind": ["declaration"]}) == []  # the only one
    finally:
        server.stop()
