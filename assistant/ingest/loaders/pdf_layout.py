"""Reading order of a PDF page: rows, columns, paragraphs, headings, in logical order.

Works on the positioned glyphs of :mod:`.pdf_glyphs`, whatever program made the PDF:

1. **Rows.** Glyphs are grouped by baseline into rows spanning the page. Arabic marks drawn
   as glyphs of their own are merged into the letter they sit on; superscript digits (footnote
   references) are dropped; kashida (tatweel between two letters of a word), which only stretch
   justified lines, leave no character in the text (a typed tatweel, as in «الـ250», stays).
2. **Columns.** A gutter is a vertical band, at least one em wide, that no more than a fifth of
   the rows cross while many rows have text on both sides of it. Rows that cross a gutter
   (titles, figures, running headers) are read as a whole; the others are split into one line
   per column. Between two full-width rows the columns are read one after the other: right
   column first on a right-to-left page, left column first otherwise.
3. **Paragraphs.** Lines of a column are joined into a paragraph until the line spacing grows,
   the font size changes, a list item starts, or a line that ends a sentence stops short of
   the column's far edge. Larger text is a heading, smaller text at the foot a note.
4. **Logical order.** Each line is turned from visual into logical order by the Unicode
   Bidirectional Algorithm (:func:`.bidi.logical_order`) with the direction of its paragraph
   (from its letters), so a number or a bracket at the end of an Arabic line stays where it
   belongs. Brackets then take the side their context gives them (:func:`fix_brackets`):
   producers disagree on how a mirrored bracket maps back to a character.

Running headers, footers and page numbers are removed across pages by :mod:`.pdf` before step 2
(:func:`header_footer_keys`).
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from assistant.ingest.loaders.bidi import fold_presentation_forms, logical_order, token_class
from assistant.ingest.loaders.pdf_glyphs import Glyph, PageGlyphs

TATWEEL = "\u0640"
UNMAPPED = "\ufffd"  # a glyph without a Unicode mapping (pdf_glyphs)
# Tatweel between two letters of a word (justification); before a digit, a Latin letter or a
# space it was typed («الـ250») and stays.
_KASHIDA = re.compile("(?<=[\u0620-\u064a\u064b-\u0652])\u0640+(?=[\u0620-\u064a])")
TERMINATORS = ".!?؟…:؛"
_LIST_MARKER = re.compile(
    r"^(?:[•▪◦●■□–\-*·‣⁃]|[0-9\u0660-\u0669\u06f0-\u06f9]{1,3}[.)\-]"
    r"|[(\[](?:[0-9\u0660-\u0669]{1,3}|[a-zA-Z]|[ivxIVX]{1,4}|[\u0621-\u064a])[)\]]"
    r"|[a-zA-Z\u0621-\u064a][.)\-])(?:\s|$)"
)
_DIGITS = re.compile(r"[0-9\u0660-\u0669\u06f0-\u06f9]+")
# What a note reference mark is made of: digits, small Roman numerals (endnotes), asterisks.
_REFERENCE = re.compile(r"[0-9\u0660-\u0669\u06f0-\u06f9]+|[ivx]{1,4}|\*{1,3}|†|‡")


def _is_reference(text: str) -> bool:
    return bool(_REFERENCE.fullmatch(text))


def _is_mark(text: str) -> bool:
    return bool(text) and all(unicodedata.category(c) in ("Mn", "Me") for c in text)


def _is_rtl_letter_text(text: str) -> bool:
    return any(unicodedata.bidirectional(c) in ("R", "AL") for c in text)


@dataclass
class Row:
    """Glyphs on one baseline, left to right (visual order)."""

    glyphs: list[Glyph]
    baseline: float
    em: float
    preset: str | None = None  # the text of a table row, read cell by cell
    _text: str | None = field(default=None, repr=False)

    def own_text(self) -> str:
        """The row in logical order with its own direction (cached; for break decisions)."""
        if self._text is None:
            self._text = line_text(self.glyphs, self.em, _is_rtl_row(self))
        return self._text

    @property
    def x0(self) -> float:
        return self.glyphs[0].x0

    @property
    def x1(self) -> float:
        return max(g.x1 for g in self.glyphs)

    @property
    def size(self) -> float:
        return statistics.median(g.size for g in self.glyphs)

    @property
    def bold(self) -> bool:
        """Most of the row's letters are bold (a run-in heading, a label)."""
        letters = [g for g in self.glyphs if g.text.strip()]
        return sum(g.bold for g in letters) > 0.8 * len(letters) if letters else False

    def visual_text(self) -> str:
        """The row's glyphs left to right with gap spaces: a stable key, not readable Arabic."""
        return _KASHIDA.sub("", "".join(g.text for g in with_spaces(self.glyphs, self.em)))


