"""The positioned glyphs of one PDF page, read with pdfium (pypdfium2, Apache-2.0/BSD).

A :class:`Glyph` is one visual unit: its text in *logical* order, its box in top-down page
coordinates (``top`` < ``bottom``), its font size and whether its text came from the PDF's
``/ActualText``. pdfium's text page gives one entry per character with a box; it is read here
character by character, with three adjustments:

* Characters pdfium generated itself (spaces and line breaks it guessed) are skipped: the
  layout step finds word gaps from the boxes.
* Characters that belong to a marked-content span with ``/ActualText`` (Chromium writes one per
  Arabic shaping cluster: a letter with its shadda and vowel, a LAM-ALEF ligature, a mirrored
  bracket) are merged into one glyph whose text is that ActualText, which is the logical
  string. Without it the shadda-with-vowel ligature has no Unicode mapping at all.
* Glyphs without a usable Unicode mapping (NUL, U+FFFD, private-use code points) become
  U+FFFD placeholders and are counted: the layout step turns one that starts a line into a
  bullet (symbol-font bullets often have no mapping) and drops the others, so they never reach
  the text as junk.
"""

from __future__ import annotations

import ctypes
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

_UNMAPPED = {0x0000, 0xFFFD, 0xFFFE, 0xFFFF}
UNMAPPED = 0xFFFD


@dataclass
class Glyph:
    text: str
    x0: float
    x1: float
    baseline: float  # y of the glyph's origin, from the top of the page
    height: float  # height of its box (the font's ascent to descent for ordinary glyphs)
    size: float  # font size on the page, in points
    actual: bool = False  # the text is the span's /ActualText (already logical, brackets unmirrored)
    bold: bool = False


@dataclass
class PageGlyphs:
    glyphs: list[Glyph]
    width: float
    height: float
    unmapped: int = 0  # glyphs dropped for lack of a Unicode mapping


def _is_unmapped(code: int) -> bool:
    return code in _UNMAPPED or 0xE000 <= code <= 0xF8FF or 0xD800 <= code <= 0xDFFF


_BUFFER_UNITS = 256
_ACTUAL_TEXT = b"ActualText"


