"""The library as a LangChain retriever, for teams that build their own chains on it.

``LibraryRetriever`` is a ``langchain_core`` ``BaseRetriever`` over the assistant's own hybrid
search (BM25 + Chroma, fused; reranked by the reader when it is on) and its metadata filters, so a
chain sees exactly the passages the assistant would answer from::

    from assistant.chat.langchain_retriever import LibraryRetriever

    retriever = LibraryRetriever.from_settings(k=4, filters={"kind": ["declaration"]})
    docs = retriever.invoke("ما الذي دعا إليه رؤساء البلديات؟")
    docs = retriever.invoke("...", filters={"date_from": "2023-01-01"})  # per call, replaces the default

Each ``Document`` holds a chunk's text, and metadata: document_id, title, chunk_id, page (None for
unpaged documents), section, score (the fused score), kind, date (YYYY-MM-DD or None), place,
language. Bad filters raise ``InvalidRequest`` with the same message the API answers 422 with.
docs/langchain.md has a complete chain.
"""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict, Field

from assistant.chat.service import Assistant
from assistant.retrieval.filters import parse_filters
from assistant.types import Hit


def _iso(date: Any) -> str | None:
    if not isinstance(date, int) or date <= 0:
        return None
    text = f"{date:08d}"
    return f"{text[:4]}-{text[4:6]}-{text[6:]}"


class LibraryRetriever(BaseRetriever):
    """Hybrid search over the served index, within ``filters`` (the API's filter object)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    assistant: Assistant
    k: int = Field(5, ge=1, le=100)
    filters: dict[str, Any] | None = None

    @classmethod
    def from_settings(cls, settings: Any = None, **options: Any) -> LibraryRetriever:
        """A retriever over the index the settings (ASSISTANT_* environment) point to."""
        from assistant.config import get_settings

        return cls(assistant=Assistant(settings or get_settings()), **options)

    def model_post_init(self, __context: Any) -> None:
        parse_filters(self.filters)  # a bad default filter fails when the retriever is made

    def _document(self, hit: Hit) -> Document:
        chunk = hit.chunk
        described = self.assistant.retriever.documents.get(chunk.document_id, {})
        return Document(
            page_content=chunk.text,
            id=chunk.id,
            metadata={
                "document_id": chunk.document_id,
                "title": self.assistant.retriever.titles.get(chunk.document_id, ""),
                "chunk_id": chunk.id,
                "page": chunk.page or None,
                "section": chunk.section,
                "score": hit.score,
                "kind": described.get("kind"),
                "date": _iso(described.get("date")),
                "place": described.get("place") or None,
                "language": described.get("language"),
            },
        )

    def _get_relevant_documents(
        self,
        query: str,
        *,
        run_manager: CallbackManagerForRetrieverRun,
        filters: dict[str, Any] | None = None,
        k: int | None = None,
    ) -> list[Document]:
        hits = self.assistant.search(
            query, k or self.k, filters=self.filters if filters is None else filters
        )
        return [self._document(h) for h in hits]
