from __future__ import annotations

from fastapi import APIRouter, Depends
from starlette.concurrency import run_in_threadpool

from api.deps import AssistantDep
from api.ratelimit import rate_limit
from api.schemas import SearchRequest, SearchResponse, SearchResult, error_responses, wire_filters

router = APIRouter(prefix="/v1", tags=["search"], dependencies=[Depends(rate_limit)])


@router.post(
    "/search", response_model=SearchResponse, responses=error_responses(403, 413, 422, 429, 503)
)
async def search(body: SearchRequest, assistant: AssistantDep) -> SearchResponse:
    """The best passages for a query, within ``filters`` when given."""
    hits = await run_in_threadpool(
        lambda: assistant.search(body.query, body.k, filters=wire_filters(body.filters))
    )
    titles = assistant.retriever.titles
    return SearchResponse(
        results=[
            SearchResult(
                document_id=h.chunk.document_id,
                chunk_id=h.chunk.id,
                text=h.chunk.text,
                score=h.score,
                title=titles.get(h.chunk.document_id, ""),
                page=h.chunk.page or None,
            )
            for h in hits
        ]
    )
