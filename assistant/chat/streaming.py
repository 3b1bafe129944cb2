"""A streamed answer as a sequence of events: delta…, [reset, delta…], citations, done | error.

The answer is stored once it is complete, so ``done`` carries the answer_id. An error after the
stream started arrives as an ``error`` event (the HTTP status is already sent by then).
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Iterator

from assistant.answer.base import RESET, refusal, split_deltas
from assistant.chat.pipeline import AnswerPipeline
from assistant.errors import AssistantError
from assistant.store.conversations import ConversationStore
from assistant.types import Answer, Citation, Retrieval, SearchFilters, StreamEvent

log = logging.getLogger(__name__)


def public_citation(c: Citation) -> dict:
    return {
        "n": c.n,
        "document_id": c.document_id,
        "title": c.title,
        "quote": c.quote,
        "chunk_id": c.chunk_id,
        "score": c.score,
        "page": c.page,
    }


def stream_answer(
    pipeline: AnswerPipeline,
    conversations: ConversationStore,
    question: str,
    conversation_id: str | None,
    history: list[tuple[str, str, str]] | None = None,
    filters: SearchFilters | None = None,
) -> Iterator[StreamEvent]:
    """``history`` given explicitly (OpenAI-style requests carry it) wins over the stored one;
    ``filters`` restrict retrieval."""
    started = time.perf_counter()
    try:
        if history is None:
            history = conversations.history(conversation_id)
        declined = pipeline.declined(question)
        standalone = question if declined else pipeline.standalone(question, history)
        found = (
            Retrieval([], [], 0.0) if declined else pipeline.retrieve_evidence(standalone, filters=filters)
        )
        answer: Answer | None = None
        if declined or found.decline:
            answer = declined or refusal(found.support, found.decline or "weak_evidence")
            for piece in split_deltas(answer.text):
                yield StreamEvent("delta", {"text": piece})
        else:
            for item in pipeline.generator.stream(standalone, found.hits, found.evidence):
                if item is RESET:
                    yield StreamEvent("reset", {})
                elif isinstance(item, Answer):
                    answer = item
                else:
                    yield StreamEvent("delta", {"text": item})
            if answer is None:
                raise RuntimeError("generator stream ended without an answer")
            answer = pipeline.with_titles(answer)
            answer.confidence = found.support
        latency_ms = (time.perf_counter() - started) * 1000  # until the whole answer was ready
        conversation_id, answer_id = conversations.save(
            conversation_id, question, standalone, answer, found.hits, latency_ms
        )
        yield StreamEvent("citations", {"citations": [public_citation(c) for c in answer.citations]})
        yield StreamEvent(
            "done",
            {
                "answer_id": answer_id,
                "conversation_id": conversation_id,
                "refused": answer.refused,
                "generator": answer.generator,
                "fallback_reason": answer.fallback_reason,
            },
        )
    except AssistantError as exc:
        yield StreamEvent("error", {"error": exc.code, "message": exc.message})
    except Exception as exc:  # noqa: BLE001 - the stream must end with an event, not a broken connection
        error_id = uuid.uuid4().hex[:12]
        log.error("stream failed %s: %s", error_id, type(exc).__name__, exc_info=exc)
        yield StreamEvent(
            "error",
            {
                "error": "internal_error",
                "message": f"Something went wrong on our side (error id {error_id}).",
            },
        )
