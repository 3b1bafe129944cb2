from __future__ import annotations

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from api.deps import AssistantDep
from api.schemas import DocumentOut, DocumentsResponse, error_responses
from assistant.store.documents import DocumentStore

router = APIRouter(tags=["documents"])


@router.get("/v1/documents", response_model=DocumentsResponse, responses=error_responses(403, 503))
async def documents(assistant: AssistantDep) -> DocumentsResponse:
    rows = await run_in_threadpool(DocumentStore(assistant.sessions).list)
    return DocumentsResponse(documents=[DocumentOut(**row) for row in rows])
