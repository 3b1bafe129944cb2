"""Choose the answer backend from the settings: extractive (offline default), openai or ollama.

An LLM backend is always wrapped in ``FallbackGenerator``: when the model fails or its citations
do not hold, the extractive answer stands in. ``build_chat_model`` is shared with the follow-up
rewriter.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from assistant.answer.answer_first import AnswerFirstComposer
from assistant.answer.base import Generator
from assistant.answer.extractive import ExtractiveComposer
from assistant.answer.fallback import FallbackGenerator
from assistant.config import Settings
from assistant.embedding import Embedder
from assistant.errors import InvalidRequest, ModelUnavailable
from assistant.store.chroma_store import ChromaStore

if TYPE_CHECKING:  # the LLM module (and LangChain) is imported only when an LLM backend is configured
    from assistant.answer.llm import ChatModel, TitleOf

log = logging.getLogger(__name__)

GENERATORS = ("extractive", "openai", "ollama")


def build_generator(
    settings: Settings,
    store: ChromaStore | None = None,
    embedder: Embedder | None = None,
    *,
    title_of: TitleOf | None = None,
    answer_first: bool = False,
) -> Generator:
    """``store`` and ``embedder`` let LLM citations quote the sentence closest to each claim by
    embedding similarity (without them: by token overlap); ``title_of(document_id)`` names the
    passages in the prompt (without it: the document id)."""
    extractive: Generator
    if answer_first:  # the reader ordered the evidence: lead with its answer (answer/answer_first.py)
        extractive = AnswerFirstComposer(
            max_sentences=settings.answer_max_sentences,
            span_margin=settings.reader_span_margin,
            confident=settings.reader_confident or 0.0,
        )
    else:
        extractive = ExtractiveComposer(
            max_sentences=settings.answer_max_sentences, margin=settings.answer_margin
        )
    model = build_chat_model(settings)
    if model is None:
        return extractive
    from assistant.answer.llm import LLMGenerator

    name = settings.generator.strip().lower()
    llm = LLMGenerator(model, name=name, store=store, embedder=embedder, title_of=title_of)
    log.info("answer backend: %s model via %s, extractive fallback", name, settings.llm_base_url)
    return FallbackGenerator(llm, extractive)


def build_chat_model(settings: Settings) -> ChatModel | None:
    """The configured LangChain chat model, or None for the extractive backend."""
    name = settings.generator.strip().lower()
    if name == "extractive":
        return None
    if name == "openai":
        return openai_model(settings)
    if name == "ollama":
        return ollama_model(settings)
    raise InvalidRequest(
        f"Unknown answer generator '{settings.generator[:40]}'. "
        f"Set ASSISTANT_GENERATOR to one of: {', '.join(GENERATORS)}."
    )


def openai_model(settings: Settings) -> ChatModel:
    try:
        from langchain_openai import ChatOpenAI
    except ImportError as exc:
        raise ModelUnavailable(
            "The openai generator needs langchain-openai: pip install langchain-openai"
        ) from exc
    # max_tokens goes in extra_body: ChatOpenAI(max_tokens=) sends max_completion_tokens, which
    # llama.cpp and other local servers ignore. The openai client retries 429/5xx/connection errors.
    return ChatOpenAI(
        base_url=settings.llm_base_url,
        api_key=settings.llm_api_key,
        model=settings.llm_model,
        timeout=settings.llm_timeout,
        max_retries=settings.llm_max_retries,
        temperature=settings.llm_temperature,
        extra_body={"max_tokens": settings.llm_max_tokens},
        stream_usage=False,  # stream_options is not understood by every compatible server
    )


def ollama_model(settings: Settings) -> ChatModel:
    try:
        from langchain_ollama import ChatOllama
    except ImportError as exc:
        raise ModelUnavailable(
            "The ollama generator needs langchain-ollama: pip install langchain-ollama"
        ) from exc
    base_url = settings.llm_base_url.rstrip("/")
    # The default URL is Ollama's OpenAI-compatible one (…/v1); ChatOllama wants the server root.
    if base_url.endswith("/v1"):
        base_url = base_url[: -len("/v1")]
    model = ChatOllama(
        base_url=base_url,
        model=settings.llm_model,
        num_predict=settings.llm_max_tokens,
        temperature=settings.llm_temperature,
        client_kwargs={"timeout": settings.llm_timeout},
    )
    if settings.llm_max_retries <= 0:
        return model
    from assistant.answer.llm import is_retryable

    # The ollama client does not retry; retry calls (not streams) on connection errors, 429 and 5xx.
    return model.with_retry(
        retry_if_exception_type=is_retryable,
        stop_after_attempt=settings.llm_max_retries + 1,
        exponential_jitter_params={"initial": 0.5, "max": 8.0, "jitter": 0.5},
    )