@dataclass
class Paragraph:
    lines: list[Row]
    kind: str = "text"  # text | heading | note
    level: int = 0
    text: str = ""
    starts_flow: bool = False  # first paragraph of a column (or of a run of full-width rows)
    ends_flow: bool = False

    @property
    def size(self) -> float:
        return statistics.median(line.size for line in self.lines)


@dataclass
class Stats:
    """What the layout step did on a page, for the ingest report."""

    columns: int = 1
    kashida: int = 0
    superscripts: int = 0
    tables: int = 0


def page_em(glyphs: list[Glyph]) -> float:
    """The page's body em in points: the median font size of its letters."""
    sizes = [g.size for g in glyphs if g.size > 0 and not _is_mark(g.text)]
    return statistics.median(sizes) if sizes else 10.0


def page_rows(page: PageGlyphs) -> tuple[list[Row], Stats]:
    """The rows of a page, top to bottom (see the module docstring, step 1)."""
    stats = Stats()
    glyphs = [g for g in page.glyphs if g.text.strip()]
    # Kashida stretch justified Arabic lines: they stay as glyphs (they fill the gap they make,
    # which is no word space) and leave no character in the text.
    stats.kashida = sum(1 for g in glyphs if not g.text.strip(TATWEEL))
    if not any(g.text.strip(TATWEEL) for g in glyphs):
        return [], stats
    em = page_em(glyphs)
    rows = [Row(sorted(group, key=lambda g: (g.x0, g.x1)), statistics.median(g.baseline for g in group), em)
            for group in _baseline_groups(glyphs, em)]  # fmt: skip
    rows, stats.superscripts = _merge_superscripts(rows, em)
    for row in rows:
        row.glyphs = _attach_marks(row.glyphs, em)
        stats.kashida += _misread_kashida(row.glyphs, em)
    return rows, stats


def _baseline_groups(glyphs: list[Glyph], em: float) -> list[list[Glyph]]:
    """Glyphs grouped into lines by baseline, top to bottom.

    The glyphs of a line share their baseline to a fraction of a point, except a few drawn a
    little off it (a cluster whose first glyph is a raised mark, a superscript). Lines are the
    baselines shared by at least three glyphs; the other glyphs join the line within a third of
    an em above or below that has text nearest to them horizontally (two columns may have lines
    a point apart), or else form a line of their own.
    """
    by_baseline: dict[float, list[Glyph]] = {}
    for g in glyphs:
        by_baseline.setdefault(round(g.baseline * 4) / 4, []).append(g)
    merged: list[list[Glyph]] = []
    last = None
    for key in sorted(by_baseline):
        if last is not None and key - last <= 0.1 * em:
            merged[-1].extend(by_baseline[key])
        else:
            merged.append(list(by_baseline[key]))
        last = key
    major = [group for group in merged if sum(not _is_mark(g.text) for g in group) >= 3]
    if not major:
        return merged
    lines = [list(group) for group in major]
    baselines = [statistics.median(g.baseline for g in group) for group in lines]
    extents = [sorted((g.x0, g.x1) for g in group) for group in lines]
    orphans: list[list[Glyph]] = []
    major_ids = {id(group) for group in major}
    for group in merged:
        if id(group) in major_ids:
            continue
        for g in group:
            best, best_key = None, None
            lo = bisect_left(baselines, g.baseline - 0.35 * em)
            hi = bisect_right(baselines, g.baseline + 0.35 * em)
            for k in range(lo, hi):
                horizontal = min(max(a - g.x1, g.x0 - b, 0.0) for a, b in extents[k])
                key = (horizontal, abs(baselines[k] - g.baseline))
                if horizontal <= 3 * em and (best_key is None or key < best_key):
                    best, best_key = k, key
            if best is None:
                if orphans and abs(orphans[-1][0].baseline - g.baseline) <= 0.3 * em:
                    orphans[-1].append(g)
                else:
                    orphans.append([g])
            else:
                lines[best].append(g)
    out = lines + orphans
    out.sort(key=lambda group: statistics.median(g.baseline for g in group))
    return out


