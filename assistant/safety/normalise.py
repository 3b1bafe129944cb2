"""Text normalisation for the safety patterns, and the reply-language guess.

``normalise`` turns a question into one line of space-separated words with a space at each end, so
that every pattern in ``patterns.py`` can use a plain space as its word boundary:

- NFKC (Arabic presentation forms and ligatures become ordinary letters);
- diacritics (harakat, shadda, sukun, Quranic marks), tatweel and invisible marks are removed;
- أ إ آ ٱ → ا, ى → ي, ة → ه, ؤ → و, ئ → ي (users type all of these loosely); Persian/Urdu letter
  variants (ک ی گ چ پ ڤ) fold to their nearest Arabic letter; Arabic-Indic digits become ASCII;
- Latin letters are case-folded; apostrophes are dropped (``I'm`` → ``im``, ``let's`` → ``lets``);
- every other non-word character is a word break; a letter repeated three or more times is kept
  once (``بدددي`` → ``بدي``, ``pleeease`` → ``please``).

The same letter folding (``fold_letters``) is applied to the word tables when the patterns are
compiled, so the tables are written in ordinary Arabic spelling.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["fold_letters", "normalise", "guess_language", "is_arabizi_word"]

_DIACRITICS = [
    *range(0x0610, 0x061B),
    *range(0x064B, 0x0660),
    0x0670,
    *range(0x06D6, 0x06DD),
    *range(0x06DF, 0x06E9),
    *range(0x06EA, 0x06EE),
]
_INVISIBLE = [0x00AD, 0x061C, 0x180E, *range(0x200B, 0x2010), *range(0x202A, 0x202F), *range(0x2060, 0x2070)]

_LETTERS: dict[int, str | None] = {cp: None for cp in (*_DIACRITICS, *_INVISIBLE, 0x0640, 0xFEFF)}
_LETTERS.update({ord(c): "ا" for c in "أإآٱٲٳ"})
_LETTERS.update({ord(a): b for a, b in zip("ىیيةؤئکگچپڤ", "ييي" + "هويككجبف", strict=True)})
_LETTERS.update({0x0660 + i: str(i) for i in range(10)})
_LETTERS.update({0x06F0 + i: str(i) for i in range(10)})

_APOSTROPHES = re.compile(r"['’‘`´]")
_NON_WORD = re.compile(r"[\W_]+")
_REPEATS = re.compile(r"(\w)\1{2,}")


def fold_letters(text: str) -> str:
    """The letter folding alone (no case folding, punctuation untouched): safe on regex source."""
    return text.translate(_LETTERS)


def normalise(text: str) -> str:
    """``" word word ... "``: folded, case-folded words separated by single spaces, padded by one."""
    text = fold_letters(unicodedata.normalize("NFKC", text)).casefold()
    text = _APOSTROPHES.sub("", text)
    text = _NON_WORD.sub(" ", text)
    text = _REPEATS.sub(r"\1", text)
    words = text.split()
    return " " + " ".join(words) + " " if words else " "


_ARABIC_WORD = re.compile(r"[\u0621-\u064a\u0671-\u06d3]")
_LATIN_WORD = re.compile(r"[a-z\u00df-\u024f]")
# Arabizi: Latin letters with the digits that stand for Arabic sounds (2 ء, 3 ع, 5 خ, 7 ح, 9 ق/ص).
_ARABIZI_DIGITS = re.compile(r"^(?=.*[a-z])[a-z]*[235789][a-z0-9]*$")
_ARABIZI_WORDS = frozenset(
    """
    ana enta enti inta inti ento bdi badi baddi biddi bidi ayez awez 3ayez 3ayz 3awez abi abgha abghi
    bghit nbghi baghi shu shou sho esh eish ezay ezzay izay izzay ezaay kif keef kifash kifach kifesh
    shlon shlonak wesh wash wach lesh leh leish 3ashan ashan 3lashan ma3 m3a 3ala 3an ya3ni yani wallah
    walla yalla inshallah mesh mish msh momken mumkin mmkn hada hadi hadha hatha hayda haida dyal diyal
    daba kayn kayen bzaf barcha 3endi 3andi 3ndi andi 7aga haga kteer ktir wayn wein fein feen elli illi
    lli elly a3mel a3ml n3mel asawi nsawi asna3 nesna3 a2tol aqtol 3omla baddna bidna 7ad kaman
    """.split()
)


def is_arabizi_word(word: str) -> bool:
    return word in _ARABIZI_WORDS or bool(_ARABIZI_DIGITS.match(word))


def guess_language(normalised: str) -> str:
    """``"en"`` when most words are Latin-script and they are not Arabizi; ``"ar"`` otherwise
    (including empty input: the assistant is Arabic-first)."""
    words = normalised.split()
    arabic = sum(1 for w in words if _ARABIC_WORD.search(w))
    latin = [w for w in words if _LATIN_WORD.search(w)]
    if len(latin) <= arabic:
        return "ar"
    arabizi = sum(1 for w in latin if is_arabizi_word(w))
    if arabizi >= 2 and arabizi * 4 >= len(latin):
        return "ar"
    return "en"
