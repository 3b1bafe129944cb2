from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.deps import AssistantDep

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz(assistant: AssistantDep) -> JSONResponse:
    assistant.refresh()
    if not assistant.ready:
        return JSONResponse(
            {"status": "no_index", "message": "No documents are indexed yet; run `assistant ingest`."},
            status_code=503,
        )
    return JSONResponse({"status": "ok", "chunks": len(assistant.retriever)})
