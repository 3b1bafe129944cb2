"""An LLM generator over any LangChain chat model: the grounded prompt, the model, citation checks.

The answer chain is a LangChain runnable: ``{question, hits}`` → prompt (numbered passages) → chat
model → text, then the citation step (renumber, validate against the k passages, quote the
supporting sentences) → ``Answer``. Retrieval and the refusal decision happen before, in the
service. Backend failures become ``GenerationFailed`` with a reason code, which the fallback
wrapper turns into the extractive answer. Neither prompts nor questions are logged: only reason
codes, counts and timings.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from langchain_core.exceptions import (
    ModelAPIError,
    ModelConnectionError,
    ModelRateLimitError,
    ModelTimeoutError,
)
from langchain_core.language_models import BaseChatModel
from langchain_core.output_parsers import StrOutputParser
from langchain_core.runnables import Runnable, RunnableLambda, RunnablePassthrough

from assistant.answer.base import GenerationFailed, Generator
from assistant.answer.citations import MarkerRenumberer, build_citations, renumber
from assistant.answer.evidence import Evidence, confidence
from assistant.answer.prompts import (
    NO_ANSWER,
    format_history,
    format_passages,
    grounded_prompt,
    rewrite_prompt,
)
from assistant.embedding import Embedder
from assistant.store.chroma_store import ChromaStore
from assistant.text.arabic import normalize
from assistant.types import Answer, Hit

log = logging.getLogger(__name__)

TitleOf = Callable[[str], str]
ChatModel = BaseChatModel | Runnable  # a chat model, possibly wrapped (e.g. ``with_retry``)


def _classes(*dotted: str) -> tuple[type[BaseException], ...]:
    """Exception classes of optional client libraries (absent libraries are skipped)."""
    import importlib

    out: list[type[BaseException]] = []
    for name in dotted:
        module, _, attr = name.rpartition(".")
        try:
            out.append(getattr(importlib.import_module(module), attr))
        except (ImportError, AttributeError):
            continue
    return tuple(out)


_TIMEOUT = (ModelTimeoutError, TimeoutError) + _classes(
    "openai.APITimeoutError", "httpx.TimeoutException", "httpx2.TimeoutException"
)
_RATE_LIMITED = (ModelRateLimitError,) + _classes("openai.RateLimitError")
_CONNECTION = (ModelConnectionError, ConnectionError) + _classes(
    "openai.APIConnectionError", "httpx.TransportError", "httpx2.TransportError"
)
_SERVER = (ModelAPIError,) + _classes("openai.InternalServerError")


def failure_reason(exc: BaseException) -> str:
    """timeout | rate_limited | connection_error | server_error | backend_error.

    Timeouts come first: the openai client's timeout error is a kind of connection error."""
    if isinstance(exc, _TIMEOUT):
        return "timeout"
    status = getattr(exc, "status_code", None)  # openai.APIStatusError, ollama.ResponseError
    if isinstance(exc, _RATE_LIMITED) or status == 429:
        return "rate_limited"
    if isinstance(exc, _CONNECTION):
        return "connection_error"
    if isinstance(exc, _SERVER) or (isinstance(status, int) and 500 <= status < 600):
        return "server_error"
    return "backend_error"


def is_retryable(exc: BaseException) -> bool:
    """For clients without their own retries (Ollama): connection errors, 429 and 5xx."""
    return failure_reason(exc) in ("timeout", "rate_limited", "connection_error", "server_error")


def is_no_answer(text: str) -> bool:
    """The model wrote the prompt's "the documents do not answer this" sentence."""
    return normalize(NO_ANSWER).rstrip(".") in normalize(text)


def build_chain(model: ChatModel, title_of: TitleOf | None = None) -> Runnable:
    """``{"question": str, "hits": list[Hit]}`` → answer text (streams token deltas)."""

    def inputs(data: dict[str, Any]) -> dict[str, str]:
        return {"question": data["question"], "passages": format_passages(data["hits"], title_of)}

    return RunnableLambda(inputs, name="passages") | grounded_prompt() | model | StrOutputParser()


