"""The reader wired into answering, with the real model over documents/ (plumbing, not quality):
states written at ingest and read back, evidence reranked, answer-first replies whose citations
quote stored sentences exactly, refusal from the answerability threshold, and the switch."""

import numpy as np
import pytest

from assistant.chat.service import Assistant
from assistant.store.documents import DocumentStore

pytestmark = pytest.mark.model


@pytest.fixture
def reader_assistant(real_assistant, reader_weights):
    def build(**overrides):
        settings = real_assistant.settings.model_copy(
            update={"reader": "neural", "reader_weights": reader_weights, **overrides}
        )
        assistant = Assistant(settings, stores=real_assistant.stores)
        assistant.require_index()
        return assistant

    return build


def test_ingest_stored_the_states_of_every_sentence_it_embedded(real_assistant):
    found = real_assistant.pipeline.retrieve_evidence("أين عقدت القمة العالمية الخامسة؟")
    ids = [e.sentence.id for e in found.evidence]
    stored = real_assistant.stores.states.get(ids)
    assert set(stored) == set(ids)
    assert all(v.dtype == np.float16 and v.shape[1] == 384 and len(v) > 3 for v in stored.values())


def test_the_reader_reads_and_reorders_the_evidence(reader_assistant):
    assistant = reader_assistant(reader_answerability_threshold=0.0, reader_support_floor=0.0)
    assert assistant.pipeline.reader is not None
    found = assistant.pipeline.retrieve_evidence("أين عقدت القمة العالمية الخامسة؟")
    read = [e for e in found.evidence if e.reading is not None]
    assert len(read) == min(assistant.settings.reader_candidates, len(found.evidence))
    answerability = [e.reading.answerability for e in read]
    assert answerability == sorted(answerability, reverse=True)
    assert found.answerability == answerability[0] and found.decline is None


def test_answer_first_replies_quote_stored_sentences_exactly(reader_assistant):
    assistant = reader_assistant(reader_answerability_threshold=0.0, reader_support_floor=0.0)
    answer, _ = assistant.answer("أين عقدت القمة العالمية الخامسة؟")
    assert not answer.refused and len(answer.citations) == 1  # not a list question: one sentence
    citation = answer.citations[0]
    assert f"{citation.quote} [1]" in answer.text
    document = DocumentStore(assistant.sessions).text(citation.document_id)
    assert document[citation.start : citation.end] == citation.quote  # an exact span of the source
    assert citation.title == assistant.retriever.titles[citation.document_id]


def test_the_answerability_threshold_refuses(reader_assistant):
    assistant = reader_assistant(reader_answerability_threshold=1.01, reader_support_floor=0.0)
    answer, _ = assistant.answer("أين عقدت القمة العالمية الخامسة؟")
    assert answer.refused and answer.refusal_reason == "not_answered" and answer.citations == []


def test_missing_states_are_computed_and_stored_on_demand(reader_assistant):
    assistant = reader_assistant(reader_answerability_threshold=0.0, reader_support_floor=0.0)
    found = assistant.pipeline.retrieve_evidence("ما هي شبكة المدن القوية؟")
    first = found.evidence[0].sentence
    assistant.stores.states.delete_chunks([first.chunk_id])
    assert assistant.stores.states.get([first.id]) == {}
    again = assistant.pipeline.retrieve_evidence("ما هي شبكة المدن القوية؟")
    assert assistant.stores.states.get([first.id])
    assert [e.sentence.id for e in again.evidence[:3]] == [e.sentence.id for e in found.evidence[:3]]


def test_reader_off_keeps_the_cosine_composer(real_assistant):
    settings = real_assistant.settings.model_copy(update={"reader": "off"})
    assistant = Assistant(settings, stores=real_assistant.stores)
    assistant.require_index()
    assert assistant.pipeline.reader is None
    found = assistant.pipeline.retrieve_evidence("أين عقدت القمة العالمية الخامسة؟")
    assert all(e.reading is None for e in found.evidence) and found.answerability is None
    assert real_assistant.settings.reader == "features" and real_assistant.pipeline.reader.kind == "features"
