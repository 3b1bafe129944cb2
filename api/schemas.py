"""Request and response bodies of the public API (the contract other tools build on)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from assistant.errors import InvalidRequest
from assistant.retrieval.filters import parse_filters
from assistant.text.safety import unencodable_message
from assistant.types import DOCUMENT_KINDS


def _find_unencodable(value: Any, field: str) -> str | None:
    if isinstance(value, str):
        return unencodable_message(value, f"field '{field}'")
    if isinstance(value, dict):
        values = list(value.keys()) + list(value.values())
    elif isinstance(value, list | tuple):
        values = list(value)
    else:
        is_model = isinstance(value, BaseModel)
        values = [getattr(value, name) for name in type(value).model_fields] if is_model else []
    for item in values:
        found = _find_unencodable(item, field)
        if found:
            return found
    return None


class RequestModel(BaseModel):
    """Base of every request body: any string that cannot be encoded as UTF-8 (a lone surrogate,
    which JSON's \\uXXXX escapes allow) is a 422 naming the field, wherever it sits."""

    @field_validator("*", mode="after")
    @classmethod
    def _encodable(cls, value: Any, info: ValidationInfo) -> Any:
        found = _find_unencodable(value, info.field_name or "body")
        if found:
            raise ValueError(found)
        return value


StringOrList = list[str] | str | None


class Filters(RequestModel):
    """Restrict retrieval to some documents (README.md, "API", Filters). Every field is optional and
    every set field must hold; the values of one field are alternatives. A single string counts as
    a list of one. Unknown fields, unknown kinds and dates that are not YYYY-MM-DD are a 422."""

    model_config = ConfigDict(extra="forbid")

    kind: StringOrList = Field(None, description=f"Document kinds: {', '.join(DOCUMENT_KINDS)}.")
    date_from: str | None = Field(None, description="Documents dated on or after (YYYY-MM-DD); "
                                  "documents without a date are left out by any date bound.")
    date_to: str | None = Field(None, description="Documents dated on or before (YYYY-MM-DD).")
    place: StringOrList = Field(None, description="Places exactly as GET /v1/documents lists them.")
    language: StringOrList = Field(None, description="Language codes, e.g. ar, en.")
    document_ids: StringOrList = Field(None, description="Document ids (GET /v1/documents).")

    @model_validator(mode="after")
    def _checked(self) -> Filters:
        try:
            parse_filters(self.wire())
        except InvalidRequest as exc:
            raise ValueError(exc.message.removeprefix("filters: ").removeprefix("filters.")) from None
        return self

    def wire(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=True)


def wire_filters(filters: Filters | None) -> dict[str, Any] | None:
    return filters.wire() if filters is not None else None


FILTERS_FIELD = Field(None, description="Restrict retrieval to some documents (kind, date range, place, "
                      "language, document ids); applies to this request only.")


class ChatRequest(RequestModel):
    """Emptiness and length are checked by the service (one rule for API and CLI) and answered 422."""

    model_config = ConfigDict(extra="ignore")

    message: str = Field(
        ...,
        min_length=1,
        description="The question, in Arabic or English: not only whitespace, at most "
        "ASSISTANT_MAX_MESSAGE_CHARS characters (4,000 by default).",
    )
    conversation_id: str | None = Field(None, max_length=64)
    stream: bool = Field(False, description="Answer as Server-Sent Events: delta…, citations, done.")
    filters: Filters | None = FILTERS_FIELD


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


class SearchRequest(RequestModel):
    query: str = Field(..., min_length=1, description="Search text (not only whitespace).")
    k: int = Field(5, ge=1, le=50)
    filters: Filters | None = FILTERS_FIELD


class SearchResult(BaseModel):
    document_id: str
    chunk_id: str
    text: str
    score: float
    title: str = ""
    page: int | None = Field(None, description="Page the chunk starts on (paged documents).")


class SearchResponse(BaseModel):
    results: list[SearchResult]


class DocumentOut(BaseModel):
    id: str
    title: str
    kind: str
    date: str | None
    place: str | None
    language: str
    metadata_origin: dict[str, str] = Field(
        default_factory=dict,
        description="Where each metadata field came from: sidecar, folder (metadata.json), file, "
        "guessed (ingest rules), staff.",
    )
    source_path: str
    source_url: str | None = Field(None, description="Where the document can be read online.")
    chunk_count: int
    updated_at: str | None


class HealthResponse(BaseModel):
    status: str = Field(..., description="ok")
    chunks: int = Field(..., description="Chunks in the loaded index.")
    worker: int = Field(..., description="Process id of the API worker that answered.")


class FacetCount(BaseModel):
    value: str
    count: int


class DocumentsResponse(BaseModel):
    documents: list[DocumentOut]
    total: int = Field(0, description="Documents that pass the filters (all of them, without limit).")
    facets: dict[str, list[FacetCount]] = Field(
        default_factory=dict,
        description="Counts of the listed documents per kind, language, place and year, most frequent "
        "first. Documents without a place or date are not counted under place or year.",
    )


class ErrorResponse(BaseModel):
    """Every error of the /v1 API (except the OpenAI-compatible routes) and /healthz."""

    error: str = Field(..., description="A stable code: invalid_request, not_found, rate_limited, …")
    message: str = Field(..., description="What went wrong and what to do, for people.")


class OpenAIErrorBody(BaseModel):
    message: str
    type: str
    code: str | None = None


class OpenAIError(BaseModel):
    """Errors of /v1/chat/completions and /v1/models, in OpenAI's shape."""

    error: OpenAIErrorBody


CHAT_EVENTS = ["delta", "reset", "citations", "done", "error"]


def error_responses(
    *statuses: int, model: type[BaseModel] = ErrorResponse, events: list[str] | None = None
) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for the errors a route can really answer, with the real body shape."""
    described = {
        403: "The page's Origin is not in ASSISTANT_ALLOWED_ORIGINS (origin_not_allowed).",
        404: "Unknown conversation_id or answer_id.",
        413: "The request body is larger than ASSISTANT_MAX_REQUEST_KB (64 kB by default).",
        422: "Invalid request: malformed JSON, a missing or wrongly typed field, an empty or too long "
        "text, text that is not valid Unicode.",
        429: "Rate limited; the Retry-After header says how many seconds to wait.",
        503: "No documents are indexed yet (index_not_ready) or a store cannot be reached "
        "(store_unavailable).",
    }
    sse_event: dict[str, Any] = {
        "type": "object",
        "properties": {"data": {"type": "string", "description": "JSON text (or [DONE])"}},
        "required": ["data"],
    }
    if events:
        sse_event["properties"]["event"] = {"type": "string", "enum": events}
    responses: dict[int | str, dict[str, Any]] = {}
    for status in statuses:
        if status == 200:  # a streaming route: JSON, or Server-Sent Events with "stream": true
            responses[200] = {
                "description": "The answer as JSON, or with \"stream\": true as Server-Sent Events "
                "(text/event-stream). The schema is that of one event; `data` is JSON text.",
                "content": {"text/event-stream": {"schema": sse_event}},
            }
            continue
        entry: dict[str, Any] = {"model": model, "description": described[status]}
        if status == 429:
            entry["headers"] = {
                "Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer"}}
            }
        responses[status] = entry
    return responses
