from __future__ import annotations

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from api.deps import AssistantDep
from api.schemas import ChatRequest, ChatResponse, CitationOut

router = APIRouter(prefix="/v1", tags=["chat"])


@router.post("/chat", response_model=ChatResponse)
async def chat(body: ChatRequest, assistant: AssistantDep) -> ChatResponse:
    answer, conversation_id, answer_id = await run_in_threadpool(
        assistant.ask, body.message, body.conversation_id
    )
    return ChatResponse(
        answer=answer.text,
        refused=answer.refused,
        citations=[
            CitationOut(
                n=c.n,
                document_id=c.document_id,
                title=c.title,
                quote=c.quote,
                chunk_id=c.chunk_id,
                score=c.score,
            )
            for c in answer.citations
        ],
        conversation_id=conversation_id,
        answer_id=answer_id,
    )
