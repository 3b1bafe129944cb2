"""Question augmentation: dialect interrogatives, loose spelling and English question words.

The training questions are Modern Standard Arabic. Practitioners also ask in Levantine, Egyptian,
Gulf, Iraqi and Maghrebi forms, without hamzas, and in English. Each rewrite keeps the content
words (which carry the match with the evidence) and changes the forms that vary by region.
"""

from __future__ import annotations

import random
import re

REGIONS = ("levantine", "egyptian", "gulf", "iraqi", "maghrebi")

# MSA form -> one replacement per region (levantine, egyptian, gulf, iraqi, maghrebi); several
# choices are separated by "|". Longer forms come first so "ما هو" wins over "ما".
_DIALECT: list[tuple[str, tuple[str, str, str, str, str]]] = [
    ("ما الذي", ("شو اللي", "إيه اللي", "وش اللي", "شنو اللي", "شنو اللي|آش اللي")),
    ("ماذا", ("شو", "إيه", "وش|ايش", "شنو", "شنو|آش")),
    ("ما هو", ("شو هو|شو", "إيه هو|هو إيه", "وش هو|ايش هو", "شنو هو|شنو", "شنو هو|آش هو")),
    ("ما هي", ("شو هي|شو", "إيه هي|هي إيه", "وش هي|ايش هي", "شنو هي|شنو", "شنو هي|آش هي")),
    ("ما هى", ("شو هي", "إيه هي", "وش هي", "شنو هي", "شنو هي")),
    ("من هو", ("مين هو|مين", "مين هو|مين", "منو هو|مين", "منو|منو هو", "شكون هو|شكون")),
    ("من هي", ("مين هي|مين", "مين هي|مين", "منو هي|مين", "منو|منو هي", "شكون هي|شكون")),
    ("متى", ("إيمتى|امتى|ايمتى", "إمتى|امتى", "متى|شمتى", "شوكت|إمتى", "إمتى|فوقاش|امتى")),
    ("أين", ("وين", "فين", "وين", "وين", "فين|وين")),
    ("اين", ("وين", "فين", "وين", "وين", "فين|وين")),
    ("كيف", ("كيف|كيفية", "إزاي|ازاي", "شلون|كيف", "شلون|شلونه", "كيفاش")),
    ("لماذا", ("ليش|ليه", "ليه", "ليش|ليه", "ليش|ليمن", "علاش|لاش")),
    ("لم", ("ليش", "ليه", "ليش", "ليش", "علاش")),
    ("كم عدد", ("قديش عدد|كم عدد", "كام عدد|عدد كام", "كم عدد", "شكد عدد|كم عدد", "شحال من")),
    ("كم", ("قديش|كم", "كام", "كم", "شكد|كم", "شحال")),
    ("هل", ("|هل", "هو|هل", "هل|", "|هل", "واش")),
    ("في أي", ("بأي|بأنو", "في أنهي|في انهي", "في أي|بأي", "بأي|بيا", "فأي|فاش من")),
    ("أي", ("أي|أنو", "أنهي|انهي", "أي|وش", "يا|أي", "أشمن|أي")),
    ("الذي", ("اللي", "اللي", "اللي", "اللي", "اللي")),
    ("التي", ("اللي", "اللي", "اللي", "اللي", "اللي")),
    ("الذين", ("اللي", "اللي", "اللي", "اللي", "اللي")),
    ("حدث", ("صار", "حصل", "صار", "صار", "وقع")),
    ("جرى", ("صار", "حصل", "صار", "صار", "وقع")),
    ("يوجد", ("في", "فيه", "فيه", "أكو", "كاين")),
    ("هناك", ("في", "فيه", "فيه", "أكو", "كاين")),
    ("ليس", ("مش", "مش", "مو", "مو", "ماشي")),
    ("الآن", ("هلق", "دلوقتي", "الحين", "هسه", "دابا")),
    ("يريد", ("بدو", "عايز", "يبي", "يريد", "بغا")),
    ("فعل", ("عمل", "عمل", "سوى", "سوى", "دار")),
    ("فعلت", ("عملت", "عملت", "سوت", "سوت", "دارت")),
    ("قام", ("قام|عمل", "عمل", "سوى", "سوى", "دار")),
    ("جدا", ("كتير", "أوي", "وايد", "كلش", "بزاف")),
    ("كثيرا", ("كتير", "أوي", "وايد", "هواية", "بزاف")),
]