def build_rewrite_chain(model: ChatModel) -> Runnable:
    """``{"history": [(question, answer), …], "message": str}`` → a standalone question."""

    def inputs(data: dict[str, Any]) -> dict[str, str]:
        return {"history": format_history(data["history"]), "message": data["message"]}

    def clean(text: str) -> str:
        line = next((s for s in text.strip().splitlines() if s.strip()), "")
        return line.strip().strip("\"'«»“”").strip()

    return (
        RunnableLambda(inputs, name="history")
        | rewrite_prompt()
        | model
        | StrOutputParser()
        | RunnableLambda(clean, name="first_line")
    )


class LLMGenerator(Generator):
    """Writes the answer with a chat model; raises ``GenerationFailed`` when it cannot be trusted."""

    def __init__(
        self,
        model: ChatModel,
        *,
        name: str = "llm",
        store: ChromaStore | None = None,
        embedder: Embedder | None = None,
        title_of: TitleOf | None = None,
    ):
        self.name = name
        self.store = store  # sentence vectors for choosing quotes (optional)
        self.embedder = embedder  # embeds claims; without it quotes are chosen by token overlap
        self.text_chain = build_chain(model, title_of)
        self.answer_chain = RunnablePassthrough.assign(text=self.text_chain) | RunnableLambda(
            lambda data: self.finish(data["text"], data["hits"], data["evidence"]), name="citations"
        )

    def generate(self, question: str, hits: list[Hit], evidence: list[Evidence]) -> Answer:
        started = time.perf_counter()
        try:
            answer = self.answer_chain.invoke({"question": question, "hits": hits, "evidence": evidence})
        except GenerationFailed as exc:
            self._log_failure(exc.reason, exc, started)
            raise
        except Exception as exc:  # noqa: BLE001 - every backend failure becomes a reason code
            raise self._failed(exc, started) from exc
        self._log(answer, len(hits), started)
        return answer

    def stream(self, question: str, hits: list[Hit], evidence: list[Evidence]) -> Iterator[str | Answer]:
        started = time.perf_counter()
        renumberer = MarkerRenumberer()
        try:
            for delta in self.text_chain.stream({"question": question, "hits": hits}):
                piece = renumberer.feed(delta)
                if piece:
                    yield piece
            tail = renumberer.flush()
            if tail:
                yield tail
            answer = self._answer(renumberer.text, renumberer.mapping, hits, evidence)
        except GenerationFailed as exc:
            self._log_failure(exc.reason, exc, started)
            raise
        except Exception as exc:  # noqa: BLE001
            raise self._failed(exc, started) from exc
        self._log(answer, len(hits), started)
        yield answer

    def finish(self, raw_text: str, hits: Sequence[Hit], evidence: Sequence[Evidence]) -> Answer:
        """The citation step: renumber the markers, validate them, quote the supporting sentences."""
        text, mapping = renumber(raw_text)
        return self._answer(text, mapping, hits, evidence)

    def _answer(
        self, text: str, mapping: dict[int, int], hits: Sequence[Hit], evidence: Sequence[Evidence]
    ) -> Answer:
        if not mapping and is_no_answer(text):
            return Answer(
                text=text,
                refused=True,
                generator=self.name,
                confidence=confidence(list(evidence)),
                refusal_reason="llm_no_answer",
            )
        citations = build_citations(text, mapping, hits, evidence, store=self.store, embedder=self.embedder)
        return Answer(
            text=text,
            refused=False,
            citations=citations,
            generator=self.name,
            confidence=confidence(list(evidence)),
        )

    def _failed(self, exc: Exception, started: float) -> GenerationFailed:
        reason = failure_reason(exc)
        self._log_failure(reason, exc, started)
        return GenerationFailed(reason, type(exc).__name__)

    def _log_failure(self, reason: str, exc: Exception, started: float) -> None:
        log.warning(
            "%s answer failed: reason=%s error=%s after %.0f ms",
            self.name,
            reason,
            type(exc).__name__,
            (time.perf_counter() - started) * 1000,
        )

    def _log(self, answer: Answer, passages: int, started: float) -> None:
        log.info(
            "%s answer: passages=%d citations=%d refused=%s in %.0f ms",
            self.name,
            passages,
            len(answer.citations),
            answer.refused,
            (time.perf_counter() - started) * 1000,
        )
