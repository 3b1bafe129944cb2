"""Choosing the follow-up rewriter: an LLM rewrites when a backend is configured, otherwise (and
whenever the LLM fails) the offline key-term method of ``assistant.chat.followups`` does."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence

from assistant.chat.followups import KeyTermRewriter, QuestionRewriter, Turn, Weights
from assistant.config import Settings

log = logging.getLogger(__name__)

MAX_REWRITE_CHARS = 600  # a rewrite longer than this is not a question; keep the original


class LLMRewriter(QuestionRewriter):
    def __init__(self, chain, fallback: QuestionRewriter):
        self.chain = chain
        self.fallback = fallback

    def rewrite(self, question: str, history: Sequence[Turn]) -> str:
        if not history:
            return question
        started = time.perf_counter()
        try:
            text = self.chain.invoke(
                {"history": [(t.standalone or t.question, t.answer) for t in history], "message": question}
            )
        except Exception as exc:  # noqa: BLE001 - any backend failure falls back to the offline method
            log.warning("LLM rewrite failed (%s); using key-term rewriting", type(exc).__name__)
            return self.fallback.rewrite(question, history)
        log.info("LLM rewrite in %.0f ms", (time.perf_counter() - started) * 1000)
        text = (text or "").strip()
        if not text or len(text) > MAX_REWRITE_CHARS:
            return self.fallback.rewrite(question, history)
        return text


def build_rewriter(settings: Settings, weights: Weights) -> QuestionRewriter:
    offline = KeyTermRewriter(weights)
    if settings.generator == "extractive":
        return offline
    from assistant.answer.backends import build_chat_model
    from assistant.answer.llm import build_rewrite_chain

    model = build_chat_model(settings)
    return offline if model is None else LLMRewriter(build_rewrite_chain(model), offline)
