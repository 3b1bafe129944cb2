from __future__ import annotations

from fastapi import APIRouter, Depends
from starlette.concurrency import run_in_threadpool

from api.deps import AssistantDep
from api.ratelimit import rate_limit
from api.schemas import SearchRequest, SearchResponse, SearchResult, error_responses

router = APIRouter(prefix="/v1", tags=["search"], dependencies=[Depends(rate_limit)])


@router.post(
    "/search", response_model=SearchResponse, responses=error_responses(403, 413, 422, 429, 503)
)
async def search(body: SearchRequest, assistant: AssistantDep) -> SearchResponse:
    hits = await run_in_threadpool(assistant.search, body.query, body.k)
    return SearchResponse(
        results=[
            SearchResult(
                document_id=h.chunk.document_id, chunk_id=h.chunk.id, text=h.chunk.text, score=h.score
            )
            for h in hits
        ]
    )
