"""The assistant as one object: ingest, search, ask, list documents.

Heavy parts (model, Chroma, BM25) are built once; the API builds one ``Assistant`` in its lifespan
and the CLI builds one per command.
"""

from __future__ import annotations

import logging
import shutil
import time
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from sqlalchemy import select

from assistant.answer.base import Generator, refusal
from assistant.answer.evidence import score_evidence, support, unknown_term_share
from assistant.config import Settings
from assistant.conversation import QuestionRewriter, Turn
from assistant.embedding import Embedder, load_embedder
from assistant.errors import DiskFull, IndexNotReady, InvalidRequest, NotFound, is_disk_full
from assistant.ingest.indexer import Indexer, IngestReport
from assistant.retrieval.hybrid import HybridRetriever, Mode
from assistant.rewriting import build_rewriter
from assistant.store.chroma_store import ChromaStore
from assistant.store.conversations import ConversationStore
from assistant.store.database import make_engine, make_sessionmaker, sqlite_url
from assistant.store.feedback import FeedbackStore
from assistant.store.index_state import bump_generation, read_generation
from assistant.store.models import DocumentRecord
from assistant.streaming import stream_answer
from assistant.text_safety import clean_user_text, is_blank
from assistant.types import Answer, Hit, Retrieval, StreamEvent

log = logging.getLogger(__name__)
LOW_DISK_BYTES = 2 * 1024 * 1024  # a write that fails with less free space than this is a full disk


def clean_history(history: Sequence[tuple[str, ...]] | None) -> list[tuple[str, ...]] | None:
    """Caller-supplied history (OpenAI-style messages) through the same sanitiser as questions: it
    feeds the rewritten question, which is stored."""
    if history is None:
        return None
    return [tuple(clean_user_text(part, "earlier message") for part in turn) for turn in history]


