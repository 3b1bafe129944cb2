"""Metadata filters on search and chat: parsing and its errors, and the same filter applied on
the lexical (BM25 mask) and the vector side (Chroma ``where``), against real embedded Chroma and a
real Chroma server (`chroma run`), with the fast hash embedder."""

from __future__ import annotations

import json

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


STRATEGIES = {  # the dense side's three ways (retrieval/hybrid.py), each forced in turn
    "exact": {"exact_max": 10**9},
    "overfetch": {"exact_max": 0, "overfetch_max": 10**9},
    "where": {"exact_max": 0, "overfetch_max": 0, "exact_fallback_max": 0},
}


@pytest.fixture(params=list(STRATEGIES))
def strategy(request, assistant, monkeypatch):
    for name, value in STRATEGIES[request.param].items():
        monkeypatch.setattr(assistant.retriever, name, value)
    calls = {"score_chunks": 0, "unfiltered": 0, "where": 0}
    store = assistant.store
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
    if mode == "lexical" and strategy[0] != "exact":
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
        expected_calls = {"exact": "score_chunks", "overfetch": "unfiltered", "where": "where"}[name]
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
