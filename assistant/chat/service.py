"""The assistant as one object with one job: answering questions from the served index.

It validates the question, makes sure the index is loaded and current, runs the answering steps
(chat/pipeline.py) and stores each exchange as a conversation; ``stream`` gives the same answer as
events (chat/streaming.py) and ``search`` the ranked passages alone. Ingestion is
``assistant.ingest.run.ingest`` and the document list is ``assistant.store.documents.DocumentStore``.

Heavy parts (model, Chroma, BM25) are built once; the API builds one ``Assistant`` in its lifespan
and the CLI builds one per command.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import numpy as np

from assistant.answer.base import Generator
from assistant.chat.followups import QuestionRewriter
from assistant.chat.pipeline import AnswerPipeline, History
from assistant.chat.reader_setup import build_reader
from assistant.chat.rewriting import build_rewriter
from assistant.chat.streaming import stream_answer
from assistant.config import Settings
from assistant.embedding import Embedder
from assistant.errors import IndexNotReady, InvalidRequest
from assistant.retrieval.filters import parse_filters
from assistant.retrieval.hybrid import HybridRetriever, Mode
from assistant.safety import assess
from assistant.store.conversations import ConversationStore
from assistant.store.feedback import FeedbackStore
from assistant.store.index_state import read_generation
from assistant.store.stores import Stores
from assistant.text.safety import checked_text, clean_history
from assistant.types import Answer, Hit, SearchFilters, StreamEvent

Filters = SearchFilters | dict | None  # a dict is checked by retrieval/filters.parse_filters


class Assistant:
    def __init__(
        self,
        settings: Settings,
        embedder: Embedder | None = None,
        generator: Generator | None = None,
        rewriter: QuestionRewriter | None = None,
        *,
        stores: Stores | None = None,
    ):
        self.settings = settings
        self.stores = stores or Stores.open(settings, embedder)
        self.embedder = self.stores.embedder
        self.db = self.stores.engine
        self.sessions = self.stores.sessions
        self.store = self.stores.chroma
        self.retriever = HybridRetriever(
            self.store,
            self.embedder,
            dense_weight=settings.fusion_dense_weight,
            rrf_k=settings.fusion_rrf_k,
            candidate_k=settings.candidate_k,
            method=settings.fusion_method,
            snapshots=self.stores.lexical,
            generation=read_generation(self.sessions),
        )
        reader = build_reader(settings, self.stores)
        if generator is None:
            from assistant.answer.backends import build_generator

            generator_settings = settings
            if reader is not None and settings.reader_confident is None:
                shipped = (getattr(reader, "thresholds", {}) or {}).get("confident", 0.0)
                generator_settings = settings.model_copy(update={"reader_confident": float(shipped)})
            generator = build_generator(
                generator_settings,
                store=self.store,
                embedder=self.embedder,
                title_of=lambda doc_id: self.retriever.titles.get(doc_id, ""),
                answer_first=reader is not None,
            )
        self.conversations = ConversationStore(self.sessions, self.embedder.name)
        self.feedback = FeedbackStore(self.sessions)
        self.pipeline = AnswerPipeline(
            settings,
            self.store,
            self.retriever,
            generator,
            rewriter or build_rewriter(settings, self.retriever.lexical_weights),
            reader=reader,
            guard=assess,
        )
        self._generation = self._read_generation()

    @property
    def generator(self) -> Generator:
        return self.pipeline.generator

    @property
    def rewriter(self) -> QuestionRewriter:
        return self.pipeline.rewriter

    # --- the served index ---------------------------------------------------------------------
    def _read_generation(self) -> str:
        """The index generation every worker shares, from the database (assistant/store/index_state.py)."""
        value = read_generation(self.sessions)
        self._checked_at = time.monotonic()
        return value

    def refresh(self, *, force: bool = False) -> None:
        """Reload BM25 and the chunk catalogue (its snapshot, or Chroma) if an ingest (in any process, on
        any host) changed the index. The database is asked at most once every ``index_check_seconds`` (every
        time with ``force``, and while nothing is loaded: an empty index or a retriever that could not
        load yet because Chroma was down). Raises StoreUnavailable when a store cannot be reached."""
        loaded = self.retriever.loaded
        recent = time.monotonic() - self._checked_at < self.settings.index_check_seconds
        if loaded and self.ready and recent and not force:
            return
        current = self._read_generation()
        if current != self.retriever.generation or not loaded:
            self.store.reload()  # another process's ingest: new files, maybe new collections
            self.retriever.reload(current)  # from the snapshot persisted for it when there is a sound one
            self._generation = current

    @property
    def ready(self) -> bool:
        return len(self.retriever) > 0

    def require_index(self) -> None:
        self.store.check_model()
        self.refresh()
        if not self.ready:
            raise IndexNotReady()

    # --- questions ----------------------------------------------------------------------------
    def _checked(self, text: str, field: str) -> str:
        return checked_text(text, field, self.settings.max_message_chars)

    def search(
        self, query: str, k: int = 5, *, mode: Mode = "hybrid", filters: Filters = None
    ) -> list[Hit]:
        query = self._checked(query, "query")
        if not 1 <= k <= 100:
            raise InvalidRequest("k must be between 1 and 100.")
        checked = parse_filters(filters)
        self.require_index()
        if mode == "hybrid":
            return self.pipeline.search(query, k, checked)
        return self.retriever.search(query, k, mode=mode, filters=checked)

    def answer(
        self, question: str, history: History = (), filters: Filters = None
    ) -> tuple[Answer, list[Hit]]:
        """Rewrite, retrieve, refuse or generate. Stores nothing."""
        result, hits, _, _ = self._answer(
            self._checked(question, "message"), history, parse_filters(filters)
        )
        return result, hits

    def _answer(
        self, question: str, history: History, filters: SearchFilters | None = None
    ) -> tuple[Answer, list[Hit], str, np.ndarray | None]:
        self.require_index()
        return self.pipeline.answer(question, history, filters)

    def ask(
        self, question: str, conversation_id: str | None = None, filters: Filters = None
    ) -> tuple[Answer, str, str]:
        """Answer within a conversation and store the exchange: (answer, conversation_id, answer_id).
        ``filters`` apply to this question only."""
        question = self._checked(question, "message")
        checked = parse_filters(filters)
        self.conversations.check(conversation_id)
        history = self.conversations.history(conversation_id)
        started = time.perf_counter()
        result, hits, standalone, vector = self._answer(question, history, checked)
        latency_ms = (time.perf_counter() - started) * 1000
        conversation_id, answer_id = self.conversations.save(
            conversation_id, question, standalone, result, hits, latency_ms, vector
        )
        return result, conversation_id, answer_id

    def stream(
        self,
        question: str,
        conversation_id: str | None = None,
        history: list[tuple[str, str, str]] | None = None,
        filters: Filters = None,
    ) -> Iterator[StreamEvent]:
        """Validate now (errors raise before anything is streamed), then stream the answer.
        ``history`` (question, standalone, answer) replaces the stored one when given."""
        question = self._checked(question, "message")
        checked = parse_filters(filters)
        self.conversations.check(conversation_id)
        self.require_index()
        history = clean_history(history)
        return stream_answer(
            self.pipeline, self.conversations, question, conversation_id, history, filters=checked
        )

    def complete(
        self, question: str, history: list[tuple[str, str, str]], filters: Filters = None
    ) -> tuple[Answer, str]:
        """One stateless exchange whose history the caller carries (OpenAI-style); stored for review."""
        question = self._checked(question, "message")
        checked = parse_filters(filters)
        history = clean_history(history)
        started = time.perf_counter()
        result, hits, standalone, vector = self._answer(question, history, checked)
        latency_ms = (time.perf_counter() - started) * 1000
        _, answer_id = self.conversations.save(
            None, question, standalone, result, hits, latency_ms, vector
        )
        return result, answer_id
