"""An LLM generator backed by the extractive composer: when the LLM fails, the quotes stand in.

A failure is anything the primary reports as ``GenerationFailed`` (timeout, connection error,
rate limit, server error, missing or out-of-range citations). The answer then comes from the
extractive composer with ``generator="extractive-fallback"`` and ``fallback_reason`` set to the
failure's reason code. When streaming, deltas already sent are withdrawn with ``RESET`` first.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

from assistant.answer.base import RESET, GenerationFailed, Generator
from assistant.answer.evidence import Evidence
from assistant.answer.extractive import ExtractiveComposer
from assistant.types import Answer, Hit

log = logging.getLogger(__name__)

FALLBACK_NAME = "extractive-fallback"


class FallbackGenerator(Generator):
    """``primary`` (an LLM generator), or ``fallback`` (extractive) when the primary fails."""

    def __init__(self, primary: Generator, fallback: ExtractiveComposer):
        self.primary = primary
        self.fallback = fallback
        self.name = primary.name

    def generate(self, question: str, hits: list[Hit], evidence: list[Evidence]) -> Answer:
        try:
            return self.primary.generate(question, hits, evidence)
        except GenerationFailed as failed:
            log.warning("%s failed (%s); answering extractively", self.primary.name, failed.reason)
            return self._mark(self.fallback.generate(question, hits, evidence), failed.reason)

    def stream(self, question: str, hits: list[Hit], evidence: list[Evidence]) -> Iterator[str | Answer]:
        streamed = False
        try:
            for item in self.primary.stream(question, hits, evidence):
                if isinstance(item, Answer):
                    yield item
                    return
                streamed = True
                yield item
            raise GenerationFailed("backend_error", "the stream ended without an answer")
        except GenerationFailed as failed:
            log.warning(
                "%s failed (%s) after %s; answering extractively",
                self.primary.name,
                failed.reason,
                "streaming" if streamed else "no output",
            )
            if streamed:
                yield RESET  # type: ignore[misc]
            for item in self.fallback.stream(question, hits, evidence):
                yield self._mark(item, failed.reason) if isinstance(item, Answer) else item

    @staticmethod
    def _mark(answer: Answer, reason: str) -> Answer:
        answer.generator = FALLBACK_NAME
        answer.fallback_reason = reason
        return answer