_ENGLISH: list[tuple[str, str]] = [
    ("ما الذي", "what"),
    ("ماذا", "what"),
    ("ما هو", "what is"),
    ("ما هي", "what is"),
    ("من هو", "who is"),
    ("من هي", "who is"),
    ("متى", "when"),
    ("أين", "where"),
    ("كيف", "how"),
    ("لماذا", "why"),
    ("كم عدد", "how many"),
    ("كم", "how much"),
    ("هل", "does"),
    ("في أي", "in which"),
    ("أي", "which"),
]

_PATTERNS = {form: re.compile(rf"(?<![\w])(?:[وف])?{re.escape(form)}(?![\w])") for form, _ in _DIALECT}
_ENGLISH_PATTERNS = {form: re.compile(rf"(?<![\w]){re.escape(form)}(?![\w])") for form, _ in _ENGLISH}
_DIACRITICS = re.compile("[\u064b-\u0652\u0670\u0640]")


def to_dialect(question: str, region: str, rng: random.Random) -> str:
    """Rewrite MSA interrogatives and common verbs of ``question`` into ``region``'s forms."""
    index = REGIONS.index(region)
    out = _DIACRITICS.sub("", question)
    for form, choices in _DIALECT:
        pattern = _PATTERNS[form]
        if not pattern.search(out):
            continue
        options = choices[index].split("|")
        out = pattern.sub(lambda _m, o=options: rng.choice(o), out)
    out = re.sub(r"\s+", " ", out).strip()
    if rng.random() < 0.4:
        out = out.rstrip("؟?").strip()
    return out or question


def to_english_interrogative(question: str) -> str:
    """Code-switch the question words to English, keeping the Arabic content words."""
    out = _DIACRITICS.sub("", question)
    for form, english in _ENGLISH:
        out = _ENGLISH_PATTERNS[form].sub(english, out, count=1)
    return re.sub(r"\s+", " ", out).replace("؟", "?").strip()


def loose_spelling(question: str, rng: random.Random) -> str:
    """Chat-style spelling: no hamzas or diacritics, ة/ه and ى/ي swapped, a dropped letter."""
    out = _DIACRITICS.sub("", question)
    out = re.sub("[أإآ]", "ا", out)
    if rng.random() < 0.6:
        out = re.sub(r"ة(?!\w)", "ه", out)
    if rng.random() < 0.5:
        out = re.sub(r"ى(?!\w)", "ي", out)
    if rng.random() < 0.4:
        out = out.replace("ؤ", "و").replace("ئ", "ي")
    words = out.split()
    if len(words) > 3 and rng.random() < 0.4:
        i = rng.randrange(len(words))
        w = words[i]
        if len(w) > 4:
            j = rng.randrange(1, len(w) - 1)
            words[i] = w[:j] + w[j + 1 :]
    out = " ".join(words)
    if rng.random() < 0.5:
        out = out.rstrip("؟?").strip()
    return out or question


def variants(question: str, rng: random.Random) -> list[tuple[str, str]]:
    """The original question and its rewrites, as (kind, text); duplicates of the original dropped."""
    out = [("msa", question)]
    region = rng.choice(REGIONS)
    dialect = to_dialect(question, region, rng)
    if dialect != question:
        out.append((region, dialect))
    noisy = loose_spelling(question, rng)
    if noisy != question:
        out.append(("noisy", noisy))
    english = to_english_interrogative(question)
    if english != question and rng.random() < 0.35:
        out.append(("code-switch", english))
    return out