class Assistant:
    def __init__(
        self,
        settings: Settings,
        embedder: Embedder | None = None,
        generator: Generator | None = None,
        rewriter: QuestionRewriter | None = None,
    ):
        self.settings = settings
        self.data_dir = Path(settings.data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.embedder = embedder or load_embedder(settings)
        self.db = make_engine(settings.database_url or sqlite_url(self.data_dir))
        self.sessions = make_sessionmaker(self.db)
        self.store = ChromaStore(
            self.data_dir, self.embedder, settings.chroma_url, timeout=settings.chroma_timeout
        )
        self.retriever = HybridRetriever(
            self.store,
            self.embedder,
            dense_weight=settings.fusion_dense_weight,
            rrf_k=settings.fusion_rrf_k,
            candidate_k=settings.candidate_k,
            method=settings.fusion_method,
        )
        if generator is None:
            from assistant.answer.backends import build_generator

            generator = build_generator(
                settings,
                store=self.store,
                embedder=self.embedder,
                title_of=lambda doc_id: self.retriever.titles.get(doc_id, ""),
            )
        self.generator = generator
        self.conversations = ConversationStore(self.sessions)
        self.feedback = FeedbackStore(self.sessions)
        self.rewriter = rewriter or build_rewriter(settings, self.retriever.lexical_weights)
        self._generation = self._read_generation()

    # --- index lifecycle ----------------------------------------------------------------------
    def _read_generation(self) -> str:
        """The index generation every worker shares, from the database (assistant/store/index_state.py)."""
        value = read_generation(self.sessions)
        self._checked_at = time.monotonic()
        return value

    def refresh(self, *, force: bool = False) -> None:
        """Reload BM25 and the chunk catalogue from Chroma if an ingest (in any process, on any host)
        changed the index. The database is asked at most once every ``index_check_seconds`` (every
        time with ``force``, and while nothing is loaded: an empty index or a retriever that could not
        load yet because Chroma was down). Raises StoreUnavailable when a store cannot be reached."""
        loaded = self.retriever.loaded
        recent = time.monotonic() - self._checked_at < self.settings.index_check_seconds
        if loaded and self.ready and recent and not force:
            return
        current = self._read_generation()
        if current != self._generation or not loaded:
            self.store.reopen()  # a rebuild elsewhere creates new collections
            self.retriever.reload()
            self._generation = current

    @property
    def ready(self) -> bool:
        return len(self.retriever) > 0

    def require_index(self) -> None:
        self.store.check_model()
        self.refresh()
        if not self.ready:
            raise IndexNotReady()

    def ingest(
        self, documents_dir: Path | None = None, *, progress: bool = True, rebuild: bool = False
    ) -> IngestReport:
        folder = Path(documents_dir or self.settings.documents_dir)
        if rebuild:
            self.store.reset()
            with self.sessions.begin() as session:
                session.query(DocumentRecord).delete()
        else:
            self.store.check_model()
        indexer = Indexer(
            self.store,
            self.sessions,
            self.embedder,
            max_tokens=self.settings.chunk_max_tokens,
            overlap_sentences=self.settings.chunk_overlap_sentences,
            batch_size=self.settings.embed_batch_size,
            max_document_bytes=int(self.settings.max_document_mb * 1024 * 1024),
        )
        try:
            report = indexer.run(folder, progress=progress)
        except Exception as exc:
            # Chroma reports a full disk as a generic write failure: look at the disk too
            if not (is_disk_full(exc) or shutil.disk_usage(self.data_dir).free < LOW_DISK_BYTES):
                raise
            raise DiskFull(
                f"The disk under {self.data_dir} is full, so the index could not be written. Free some space "
                "and run `assistant ingest` again: the index that was being served is still in place."
            ) from exc
        if report.changed or rebuild:
            bump_generation(self.sessions)  # the other workers reload within index_check_seconds
        generation = self._read_generation()
        self.retriever.reload()
        self._generation = generation
        return report

    # --- queries ------------------------------------------------------------------------------
    def search(self, query: str, k: int = 5, *, mode: Mode = "hybrid") -> list[Hit]:
        query = self.validate_text(query, "query")
        if not 1 <= k <= 100:
            raise InvalidRequest("k must be between 1 and 100.")
        self.require_index()
        return self.retriever.search(query, k, mode=mode)

    def retrieve_evidence(self, question: str) -> Retrieval:
        """Hybrid retrieval, sentence evidence and the support score the refusal is decided on."""
        vector = self.retriever.embed_query(question)
        hits = self.retriever.search(question, self.settings.retrieval_k, query_vector=vector)
        weights = self.retriever.lexical.query_weights(question)
        evidence = score_evidence(
            vector,
            hits,
            self.store,
            query_weights=weights,
            lexical_weight=self.settings.evidence_lexical_weight,
            rank_prior=self.settings.evidence_rank_prior,
        )
        best = support(
            evidence,
            unknown_term_share(weights, self.retriever.lexical.contains),
            self.settings.unknown_term_penalty,
        )
        return Retrieval(hits, evidence, best)

    def standalone(self, question: str, history: Sequence[tuple[str, str, str]] = ()) -> str:
        """Rewrite a follow-up into a standalone question (unchanged when it already is one)."""
        if not history:
            return question
        turns = [Turn(question=q, standalone=s, answer=a) for q, s, a in history]
        return self.rewriter.rewrite(question, turns)

    def answer(self, question: str, history: Sequence[tuple[str, str, str]] = ()) -> tuple[Answer, list[Hit]]:
        """Rewrite, retrieve, refuse or generate. Stores nothing."""
        result, hits, _ = self._answer(self.validate_text(question, "message"), history)
        return result, hits

    def _answer(
        self, question: str, history: Sequence[tuple[str, str, str]]
    ) -> tuple[Answer, list[Hit], str]:
        self.require_index()
        started = time.perf_counter()
        standalone = self.standalone(question, history)
        found = self.retrieve_evidence(standalone)
        if found.support < self.settings.refusal_threshold:
            result = refusal(found.support, "weak_evidence")
        else:
            result = self.with_titles(self.generator.generate(standalone, found.hits, found.evidence))
            result.confidence = found.support
        log.info(
            "answered: refused=%s generator=%s support=%.3f citations=%d in %.0f ms",
            result.refused,
            result.generator,
            found.support,
            len(result.citations),
            (time.perf_counter() - started) * 1000,
        )
        return result, found.hits, standalone

    def with_titles(self, answer: Answer) -> Answer:
        titles = self.retriever.titles
        answer.citations = [replace(c, title=titles.get(c.document_id, "")) for c in answer.citations]
        return answer

    def ask(self, question: str, conversation_id: str | None = None) -> tuple[Answer, str, str]:
        """Answer within a conversation and store the exchange: (answer, conversation_id, answer_id)."""
        question = self.validate_text(question, "message")
        self.conversations.check(conversation_id)
        history = self.conversations.history(conversation_id)
        result, hits, standalone = self._answer(question, history)
        conversation_id, answer_id = self.conversations.save(
            conversation_id, question, standalone, result, hits
        )
        return result, conversation_id, answer_id

    def stream(
        self,
        question: str,
        conversation_id: str | None = None,
        history: list[tuple[str, str, str]] | None = None,
    ) -> Iterator[StreamEvent]:
        """Validate now (errors raise before anything is streamed), then stream the answer.
        ``history`` (question, standalone, answer) replaces the stored one when given."""
        question = self.validate_text(question, "message")
        self.conversations.check(conversation_id)
        self.require_index()
        return stream_answer(self, question, conversation_id, clean_history(history))

    def complete(self, question: str, history: list[tuple[str, str, str]]) -> tuple[Answer, str]:
        """One stateless exchange whose history the caller carries (OpenAI-style); stored for review."""
        question = self.validate_text(question, "message")
        history = clean_history(history)
        result, hits, standalone = self._answer(question, history)
        _, answer_id = self.conversations.save(None, question, standalone, result, hits)
        return result, answer_id

    def documents(self) -> list[dict[str, Any]]:
        with self.sessions() as session:
            return [r.public() for r in session.scalars(select(DocumentRecord).order_by(DocumentRecord.id))]

    def document_text(self, document_id: str) -> str:
        with self.sessions() as session:
            record = session.get(DocumentRecord, document_id)
            if record is None:
                raise NotFound(f"No document with id '{document_id}'.")
            return record.text

    def validate_text(self, text: str, field: str) -> str:
        """Strip control and bidi-override characters, then check emptiness and length."""
        if isinstance(text, str):
            text = clean_user_text(text, field)
        if not isinstance(text, str) or is_blank(text):
            raise InvalidRequest(f"The {field} is empty. Send a question as non-empty text.")
        if len(text) > self.settings.max_message_chars:
            raise InvalidRequest(
                f"The {field} is {len(text)} characters long; the limit is "
                f"{self.settings.max_message_chars}. Shorten it and try again."
            )
        return text.strip()
