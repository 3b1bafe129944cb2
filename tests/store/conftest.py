"""Shared by the privacy and question-vector tests: an assistant over a copy of documents/ whose
follow-up rewrites carry the previous standalone question, as an LLM rewrite might."""

import pytest

from assistant.chat.followups import QuestionRewriter
from assistant.chat.service import Assistant
from tests.conftest import ingest_into


class EchoRewriter(QuestionRewriter):
    """Carries the previous standalone question into a follow-up."""

    def rewrite(self, question, history):
        if not history:
            return question
        return f"{question} ({history[-1].standalone or history[-1].question})"


@pytest.fixture
def assistant(db_settings, fake_embedder, corpus_copy):
    db_settings.refusal_threshold = 0.0
    a = Assistant(db_settings, embedder=fake_embedder, rewriter=EchoRewriter())
    ingest_into(a, corpus_copy, progress=False)
    return a