def table_rows(tables: list[Any], glyphs: list[Glyph], em: float) -> list[Row]:
    """One row per table row: its cells (each read as lines) joined by " | ", right cell first
    in a right-to-left table."""
    out: list[Row] = []
    for table in tables:
        cells: dict[tuple[int, int], list[Glyph]] = {}
        for g in glyphs:
            if table.contains((g.x0 + g.x1) / 2, g.baseline - 0.3 * em):
                cells.setdefault(table.cell((g.x0 + g.x1) / 2, g.baseline - 0.3 * em), []).append(g)
        if not cells:
            continue
        rtl = _is_rtl(g.text for members in cells.values() for g in members)
        for row in sorted({r for r, _ in cells}):
            texts = []
            members: list[Glyph] = []
            for col in sorted({c for r, c in cells if r == row}, reverse=rtl):
                lines = [
                    sorted(group, key=lambda g: (g.x0, g.x1))
                    for group in _baseline_groups(cells[(row, col)], em)
                ]
                lines = [_attach_marks(line, em) for line in lines]
                text = " ".join(line_text(line, em, rtl) for line in lines).strip()
                if text:
                    texts.append(text)
                members.extend(cells[(row, col)])
            if texts:
                members.sort(key=lambda g: (g.x0, g.x1))
                baseline = min(g.baseline for g in members)
                out.append(Row(members, baseline, em, preset=" | ".join(texts)))
    return out


def _misread_kashida(glyphs: list[Glyph], em: float) -> int:
    """Turn into tatweel the glyphs that stretch an Arabic word but map to other characters.

    LibreOffice justifies Arabic with kashida glyphs whose Unicode mapping is whatever code its
    font subset gave them («مب?ادرة», «تم&وز», «لتس00هيل»). One to three glyphs that are not
    Arabic, glued without a gap between two Arabic letters of a word, are such stretches: no
    text puts Latin characters or digits inside an Arabic word. Returns how many were found."""
    found = 0
    i = 1
    while i < len(glyphs) - 1:
        if not _is_arabic_letter(glyphs[i - 1].text) or _is_arabic_letter(glyphs[i].text):
            i += 1
            continue
        j = i  # glyphs[i:j]: the run of non-Arabic glyphs after an Arabic letter
        while j < len(glyphs) and j - i < 3 and not glyphs[j].actual and glyphs[j].text in _MISREAD:
            j += 1
        glued = all(
            glyphs[k + 1].x0 - glyphs[k].x1 < 0.15 * em for k in range(i - 1, min(j, len(glyphs) - 1))
        )
        if j < len(glyphs) and _is_arabic_letter(glyphs[j].text) and glued:
            for k in range(i, j):
                glyphs[k].text = TATWEEL
            found += j - i
        i = max(j, i + 1)
    return found


# What a misread kashida maps to: Latin letters, digits, symbols; never the punctuation that does
# join Arabic words («أيلول/سبتمبر», «قائد-ة», «د.»).
_MISREAD = frozenset("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ&?#$@%*^~`|\\=+<>!")


def _is_arabic_letter(text: str) -> bool:
    return bool(text) and unicodedata.bidirectional(text[0]) == "AL" and text[0].isalpha()


