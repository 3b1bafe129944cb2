from __future__ import annotations

import os

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.deps import AssistantDep
from api.schemas import HealthResponse, error_responses

router = APIRouter(tags=["health"])


@router.head("/healthz", include_in_schema=False)  # the same answer without a body (uptime probes)
@router.get("/healthz", response_model=HealthResponse, responses=error_responses(503))
def healthz(assistant: AssistantDep) -> JSONResponse:
    """200 when the database and Chroma answer and the index is loaded. A store that cannot be reached
    raises StoreUnavailable (503 with a message); ``worker`` tells which API process answered."""
    assistant.store.heartbeat()
    assistant.refresh(force=True)
    if not assistant.ready:
        return JSONResponse(
            {
                "status": "no_index",
                "error": "index_not_ready",
                "message": "No documents are indexed yet; run `assistant ingest`.",
            },
            status_code=503,
        )
    return JSONResponse({"status": "ok", "chunks": len(assistant.retriever), "worker": os.getpid()})
