"""The shipped feature reader in the real assistant (real model, Chroma and SQLite over documents/):
its first choice leads the reply, follow-ups answer what they ask, dialect and English questions
are answered, a near-topic question the documents do not answer is refused, and every citation
still quotes its stored sentence exactly."""

import pytest

from assistant.store.documents import DocumentStore

pytestmark = pytest.mark.model


def first_line(text: str) -> str:
    return text.split("\n", 1)[0]


def test_the_shipped_reader_is_on_and_reads_the_evidence(real_assistant):
    assert real_assistant.pipeline.reader.kind == "features"
    found = real_assistant.pipeline.retrieve_evidence("متى أطلقت شبكة المدن القوية؟")
    read = [e for e in found.evidence if e.reading is not None]
    assert read and read == found.evidence[: len(read)]
    scores = [e.reading.relevance for e in read]
    assert scores == sorted(scores, reverse=True)
    assert found.answerability is not None and 0.0 <= found.answerability <= 1.0
    # the chunks follow their best sentence
    assert found.hits[0].chunk.id == read[0].hit.chunk.id


@pytest.mark.parametrize(
    "question",
    [
        "متى أطلقت شبكة المدن القوية؟",
        "إيمتى انطلقت شبكة المدن القوية؟",  # Levantine
        "When was the Strong Cities Network launched?",  # English over the Arabic documents
    ],
)
def test_the_reply_leads_with_the_sentence_that_answers(real_assistant, question):
    answer, _, _ = real_assistant.ask(question)
    assert not answer.refused
    assert "2015" in first_line(answer.text) and first_line(answer.text).endswith("[1]")
    store = DocumentStore(real_assistant.sessions)
    for c in answer.citations:
        assert store.text(c.document_id)[c.start : c.end] == c.quote


def test_a_follow_up_is_answered_first(real_assistant):
    _, conversation_id, _ = real_assistant.ask("متى أطلقت شبكة المدن القوية؟")
    answer, _, _ = real_assistant.ask("ومن يديرها؟", conversation_id)
    assert "معهد الحوار" in first_line(answer.text)  # not the launch sentence again


def test_a_near_topic_question_the_documents_do_not_answer_is_refused(real_assistant):
    answer, _, _ = real_assistant.ask("ما هو رقم هاتف مكتب الشبكة في لندن؟")
    assert answer.refused and answer.citations == []