def _merge_superscripts(rows: list[Row], em: float) -> tuple[list[Row], int]:
    """Drop rows of small raised digits (footnote references) sitting just above a text row,
    and small raised digits inside a row."""
    dropped = 0
    out: list[Row] = []
    for i, row in enumerate(rows):
        below = rows[i + 1] if i + 1 < len(rows) else None
        text = "".join(g.text for g in row.glyphs)
        if (
            below is not None
            and _REFERENCE.fullmatch(text.replace(" ", ""))
            and below.baseline - row.baseline < 0.8 * em
            and row.size < 0.85 * below.size
            and below.x0 - em <= row.x0 <= below.x1 + em
        ):
            dropped += 1
            continue
        out.append(row)
    for row in out:
        body = row.size
        keep = []
        for g in row.glyphs:
            if _is_reference(g.text) and g.size < 0.8 * body and row.baseline - g.baseline > 0.2 * em:
                dropped += 1
                continue
            keep.append(g)
        row.glyphs = keep or row.glyphs
    return out, dropped


def _attach_marks(glyphs: list[Glyph], em: float) -> list[Glyph]:
    """Merge each Arabic combining mark drawn as a glyph of its own into the letter under it.

    Sorted by position a mark may land on either side of its letter, which after reordering
    would move it onto the neighbouring letter. A mark goes to the Arabic letter whose left
    edge (where the pen stood when both were drawn) is nearest to the mark's origin, among
    those that it lies over (within a quarter em).
    """
    marks = [i for i, g in enumerate(glyphs) if _is_mark(g.text) and not g.actual]
    if not marks:
        return glyphs
    bases = [i for i, g in enumerate(glyphs) if not _is_mark(g.text) and _is_rtl_letter_text(g.text)]
    base_x0 = [glyphs[i].x0 for i in bases]  # glyphs are sorted by x0
    widest = max((glyphs[i].x1 - glyphs[i].x0 for i in bases), default=0.0)
    tolerance = 0.25 * em
    merged: dict[int, str] = {}
    absorbed: set[int] = set()
    for m in marks:
        mark = glyphs[m]
        lo = bisect_left(base_x0, mark.x0 - tolerance - widest)
        hi = bisect_right(base_x0, mark.x0 + tolerance)
        best, best_distance = None, float("inf")
        for b in bases[lo:hi]:
            base = glyphs[b]
            if not base.x0 - tolerance <= mark.x0 <= base.x1 + tolerance:
                continue
            distance = abs(base.x0 - mark.x0)
            if distance < best_distance:
                best, best_distance = b, distance
        if best is not None:
            merged[best] = merged.get(best, glyphs[best].text) + mark.text
            absorbed.add(m)
    out = []
    for i, g in enumerate(glyphs):
        if i in absorbed:
            continue
        if i in merged:
            g = Glyph(merged[i], g.x0, g.x1, g.baseline, g.height, g.size, g.actual)
        out.append(g)
    return out


def with_spaces(glyphs: list[Glyph], em: float) -> list[Glyph]:
    """The glyphs of a line with a space glyph in every gap wider than a word space.

    Letters of a word abut, words are a space apart. On a letter-spaced line (most gaps wide)
    the threshold rises above the letter spacing, so a spaced-out title stays one word per
    word.
    """
    if len(glyphs) < 2:
        return list(glyphs)
    gaps = [b.x0 - a.x1 for a, b in zip(glyphs, glyphs[1:], strict=False)]
    threshold = 0.2 * em
    if len(gaps) >= 4:
        typical = statistics.median(gaps)
        if typical > 0.1 * em:  # letter-spaced
            threshold = max(threshold, 1.6 * typical)
    out = [glyphs[0]]
    for gap, g in zip(gaps, glyphs[1:], strict=True):
        if gap > threshold:
            out.append(Glyph(" ", g.x0 - gap, g.x0, g.baseline, g.height, g.size))
        out.append(g)
    return out


# --- columns ---------------------------------------------------------------------------------


