"""The answer-type check: a question that asks *when* or *how many* is answered only by a sentence that
gives a date or a number the question does not already hold.

Question answering systems have long used the expected answer type this way (TREC-style QA, the
"lexical answer type" of IBM's Watson): a cosine, and a reader trained on Modern Standard Arabic
reading-comprehension data, rank "a sentence about the event" above "the sentence that dates the
event", and they score a near-topic question ("when was the institute founded?", "how many staff
does the unit have?") as answerable because the documents talk about the institute or the unit.
The check is narrow on purpose: only *when* and *how many* questions, whose answers have a form a
pattern can see (a year, a month, a relative time; a digit or a number word). Person and place
answers have no such form in Arabic text (no capitals), so *who* and *where* questions are left to the
reader.

``check`` looks at the reader's first ``window`` sentences: the first of them that holds the asked
type, with a reader probability of at least ``floor``, leads the evidence (the others keep their
order); when none does, the evidence cannot answer and the question is declined as
``not_answered``. The window (5) and floor (0.005) were chosen on data (benchmarks/answer_type.py,
docs/reader.md): among the settings that refuse at most 1% of the answerable when / how-many
questions of the held-out AAQAD articles, they refuse the most near-topic questions of
evalsets/calibration.jsonl without refusing an answerable one there, and the fewest AAQAD ones.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TypeVar

from assistant.answer.evidence import Evidence
from assistant.reader.features import _B, _E, _words, question_type
from assistant.text.arabic import bm25_tokens, normalize

CHECKED = ("when", "count")

_ARABIC = re.compile("[\u0600-\u06ff]")
# In English the asked type comes first in its clause: "When …", "According to X, how many …".
_ENGLISH_ASKS = re.compile(
    r"(?:^|[,;:?]\s*|\b(?:and|but|so)\s+)(?:(?:in|on|by|since|until|from)\s+)?"
    r"(?:when|what\s+(?:year|date|month|day|time)|which\s+(?:year|date|month|day)|how\s+(?:many|much|long|often))\b",
    re.I,
)
_ARABIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_NUMBER = re.compile(r"\d+(?:[.,٫]\d+)?")
_YEAR = re.compile(r"^(?:1[5-9]\d\d|20\d\d)$")


_MONTHS = _words(
    "يناير", "فبراير", "مارس", "أبريل", "ابريل", "مايو", "يونيو", "يوليو", "أغسطس", "اغسطس",
    "سبتمبر", "أكتوبر", "اكتوبر", "نوفمبر", "ديسمبر", "كانون", "شباط", "آذار", "اذار", "نيسان",
    "أيار", "ايار", "حزيران", "تموز", "آب", "أيلول", "ايلول", "تشرين", "جانفي", "فيفري", "أفريل",
    "افريل", "ماي", "جوان", "جويلية", "أوت", "اوت",
)  # fmt: skip
# A time given without a calendar date: "last week", "today", "since", "next year", "the 21st century".
_RELATIVE = _words(
    "الماضي", "الماضية", "القادم", "القادمة", "المقبل", "المقبلة", "اليوم", "أمس", "البارحة",
    "منذ", "حاليا", "حاليًا", "القرن", "الأسبوع", "مؤخرا", "مؤخرًا", "سابقا",
)  # fmt: skip
_DATE_WORDS = re.compile(_B + r"[وبفل]?(?:ال)?(?:" + _MONTHS + r"|" + _RELATIVE + r")" + _E)
_NUMBER_WORDS = re.compile(
    _B
    + r"[وبل]?(?:ال)?(?:"
    + _words(
        "واحد",
        "اثنان",
        "اثنين",
        "اثنتين",
        "اثنتان",
        "ثلاث",
        "ثلاثة",
        "أربع",
        "أربعة",
        "خمس",
        "خمسة",
        "ست",
        "ستة",
        "سبع",
        "سبعة",
        "ثماني",
        "ثمانية",
        "ثمان",
        "تسع",
        "تسعة",
        "عشر",
        "عشرة",
        "عشرون",
        "عشرين",
        "ثلاثون",
        "ثلاثين",
        "أربعون",
        "أربعين",
        "خمسون",
        "خمسين",
        "ستون",
        "ستين",
        "سبعون",
        "سبعين",
        "ثمانون",
        "ثمانين",
        "تسعون",
        "تسعين",
        "مئة",
        "مائة",
        "مئات",
        "مئتين",
        "مئتان",
        "ألف",
        "آلاف",
        "ألفين",
        "مليون",
        "ملايين",
        "مليار",
        "عشرات",
        "عشرين",
        "نصف",
        "ربع",
        "ثلث",
        "يومين",
        "عامين",
        "سنتين",
        "شهرين",
        "مرتين",
        "ضعف",
        "بالمئة",
        "بالمائة",
        "عدة",
        "بضع",
        "بضعة",
        "العديد",
        "عديد",
        "آلاف",
    )  # fmt: skip
    + r")"
    + _E
)


def _normalized(text: str) -> tuple[str, list[int]]:
    """``normalize(text)`` character by character, with the offset in ``text`` of each character of
    the result (normalize itself is not length-preserving)."""
    out, offsets = [], []
    for i, ch in enumerate(text):
        folded = normalize(ch)
        out.append(folded)
        offsets.extend([i] * len(folded))
    return "".join(out), offsets


_N = r"(?:\d+(?:[.,]\d+)?)"
_MONTH = r"(?:" + _MONTHS + r")"
_DATE_SPAN = re.compile(
    _B
    + r"(?:(?:\d{1,2}\s*(?:(?:الي|-|–)\s*\d{1,2}\s*)?)?[بف]?(?:ال)?"  # day or days
    + _MONTH
    + r"(?:\s*/\s*"
    + _MONTH
    + r")*"  # أيلول/سبتمبر
    + r"(?:\s*،?\s*(?:(?:من\s+)?(?:عام|سنه|العام)\s+)?(?:1[5-9]\d\d|20\d\d))?"
    + r"|(?:(?:عام|سنه|العام)\s+)?(?:1[5-9]\d\d|20\d\d)(?!\d)"
    + r"|(?:ال)?(?:اسبوع|شهر|عام|سنه|قرن|يوم)\s+(?:ال)?(?:ماضيه|ماضي|قادمه|قادم|مقبله|مقبل|حاليه|حالي)"
    + r")"
    + _E
)
_QUALIFIER = _words(
    "أكثر من", "اكثر من", "أقل من", "نحو", "حوالي", "حوالى", "قرابة", "ما يقرب من", "ما يقارب",
    "يقارب", "أزيد من", "زهاء", "نحو من",
)  # fmt: skip
_COUNT_SPAN = re.compile(
    r"(?:(?:" + _QUALIFIER + r")\s+)?(?:ال)?(?:" + _N + r"|" + _NUMBER_WORDS.pattern + r")"
    r"(?:\s+(?:و\s*)?(?:" + _N + r"|" + _NUMBER_WORDS.pattern + r"))*"
    r"(?:\s+([^\s،,.؛;:()]+))?"
)

_DUAL = re.compile(
    r"(?:" + _words("يومين", "عامين", "سنتين", "شهرين", "مرتين", "أسبوعين", "ساعتين") + r")\s*$"
)
_DEFINITE_AFTER_NOUN = re.compile(r"(ال[^\s،,.؛;:()]+)\s+$")


def _numbers(text: str) -> list[str]:
    return [n.replace("٫", ".").replace(",", ".") for n in _NUMBER.findall(text.translate(_ARABIC_DIGITS))]


@dataclass(frozen=True)
class AskedType:
    kind: str  # "when" or "count"
    given: frozenset[str]  # the numbers the question itself holds (they are not an answer)

    @classmethod
    def of(cls, question: str, kind: str | None = None) -> AskedType | None:
        """The type ``question`` asks for (its interrogative read by the reader's question_type), or
        None when it asks for something this check does not look at."""
        kind = kind or question_type(question)
        if kind not in CHECKED:
            return None
        if not _ARABIC.search(question) and not _ENGLISH_ASKS.search(question):
            return None  # "… even when …", "… as much as …": the when / how many is not the question

        return cls(kind, frozenset(_numbers(question)))

    def held_by(self, sentence: str) -> bool:
        """Whether ``sentence`` gives what the question asks: a date (a year the question does not
        give, a month, a relative time) or a count (a number that is neither a year nor one the
        question gives, or a number word)."""
        text = normalize(sentence)
        numbers = [n for n in _numbers(text) if n not in self.given]
        if self.kind == "when":
            return any(_YEAR.match(n) for n in numbers) or bool(_DATE_WORDS.search(text))
        return any(not _YEAR.match(n) for n in numbers) or bool(_NUMBER_WORDS.search(text))

    def span(self, sentence: str, question: str) -> tuple[int, int] | None:
        """Character offsets in ``sentence`` of the short answer: its one date expression ("3 إلى 5
        ديسمبر 2024", "أيلول/سبتمبر 2015", "الأسبوع الماضي"), or the count whose counted word is a
        word of the question ("أكثر من 140 مشاركًا"), or its one count. None when that is not
        unique: the sentence then leads on its own."""
        text, offsets = _normalized(sentence)
        if not offsets:
            return None
        found = []
        if self.kind == "when":
            for m in _DATE_SPAN.finditer(text):
                if not set(_numbers(m.group(0))) & self.given:
                    found.append((m.start(), m.end(), False))
        else:
            asked = set(bm25_tokens(question))
            # numbers inside a date (its day, its year) are not counts: blank the dates out
            masked = _DATE_SPAN.sub(lambda m: " " * len(m.group(0)), text)
            for m in _COUNT_SPAN.finditer(masked):
                numbers = _numbers(m.group(0))
                if any(_YEAR.match(n) or n in self.given for n in numbers):
                    continue
                start, end, counted = m.start(), m.end(), m.group(1)
                if counted and _DUAL.search(masked, start, end - len(counted)):
                    # "يومين", "عامين": the dual is the number and the noun; what follows is not counted
                    end = len(masked[: end - len(counted)].rstrip())
                    counted = masked[start:end]
                before = _DEFINITE_AFTER_NOUN.search(masked, 0, start)
                if masked.startswith("ال", start) and not numbers and before:
                    # "البلدان الخمسة": a definite number word follows the noun it counts
                    start, end, counted = before.start(1), m.end(0) - len(m.group(1) or ""), before.group(1)
                    end = len(masked[:end].rstrip())
                found.append((start, end, bool(counted) and bool(set(bm25_tokens(counted)) & asked)))
        matched = [f for f in found if f[2]]
        pick = matched if matched else found
        if len(pick) != 1:
            return None
        start, end, _ = pick[0]
        return offsets[start], offsets[end - 1] + 1


T = TypeVar("T")
PATTERN_SPAN_MARGIN = float("inf")  # a span the pattern found unique is not a guess with a margin


def with_span(item: Evidence, span: tuple[int, int] | None) -> Evidence:
    """``item`` whose reading carries ``span`` (the composer leads the reply with it)."""
    if span is None or item.reading is None:
        return item
    return replace(item, reading=replace(item.reading, span=span, span_margin=PATTERN_SPAN_MARGIN))


def check(
    asked: AskedType | None,
    evidence: Sequence[T],
    texts: Sequence[str],
    probabilities: Sequence[float],
    *,
    window: int,
    floor: float,
) -> tuple[list[T], bool]:
    """(``evidence`` with the first of its first ``window`` items that holds the asked type, with the
    reader's probability at least ``floor``, moved to the front; whether there was one). Without an
    asked type: the evidence as it is, and True."""
    items = list(evidence)
    if asked is None or not items:
        return items, True
    for i, (text, probability) in enumerate(zip(texts[:window], probabilities[:window], strict=False)):
        if probability >= floor and asked.held_by(text):
            return [items[i], *items[:i], *items[i + 1 :]], True
    return items, False
