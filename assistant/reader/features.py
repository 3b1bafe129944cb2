"""What the feature reader sees of a (question, candidate sentence) pair, as numbers.

The reader's relevance and answerability come from a small model over these features
(assistant/reader/feature_model.py), trained on the same AAQAD / Arabic-SQuAD / ARCD rows as the
neural reader (docs/reader.md). The features are the ones a cosine cannot see:

- what the question asks for (its type: when, how many, who, where, why, how, yes/no, which,
  what), read from MSA, dialect and English interrogatives alike, and whether the sentence holds
  something of that type (a date or year, a number, a person's title, a place, a cause, a means);
- how the question's terms sit in the sentence (idf-weighted share, adjacent pairs kept, how
  close together they are, the most important term left out) and how much the sentence says
  beyond the question (an answer adds something new);
- the e5 cosine of the sentence and of its chunk, each also relative to the best candidate.

Everything works on ``assistant.text.arabic.normalize``d text, so hamza, teh marbuta and
diacritics do not matter.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from assistant.text.arabic import bm25_tokens, normalize

QUESTION_TYPES = ("when", "count", "who", "where", "why", "how", "yesno", "which", "what", "other")
SENTENCE_TYPES = ("date", "number", "person", "place", "cause", "means", "quote")
# question type -> the sentence types that can answer it
ANSWER_TYPES = {
    "when": ("date",),
    "count": ("number",),
    "who": ("person",),
    "where": ("place",),
    "why": ("cause",),
    "how": ("means",),
}


def _words(*forms: str) -> str:
    return "|".join(sorted({normalize(f) for f in forms}, key=len, reverse=True))


# Interrogatives after normalize (أ→ا, ة→ه, ى→ي, lower case). Order matters: the first type whose
# pattern matches wins, so "how many" is a count before it is a "how", and "في أي عام" a when.
_B = r"(?<![\w])"
_E = r"(?![\w])"
_QUESTION_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (
        "count",
        re.compile(
            _B
            + r"(?:[وف]?(?:"
            + _words("كم", "بكم", "قديش", "قداش", "كام", "بكام", "شكد", "بشكد", "شحال", "chhal")
            + r")|how many|how much|number of|"
            + _words("عدد", "ما عدد", "مقدار", "حجم", "نسبة", "مبلغ")
            + r")"
            + _E
        ),
    ),
    (
        "when",
        re.compile(
            _B
            + r"(?:[وف]?(?:"
            + _words("متى", "امتى", "إمتى", "ايمتى", "إيمتى", "امتا", "شوكت", "فوقاش", "وقتاش", "إيمتا")
            + r")|when|what year|what date|which year|in what year|"
            + _words(
                "سنة كام",
                "سنة كم",
                "عام كم",
                "سنة قديش",
                "سنة شكد",
                "في أي عام",
                "في اي سنة",
                "في أي سنة",
                "في أي تاريخ",
                "ما تاريخ",
                "تاريخ",
                "في أي يوم",
                "في أي شهر",
                "أي سنة",
                "أي عام",
                "بأي سنة",
                "بأي عام",
            )
            + r")"
            + _E
        ),
    ),
    (
        "who",
        re.compile(
            r"^(?:\W*)(?:[وف]?من"
            + _E
            + r")|"
            + _B
            + r"(?:[وف]?(?:"
            + _words("مين", "منو", "شكون", "مينو")
            + r")|who|whom|whose|name of|what (?:is|was|'s) the name|"
            + _words("ما اسم", "اسم", "شو اسم", "إيه اسم", "وش اسم", "شنو اسم")
            + r")"
            + _E
        ),
    ),
    (
        "where",
        re.compile(
            _B
            + r"(?:[وف]?(?:"
            + _words("أين", "وين", "فين", "لوين", "منين", "من أين", "فاين")
            + r")|where|"
            + _words(
                "في أي مدينة", "في أي بلد", "في أي دولة", "في أي مكان", "مكان", "بأي مدينة", "بأي بلد", "موقع"
            )
            + r")"
            + _E
        ),
    ),
    (
        "why",
        re.compile(
            _B
            + r"(?:[وف]?(?:"
            + _words("لماذا", "ليش", "ليه", "علاش", "لاش", "لمَ", "ليمن")
            + r")|why|"
            + _words("ما سبب", "سبب", "ما الهدف", "الهدف من", "لأي سبب", "what is the reason")
            + r")"
            + _E
        ),
    ),
    (
        "how",
        re.compile(
            _B
            + r"(?:[وف]?(?:"
            + _words("كيف", "كيفاش", "شلون", "ازاي", "إزاي", "كيفية", "بأي طريقة")
            + r")|how)"
            + _E
        ),
    ),
    (
        "yesno",
        re.compile(
            r"^(?:\W*)(?:[وف]?(?:"
            + _words("هل", "واش", "أليس", "ألا")
            + r")"
            + _E
            + r"|(?:is|are|was|were|do|does|did|can|could|has|have|had|will|would|should)"
            + _E
            + r")"
        ),
    ),
    (
        "which",
        re.compile(
            _B + r"(?:[وفب]?(?:" + _words("أي", "أية", "أيّ", "انهي", "أنهي", "أنو") + r")|which)" + _E
        ),
    ),
    (
        "what",
        re.compile(
            _B
            + r"(?:[وف]?(?:"
            + _words(
                "ما",
                "ماذا",
                "ماهو",
                "ماهي",
                "شو",
                "ايش",
                "إيش",
                "وش",
                "ايه",
                "إيه",
                "شنو",
                "شنهو",
                "آش",
                "اش",
                "واش",
                "شنهي",
            )
            + r")|what)"
            + _E
        ),
    ),
]

_MONTHS = _words(
    "يناير",
    "فبراير",
    "مارس",
    "أبريل",
    "ابريل",
    "مايو",
    "يونيو",
    "يوليو",
    "أغسطس",
    "سبتمبر",
    "أكتوبر",
    "نوفمبر",
    "ديسمبر",
    "كانون",
    "شباط",
    "آذار",
    "نيسان",
    "أيار",
    "حزيران",
    "تموز",
    "آب",
    "أيلول",
    "تشرين",
    "يونيه",
    "يوليه",
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
_NUMBER_WORDS = _words(
    "واحد",
    "واحدة",
    "اثنان",
    "اثنين",
    "اثنتين",
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
    "مئة",
    "مائة",
    "مئات",
    "ألف",
    "آلاف",
    "الآلاف",
    "مليون",
    "ملايين",
    "مليار",
    "عشرات",
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
    "percent",
    "hundred",
    "thousand",
    "million",
    "billion",
)
_SENTENCE_PATTERNS: dict[str, re.Pattern[str]] = {
    "date": re.compile(
        r"(?<!\d)(?:1[0-9]\d\d|20\d\d)(?!\d)|"
        + _B
        + r"[وبفل]?(?:ال)?(?:"
        + _MONTHS
        + r")"
        + _E
        + r"|"
        + _B
        + _words(
            "القرن",
            "قرن",
            "عام",
            "سنة",
            "العام",
            "السنة",
            "الماضي",
            "القادم",
            "الأسبوع",
            "اليوم",
            "أمس",
            "منذ",
        )
        + _E
    ),
    "number": re.compile(r"\d|" + _B + r"[وبل]?(?:ال)?(?:" + _NUMBER_WORDS + r")" + _E),
    "person": re.compile(
        _B
        + r"[وبلف]?(?:"
        + _words(
            "السيد",
            "السيدة",
            "الدكتور",
            "الدكتورة",
            "د",
            "الأستاذ",
            "الرئيس",
            "رئيس",
            "رئيسة",
            "عمدة",
            "العمدة",
            "وزير",
            "وزيرة",
            "الوزير",
            "مدير",
            "مديرة",
            "المدير",
            "الملك",
            "الأمير",
            "الشيخ",
            "الإمام",
            "البابا",
            "مستشار",
            "المستشار",
            "حاكم",
            "الحاكم",
            "مفوض",
            "المفوض",
            "مؤسس",
            "المؤسس",
            "قال",
            "قالت",
            "أشار",
            "أشارت",
            "أكد",
            "أكدت",
            "ولد",
            "ولدت",
            "توفي",
            "الكاتب",
            "الشاعر",
            "العالم",
            "القائد",
            "الزعيم",
            "النائب",
            "الأمين",
            "سفير",
            "ممثل",
            "مبعوث",
            "مبعوثة",
            "ابن",
            "بن",
            "بنت",
            "أبو",
            "mr",
            "dr",
        )
        + r")"
        + _E
    ),
    "place": re.compile(
        _B
        + r"[وبلف]?(?:ال)?(?:"
        + _words(
            "مدينة",
            "دولة",
            "بلد",
            "عاصمة",
            "مقاطعة",
            "محافظة",
            "منطقة",
            "ولاية",
            "إقليم",
            "جزيرة",
            "قرية",
            "جنوب",
            "شمال",
            "شرق",
            "غرب",
            "وسط",
            "قارة",
            "نهر",
            "بحر",
            "جبل",
            "حي",
            "شارع",
            "مقر",
            "يقع",
            "تقع",
            "عقدت",
            "عقد",
            "انعقد",
            "انعقدت",
            "استضافت",
            "استضاف",
        )
        + r")"
        + _E
    ),
    "cause": re.compile(
        _B
        + r"[وف]?(?:"
        + _words(
            "بسبب",
            "لأن",
            "لأنه",
            "لأنها",
            "نظرا",
            "نظراً",
            "بهدف",
            "من أجل",
            "لأجل",
            "لكي",
            "كي",
            "نتيجة",
            "أدى",
            "أدت",
            "يعود",
            "ترجع",
            "يرجع",
            "سبب",
            "بغية",
            "بغرض",
            "للحد",
            "لتعزيز",
            "لمعالجة",
            "لمواجهة",
            "لضمان",
            "لتحقيق",
            "due",
            "because",
        )
        + r")"
        + _E
    ),
    "means": re.compile(
        _B
        + r"[وف]?(?:"
        + _words(
            "من خلال",
            "عبر",
            "بواسطة",
            "عن طريق",
            "باستخدام",
            "بفضل",
            "بالتعاون",
            "بالعمل",
            "بإنشاء",
            "بتطوير",
            "بتعزيز",
            "وذلك",
            "through",
            "by",
        )
        + r")"
        + _E
    ),
    "quote": re.compile(
        r"[«“\"]|" + _B + _words("قال", "قالت", "وقال", "وقالت", "مضيفا", "مضيفة", "قائلا", "قائلة") + _E
    ),
}


_ARABIC = re.compile("[\u0600-\u06ff]")


def question_type(question: str) -> str:
    """The type of the interrogative that comes first in the normalised question ("متى … وكم" asks
    when); at one position the more specific type wins ("how many" before "how", "سنة كام" before
    "كام")."""
    text = normalize(question)
    best: tuple[int, int, str] | None = None
    for order, (name, pattern) in enumerate(_QUESTION_PATTERNS):
        for match in pattern.finditer(text):
            key = (match.start(), order, name)
            if best is None or key < best:
                best = key
            break
    return best[2] if best else "other"


@lru_cache(maxsize=65_536)
def sentence_types(sentence: str) -> dict[str, bool]:
    text = normalize(sentence)
    return {name: bool(pattern.search(text)) for name, pattern in _SENTENCE_PATTERNS.items()}


@dataclass
class QuestionView:
    """What is computed once per question."""

    text: str
    kind: str
    terms: list[str]  # bm25 terms in order (duplicates kept)
    weights: dict[str, float]  # idf weight of each distinct term
    blind: bool = False  # no Arabic-script term: word overlap with Arabic text says nothing

    @classmethod
    def of(cls, question: str, idf) -> QuestionView:
        terms = bm25_tokens(question)
        weights = {t: float(idf(t)) for t in dict.fromkeys(terms)}
        blind = not any(_ARABIC.search(t) for t in terms)
        return cls(question, question_type(question), terms, weights, blind)


@dataclass
class Candidate:
    """One candidate sentence with what retrieval knows of it."""

    text: str
    cosine: float  # e5 cosine(question, sentence)
    chunk_cosine: float  # e5 cosine(question, the sentence's chunk or paragraph)
    chunk_rank: int  # rank of its chunk among the retrieved ones (0 = best)
    position: int  # index of the sentence in its chunk / paragraph


FEATURE_NAMES: list[str] = [
    "cosine",
    "cosine_gap",
    "chunk_cosine",
    "chunk_cosine_gap",
    "chunk_prior",
    "overlap",
    "overlap_gap",
    "coverage",
    "bigrams",
    "compactness",
    "novelty",
    "log_words",
    "colon",
    "lexical_blind",
    "local_overlap",
    "local_overlap_gap",
    "cosine_z",
    "chunk_cosine_z",
    *(f"q_{t}" for t in QUESTION_TYPES),
    *(f"s_{t}" for t in SENTENCE_TYPES),
    *(f"match_{t}" for t in ANSWER_TYPES),
    "type_match",
    "type_miss",
]


def _pair_features(q: QuestionView, c: Candidate, tokens: list[str]) -> list[float]:
    present = set(tokens)
    total = sum(q.weights.values()) or 1.0
    matched = [t for t in q.weights if t in present]
    overlap = sum(q.weights[t] for t in matched) / total
    coverage = len(matched) / max(1, len(q.weights))
    q_bigrams = {(a, b) for a, b in zip(q.terms, q.terms[1:], strict=False)}
    s_bigrams = {(a, b) for a, b in zip(tokens, tokens[1:], strict=False)}
    bigrams = len(q_bigrams & s_bigrams) / max(1, len(q_bigrams))
    if len(matched) >= 2:
        positions = [i for i, t in enumerate(tokens) if t in q.weights]
        span = positions[-1] - positions[0] + 1
        compactness = len(set(matched)) / span
    else:
        compactness = float(len(matched))
    novelty = sum(1 for t in tokens if t not in q.weights) / max(1, len(tokens))
    words = len(c.text.split())
    stypes = sentence_types(c.text)
    wanted = ANSWER_TYPES.get(q.kind, ())
    type_match = float(any(stypes[t] for t in wanted)) if wanted else 0.0
    type_miss = float(bool(wanted) and not type_match)
    return [
        c.cosine,
        0.0,  # cosine_gap: filled in per question
        c.chunk_cosine,
        0.0,  # chunk_cosine_gap
        1.0 / (1 + c.chunk_rank),
        overlap,
        0.0,  # overlap_gap
        coverage,
        bigrams,
        compactness,
        novelty,
        math.log1p(words),
        float(c.text.rstrip().endswith((":", "："))),
        0.0,  # lexical_blind: set by pair_features
        0.0,  # local_overlap: needs every candidate, set by pair_features
        0.0,  # local_overlap_gap
        0.0,  # cosine_z
        0.0,  # chunk_cosine_z
        *(float(q.kind == t) for t in QUESTION_TYPES),
        *(float(stypes[t]) for t in SENTENCE_TYPES),
        *(float(q.kind == t and any(stypes[s] for s in ANSWER_TYPES[t])) for t in ANSWER_TYPES),
        type_match,
        type_miss,
    ]


_LEXICAL = [
    FEATURE_NAMES.index(n)
    for n in (
        "overlap",
        "overlap_gap",
        "coverage",
        "bigrams",
        "compactness",
        "local_overlap",
        "local_overlap_gap",
    )
]
_LOCAL, _LOCAL_GAP, _COS_Z, _CHUNK_Z = (
    FEATURE_NAMES.index(n) for n in ("local_overlap", "local_overlap_gap", "cosine_z", "chunk_cosine_z")
)
_BLIND = FEATURE_NAMES.index("lexical_blind")
_COS, _COS_GAP, _CHUNK, _CHUNK_GAP, _OVL, _OVL_GAP = (
    FEATURE_NAMES.index(n)
    for n in ("cosine", "cosine_gap", "chunk_cosine", "chunk_cosine_gap", "overlap", "overlap_gap")
)


def _local_overlap(q: QuestionView, tokens: Sequence[list[str]]) -> np.ndarray:
    """Share of the question's terms in each sentence, each term weighted by how rare it is among
    the candidates themselves (log(n / df), unmatched terms count as df 0.5): the words that tell
    the candidates apart, whatever the corpus-wide idf says."""
    if not q.weights:
        return np.zeros(len(tokens), dtype=np.float32)
    present = [set(t) for t in tokens]
    n = len(tokens)
    local = {t: math.log((n + 1) / (sum(t in p for p in present) + 0.5)) for t in q.weights}
    total = sum(local.values()) or 1.0
    return np.array([sum(w for t, w in local.items() if t in p) / total for p in present], dtype=np.float32)


def _z(values: np.ndarray) -> np.ndarray:
    std = float(values.std())
    return (values - values.mean()) / std if std > 1e-6 else np.zeros_like(values)


def pair_features(q: QuestionView, candidates: Sequence[Candidate]) -> np.ndarray:
    """One row of FEATURE_NAMES per candidate; the gaps are to the best candidate of the question,
    the z-scores within the question's candidates."""
    if not candidates:
        return np.zeros((0, len(FEATURE_NAMES)), dtype=np.float32)
    tokens = [bm25_tokens(c.text) for c in candidates]  # once per candidate, for both feature groups
    rows = np.array(
        [_pair_features(q, c, t) for c, t in zip(candidates, tokens, strict=True)], dtype=np.float32
    )
    rows[:, _LOCAL] = _local_overlap(q, tokens)
    rows[:, _LOCAL_GAP] = rows[:, _LOCAL] - rows[:, _LOCAL].max()
    rows[:, _COS_Z] = _z(rows[:, _COS])
    rows[:, _CHUNK_Z] = _z(rows[:, _CHUNK])
    if q.blind:
        rows[:, _LEXICAL] = 0.0
        rows[:, _BLIND] = 1.0
    for value, gap in ((_COS, _COS_GAP), (_CHUNK, _CHUNK_GAP), (_OVL, _OVL_GAP)):
        rows[:, gap] = rows[:, value] - rows[:, value].max()
    return rows


