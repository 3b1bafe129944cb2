"""Answer-first replies: a sentence that announces what follows (it ends with a colon) is quoted
with the next sentence, as one citation of the exact source text."""

from assistant.answer.answer_first import AnswerFirstComposer, continued
from assistant.answer.evidence import Evidence
from assistant.reader.readings import Reading
from assistant.store.chroma_store import SentenceRecord
from assistant.types import Chunk, Hit

DOCUMENT = (
    "افتتحت القمة بكلمة. "
    "وقالت رئيسة الجلسة:\n"
    "«هذه الفرصة من أفضل الفرص المتاحة لتجديد العمل المحلي». "
    "ثم انتقل المشاركون إلى الجلسات الموازية."
)
CHUNK = Chunk(id="c0", document_id="d", position=0, start=0, end=len(DOCUMENT), text=DOCUMENT)
HIT = Hit(chunk=CHUNK, score=1.0)


def sentences() -> list[SentenceRecord]:
    out, start = [], 0
    for i, text in enumerate(
        [
            "افتتحت القمة بكلمة.",
            "وقالت رئيسة الجلسة:",
            "«هذه الفرصة من أفضل الفرص المتاحة لتجديد العمل المحلي».",
            "ثم انتقل المشاركون إلى الجلسات الموازية.",
        ]
    ):
        start = DOCUMENT.index(text, start)
        out.append(SentenceRecord(f"s{i}", "c0", "d", start, start + len(text), text))
        start += len(text)
    return out


def evidence(order: list[int], relevance: list[float]) -> list[Evidence]:
    records = sentences()
    return [
        Evidence(records[i], p, p, p, 0.0, 0, HIT, Reading(p, p, None, 0.0))
        for i, p in zip(order, relevance, strict=True)
    ]


def test_a_sentence_ending_with_a_colon_is_quoted_with_the_next_one():
    items = evidence([1, 2, 0], [0.9, 0.8, 0.1])
    merged = continued(items[0], items)
    record = merged.sentence
    assert DOCUMENT[record.start : record.end] == record.text  # exact source text, newline included
    assert record.text.startswith("وقالت رئيسة الجلسة:") and record.text.endswith("المحلي».")


def test_other_sentences_are_quoted_alone():
    items = evidence([2, 1], [0.9, 0.8])
    assert continued(items[0], items) is items[0]


def test_no_continuation_outside_the_evidence():
    items = evidence([1, 0], [0.9, 0.1])  # the announced quote is not among the evidence
    assert continued(items[0], items) is items[0]


def test_the_reply_quotes_the_pair_once_on_one_line():
    items = evidence([1, 2, 3], [0.1, 0.09, 0.08])  # unsure: the next choices are quoted too
    answer = AnswerFirstComposer(confident=0.5).generate("ماذا قالت رئيسة الجلسة؟", [HIT], items)
    first = answer.citations[0]
    assert DOCUMENT[first.start : first.end] == first.quote and "\n" in first.quote
    assert answer.text.split("\n")[0] == first.quote.replace("\n", " ") + " [1]"
    # the continuation is not quoted a second time
    assert [c.quote for c in answer.citations[1:]] == ["ثم انتقل المشاركون إلى الجلسات الموازية."]