def find_gutters(rows: list[Row], em: float) -> list[tuple[float, float]]:
    """Vertical bands that separate columns (see the module docstring, step 2)."""
    rows = [r for r in rows if r.preset is None]
    if len(rows) < 6:
        return []
    left = min(r.x0 for r in rows)
    right = max(r.x1 for r in rows)
    width = int(right - left) + 2
    if width <= 0:
        return []
    cover = [0] * width
    segments_of: list[list[tuple[float, float]]] = []
    for row in rows:
        segments = _segments(row, em)
        segments_of.append(segments)
        for a, b in segments:
            for x in range(max(0, int(a - left)), min(width, int(b - left) + 1)):
                cover[x] += 1
    limit = max(1, int(0.2 * len(rows)))
    need = max(3, int(0.2 * len(rows)))
    gutters: list[tuple[float, float]] = []
    x = 0
    while x < width:
        if cover[x] > limit:
            x += 1
            continue
        start = x
        while x < width and cover[x] <= limit:
            x += 1
        g0, g1 = left + start, left + x
        if g1 - g0 < em:
            continue
        on_left = sum(1 for segs in segments_of if any(b <= g0 + 0.5 for _, b in segs)
                      and not any(a < g1 - 0.5 and b > g0 + 0.5 for a, b in segs))  # fmt: skip
        on_right = sum(1 for segs in segments_of if any(a >= g1 - 0.5 for a, _ in segs)
                       and not any(a < g1 - 0.5 and b > g0 + 0.5 for a, b in segs))  # fmt: skip
        if on_left >= need and on_right >= need:
            gutters.append((g0, g1))
    return gutters


def _segments(row: Row, em: float) -> list[tuple[float, float]]:
    """The horizontal extents of a row's text, words of a line merged (gaps under 1.5 em)."""
    out: list[tuple[float, float]] = []
    for g in row.glyphs:
        if out and g.x0 - out[-1][1] <= 1.5 * em:
            out[-1] = (out[-1][0], max(out[-1][1], g.x1))
        else:
            out.append((g.x0, g.x1))
    return out


@dataclass
class Flow:
    """Rows read one after the other: a column between two full-width rows, or a run of
    full-width rows (the whole text area when the page has one column)."""

    rows: list[Row]
    column: bool = False


def split_columns(rows: list[Row], gutters: list[tuple[float, float]], rtl: bool) -> list[Flow]:
    """Rows in reading order, grouped into flows (see :class:`Flow`)."""
    if not gutters:
        return [Flow(rows)] if rows else []
    flows: list[Flow] = []
    columns: list[list[Row]] = [[] for _ in range(len(gutters) + 1)]
    spanning: list[Row] = []

    def flush_columns() -> None:
        order = reversed(columns) if rtl else columns
        for column in order:
            if column:
                flows.append(Flow(list(column), column=True))
        for column in columns:
            column.clear()

    for row in rows:
        crosses = row.preset is not None or any(
            g.x1 > g0 + 0.5 and g.x0 < g1 - 0.5 for g in row.glyphs for g0, g1 in gutters
        )
        if crosses:
            flush_columns()
            if not spanning:
                flows.append(Flow(spanning))
            spanning.append(row)
            continue
        if spanning:
            spanning = []
        parts: list[list[Glyph]] = [[] for _ in range(len(gutters) + 1)]
        for g in row.glyphs:
            index = sum(1 for g0, _ in gutters if g.x0 >= g0)
            parts[index].append(g)
        for index, part in enumerate(parts):
            if part:
                columns[index].append(Row(part, row.baseline, row.em))
    flush_columns()
    return [flow for flow in flows if flow.rows]


# --- paragraphs ------------------------------------------------------------------------------


def paragraphs(flows: list[Flow], body_size: float, em: float) -> list[Paragraph]:
    """Group each flow's lines into paragraphs and give them their logical text. A line is
    short against its column, or against the page's text area outside columns."""
    out: list[Paragraph] = []
    page_left = min((r.x0 for f in flows for r in f.rows if r.preset is None), default=0.0)
    page_right = max((r.x1 for f in flows for r in f.rows if r.preset is None), default=0.0)
    for flow in flows:
        pitch = _typical_pitch(flow.rows, em)
        if flow.column:
            left, right = min(r.x0 for r in flow.rows), max(r.x1 for r in flow.rows)
        else:
            left, right = page_left, page_right
        current: list[Row] = []
        first = len(out)
        for row in flow.rows:
            if current and _breaks(current[-1], row, pitch, left, right, em):
                out.append(Paragraph(current))
                current = []
            current.append(row)
        if current:
            out.append(Paragraph(current))
        if len(out) > first:
            out[first].starts_flow = True
            out[-1].ends_flow = True
    for para in out:
        if para.lines[0].preset is not None:
            para.text, para.kind = para.lines[0].preset, "table"
        else:
            para.text = paragraph_text(para.lines)
    classify(out, body_size)
    return out