def _actual_text(raw: Any, obj: Any, buf: Any) -> tuple[str, int] | None:
    """The /ActualText of the marked-content span around a page object, with the address of
    that span's mark (shared by every object of the span), if any."""
    length = ctypes.c_ulong()
    for k in range(raw.FPDFPageObj_CountMarks(obj)):
        mark = raw.FPDFPageObj_GetMark(obj, k)
        if raw.FPDFPageObjMark_GetParamStringValue(mark, _ACTUAL_TEXT, buf, _BUFFER_UNITS * 2, length):
            span = ctypes.cast(mark, ctypes.c_void_p).value or 0
            if length.value > _BUFFER_UNITS * 2:  # longer than the buffer: ask again with room for it
                big = (ctypes.c_ushort * (length.value // 2 + 1))()
                raw.FPDFPageObjMark_GetParamStringValue(mark, _ACTUAL_TEXT, big, length.value, length)
                return _decode_actual_text(bytes(big)[: length.value]), span
            return _decode_actual_text(ctypes.string_at(buf, length.value)), span
    return None


@lru_cache(maxsize=4096)  # a page repeats the same few hundred clusters: decoded once each
def _decode_actual_text(data: bytes) -> str:
    """The ActualText string from the bytes pdfium returns for it.

    pdfium returns the PDF string's bytes each widened to one UTF-16LE code unit (its BOM
    dropped), so a UTF-16BE string (how producers write non-Latin text) comes back as a run of
    byte-sized units: «مٌّ» as 06 45 06 4C 06 51. Those are decoded again as UTF-16BE when their
    high bytes are those of plausible BMP text; a short literal string ("(") is kept as is. A
    pdfium that returns real UTF-16 (units above 0xFF) is taken at its word.
    """
    if data[1::2].strip(b"\x00"):  # real UTF-16: some unit above 0xFF
        return data.decode("utf-16-le", errors="ignore").rstrip("\x00").lstrip("\ufeff")
    raw_bytes = data[0::2].rstrip(b"\x00")
    if raw_bytes[:2] == b"\xfe\xff":
        raw_bytes = raw_bytes[2:]
    elif len(raw_bytes) % 2 or not _HIGH_BYTES.issuperset(raw_bytes[0::2]):
        return raw_bytes.decode("latin-1")
    return raw_bytes.decode("utf-16-be", errors="ignore")


# High bytes of UTF-16BE code units of the text ActualText spans carry: Latin, Arabic,
# punctuation (U+20xx) and Arabic presentation forms.
_HIGH_BYTES = frozenset({0x00, 0x06, 0x07, 0x08, 0x20, 0xFB, 0xFC, 0xFD, 0xFE})


@dataclass
class _Span:
    """An /ActualText span: its text and the union of the bounds of its page objects."""

    text: str
    x0: float
    x1: float
    baseline: float  # page y (from the top) of the origin of the span's base glyph
    objects: list[Any]
    emitted: bool = False


def read_page(page: Any) -> PageGlyphs:
    """The glyphs of a pypdfium2 page (see the module docstring)."""
    import pypdfium2.raw as raw

    width, height = page.get_size()
    textpage = page.get_textpage()
    try:
        count = raw.FPDFText_CountChars(textpage)
        codes = _codes(raw, textpage, count)
        spans, hidden = _scan_objects(raw, page, height)
        glyphs: list[Glyph] = []
        sizes: dict[int | None, tuple[float, bool]] = {}
        unmapped = 0
        rect = raw.FS_RECTF()
        matrix = raw.FS_MATRIX()
        name = ctypes.create_string_buffer(128)
        bold_fonts: dict[bytes, bool] = {}
        ox, oy = ctypes.c_double(), ctypes.c_double()
        previous: tuple[int, tuple[float, float]] | None = None  # index and origin of the last glyph
        for i, code in enumerate(codes):
            key: int | None = None
            span: _Span | None = None
            if code not in _SPACES or spans:
                obj = raw.FPDFText_GetTextObject(textpage, i)
                key = ctypes.cast(obj, ctypes.c_void_p).value if obj else None
                if key in hidden:
                    continue
                span = spans.get(key) if key is not None else None
            if span is None:
                if code in _SPACES:
                    continue
                if _is_unmapped(code):
                    unmapped += 1
                    code = UNMAPPED  # kept as a placeholder: at the start of a line it is a bullet
            elif span.emitted or not span.text.strip():
                continue
            # The loose box spans the glyph's advance and the font's ascent to descent: letters of
            # a word abut, and every glyph of a line has the same vertical band.
            raw.FPDFText_GetLooseCharBox(textpage, i, rect)
            raw.FPDFText_GetCharOrigin(textpage, i, ox, oy)
            font = sizes.get(key) if key is not None else None
            if font is None:
                # pdfium's font size is in text space; times the scale of the character's matrix
                # it is the size on the page, comparable across producers (Chromium prints at 3/4).
                raw.FPDFText_GetMatrix(textpage, i, matrix)
                scale = abs(matrix.a * matrix.d - matrix.b * matrix.c) ** 0.5 or 1.0
                font = (
                    raw.FPDFText_GetFontSize(textpage, i) * scale,
                    _is_bold(raw, textpage, i, name, bold_fonts),
                )
                if key is not None:
                    sizes[key] = font
            size, bold = font
            baseline, box_height = height - oy.value, rect.top - rect.bottom
            if span is not None:
                span.emitted = True
                glyph = Glyph(span.text, span.x0, span.x1, span.baseline, box_height, size, actual=True)
                glyph.bold = bold
                glyphs.append(glyph)
                previous = None
            elif previous is not None and previous[0] == i - 1 and previous[1] == (ox.value, oy.value):
                # One glyph whose Unicode mapping is several characters (a LAM-ALEF ligature):
                # pdfium gives each character a slice of the glyph; they are one visual unit,
                # their text already in logical order.
                glyph = glyphs[-1]
                glyph.text = _joined(glyph.text, chr(code))
                glyph.x0, glyph.x1 = min(glyph.x0, rect.left), max(glyph.x1, rect.right)
                previous = (i, previous[1])
            else:
                # LibreOffice draws the kashida that justify an Arabic line as glyphs mapped to
                # control characters: they are stretching, like tatweel, not text.
                char = _TATWEEL if code < 0x20 else chr(code)
                glyphs.append(Glyph(char, rect.left, rect.right, baseline, box_height, size, bold=bold))
                previous = (i, (ox.value, oy.value))
        return PageGlyphs(glyphs, width, height, unmapped)
    finally:
        textpage.close()


_TATWEEL = "\u0640"
_ALEFS = "\u0627\u0623\u0625\u0622"


def _is_bold(raw: Any, textpage: Any, i: int, name: Any, known: dict[bytes, bool]) -> bool:
    """The character's font is bold: by weight, or by name («…-Bold», «…Black», «…Heavy»), as
    subset fonts often carry no weight. ``known`` caches the answer per font name."""
    flags = ctypes.c_int()
    raw.FPDFText_GetFontInfo(textpage, i, name, len(name), ctypes.byref(flags))
    font = name.value
    bold = known.get(font)
    if bold is None:
        lower = font.lower()
        bold = known[font] = (
            any(word in lower for word in (b"bold", b"black", b"heavy"))
            or raw.FPDFText_GetFontWeight(textpage, i) >= 600
        )
    return bold


def _joined(text: str, char: str) -> str:
    """Add a character of the same glyph. pdfium hands the characters of a right-to-left glyph
    sometimes in visual, sometimes in logical order, so an Arabic cluster is put in the only
    order Arabic allows: a LAM-ALEF ligature is lam then alef, marks follow their letter."""
    chars = text + char
    if not any(unicodedata.bidirectional(c) in ("R", "AL") for c in chars):
        return chars
    letters = [c for c in chars if unicodedata.category(c) not in ("Mn", "Me")]
    marks = [c for c in chars if unicodedata.category(c) in ("Mn", "Me")]
    if len(letters) == 2 and "\u0644" in letters and any(c in _ALEFS for c in letters):
        letters = ["\u0644", next(c for c in letters if c in _ALEFS)]
    return "".join(letters + marks)


_SPACES = frozenset({0x20, 0x0A, 0x0D, 0x09, 0xA0, 0x0C, 0x2002, 0x2003, 0x2009, 0x200B})


def _codes(raw: Any, textpage: Any, count: int) -> list[int]:
    """The code of every character (one call when pdfium's text and char indexes agree)."""
    buf = (ctypes.c_ushort * (count + 1))()
    written = raw.FPDFText_GetText(textpage, 0, count, buf)
    if written == count + 1:
        return list(buf[:count])
    return [raw.FPDFText_GetUnicode(textpage, i) for i in range(count)]


def _scan_objects(raw: Any, page: Any, height: float) -> tuple[dict[int, _Span], set[int]]:
    """One pass over the page's text objects.

    Returns the address of every text object inside an /ActualText span -> that span, and the
    addresses of the text objects whose middle lies outside their clipping path (Chromium leaves the
    first glyphs of a line that continues on the next page below the clip: invisible, not text).
    The objects of one span follow each other and share its mark; pdfium may share one mark
    between equal spans elsewhere on the page, so only consecutive objects are grouped.
    """
    found: dict[int, _Span] = {}
    hidden: set[int] = set()
    span: _Span | None = None
    previous_mark = None
    buf = (ctypes.c_ushort * _BUFFER_UNITS)()
    left, bottom, right, top = ctypes.c_float(), ctypes.c_float(), ctypes.c_float(), ctypes.c_float()
    matrix = raw.FS_MATRIX()
    for i in range(raw.FPDFPage_CountObjects(page)):
        obj = raw.FPDFPage_GetObject(page, i)
        if raw.FPDFPageObj_GetType(obj) != raw.FPDF_PAGEOBJ_TEXT:
            continue
        raw.FPDFPageObj_GetBounds(obj, left, bottom, right, top)
        key = ctypes.cast(obj, ctypes.c_void_p).value
        clip = _clip_box(raw, obj)
        middle_x, middle_y = (left.value + right.value) / 2, (bottom.value + top.value) / 2
        if clip is not None and not (clip[0] <= middle_x <= clip[2] and clip[1] <= middle_y <= clip[3]):
            hidden.add(key)  # type: ignore[arg-type]
        actual = _actual_text(raw, obj, buf) if raw.FPDFPageObj_CountMarks(obj) else None
        if actual is None:
            previous_mark = None
            continue
        text, mark = actual
        raw.FPDFPageObj_GetMatrix(obj, matrix)
        if span is None or mark != previous_mark:
            if span is not None and len(span.objects) > 1:
                _settle_baseline(span)
            span = _Span(text, left.value, right.value, height - matrix.f, [(obj, height - matrix.f)])
        else:
            span.x0, span.x1 = min(span.x0, left.value), max(span.x1, right.value)
            span.objects.append((obj, height - matrix.f))
        previous_mark = mark
        found[key] = span  # type: ignore[index]
    if span is not None and len(span.objects) > 1:
        _settle_baseline(span)
    return found, hidden


def _clip_box(raw: Any, obj: Any) -> tuple[float, float, float, float] | None:
    """The bounding box (left, bottom, right, top) of an object's clipping path, if it has one."""
    clip = raw.FPDFPageObj_GetClipPath(obj)
    if not clip:
        return None
    xs: list[float] = []
    ys: list[float] = []
    x, y = ctypes.c_float(), ctypes.c_float()
    for p in range(raw.FPDFClipPath_CountPaths(clip)):
        for k in range(raw.FPDFClipPath_CountPathSegments(clip, p)):
            if raw.FPDFPathSegment_GetPoint(raw.FPDFClipPath_GetPathSegment(clip, p, k), x, y):
                xs.append(x.value)
                ys.append(y.value)
    if not xs:
        return None
    return min(xs), min(ys), max(xs), max(ys)


def _settle_baseline(span: _Span) -> None:
    """A span of several glyphs (a mark and its letter) takes the baseline most of its glyphs
    share, else its last glyph's: producers draw the marks of a cluster before its letter,
    moved up or down."""
    baselines = [round(b, 1) for _, b in span.objects]
    common = max(set(baselines), key=baselines.count)
    span.baseline = common if baselines.count(common) > 1 else span.objects[-1][1]
    span.objects = []
