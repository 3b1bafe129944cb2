from __future__ import annotations

import os

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.deps import AssistantDep

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz(assistant: AssistantDep) -> JSONResponse:
    """200 when the database and Chroma answer and the index is loaded. A store that cannot be reached
    raises StoreUnavailable (503 with a message); ``worker`` tells which API process answered."""
    assistant.store.heartbeat()
    assistant.refresh(force=True)
    if not assistant.ready:
        return JSONResponse(
            {"status": "no_index", "message": "No documents are indexed yet; run `assistant ingest`."},
            status_code=503,
        )
    return JSONResponse({"status": "ok", "chunks": len(assistant.retriever), "worker": os.getpid()})
