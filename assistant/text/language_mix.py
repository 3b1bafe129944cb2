"""The coarse language of a question, for usage figures: Arabic (MSA), Arabic (dialect), English, other.

Computed once when an answer is stored (assistant/store/usage.py), so the figures survive when the
question text is purged. A small heuristic, not a language model:

1. Letters are counted by script. No letters at all → ``other``.
2. Arabic letters at least half of the letters → Arabic. It is ``ar_dialect`` when a word (after
   normalisation, with a leading و/ف/ب allowed) is one of ``DIALECT_MARKERS``: question words,
   negations, demonstratives and "want" verbs that MSA does not use (Egyptian, Levantine, Gulf, Iraqi,
   Maghrebi). Otherwise ``ar_msa``. Colloquial questions written without any marker count as MSA.
3. Latin letters dominate → ``en`` when at least one word is a common English function word
   (``ENGLISH_MARKERS``), else ``other`` (French, Spanish, transliterated Arabic…).
4. Anything else (Cyrillic, Chinese…) → ``other``.
"""

from __future__ import annotations

import re

from assistant.text.arabic import normalize

LANGUAGES = ("ar_msa", "ar_dialect", "en", "other")

_ARABIC = re.compile(r"[\u0621-\u064a\u0671-\u06d3]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
_LETTER = re.compile(r"[^\W\d_]")
_WORD = re.compile(r"[^\W\d_]+")

_DIALECT_RAW = """
ايش إيش شو وش ويش شنو شنهو شلون اشلون وشلون ليش ليه ازاي إزاي ازّاي فين وين منين امتى إمتى
إمتا امتا كيفاش واش علاش فاش اش شكون فوقاش
مش مو مب ماكو مافي مافيش مفيش ماكاين
ده دي دول هاد هادا هادي هدا هيدا هيدي هيك كده كدا هاي هذي هاذي هاذا هذول
عايز عايزة عاوز عاوزة بدي بدك بدنا ابغى أبغى نبغى ابغي بغيت نبغي حاب
دلوقتي دلوقت هلق هلأ هسه هسع هلا دابا توا
اللي علشان عشان مشان كمان برضه برضو ديال تاع بتاع بتاعة
"""
DIALECT_MARKERS: frozenset[str] = frozenset(normalize(w) for w in _DIALECT_RAW.split())

ENGLISH_MARKERS: frozenset[str] = frozenset(
    """the a an of in on at to for from by with and or is are was were be been do does did what which
    who whom whose when where why how can could should would will has have had this that these those
    it its there about""".split()
)


def _is_dialect_word(word: str) -> bool:
    if word in DIALECT_MARKERS:
        return True
    # one clitic in front: وشو، فليش، بدي is itself a marker; و/ف + marker
    return len(word) > 2 and word[0] in "وف" and word[1:] in DIALECT_MARKERS


def classify(text: str) -> str:
    """``ar_msa`` | ``ar_dialect`` | ``en`` | ``other`` (see the module docstring)."""
    sample = (text or "")[:2000]
    letters = len(_LETTER.findall(sample))
    if not letters:
        return "other"
    arabic = len(_ARABIC.findall(sample))
    latin = len(_LATIN.findall(sample))
    if arabic * 2 >= letters:
        words = _WORD.findall(normalize(sample))
        return "ar_dialect" if any(_is_dialect_word(w) for w in words) else "ar_msa"
    if latin * 2 >= letters:
        words = {w.casefold() for w in _WORD.findall(sample)}
        return "en" if words & ENGLISH_MARKERS else "other"
    return "other"
