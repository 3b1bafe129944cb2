"""LibraryRetriever: a LangChain BaseRetriever over the assistant's hybrid search and filters,
against the real index (real e5-small model, real Chroma and SQLite over documents/)."""

from __future__ import annotations

import pytest
from langchain_core.documents import Document
from langchain_core.runnables import RunnableLambda

from assistant.chat.langchain_retriever import LibraryRetriever
from assistant.errors import InvalidRequest

pytestmark = pytest.mark.model

MELBOURNE_Q = "كم قائدًا محليًا حضر لقاء الشبكة في أستراليا عام 2018، ومن كم بلدًا قدموا؟"


def test_documents_are_the_assistants_hits_with_metadata(real_assistant):
    retriever = LibraryRetriever(assistant=real_assistant, k=4)
    docs = retriever.invoke(MELBOURNE_Q)
    hits = real_assistant.search(MELBOURNE_Q, 4)
    assert [d.metadata["chunk_id"] for d in docs] == [h.chunk.id for h in hits]
    assert [d.page_content for d in docs] == [h.chunk.text for h in hits]
    top = docs[0]
    assert isinstance(top, Document) and top.metadata["document_id"] == "melbourne-declaration-2018"
    assert top.metadata["title"].startswith("دعوة رؤساء البلديات")
    assert (top.metadata["kind"], top.metadata["date"], top.metadata["place"], top.metadata["language"]) == (
        "declaration", "2018-07-11", "ميلبورن، أستراليا", "ar"
    )
    assert top.metadata["page"] is None  # a .txt document has no pages
    assert top.metadata["score"] == pytest.approx(hits[0].score)


def test_default_and_per_call_filters(real_assistant):
    events = LibraryRetriever(assistant=real_assistant, k=5, filters={"kind": ["event_report"]})
    docs = events.invoke(MELBOURNE_Q)
    assert docs and {d.metadata["kind"] for d in docs} == {"event_report"}
    assert "melbourne-declaration-2018" not in {d.metadata["document_id"] for d in docs}
    recent = events.invoke(MELBOURNE_Q, filters={"date_from": "2024-01-01"})  # replaces the default
    assert {d.metadata["document_id"] for d in recent} == {"fifth-global-summit-nlc-2024"}
    assert len(events.invoke(MELBOURNE_Q, k=2)) == 2


def test_bad_filters_raise_the_apis_message(real_assistant):
    with pytest.raises(InvalidRequest, match="filters.kind 'memo' is not one of"):
        LibraryRetriever(assistant=real_assistant, filters={"kind": ["memo"]})
    retriever = LibraryRetriever(assistant=real_assistant)
    with pytest.raises(InvalidRequest, match="date_to '2024-31-12' is not a date"):
        retriever.invoke(MELBOURNE_Q, filters={"date_to": "2024-31-12"})


def test_it_composes_in_a_chain(real_assistant):
    retriever = LibraryRetriever(assistant=real_assistant, k=3, filters={"document_ids": ["about-scn"]})
    chain = retriever | RunnableLambda(lambda docs: "\n\n".join(f"[{d.metadata['title']}] {d.page_content}"
                                                                for d in docs))
    context = chain.invoke("ما المؤسسة المسؤولة عن تسيير شبكة المدن القوية؟")
    assert context.count("[عن شبكة المدن القوية]") == 3
    assert "معهد الحوار الإستراتيجي" in context