def _typical_pitch(flow: list[Row], em: float) -> float:
    pitches = [
        b.baseline - a.baseline
        for a, b in zip(flow, flow[1:], strict=False)
        if 0.8 * em < b.baseline - a.baseline < 2.5 * em and abs(a.size - b.size) <= 0.12 * a.size
    ]
    return statistics.median(pitches) if pitches else 1.2 * em


def _breaks(a: Row, b: Row, pitch: float, left: float, right: float, em: float) -> bool:
    """Whether a paragraph ends between line ``a`` and the next line ``b`` of a column."""
    if a.preset is not None or b.preset is not None:
        return True
    if b.baseline - a.baseline > 1.3 * pitch or b.baseline <= a.baseline:
        return True
    if abs(a.size - b.size) > 0.12 * max(a.size, b.size) or a.bold != b.bold:
        return True
    if _LIST_MARKER.match(b.own_text()):
        return True
    a_text = a.own_text()
    width = right - left
    short = width - (a.x1 - a.x0) > max(0.12 * width, 2 * em)
    if a_text and a_text[-1] in TERMINATORS and short:
        return True
    return False


def _is_rtl_row(row: Row) -> bool:
    return _is_rtl([g.text for g in row.glyphs])


def _is_rtl(texts: Iterable[str]) -> bool:
    rtl = ltr = 0
    for text in texts:
        cls = token_class(text)
        if cls in ("R", "AL"):
            rtl += 1
        elif cls == "L":
            ltr += 1
    return rtl >= ltr and rtl > 0


def line_text(glyphs: list[Glyph], em: float, rtl: bool) -> str:
    """One line in logical order, its brackets on the side their context says."""
    units = with_spaces(glyphs, em)
    classes = [token_class(u.text) if u.text != " " else "WS" for u in units]
    order, _ = logical_order(classes, rtl)
    text = _KASHIDA.sub("", "".join(units[i].text for i in order)).strip()
    if text.startswith(UNMAPPED):  # a bullet drawn from a symbol font without a mapping
        text = "•" + text[1:]
    return fix_brackets(fold_presentation_forms(text.replace(UNMAPPED, "")).strip())


def paragraph_is_rtl(lines: list[Row]) -> bool:
    """The direction of a paragraph, as its first strong character gives it (UAX #9 P2): when
    the first line's leftmost and rightmost letters agree, that is their direction (an RTL
    paragraph starts at the right); otherwise the majority of its words decides."""
    first = [g for g in lines[0].glyphs if token_class(g.text) in ("L", "R", "AL")] if lines else []
    if first:
        left, right = token_class(first[0].text) != "L", token_class(first[-1].text) != "L"
        if left == right:
            return left
    words: list[str] = []
    for line in lines:
        word = ""
        for g in with_spaces(line.glyphs, line.em):
            if g.text == " ":
                words.append(word)
                word = ""
            else:
                word += g.text
        words.append(word)
    return _is_rtl(w for w in words if w)


def paragraph_text(lines: list[Row]) -> str:
    """The paragraph's lines in logical order, joined (a Latin word hyphenated at a line end is
    rejoined), with the paragraph's direction as the base direction of every line."""
    rtl = paragraph_is_rtl(lines)
    text = ""
    for line in lines:
        piece = line_text(line.glyphs, line.em, rtl)
        if not piece:
            continue
        if text.endswith("-") and len(text) > 1 and text[-2].isalpha() and piece[:1].islower():
            text = text[:-1] + piece
        else:
            text = f"{text} {piece}" if text else piece
    return " ".join(text.split())


