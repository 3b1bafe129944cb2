"""Filters over HTTP: /v1/search, /v1/chat (JSON and streamed), /v1/chat/completions (the openai
client's extra_body) and the facets of /v1/documents. Real Chroma and SQLite, the fake embedder."""

from __future__ import annotations

import json

import openai
import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from assistant.chat.service import Assistant
from tests.api.live_server import serve
from tests.conftest import ingest_into

QUESTION = "ما هي توصيات القمة بشأن التعاون بين الحكومات الوطنية والمحلية؟"
RECENT = {"fifth-global-summit-nlc-2024", "south-asia-regional-workshop-2023"}
EVENTS = {"birmingham-stronger-cities-conference", *RECENT}


@pytest.fixture(scope="module")
def assistant(tmp_path_factory):
    from assistant.config import Settings
    from assistant.embedding import HashEmbedder
    from tests.conftest import CACHE, DOCUMENTS

    settings = Settings(data_dir=tmp_path_factory.mktemp("data"), documents_dir=DOCUMENTS, cache_dir=CACHE)
    settings.refusal_threshold = 0.0
    assistant = Assistant(settings, embedder=HashEmbedder())
    ingest_into(assistant, DOCUMENTS, progress=False)
    return assistant


@pytest.fixture(scope="module")
def client(assistant):
    with TestClient(create_app(assistant=assistant)) as client:
        yield client


def test_search_honours_filters_and_returns_titles(client):
    everything = client.post("/v1/search", json={"query": "شبكة المدن القوية", "k": 20}).json()["results"]
    assert {r["document_id"] for r in everything} - {"melbourne-declaration-2018"}
    only = client.post(
        "/v1/search", json={"query": "شبكة المدن القوية", "k": 20, "filters": {"kind": ["declaration"]}}
    ).json()["results"]
    assert only and {r["document_id"] for r in only} == {"melbourne-declaration-2018"}
    assert all(r["title"].startswith("دعوة رؤساء البلديات") for r in only)
    dated = client.post(
        "/v1/search",
        json={
            "query": "شبكة المدن القوية",
            "k": 20,
            "filters": {"date_from": "2023-01-01", "kind": "event_report"},
        },
    ).json()["results"]
    assert {r["document_id"] for r in dated} == RECENT


@pytest.mark.parametrize("path", ["/v1/search", "/v1/chat"])
@pytest.mark.parametrize(
    ("filters", "fragment"),
    [
        ({"type": "brief"}, "'filters.type' is not a known field. The filter fields are kind, date_from"),
        ({"date_from": "2024-02-30"}, "date_from '2024-02-30' is not a date; write it as YYYY-MM-DD"),
        ({"date_to": "yesterday"}, "date_to 'yesterday' is not a date"),
        ({"kind": ["memo"]}, "kind 'memo' is not one of declaration, brief, event_report, about, other"),
        ({"date_from": "2024-01-01", "date_to": "2020-01-01"}, "date_from (2024-01-01) is after date_to"),
        ("declaration", "filters"),
    ],
)
def test_bad_filters_are_a_clear_422(client, path, filters, fragment):
    body = {"query": "القمة"} if path == "/v1/search" else {"message": "القمة"}
    for stream in ([False, True] if path == "/v1/chat" else [False]):
        response = client.post(path, json={**body, "filters": filters, "stream": stream})
        assert response.status_code == 422
        assert response.json()["error"] == "invalid_request"
        assert fragment in response.json()["message"]
        assert "Traceback" not in response.text


def test_chat_json_and_stream_cite_only_the_filtered_documents(client):
    answer = client.post("/v1/chat", json={"message": QUESTION, "filters": {"kind": ["event_report"]}}).json()
    assert not answer["refused"] and answer["citations"]
    assert {c["document_id"] for c in answer["citations"]} <= EVENTS
    only_about = {"document_ids": ["about-scn"]}
    answer = client.post("/v1/chat", json={"message": QUESTION, "filters": only_about}).json()
    assert {c["document_id"] for c in answer["citations"]} <= {"about-scn"}
    with client.stream(
        "POST", "/v1/chat", json={"message": QUESTION, "stream": True, "filters": only_about}
    ) as response:
        lines = [line for line in response.iter_lines() if line.startswith("data:")]
    citations = [json.loads(line[5:]) for line in lines if '"citations"' in line][0]["citations"]
    assert citations and {c["document_id"] for c in citations} == {"about-scn"}


def test_a_filter_nothing_passes_is_a_refusal_not_an_error(client):
    answer = client.post("/v1/chat", json={"message": QUESTION, "filters": {"language": ["en"]}}).json()
    assert answer["refused"] and answer["citations"] == []
    found = client.post("/v1/search", json={"query": "القمة", "filters": {"kind": "brief"}}).json()
    assert found["results"] == []


def test_documents_lists_facets_with_counts(client):
    body = client.get("/v1/documents").json()
    assert body["total"] == len(body["documents"]) == 5
    facets = body["facets"]
    assert facets["kind"] == [
        {"value": "event_report", "count": 3},
        {"value": "about", "count": 1},
        {"value": "declaration", "count": 1},
    ]
    assert facets["language"] == [{"value": "ar", "count": 5}]
    assert {f["value"]: f["count"] for f in facets["year"]} == {"2018": 1, "2023": 1, "2024": 1}
    assert sum(f["count"] for f in facets["place"]) == 4  # about-scn has no place
    assert {"value": "كيب تاون، جنوب أفريقيا", "count": 1} in facets["place"]
    melbourne = next(d for d in body["documents"] if d["id"] == "melbourne-declaration-2018")
    assert melbourne["metadata_origin"]["kind"] == "sidecar"


def test_documents_takes_the_filters_as_query_parameters(client):
    body = client.get("/v1/documents", params=[("kind", "event_report"), ("date_from", "2023-01-01")]).json()
    assert sorted(d["id"] for d in body["documents"]) == [
        "fifth-global-summit-nlc-2024", "south-asia-regional-workshop-2023"
    ]
    assert body["total"] == 2 and body["facets"]["kind"] == [{"value": "event_report", "count": 2}]
    page = client.get("/v1/documents", params={"limit": 2, "offset": 1}).json()
    assert page["total"] == 5 and len(page["documents"]) == 2
    assert page["documents"][0]["id"] == "birmingham-stronger-cities-conference"
    bad = client.get("/v1/documents", params={"date_to": "2024-99-01"})
    assert bad.status_code == 422 and "date_to '2024-99-01' is not a date" in bad.json()["message"]


def test_chat_completions_take_filters_in_extra_body(assistant):
    with serve(create_app(assistant=assistant)) as url:
        client = openai.OpenAI(base_url=f"{url}/v1", api_key="unused", max_retries=0, timeout=30)
        messages = [{"role": "user", "content": QUESTION}]
        completion = client.chat.completions.create(
            model="scn-assistant", messages=messages, extra_body={"filters": {"kind": ["declaration"]}}
        )
        cited = {c["document_id"] for c in completion.model_extra["citations"]}
        assert cited == {"melbourne-declaration-2018"}
        stream = client.chat.completions.create(
            model="scn-assistant", messages=messages, stream=True,
            extra_body={"filters": {"document_ids": ["about-scn"]}},
        )
        last = list(stream)[-1]
        assert {c["document_id"] for c in last.model_extra["citations"]} == {"about-scn"}
        with pytest.raises(openai.UnprocessableEntityError) as caught:
            client.chat.completions.create(
                model="scn-assistant", messages=messages, extra_body={"filters": {"date_from": "2024/01/01"}}
            )
        assert "date_from '2024/01/01' is not a date" in caught.value.body["message"]
