from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from starlette.concurrency import run_in_threadpool

from api.deps import AssistantDep
from api.schemas import DocumentOut, DocumentsResponse, FacetCount, error_responses
from assistant.retrieval.filters import parse_filters
from assistant.store.documents import DocumentStore

router = APIRouter(tags=["documents"])

Values = Annotated[list[str] | None, Query()]


@router.get("/v1/documents", response_model=DocumentsResponse, responses=error_responses(403, 422, 503))
async def documents(
    assistant: AssistantDep,
    kind: Values = None,
    language: Values = None,
    place: Values = None,
    date_from: Annotated[str | None, Query(description="YYYY-MM-DD")] = None,
    date_to: Annotated[str | None, Query(description="YYYY-MM-DD")] = None,
    limit: Annotated[int | None, Query(ge=1, le=1000, description="A page of at most this many.")] = None,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> DocumentsResponse:
    """The documents with their metadata, and facet counts (kind, language, place, year) of the
    documents listed. The query parameters are the search filters (repeat a parameter for several
    values: ``?kind=declaration&kind=brief``); without them every document is listed."""
    filters = parse_filters(
        {"kind": kind, "language": language, "place": place, "date_from": date_from, "date_to": date_to}
    )
    store = DocumentStore(assistant.sessions)

    def read():
        return store.list(filters, limit=limit, offset=offset), store.count(filters), store.facets(filters)

    rows, total, facets = await run_in_threadpool(read)
    return DocumentsResponse(
        documents=[DocumentOut(**row) for row in rows],
        total=total,
        facets={name: [FacetCount(**f) for f in counts] for name, counts in facets.items()},
    )
