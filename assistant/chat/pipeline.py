"""The answering steps, in order: rewrite a follow-up into a standalone question, retrieve hybrid
hits with sentence evidence and its support score, then refuse (support under the threshold) or
generate a cited answer and add the documents' titles to its citations.

Stores nothing and checks nothing: the ``Assistant`` (chat/service.py) validates the question,
makes sure the index is loaded and stores the exchange; chat/streaming.py streams the same steps.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import replace

from assistant.answer.base import Generator, refusal
from assistant.answer.evidence import score_evidence, support, unknown_term_share
from assistant.chat.followups import QuestionRewriter, Turn
from assistant.config import Settings
from assistant.retrieval.hybrid import HybridRetriever
from assistant.store.chroma_store import ChromaStore
from assistant.types import Answer, Hit, Retrieval

log = logging.getLogger(__name__)

History = Sequence[tuple[str, str, str]]  # (question, standalone question, answer) per earlier turn


class AnswerPipeline:
    def __init__(
        self,
        settings: Settings,
        store: ChromaStore,
        retriever: HybridRetriever,
        generator: Generator,
        rewriter: QuestionRewriter,
    ):
        self.settings = settings
        self.store = store
        self.retriever = retriever
        self.generator = generator
        self.rewriter = rewriter

    def standalone(self, question: str, history: History = ()) -> str:
        """Rewrite a follow-up into a standalone question (unchanged when it already is one)."""
        if not history:
            return question
        turns = [Turn(question=q, standalone=s, answer=a) for q, s, a in history]
        return self.rewriter.rewrite(question, turns)

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

    def answer(self, question: str, history: History = ()) -> tuple[Answer, list[Hit], str]:
        """(answer, hits, standalone question): rewrite, retrieve, then refuse or generate."""
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
