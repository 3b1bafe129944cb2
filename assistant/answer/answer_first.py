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
        chosen = self.select(question, evidence)
        lead = _lead(chosen[0], self.span_margin) if chosen else None
        scores = [item.reading.answerability if item.reading else item.relevance for item in chosen]
        return quoted_answer(self.name, chosen, scores, evidence, lead)