ANSWERABILITY_NAMES: list[str] = [
    "top_relevance",
    "second_relevance",
    "relevance_gap",
    "top_cosine",
    "max_cosine",
    "top_overlap",
    "max_overlap",
    "top_coverage",
    "lexical_blind",
    "top_type_match",
    "top_type_miss",
    "any_type_match_top3",
    "unknown_share",
    *(f"q_{t}" for t in QUESTION_TYPES),
]

_IDX = {name: i for i, name in enumerate(FEATURE_NAMES)}


def answerability_features(
    kind: str, rows: np.ndarray, relevance: np.ndarray, unknown_share: float
) -> np.ndarray:
    """One row of ANSWERABILITY_NAMES for a question: its best candidates by ``relevance`` (the
    relevance model's probabilities for ``rows``), how well the best one matches, and the share of
    its terms the corpus never contains."""
    order = np.argsort(-relevance, kind="stable")
    top = rows[order[0]]
    second = float(relevance[order[1]]) if len(order) > 1 else 0.0
    top3 = rows[order[:3]]
    return np.array(
        [
            float(relevance[order[0]]),
            second,
            float(relevance[order[0]]) - second,
            top[_IDX["cosine"]],
            rows[:, _IDX["cosine"]].max(),
            top[_IDX["overlap"]],
            rows[:, _IDX["overlap"]].max(),
            top[_IDX["coverage"]],
            top[_IDX["lexical_blind"]],
            top[_IDX["type_match"]],
            top[_IDX["type_miss"]],
            float(top3[:, _IDX["type_match"]].max()),
            unknown_share,
            *(float(kind == t) for t in QUESTION_TYPES),
        ],
        dtype=np.float32,
    )
