"""Where an offset of a document's text lies: its page and its section heading path.

Paged loaders (PDF, slides) put a form feed (``\\f``) at the start of every page after the
first; :func:`split_pages` removes them and keeps the offsets where pages start, so that
:func:`page_at` can tell the page of any offset of the cleaned text. Loaders also list the
document's headings (level, text); :func:`locate_headings` finds each one, in order, as a whole
line of the cleaned text, and :func:`heading_path` gives the headings a position lies under
(«إعلان ميلبورن › التوصيات»).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import replace

from assistant.types import Chunk, SourceDocument

PAGE_BREAK = "\f"
PATH_SEPARATOR = " › "

Heading = tuple[int, int, str]  # offset of its line, level (1 = top), text


def split_pages(text: str) -> tuple[str, tuple[int, ...]]:
    """The text without page breaks, and the offset at which each page after the first starts.

    An empty page keeps its break, so several breaks may share an offset and page numbers
    stay those of the file."""
    if PAGE_BREAK not in text:
        return text, ()
    out: list[str] = []
    breaks: list[int] = []
    length = 0
    for i, piece in enumerate(text.split(PAGE_BREAK)):
        if i:
            breaks.append(length)
        out.append(piece)
        length += len(piece)
    return "".join(out), tuple(breaks)


def page_at(breaks: Sequence[int], offset: int) -> int:
    """The 1-based page of ``offset`` given the page starts from :func:`split_pages`."""
    return 1 + bisect_right(breaks, offset)


def locate_headings(text: str, headings: Sequence[tuple[int, str]]) -> tuple[Heading, ...]:
    """Each (level, text) heading found, in order, as a whole line of ``text`` (whitespace
    aside); a heading removed by cleaning or not found after the previous one is skipped."""
    found: list[Heading] = []
    position = 0
    for level, heading in headings:
        words = heading.split()
        if not words:
            continue
        pattern = re.compile(r"(?m)^[ \t]*" + r"\s+".join(re.escape(w) for w in words) + r"[ \t]*$")
        match = pattern.search(text, position)
        if match is None:
            continue
        start = match.start() + len(match.group()) - len(match.group().lstrip())
        found.append((start, level, " ".join(words)))
        position = match.end()
    return tuple(found)


def heading_path(headings: Sequence[Heading], offset: int) -> list[str]:
    """The headings that ``offset`` lies under, outermost first (a heading's own line is under
    itself)."""
    stack: list[tuple[int, str]] = []
    for start, level, text in headings:
        if start > offset:
            break
        while stack and stack[-1][0] >= level:
            stack.pop()
        stack.append((level, text))
    return [text for _, text in stack]


def place_chunk(chunk: Chunk, doc: SourceDocument) -> Chunk:
    """The chunk with its page (paged documents), page breaks inside it and heading path."""
    page = page_at(doc.page_breaks, chunk.start) if doc.pages else 0
    inside = tuple(b for b in doc.page_breaks if chunk.start < b < chunk.end) if doc.pages else ()
    section = PATH_SEPARATOR.join(heading_path(doc.headings, chunk.start))
    return replace(chunk, page=page, page_breaks=inside, section=section)
