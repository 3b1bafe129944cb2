"""List numbers as word processors show them: counters per list and level, and number formats.

Shared by the Word and OpenDocument loaders. A level's label is its template with ``%1``…``%9``
replaced by the counters of the levels up to it, each written in its level's format: decimal,
Arabic-Indic digits, Latin letters, Roman numerals, and the two Arabic letter orders
(alphabetical «أ ب ت ث…» and abjad «أ ب ج د…»). Bullets become «•» when the bullet character is
a symbol-font code point that means nothing as text.
"""

from __future__ import annotations

from typing import Any

ARABIC_ALPHA = "أبتثجحخدذرزسشصضطظعغفقكلمنهوي"
ARABIC_ABJAD = "أبجدهوزحطيكلمنسعفصقرشتثخذضظغ"
_ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
_ROMAN = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl"),
          (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))  # fmt: skip


def format_number(n: int, fmt: str) -> str:
    """``n`` in a numbering format (Word ``numFmt`` names; ODF ``num-format`` values map here)."""
    fmt = fmt or "decimal"
    if fmt in ("decimal", "1"):
        return str(n)
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt in ("hindiNumbers", "arabicIndic", "١"):
        return str(n).translate(_ARABIC_INDIC)
    if fmt in ("lowerLetter", "a", "upperLetter", "A"):
        letters = ""
        k = n
        while k > 0:
            k, r = divmod(k - 1, 26)
            letters = chr(ord("a") + r) + letters
        return letters.upper() if fmt in ("upperLetter", "A") else letters
    if fmt in ("lowerRoman", "i", "upperRoman", "I"):
        out, k = "", n
        for value, numeral in _ROMAN:
            while k >= value:
                out += numeral
                k -= value
        return out.upper() if fmt in ("upperRoman", "I") else out
    if fmt in ("arabicAlpha", "أ, ب, ت, ...", "أ"):
        return _letters(n, ARABIC_ALPHA)
    if fmt in ("arabicAbjad", "أ, ب, ج, ..."):
        return _letters(n, ARABIC_ABJAD)
    if fmt in ("none", ""):
        return ""
    return str(n)


def _letters(n: int, alphabet: str) -> str:
    """1 -> أ ... past the last letter the letters repeat (as Word does: أأ, بب)."""
    q, r = divmod(n - 1, len(alphabet))
    return alphabet[r] * (q + 1)


def bullet(char: str) -> str:
    """A bullet character fit for text (symbol-font private-use code points become «•»)."""
    char = char.strip()
    if not char or any(0xE000 <= ord(c) <= 0xF8FF for c in char):
        return "•"
    return char


class ListCounter:
    """Counters of every list and level; a deeper level restarts after a shallower item."""

    def __init__(self) -> None:
        self.counts: dict[str, list[int]] = {}

    def label(self, list_id: str, level: int, info: dict[str, Any]) -> str:
        """The label of the next item at ``level`` of ``list_id``.

        ``info``: ``format`` (Word numFmt name, or ``bullet``), ``text`` (template such as
        ``%1.`` or ``%1.%2)``, or the bullet character), ``start``, and ``parents``, the infos
        of the levels above."""
        counts = self.counts.setdefault(list_id, [])
        parents = info.get("parents", [])
        while len(counts) <= level:
            depth = len(counts)
            start = (
                parents[depth].get("start", 1)
                if depth < level and depth < len(parents)
                else info.get("start", 1)
            )
            counts.append(start - 1)
        counts[level] += 1
        del counts[level + 1 :]
        if info.get("format") == "bullet":
            return bullet(info.get("text", "•"))
        label = info.get("text", "%1.")
        for depth in range(level, -1, -1):
            fmt = (
                info.get("format")
                if depth == level
                else (parents[depth].get("format", "decimal") if depth < len(parents) else "decimal")
            )
            label = label.replace(f"%{depth + 1}", format_number(counts[depth], str(fmt)))
        return label.strip()
