"""Small builders for word-level patterns over ``normalise``d text.

Normalised text is ``" w1 w2 ... wn "``: every word is followed by exactly one space, so a pattern
is a sequence of pieces that each end in a space, and the whole pattern starts with one space.
Table entries may use regex syntax (``?``, ``|``, groups, ``\\w``); their Arabic letters are folded
like the text, so tables are written in ordinary spelling. Lower-case escapes only (``\\w``, never
``\\W``): the text is case-folded. Every repetition is bounded, so no pattern can backtrack
catastrophically.
"""

from __future__ import annotations

from collections.abc import Iterable

from assistant.safety.normalise import fold_letters

# Arabic proclitics a noun may carry: و/ف, then ب/ك/ل with or without the article, or the article;
# «عال» is the spoken contraction of «على ال» («عالمصلين»).
NP = "(?:[وف]?(?:[بكع]?ال|لل|[بلك])?)"
# The same before an entry written with its article («اللاجئين»): the article (or لل) must be there.
NP_DEF = "(?:[وف]?(?:[بكع]?ال|لل))"


def alt(*items: str | Iterable[str]) -> str:
    """``(?:a|b|...)`` of the entries (folded, longest first so the longest spelling wins)."""
    flat: list[str] = []
    for item in items:
        flat.extend([item] if isinstance(item, str) else item)
    forms = sorted({fold_letters(i.strip()) for i in flat if i.strip()}, key=len, reverse=True)
    return "(?:" + "|".join(forms) + ")"


def words(*items: str | Iterable[str]) -> str:
    """One table entry followed by its word break."""
    return alt(*items) + " "


def noun(*items: str | Iterable[str]) -> str:
    """An Arabic noun entry with its proclitics (وال، بال، لل، ل، ...). An entry written with the article
    («الشرطة») needs it in the text, in any of its forms («للشرطة»، «بالشرطة»); one written without it
    («داعش») may take any proclitic or none."""
    flat: list[str] = []
    for item in items:
        flat.extend([item] if isinstance(item, str) else item)
    folded = [fold_letters(i.strip()) for i in flat if i.strip()]
    definite = [i[2:] for i in folded if i.startswith("ال") and len(i) > 4]
    bare = [i for i in folded if not (i.startswith("ال") and len(i) > 4)]
    parts = ([NP_DEF + alt(definite)] if definite else []) + ([NP + alt(bare)] if bare else [])
    return "(?:" + "|".join(parts) + ") "


def optional(piece: str) -> str:
    return f"(?:{piece})?"


def fill(items: str | Iterable[str], most: int) -> str:
    """Up to ``most`` filler entries (each a word or phrase from the table)."""
    return f"(?:{alt(items)} ){{0,{most}}}"


def gap(most: int, blocked: str | None = None) -> str:
    """Up to ``most`` arbitrary words, none of which matches ``blocked`` (a pattern for one word)."""
    if blocked is None:
        return f"(?:[^ ]+ ){{0,{most}}}"
    return f"(?:(?!{blocked} )[^ ]+ ){{0,{most}}}"
