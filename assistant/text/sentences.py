"""Sentence splitting with exact character offsets.

sentencex (language "ar") proposes the boundaries; this module fixes its known errors:

- Line breaks are hard boundaries: each line is segmented on its own, so a heading line is its own
  sentence even without a full stop.
- No split after an abbreviation or initial: «د.», «أ.د.», «م.» (any single Arabic letter + «.»),
  "Dr.", "Mr.", "Mrs.", "Prof.", "e.g.", "i.e.", "U.S." (any single Latin letter + ".").
- A list marker («١.», "1.", "2)", "a.") stays attached to its item.
- «…» (and "...") followed by whitespace ends a sentence, as . ؟ ? ! do; «،» and «؛» never do.
- Closing quotes/brackets after the full stop stay with the sentence (sentencex already does this).

Returned spans exclude surrounding whitespace: ``text[s.start:s.end] == s.text``.
"""

from __future__ import annotations

import re

import sentencex

from assistant.types import Sentence

__all__ = ["split_sentences"]

_LINE_RE = re.compile(r"[^\n\r\v\f\u2028\u2029\x1c\x1d\x1e\x85]+")
_ELLIPSIS_RE = re.compile(r"(?:…|\.{3})[\"'”’»)\]]*(?=\s)")
_ABBREV_END_RE = re.compile(
    r"(?:^|[\s(\[“\"«.])(?:[\u0621-\u064a]|[A-Za-z]|Dr|Mr|Mrs|Ms|Prof|Eng|Jr|Sr|St|Mt|vs|approx|Fig|cf)\.$"
)
_LIST_MARKER_RE = re.compile(r"^[(\[]?(?:[0-9]{1,3}|[٠-٩]{1,3}|[۰-۹]{1,3}|[A-Za-z]|[\u0621-\u064a])[.)\]]$")
_WORD_RE = re.compile(r"[^\W_]")


def split_sentences(text: str) -> list[Sentence]:
    """Split ``text`` into sentences whose offsets index into ``text`` exactly."""
    out: list[Sentence] = []
    for line_match in _LINE_RE.finditer(text):
        line = line_match.group()
        if line.isspace():
            continue
        base = line_match.start()
        for start, end in _segment_line(line):
            out.append(Sentence(text[base + start : base + end], base + start, base + end))
    return out


def _segment_line(line: str) -> list[tuple[int, int]]:
    cuts = {b["end_index"] for b in sentencex.get_sentence_boundaries("ar", line)}
    cuts.update(m.end() for m in _ELLIPSIS_RE.finditer(line))
    cuts = sorted(c for c in cuts if 0 < c < len(line))
    spans: list[tuple[int, int]] = []
    prev = 0
    for cut in [*cuts, len(line)]:
        span = _trim(line, prev, cut)
        prev = cut
        if span is None:
            continue
        glue = (
            spans
            and (
                _glues_to_next(line[spans[-1][0] : spans[-1][1]])  # abbreviation or list marker before
                or not _WORD_RE.search(line[span[0] : span[1]])  # punctuation-only piece
            )
        )
        if glue:
            spans[-1] = (spans[-1][0], span[1])
        else:
            spans.append(span)
    return spans


def _trim(line: str, start: int, end: int) -> tuple[int, int] | None:
    while start < end and line[start].isspace():
        start += 1
    while end > start and line[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None


def _glues_to_next(piece: str) -> bool:
    return bool(_ABBREV_END_RE.search(piece) or _LIST_MARKER_RE.match(piece))
