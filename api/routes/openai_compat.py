"""OpenAI-compatible chat completions, so any OpenAI client or chat UI can use the assistant.

The last user message is the question; earlier user/assistant pairs are the history used to
rewrite a follow-up. Citations are appended to the content as a numbered source list and are
also returned in an extra ``citations`` field (on the last chunk when streaming).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from typing import Any

from fastapi import APIRouter, Depends
from fastapi.responses import StreamingResponse
from pydantic import ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from api.deps import AssistantDep
from api.ratelimit import rate_limit
from api.schemas import FILTERS_FIELD, Filters, OpenAIError, RequestModel, error_responses, wire_filters
from api.sse import SSE_HEADERS, frame
from assistant.chat.streaming import public_citation
from assistant.errors import InvalidRequest
from assistant.types import Citation, StreamEvent

router = APIRouter(prefix="/v1", tags=["openai-compatible"])

MODEL_ID = "scn-assistant"
FALLBACK_NOTICE = "\n\n(تعذّر التحقق من الإجابة المولَّدة، وهذه إجابة مقتبسة من الوثائق مباشرة:)\n\n"


class Message(RequestModel):
    model_config = ConfigDict(extra="ignore")

    role: str
    content: str | list[dict[str, Any]] | None = None

    def text(self) -> str:
        if isinstance(self.content, list):
            return "".join(str(part.get("text", "")) for part in self.content if part.get("type") == "text")
        return self.content or ""


class CompletionRequest(RequestModel):
    model_config = ConfigDict(extra="ignore")

    model: str | None = None
    messages: list[Message] = Field(..., min_length=1)
    stream: bool = False
    filters: Filters | None = FILTERS_FIELD  # an extra field (OpenAI clients: extra_body)


def split_messages(messages: list[Message]) -> tuple[str, list[tuple[str, str, str]]]:
    """(question, history) from an OpenAI message list; system messages are ignored."""
    turns = [m for m in messages if m.role in ("user", "assistant")]
    if not turns or turns[-1].role != "user":
        raise InvalidRequest("The last message must have role 'user' and hold the question.")
    history: list[tuple[str, str, str]] = []
    pending: str | None = None
    for message in turns[:-1]:
        if message.role == "user":
            pending = message.text()
        elif pending is not None:
            history.append((pending, pending, message.text()))
            pending = None
    return turns[-1].text(), history


def sources(citations: list[Citation]) -> str:
    if not citations:
        return ""
    lines = [f"[{c.n}] {c.title}: «{c.quote}»" for c in citations]
    return "\n\nالمصادر:\n" + "\n".join(lines)


def envelope(kind: str, completion_id: str, created: int) -> dict[str, Any]:
    return {"id": completion_id, "object": kind, "created": created, "model": MODEL_ID}


@router.get("/models", responses=error_responses(403, model=OpenAIError))
def models() -> dict[str, Any]:
    return {
        "object": "list",
        "data": [
            {"id": MODEL_ID, "object": "model", "created": 1_700_000_000, "owned_by": "strong-cities-network"}
        ],
    }


@router.post(
    "/chat/completions",
    dependencies=[Depends(rate_limit)],
    responses=error_responses(200, 403, 413, 422, 429, 503, model=OpenAIError),
)
async def chat_completions(body: CompletionRequest, assistant: AssistantDep):
    question, history = split_messages(body.messages)
    filters = wire_filters(body.filters)
    created = int(time.time())
    if body.stream:
        events = await run_in_threadpool(assistant.stream, question, None, history, filters)
        return StreamingResponse(
            completion_chunks(events, f"chatcmpl-{uuid.uuid4().hex}", created),
            media_type="text/event-stream",
            headers=SSE_HEADERS,
        )
    answer, answer_id = await run_in_threadpool(assistant.complete, question, history, filters)
    content = answer.text + sources(answer.citations)
    return {
        **envelope("chat.completion", f"chatcmpl-{answer_id}", created),
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}
        ],
        "usage": {
            "prompt_tokens": len(question.split()),
            "completion_tokens": len(content.split()),
            "total_tokens": len(question.split()) + len(content.split()),
        },
        "citations": [public_citation(c) for c in answer.citations],
        "refused": answer.refused,
        "generator": answer.generator,
        "answer_id": answer_id,
    }


def completion_chunks(events: Iterator[StreamEvent], completion_id: str, created: int) -> Iterator[str]:
    head = envelope("chat.completion.chunk", completion_id, created)

    def chunk(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> str:
        return frame(
            None, {**head, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}], **extra}
        )

    yield chunk({"role": "assistant", "content": ""})
    citations: list[dict[str, Any]] = []
    for event in events:
        if event.type == "delta":
            yield chunk({"content": event.data["text"]})
        elif event.type == "reset":
            yield chunk({"content": FALLBACK_NOTICE})
        elif event.type == "citations":
            citations = event.data["citations"]
            if citations:
                listed = [Citation(**{**c, "start": 0, "end": 0}) for c in citations]
                yield chunk({"content": sources(listed)})
        elif event.type == "done":
            yield chunk({}, "stop", citations=citations, answer_id=event.data["answer_id"])
        elif event.type == "error":
            yield frame(None, {"error": {"message": event.data["message"], "type": event.data["error"]}})
    yield frame(None, "[DONE]")
