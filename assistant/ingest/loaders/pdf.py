"""PDF files: the text of every page in reading order, title and document info.

A PDF stores positioned glyphs, not a string. pdfplumber (MIT) groups the characters of a
page into lines and orders each line left to right by position, i.e. in *visual* order, so
an Arabic line comes out reversed. Before the line is built, Arabic combining marks are
merged into the letter they sit on and multi-character glyphs are written in visual order;
each line is then turned back into *logical* (reading) order by
:func:`~assistant.ingest.loaders.bidi.visual_to_logical`, with the page's majority direction
deciding lines whose direction is ambiguous.
"""

from __future__ import annotations

import bisect
import unicodedata
from pathlib import Path
from typing import Any

from assistant.ingest.loaders import LoadedText, fail, short_error
from assistant.ingest.loaders.bidi import is_rtl_text, majority_is_rtl, visual_to_logical


def load_pdf(path: Path) -> LoadedText:
    """A PDF: its non-empty pages separated by blank lines, title, author etc. and page count."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    if b"%PDF-" not in _read_head(path):  # the header may follow some junk bytes
        fail(path, "it is not a PDF file (the PDF header is missing)")
    pages: list[str] = []
    try:
        with pdfplumber.open(str(path)) as pdf:
            info = pdf.metadata or {}
            page_count = len(pdf.pages)
            for page in pdf.pages:
                page_text = _page_text(page)
                if page_text:
                    pages.append(page_text)
    except Exception as exc:
        # pdfplumber wraps pdfminer's errors in PdfminerException(original).
        cause = exc.args[0] if exc.args and isinstance(exc.args[0], Exception) else exc
        if isinstance(cause, PDFPasswordIncorrect):
            fail(path, "the PDF is encrypted (password-protected)")
        if isinstance(cause, PDFEncryptionError):
            fail(path, f"the PDF uses an encryption that cannot be opened ({short_error(cause)})")
        fail(path, f"the PDF is damaged or not a valid PDF ({short_error(cause)})")

    if not pages:
        fail(path, "the PDF has no extractable text (it may be scanned images; OCR is not supported)")
    title = info.get("Title") if isinstance(info.get("Title"), str) else None
    metadata: dict[str, Any] = {}
    for src, dst in (("Author", "author"), ("Subject", "subject"), ("Keywords", "keywords")):
        value = info.get(src)
        if isinstance(value, str) and value.strip():
            metadata[dst] = value.strip()
    metadata["pages"] = page_count
    return LoadedText(text="\n\n".join(pages), title=title or None, metadata=metadata)


def _read_head(path: Path, size: int = 1024) -> bytes:
    try:
        with path.open("rb") as fh:
            return fh.read(size)
    except OSError as exc:
        fail(path, f"the file cannot be read ({exc.strerror or exc})")


def _page_text(page: Any) -> str:
    """The text of one page in logical order, lines separated by newlines."""
    from pdfplumber.utils import extract_text

    chars = _attach_marks(page.dedupe_chars().chars)
    # A glyph whose Unicode mapping is several characters (a LAM-ALEF ligature, a letter with
    # its marks) is one visual unit; write its characters in visual order too, so that
    # reversing the line puts them back in logical order.
    chars = [_visually_ordered_glyph(c) for c in chars]
    raw = extract_text(chars) or ""
    lines = raw.split("\n")
    hint = majority_is_rtl("".join(lines))
    logical = (visual_to_logical(line, default_rtl=hint).strip() for line in lines)
    return "\n".join(line for line in logical if line)


def _is_mark_text(text: str) -> bool:
    return bool(text) and all(unicodedata.category(ch) in ("Mn", "Me") for ch in text)


def _visually_ordered_glyph(char: dict[str, Any]) -> dict[str, Any]:
    text = char["text"]
    if len(text) > 1 and is_rtl_text(text):
        char = {**char, "text": text[::-1]}
    return char


def _attach_marks(chars: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Merge each Arabic combining mark (shadda, tanween, ...) into the letter it sits on.

    Marks are zero-width glyphs drawn over a letter; sorted by position they may land on
    either side of it, which after reordering would move them onto the neighbouring letter.
    A mark is given to the Arabic letter on the same line whose left edge (where the pen
    stood when both were drawn) is nearest to the mark's origin.
    """
    marks = [i for i, c in enumerate(chars) if _is_mark_text(c["text"])]
    if not marks:
        return chars
    merged: dict[int, str] = {}
    absorbed: set[int] = set()
    bases = sorted(
        (i for i, c in enumerate(chars) if not _is_mark_text(c["text"]) and is_rtl_text(c["text"])),
        key=lambda i: chars[i]["x0"],
    )
    base_x0 = [chars[i]["x0"] for i in bases]
    widest = max((chars[i]["x1"] - chars[i]["x0"] for i in bases), default=0.0)
    for m in marks:
        mark = chars[m]
        tolerance = max(1.0, 0.25 * float(mark.get("size") or 0))
        best: int | None = None
        best_distance = float("inf")
        # Only letters whose left edge is within one glyph width of the mark can hold it.
        lo = bisect.bisect_left(base_x0, mark["x0"] - tolerance - widest)
        hi = bisect.bisect_right(base_x0, mark["x0"] + tolerance)
        for b in bases[lo:hi]:
            base = chars[b]
            overlap = min(base["bottom"], mark["bottom"]) - max(base["top"], mark["top"])
            if overlap <= 0.3 * min(base["bottom"] - base["top"], mark["bottom"] - mark["top"]):
                continue  # not on the same line
            if not base["x0"] - tolerance <= mark["x0"] <= base["x1"] + tolerance:
                continue
            distance = abs(base["x0"] - mark["x0"])
            if distance < best_distance:
                best, best_distance = b, distance
        if best is not None:
            merged[best] = merged.get(best, chars[best]["text"]) + mark["text"]
            absorbed.add(m)
    out: list[dict[str, Any]] = []
    for i, c in enumerate(chars):
        if i in absorbed:
            continue
        out.append({**c, "text": merged[i]} if i in merged else c)
    return out
