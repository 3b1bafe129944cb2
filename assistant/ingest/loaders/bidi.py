"""Turn right-to-left (Arabic) text from visual order back into logical (reading) order.

Pure functions on strings, used for PDF text, whose lines come out in visual order.
:func:`visual_to_logical` runs a small implementation of the Unicode Bidirectional Algorithm
(UAX #9: weak-type, neutral and implicit-level rules, then rule L2 reordering) over the
visual string. For the text of ordinary documents (no explicit embeddings) that algorithm is
its own inverse: Arabic runs are reversed while numbers and Latin runs keep their
left-to-right order. The base direction of a line is taken from its strong characters
(Arabic-only lines are right to left, lines without Arabic left to right, mixed lines follow
the caller's hint or else the majority). Finally Arabic presentation-form glyphs
(U+FB50-U+FDFF, U+FE70-U+FEFE), which some PDF producers map their glyphs to, are folded
back to the normal letters with NFKC; this happens after reordering so that ligatures such
as LAM-ALEF expand in the right order.
"""

from __future__ import annotations

import unicodedata

_EXPLICIT_FORMATTING = frozenset({"LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI"})
_NEUTRALS = frozenset({"B", "S", "WS", "ON"})


def is_rtl_text(text: str) -> bool:
    """True when ``text`` has at least one right-to-left letter (bidi class R or AL)."""
    return any(_bidi_class(ch) in ("R", "AL") for ch in text)


def majority_is_rtl(text: str) -> bool:
    """True when right-to-left letters outnumber left-to-right ones (ties count as RTL)."""
    classes = [_bidi_class(ch) for ch in text]
    return sum(c in ("R", "AL") for c in classes) >= classes.count("L")


def visual_to_logical(line: str, default_rtl: bool | None = None) -> str:
    """Turn one line of text read in visual (left-to-right display) order into logical order.

    Lines without right-to-left characters are returned unchanged. The line's base direction
    comes from its strong characters: the first one of a left-to-right line is its leftmost,
    that of a right-to-left line its rightmost, so when both ends agree they give the
    direction. Otherwise the line alone cannot tell, and ``default_rtl`` (e.g. the direction
    of most of the page) decides, or failing that the line's own majority. Arabic
    presentation forms are folded to normal letters afterwards (see the module docstring).
    """
    classes = [_bidi_class(c) for c in line]
    if not any(c in ("R", "AL") for c in classes):
        return fold_presentation_forms(line)
    chars = [c for c, k in zip(line, classes, strict=True) if k not in _EXPLICIT_FORMATTING]
    types = [_bidi_class(c) for c in chars]
    order, _ = logical_order(types, _line_is_rtl(types, default_rtl))
    return fold_presentation_forms("".join(chars[i] for i in order))


def token_class(text: str) -> str:
    """The bidi class of a multi-character visual unit (a glyph cluster, a word): its first
    strong character's, else that of its first character that is not a mark."""
    for ch in text:
        cls = _bidi_class(ch)
        if cls in ("L", "R", "AL"):
            return cls
    for ch in text:
        cls = _bidi_class(ch)
        if cls not in ("NSM", "BN"):
            return cls
    return "ON"


