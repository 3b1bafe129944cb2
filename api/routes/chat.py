from __future__ import annotations

from fastapi import APIRouter, Depends
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from api.deps import AssistantDep
from api.ratelimit import rate_limit
from api.schemas import CHAT_EVENTS, ChatRequest, ChatResponse, CitationOut, error_responses, wire_filters
from api.sse import SSE_HEADERS, event_stream
from assistant.chat.streaming import public_citation

router = APIRouter(prefix="/v1", tags=["chat"], dependencies=[Depends(rate_limit)])


@router.post(
    "/chat",
    response_model=ChatResponse,
    responses=error_responses(200, 403, 404, 413, 422, 429, 503, events=CHAT_EVENTS),
)
async def chat(body: ChatRequest, assistant: AssistantDep):
    """Answer a question. With ``"stream": true`` the answer comes as Server-Sent Events:
    ``delta`` ({"text"}) events, ``reset`` when an LLM answer is replaced by the extractive one,
    one ``citations`` event, then ``done`` ({"answer_id", "conversation_id", ...}); failures after
    the stream started arrive as an ``error`` event. ``filters`` restrict retrieval for this
    question only."""
    filters = wire_filters(body.filters)
    if body.stream:
        events = await run_in_threadpool(
            lambda: assistant.stream(body.message, body.conversation_id, filters=filters)
        )
        return StreamingResponse(event_stream(events), media_type="text/event-stream", headers=SSE_HEADERS)
    answer, conversation_id, answer_id = await run_in_threadpool(
        assistant.ask, body.message, body.conversation_id, filters
    )
    return ChatResponse(
        answer=answer.text,
        refused=answer.refused,
        citations=[CitationOut(**public_citation(c)) for c in answer.citations],
        conversation_id=conversation_id,
        answer_id=answer_id,
        generator=answer.generator,
        fallback_reason=answer.fallback_reason,
    )
