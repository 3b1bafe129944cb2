"""Request and response bodies of the public API (the contract other tools build on)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class ChatRequest(BaseModel):
    """Emptiness and length are checked by the service (one rule for API and CLI) and answered 422."""

    model_config = ConfigDict(extra="ignore")

    message: str = Field(..., description="The question, in Arabic or English.")
    conversation_id: str | None = Field(None, max_length=64)
    stream: bool = Field(False, description="Answer as Server-Sent Events: delta…, citations, done.")


class CitationOut(BaseModel):
    n: int
    document_id: str
    title: str
    quote: str
    chunk_id: str
    score: float
    page: int | None = Field(None, description="Page of the quote in a paged document (PDF, slides).")


class ChatResponse(BaseModel):
    answer: str
    refused: bool
    citations: list[CitationOut]
    conversation_id: str
    answer_id: str
    generator: str = Field("extractive", description="extractive | openai | ollama | extractive-fallback")
    fallback_reason: str | None = Field(None, description="Why the LLM answer was replaced, if it was.")


class SearchRequest(BaseModel):
    query: str
    k: int = Field(5, ge=1, le=50)


class SearchResult(BaseModel):
    document_id: str
    chunk_id: str
    text: str
    score: float


class SearchResponse(BaseModel):
    results: list[SearchResult]


class DocumentOut(BaseModel):
    id: str
    title: str
    kind: str
    date: str | None
    place: str | None
    language: str
    source_path: str
    chunk_count: int
    updated_at: str | None


class DocumentsResponse(BaseModel):
    documents: list[DocumentOut]


class ErrorResponse(BaseModel):
    error: str
    message: str
