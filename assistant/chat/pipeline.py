"""The answering steps, in order: rewrite a follow-up into a standalone question, retrieve hybrid
hits with sentence evidence and its support score, then refuse (support under the threshold) or
generate a cited answer and add the documents' titles to its citations.

Stores nothing and checks nothing: the ``Assistant`` (chat/service.py) validates the question,
makes sure the index is loaded and stores the exchange; chat/streaming.py streams the same steps.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np
from chromadb.errors import ChromaError

from assistant.answer.answer_type import AskedType, check, with_span
from assistant.answer.base import Generator, refusal
from assistant.answer.evidence import score_evidence, support, unknown_term_share
from assistant.answer.rerank import read_evidence, read_features, rerank_hits
from assistant.chat.followups import QuestionRewriter, Turn
from assistant.config import Settings
from assistant.retrieval.hybrid import HybridRetriever
from assistant.store.chroma_store import ChromaStore
from assistant.types import Answer, Hit, Retrieval, SearchFilters

if TYPE_CHECKING:
    from assistant.reader.reading import SentenceReader
    from assistant.safety import Verdict

log = logging.getLogger(__name__)

READER_DEFAULTS = {"answerability": 0.5, "support_floor": 0.70}  # a reader without shipped thresholds

History = Sequence[tuple[str, str, str]]  # (question, standalone question, answer) per earlier turn


class AnswerPipeline:
    def __init__(
        self,
        settings: Settings,
        store: ChromaStore,
        retriever: HybridRetriever,
        generator: Generator,
        rewriter: QuestionRewriter,
        reader: SentenceReader | None = None,
        guard: Callable[[str], Verdict] | None = None,
    ):
        self.settings = settings
        self.store = store
        self.retriever = retriever
        self.generator = generator
        self.rewriter = rewriter
        self.reader = reader  # None: the cosine composer and the support threshold decide
        self.guard = guard  # declines requests for harm and attempts to override instructions

    def standalone(self, question: str, history: History = ()) -> str:
        """Rewrite a follow-up into a standalone question (unchanged when it already is one)."""
        if not history:
            return question
        turns = [Turn(question=q, standalone=s, answer=a) for q, s, a in history]
        return self.rewriter.rewrite(question, turns)

    def search(self, question: str, k: int, filters: SearchFilters | None = None) -> list[Hit]:
        """The top ``k`` chunks: fused, then reranked by the reader when it is on."""
        if self.reader is None:
            return self.retriever.search(question, k, filters=filters)
        try:
            return self.retrieve_evidence(question, k=k, filters=filters).hits
        except ChromaError as exc:  # reading the sentences failed (a full disk stops Chroma's compaction)
            log.warning("search: reader rerank skipped (%s), the fused order is served", type(exc).__name__)
            return self.retriever.search(question, k, filters=filters)

    def retrieve_evidence(
        self, question: str, *, k: int | None = None, filters: SearchFilters | None = None
    ) -> Retrieval:
        """Hybrid retrieval (within ``filters``), sentence evidence, the support score and, with the
        reader on, the reader's order of the evidence and chunks and its answerability; ``decline``
        says why the evidence cannot answer (or None)."""
        q_states = None
        neural = self.reader is not None and getattr(self.reader, "kind", "") != "features"
        if neural:
            vector, q_states = self.reader.question_states(question)
        else:
            vector = self.retriever.embed_query(question)
        hits = self.retriever.search(
            question, k or self.settings.retrieval_k, query_vector=vector, filters=filters
        )
        if not hits:  # nothing passes the filters (or nothing matches at all): nothing to answer from
            return Retrieval([], [], 0.0, "weak_evidence", query_vector=vector)
        lexical = self.retriever.lexical
        weights = lexical.query_weights(question)
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
            unknown_term_share(weights, lexical.contains),
            self.settings.unknown_term_penalty,
        )
        if self.reader is None:
            decline = "weak_evidence" if best < self.settings.refusal_threshold else None
            return Retrieval(hits, evidence, best, decline, query_vector=vector)
        if neural:
            evidence = read_evidence(self.reader, q_states, evidence, self.settings.reader_candidates)
            top = evidence[0].reading.answerability if evidence and evidence[0].reading else 0.0
        else:
            evidence, top = read_features(
                self.reader,
                question,
                evidence,
                hits,
                lexical.idf,
                lexical.contains,
                self.settings.reader_candidates,
            )
        typed = True
        if self.settings.answer_type_window:
            window = self.settings.answer_type_window
            head, tail = evidence[:window], evidence[window:]
            asked = AskedType.of(question)
            head, typed = check(
                asked,
                head,
                [e.sentence.text for e in head],
                [e.reading.relevance if e.reading else 1.0 for e in head],
                window=window,
                floor=self.settings.answer_type_floor,
            )
            evidence = head + tail
            if asked is not None and typed and evidence:
                evidence[0] = with_span(evidence[0], asked.span(evidence[0].sentence.text, question))
        hits = rerank_hits(hits, evidence)
        if best < self.reader_threshold("support_floor"):
            decline = "weak_evidence"
        elif top < self.reader_threshold("answerability") or not typed:
            decline = "not_answered"
        else:
            decline = None
        return Retrieval(hits, evidence, best, decline, top, query_vector=vector)

    def reader_threshold(self, name: str) -> float:
        """A setting when set; else the feature reader keeps the composer's support threshold as its
        floor and takes its answerability threshold from its manifest (chosen on data), and a reader
        without shipped thresholds gets READER_DEFAULTS."""
        explicit = (
            self.settings.reader_answerability_threshold
            if name == "answerability"
            else self.settings.reader_support_floor
        )
        if explicit is not None:
            return explicit
        if name == "support_floor" and getattr(self.reader, "kind", "") == "features":
            return self.settings.refusal_threshold
        shipped = getattr(self.reader, "thresholds", {}) or {}
        return float(shipped.get(name, READER_DEFAULTS[name]))

    def declined(self, question: str) -> Answer | None:
        """The calm decline for a request for harm or an attempt to override the instructions."""
        if self.guard is None:
            return None
        verdict = self.guard(question)
        if verdict.category is None:
            return None
        return Answer(text=verdict.reply or "", refused=True, refusal_reason=verdict.category)

    def answer(
        self, question: str, history: History = (), filters: SearchFilters | None = None
    ) -> tuple[Answer, list[Hit], str, np.ndarray | None]:
        """(answer, hits, standalone question, its query vector or None when declined before
        retrieval): rewrite, retrieve (within ``filters``), then refuse or generate."""
        started = time.perf_counter()
        declined = self.declined(question)
        if declined is not None:
            log.info(
                "answered: declined (%s) in %.0f ms",
                declined.refusal_reason,
                (time.perf_counter() - started) * 1000,
            )
            return declined, [], question, None
        standalone = self.standalone(question, history)
        found = self.retrieve_evidence(standalone, filters=filters)
        if found.decline:
            result = refusal(found.support, found.decline)
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
        return result, found.hits, standalone, found.query_vector

    def with_titles(self, answer: Answer) -> Answer:
        titles = self.retriever.titles
        answer.citations = [replace(c, title=titles.get(c.document_id, "")) for c in answer.citations]
        return answer
