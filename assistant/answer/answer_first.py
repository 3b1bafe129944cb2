"""Answer-first extractive replies, from the reader's choice of evidence.

The reply leads with the answer: the short span the reader found, when it is confident and the
span is shorter than its sentence, then the one sentence that supports it, verbatim, with [1].
Further sentences are added only when the question asks for several things (a list question) and
the reader judges each of them to answer it too, with a distinct fact, or when the reader is unsure
of its first choice (its probability under ``confident``, chosen on calibration data): then its next
choices follow, so the reply does not hide the evidence it could not rank. Every sentence of the reply
is a verbatim sentence of a stored chunk; the lead span is a substring of the first of them.
"""

from __future__ import annotations

import re
from dataclasses import replace

from assistant.answer.base import Generator
from assistant.answer.evidence import Evidence
from assistant.answer.extractive import quoted_answer
from assistant.text.arabic import bm25_tokens, normalize
from assistant.types import Answer, Hit

# Question forms that ask for several items: "which countries…", "who were…", "name the…", in MSA,
# dialects and English. Written from the forms, not from any evaluation question.
_LIST_CUES = re.compile(
    r"(?:^|\s)(?:اذكر|عدد|عددي|سم|ما\s+(?:هي\s+)?(?:ال\w+ات|ال\w+ون|ال\w+ين|الدول|المدن|الجهات|المواضيع|"
    r"القضايا|البلدان|الموضوعات|الاسماء|الاطراف|المحاور|الدروس|التوصيات|الخطوات|الاهداف)|من\s+هم|مين\s+هم|"
    r"منو\s+هم|شكون\s+هم|مين\s+اللي|اي\s+(?:الدول|المدن|الجهات|البلدان)|شو\s+(?:هي\s+)?ال\w+ات|"
    r"ايه\s+(?:هي\s+)?ال\w+ات|وش\s+(?:هي\s+)?ال\w+ات|شنو\s+(?:هي\s+)?ال\w+ات|اسماء|قائمه|"
    r"which\s+\w+(?:s|ies)\b|what\s+(?:are|were)\b|who\s+(?:are|were)\b|list\b|name\s+the\b)"
)
MAX_LEAD_SHARE = 0.7  # a span longer than this share of its sentence is not shown on its own
MAX_LEAD_WORDS = 12
DISTINCT_OVERLAP = 0.6  # a further sentence sharing more of its terms with the first adds nothing


def _announces(text: str) -> bool:
    return text.rstrip().endswith((":", "："))


def continued(item: Evidence, evidence: list[Evidence]) -> Evidence:
    """A sentence that ends with a colon announces what follows ("… قائلة:", "… ما يلي:"), so it is
    quoted together with the next sentence of its chunk: one citation of the exact source text from
    the start of the one to the end of the other. Unchanged when the next sentence is not among the
    evidence (not quotable) or lies outside the chunk."""
    if not _announces(item.sentence.text):
        return item
    record, chunk = item.sentence, item.hit.chunk
    following = [
        e.sentence
        for e in evidence
        if e.sentence.document_id == record.document_id and e.sentence.start >= record.end
    ]
    if not following:
        return item
    after = min(following, key=lambda r: r.start)
    if after.end > chunk.end or record.start < chunk.start:
        return item
    text = chunk.text[record.start - chunk.start : after.end - chunk.start]
    if text[len(record.text) : after.start - record.start].strip():
        return item  # something unquotable lies between them
    return replace(item, sentence=replace(record, end=after.end, text=text))


def is_list_question(question: str) -> bool:
    return bool(_LIST_CUES.search(normalize(question).lower()))


def _lead(item: Evidence, span_margin: float) -> str | None:
    reading = item.reading
    if reading is None or reading.span is None or reading.span_margin < span_margin:
        return None
    text = item.sentence.text
    span = text[reading.span[0] : reading.span[1]].strip(" \t\n،,؛;:.-–—«»\"'()")
    if not span or len(span) > MAX_LEAD_SHARE * len(text.strip()) or len(span.split()) > MAX_LEAD_WORDS:
        return None
    return span


def _overlap(a: str, b: str) -> float:
    sa, sb = set(bm25_tokens(a)), set(bm25_tokens(b))
    if not sa or not sb:
        return 0.0
    return len(sa & sb) / min(len(sa), len(sb))


class AnswerFirstComposer(Generator):
    name = "extractive"

    def __init__(
        self,
        *,
        max_sentences: int = 3,
        span_margin: float = 2.0,
        list_answerability: float = 0.3,
        confident: float = 0.0,
    ):
        self.max_sentences = max_sentences
        self.span_margin = span_margin
        self.list_answerability = list_answerability
        self.confident = confident  # under this, the reader is unsure: quote its next choices too

    def select(self, question: str, evidence: list[Evidence]) -> list[Evidence]:
        if not evidence:
            return []
        chosen = [evidence[0]]
        top = evidence[0].reading
        if top is not None and top.relevance < self.confident:
            for item in evidence[1:]:
                if len(chosen) >= self.max_sentences:
                    break
                if any(_overlap(item.sentence.text, c.sentence.text) > DISTINCT_OVERLAP for c in chosen):
                    continue
                chosen.append(item)
            return chosen
        if not is_list_question(question):
            return chosen
        for item in evidence[1:]:
            if len(chosen) >= self.max_sentences:
                break
            reading = item.reading
            if reading is None or reading.answerability < self.list_answerability:
                continue
            if any(_overlap(item.sentence.text, c.sentence.text) > DISTINCT_OVERLAP for c in chosen):
                continue
            chosen.append(item)
        return chosen

    def generate(self, question: str, hits: list[Hit], evidence: list[Evidence]) -> Answer:
        chosen: list[Evidence] = []
        for item in self.select(question, evidence):
            item = continued(item, evidence)
            inside = (
                c.sentence.document_id == item.sentence.document_id
                and c.sentence.start <= item.sentence.start
                and item.sentence.end <= c.sentence.end
                for c in chosen
            )
            if not any(inside):  # already quoted as the continuation of an earlier choice
                chosen.append(item)
        lead = _lead(chosen[0], self.span_margin) if chosen else None
        scores = [item.reading.answerability if item.reading else item.relevance for item in chosen]
        return quoted_answer(self.name, chosen, scores, evidence, lead)