def classify(paras: list[Paragraph], body_size: float) -> None:
    """Mark headings (larger than body text, short) and notes (smaller text)."""
    for para in paras:
        if para.kind == "table":
            continue
        size = para.size
        if size >= 1.15 * body_size and len(para.text) <= 250:
            para.kind = "heading"
        elif (
            all(line.bold for line in para.lines)
            and len(para.text) <= 120
            and para.text[-1:] not in TERMINATORS
            and size > 0.88 * body_size
        ):
            para.kind = "heading"  # a bold line of body size: a run-in heading
        elif size <= 0.88 * body_size:
            para.kind = "note"
    sizes = sorted({round(p.size, 1) for p in paras if p.kind == "heading"}, reverse=True)
    for para in paras:
        if para.kind == "heading":
            para.level = sizes.index(round(para.size, 1)) + 1


_PAIRS = {"(": ")", "[": "]", "{": "}", "«": "»", "“": "”"}
_PAIR_OF = {**{o: (o, c) for o, c in _PAIRS.items()}, **{c: (o, c) for o, c in _PAIRS.items()}}
_OPEN_BEFORE = "([{«\"'“‘"
_CLOSE_AFTER = ".,،؛:;!?؟)]}»\"'”’"


def fix_brackets(text: str) -> str:
    """Give every bracket the side its context says it is on.

    Producers disagree on how a bracket drawn mirrored in right-to-left text maps back to a
    character (the glyph's own shape, or the logical character), and a glyph can have only one
    mapping, so an Arabic line may come out as «القوية )SCN) في». In logical order an opening
    bracket follows a space (or the start, or another opener) and touches the next word; a
    closing one touches the previous word and is followed by a space, punctuation or the end.
    A bracket whose context says neither (or both) is left alone.
    """
    if not any(ch in _PAIR_OF for ch in text):
        return text
    chars = list(text)
    last = len(chars) - 1
    undecided: list[int] = []
    for i, ch in enumerate(chars):
        pair = _PAIR_OF.get(ch)
        if pair is None:
            continue
        before = chars[i - 1] if i > 0 else " "
        after = chars[i + 1] if i < last else " "
        opens = (before.isspace() or before in _OPEN_BEFORE) and not (
            after.isspace() or after in _CLOSE_AFTER
        )
        closes = not (before.isspace() or before in _OPEN_BEFORE) and (
            after.isspace() or after in _CLOSE_AFTER
        )
        if opens and not closes:
            chars[i] = pair[0]
        elif closes and not opens:
            chars[i] = pair[1]
        elif not (opens or closes) and pair[0] != "“":
            undecided.append(i)
    # Brackets spaced on both sides («( خدمات الجوار )،»): in order, one opens and the next closes.
    for k in range(0, len(undecided) - 1, 2):
        a, b = undecided[k], undecided[k + 1]
        if _PAIR_OF[chars[a]] == _PAIR_OF[chars[b]]:
            chars[a], chars[b] = _PAIR_OF[chars[a]]
    return "".join(chars)


# --- page numbers, running headers and footers -------------------------------------------------

_PAGE_NUMBER = re.compile(
    r"^[-–—\s]*(?:(?:page|p\.|صفحة|الصفحة|ص\.?)\s*)?#(?:\s*(?:of|/|من)\s*#)?[-–—\s]*$", re.IGNORECASE
)


def row_key(row: Row) -> str:
    """A row's text with digits as '#' and no spaces: equal for the same header on every page."""
    text = _DIGITS.sub("#", fold_presentation_forms(row.visual_text()))
    return "".join(text.split())


def is_page_number(row: Row) -> bool:
    """A row that is only a page number: "3", "- 3 -", "3 / 10", "صفحة 3 من 10", "Page 3 of 10"."""
    rtl = _is_rtl_row(row)
    text = _DIGITS.sub("#", line_text(row.glyphs, row.em, rtl))
    return bool(_PAGE_NUMBER.match(text))


def in_margin_zone(row: Row, height: float, share: float = 0.14) -> bool:
    """The row lies in the top or bottom ``share`` of the page."""
    return row.baseline < share * height or row.baseline > (1 - share) * height