def logical_order(classes: list[str], rtl: bool) -> tuple[list[int], list[int]]:
    """Visual → logical: the visual indexes in reading order, and each visual unit's embedding
    level (odd = right to left), for units of the given bidi classes on a line of base
    direction ``rtl``. For text without explicit embeddings the Unicode Bidirectional
    Algorithm is its own inverse, so running it over the visual sequence gives the logical one.
    """
    types = list(classes)
    original = list(classes)
    base = 1 if rtl else 0
    edge = "R" if base else "L"
    size = len(types)

    # W1: a non-spacing mark (and, as X9 would drop them, boundary neutrals such as ZWJ/ZWNJ)
    # takes the type of the character before it.
    prev = edge
    for i, t in enumerate(types):
        if t in ("NSM", "BN"):
            types[i] = prev
        else:
            prev = t
    # W2: European digits after Arabic letters are Arabic numbers.
    last_strong = edge
    for i, t in enumerate(types):
        if t in ("L", "R", "AL"):
            last_strong = t
        elif t == "EN" and last_strong == "AL":
            types[i] = "AN"
    # W3
    types = ["R" if t == "AL" else t for t in types]
    # W4: one separator between two numbers of the same kind joins them (2023-2025, 1,000).
    for i in range(1, size - 1):
        before, after = types[i - 1], types[i + 1]
        if types[i] == "ES" and before == after == "EN":
            types[i] = "EN"
        elif types[i] == "CS" and before == after and before in ("EN", "AN"):
            types[i] = before
    # W5: terminators (%, currency signs) next to European numbers are part of them.
    i = 0
    while i < size:
        if types[i] != "ET":
            i += 1
            continue
        j = i
        while j < size and types[j] == "ET":
            j += 1
        if (i > 0 and types[i - 1] == "EN") or (j < size and types[j] == "EN"):
            types[i:j] = ["EN"] * (j - i)
        i = j
    # W6
    types = ["ON" if t in ("ES", "ET", "CS") else t for t in types]
    # W7: European numbers inside left-to-right text are left-to-right text.
    last_strong = edge
    for i, t in enumerate(types):
        if t in ("L", "R"):
            last_strong = t
        elif t == "EN" and last_strong == "L":
            types[i] = "L"
    # N1/N2: neutrals between two runs of the same direction take it, others the base direction.
    i = 0
    while i < size:
        if types[i] not in _NEUTRALS:
            i += 1
            continue
        j = i
        while j < size and types[j] in _NEUTRALS:
            j += 1
        before = edge if i == 0 else ("L" if types[i - 1] == "L" else "R")
        after = edge if j == size else ("L" if types[j] == "L" else "R")
        types[i:j] = [before if before == after else edge] * (j - i)
        i = j
    # I1/I2: embedding levels.
    if base == 0:
        levels = [0 if t == "L" else 1 if t == "R" else 2 for t in types]
    else:
        levels = [1 if t == "R" else 2 for t in types]
    # L1: separators, and whitespace before them or at the end of the line, go to the base level.
    trailing = True
    for i in range(size - 1, -1, -1):
        cls = original[i]
        if cls in ("S", "B"):
            levels[i] = base
            trailing = True
        elif trailing and cls in ("WS", "BN"):
            levels[i] = base
        else:
            trailing = False
    # L2: from the highest level down to the lowest odd level, reverse every run at or above it.
    out = list(range(size))
    work = list(levels)
    odd_levels = [lv for lv in levels if lv % 2]
    if odd_levels:
        lowest_odd = min(odd_levels)
        for level in range(max(levels), lowest_odd - 1, -1):
            i = 0
            while i < size:
                if work[i] < level:
                    i += 1
                    continue
                j = i
                while j < size and work[j] >= level:
                    j += 1
                out[i:j] = out[i:j][::-1]
                work[i:j] = work[i:j][::-1]
                i = j
    return out, levels


def _bidi_class(ch: str) -> str:
    return unicodedata.bidirectional(ch) or "L"  # unassigned code points count as L


def _line_is_rtl(classes: list[str], default_rtl: bool | None) -> bool:
    """The base direction of a line with at least one strong character (see visual_to_logical)."""
    strong = [c for c in classes if c in ("L", "R", "AL")]
    leftmost_rtl, rightmost_rtl = strong[0] != "L", strong[-1] != "L"
    if leftmost_rtl == rightmost_rtl:
        return leftmost_rtl
    if default_rtl is not None:
        return default_rtl
    return sum(c != "L" for c in strong) >= strong.count("L")


def _is_presentation_form(ch: str) -> bool:
    cp = ord(ch)
    return 0xFB50 <= cp <= 0xFDFF or 0xFE70 <= cp <= 0xFEFE


def fold_presentation_forms(text: str) -> str:
    """Fold Arabic presentation-form glyphs to the normal letters (NFKC); leave the rest."""
    if not any(_is_presentation_form(c) for c in text):
        return text
    return "".join(unicodedata.normalize("NFKC", c) if _is_presentation_form(c) else c for c in text)
