"""PDF files: clean, ordered paragraphs with page breaks, headings, title and document info.

pypdfium2 (pdfium; Apache-2.0/BSD) reads the positioned glyphs of each page
(:mod:`.pdf_glyphs`; measured 17x faster than pdfplumber on the same pages, and it resolves
the ``/ActualText`` Chromium writes for Arabic clusters). :mod:`.pdf_layout` turns them into
rows, columns and paragraphs in logical order. Across the document, rows in the top or bottom
margin zone whose text (digits aside) repeats on several pages, and rows that are only a page
number, are running headers and footers and are dropped.

The text has one paragraph per line, paragraphs separated by blank lines, and a form feed
(``\\f``) at the start of every page after the first, so that later stages can tell the page
of any offset (:mod:`assistant.ingest.structure`). A page without a text layer is OCRed
(:mod:`.ocr`) when Tesseract is installed, and reported otherwise.

Reading the glyphs and rows of a page (:func:`_read`) is pure Python on each page alone and
most of the loading time, so a long PDF's pages are read by worker processes, one per CPU
(``PARALLEL_MIN_PAGES`` and more pages; a forkserver, so no thread state is copied), then put
together here in page order: the result is the same as reading them one by one.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import statistics
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.ingest.loaders import LoadedText, fail, ocr, page_ranges, short_error, usable_title
from assistant.ingest.loaders.pdf_glyphs import Glyph, PageGlyphs, read_page
from assistant.ingest.loaders.pdf_layout import (
    TATWEEL,
    TERMINATORS,
    Paragraph,
    Row,
    Stats,
    _is_rtl,
    find_gutters,
    in_margin_zone,
    is_page_number,
    page_em,
    page_rows,
    paragraphs,
    row_key,
    split_columns,
    table_rows,
)
from assistant.ingest.loaders.pdf_tables import find_tables

log = logging.getLogger(__name__)

PARALLEL_MIN_PAGES = 16  # below this, starting worker processes costs more than it saves
PAGES_PER_TASK = 8
MAX_WORKERS = 4


@dataclass
class _Page:
    rows: list[Row]
    stats: Stats
    height: float
    unmapped: int
    paragraphs: list[Paragraph]
    ocr: bool = False
    empty: bool = False


def load_pdf(path: Path, *, workers: int | None = None) -> LoadedText:
    """A PDF: paragraphs in reading order, pages separated by form feeds, title and info.
    ``workers``: processes reading pages (default: one per CPU for a long PDF; 1: none)."""
    import pypdfium2 as pdfium

    if b"%PDF-" not in _read_head(path):  # the header may follow some junk bytes
        fail(path, "it is not a PDF file (the PDF header is missing)")
    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        message = str(exc)
        if "password" in message.lower():
            fail(path, "the PDF is encrypted (password-protected)")
        if "security" in message.lower():
            fail(path, f"the PDF uses an encryption that cannot be opened ({short_error(exc)})")
        fail(path, f"the PDF is damaged or not a valid PDF ({short_error(exc)})")
    try:
        info = pdf.get_metadata_dict()
        pages = _read_pages(path, pdf, workers)
    except pdfium.PdfiumError as exc:
        fail(path, f"the PDF is damaged or not a valid PDF ({short_error(exc)})")
    finally:
        page_count = len(pdf)

    warnings: list[str] = []
    removed = _drop_running_lines(pages)
    if removed:
        warnings.append(f"{removed} running header/footer and page-number lines removed")
    sizes: Counter[float] = Counter()
    for page in pages:
        for row in page.rows:
            for g in row.glyphs:
                sizes[round(g.size, 1)] += 1
    body_size = sizes.most_common(1)[0][0] if sizes else 10.0
    for page in pages:
        if page.rows:
            em = page.rows[0].em
            rtl = _is_rtl(g.text for row in page.rows for g in row.glyphs)
            gutters = find_gutters(page.rows, em)
            page.stats.columns = len(gutters) + 1
            page.paragraphs = paragraphs(split_columns(page.rows, gutters, rtl), body_size, em)

    scanned = [i + 1 for i, p in enumerate(pages) if p.empty]
    if scanned:
        ocr_pages = _ocr(path, pdf, pages, scanned, warnings)
    else:
        ocr_pages = []
    pdf.close()

    for columns in sorted({p.stats.columns for p in pages if p.stats.columns > 1}):
        numbers = [i + 1 for i, p in enumerate(pages) if p.stats.columns == columns]
        warnings.append(f"{_pages_label(numbers)}: {columns} columns detected")
    text, headings = _assemble(pages)
    # kashida glyphs drawn minus the tatweel the text kept (typed, as in «الـ250»)
    kashida = sum(p.stats.kashida for p in pages) - text.count(TATWEEL)
    if kashida > 0:
        warnings.append(f"{kashida} kashida (justification) glyphs removed")
    tables = [i + 1 for i, p in enumerate(pages) if p.stats.tables]
    if tables:
        warnings.append(
            f"{_pages_label(tables)}: {sum(p.stats.tables for p in pages)} ruled tables read row by row"
        )
    superscripts = sum(p.stats.superscripts for p in pages)
    if superscripts:
        warnings.append(f"{superscripts} superscript footnote references removed")
    unmapped = [i + 1 for i, p in enumerate(pages) if p.unmapped]
    if unmapped:
        count = sum(p.unmapped for p in pages)
        warnings.append(f"{_pages_label(unmapped)}: {count} glyphs without a Unicode mapping dropped")

    if not text.replace("\f", "").strip():
        if scanned and not ocr.available():
            fail(path, f"the PDF has no text layer (scanned pages); {ocr.HOW_TO_ENABLE}")
        fail(path, "the PDF has no extractable text")
    metadata: dict[str, Any] = {}
    for src, dst in (("Author", "author"), ("Subject", "subject"), ("Keywords", "keywords")):
        value = info.get(src)
        if isinstance(value, str) and value.strip():
            metadata[dst] = value.strip()
    metadata["pages"] = page_count
    title = usable_title(info.get("Title"), path) or (headings[0][1] if headings else None)
    return LoadedText(
        text=text,
        title=title,
        metadata=metadata,
        headings=headings,
        warnings=warnings,
        pages=page_count,
        ocr_pages=ocr_pages,
    )


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _read_pages(path: Path, pdf: Any, workers: int | None) -> list[_Page]:
    """Every page of ``pdf`` read by :func:`_read`, in order: by worker processes for a long PDF."""
    count = len(pdf)
    tasks = [(a, min(a + PAGES_PER_TASK, count)) for a in range(0, count, PAGES_PER_TASK)]
    if workers is None:
        workers = min(_cpus(), MAX_WORKERS) if count >= PARALLEL_MIN_PAGES else 1
    workers = min(workers, len(tasks))
    if workers > 1:
        try:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload([__name__])  # workers start with this module loaded
            with ProcessPoolExecutor(workers, mp_context=context) as pool:
                parts = pool.map(_read_range, [str(path)] * len(tasks), *zip(*tasks, strict=True))
                return [page for part in parts for page in part]
        except (OSError, ValueError, RuntimeError) as exc:
            import pypdfium2 as pdfium

            if isinstance(exc, pdfium.PdfiumError):
                raise
            # no worker processes here (a sandbox, no /dev/shm): read the pages in this one
            log.warning("PDF pages read in one process (%s: %s)", type(exc).__name__, exc)
    return [_read(pdf, i) for i in range(count)]


def _read_range(path: str, start: int, stop: int) -> list[_Page]:
    """Pages ``start`` to ``stop - 1`` of the PDF at ``path`` (in a worker process)."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(path)
    try:
        return [_read(pdf, i) for i in range(start, stop)]
    finally:
        pdf.close()


def _read(pdf: Any, index: int) -> _Page:
    page = pdf[index]
    try:
        glyphs = read_page(page)
        tables = find_tables(page, glyphs.height) if glyphs.glyphs else []
        in_table: list[Glyph] = []
        if tables:
            em = page_em(glyphs.glyphs)
            flow = []
            for g in glyphs.glyphs:
                x, y = (g.x0 + g.x1) / 2, g.baseline - 0.3 * em
                (in_table if any(t.contains(x, y) for t in tables) else flow).append(g)
            glyphs = PageGlyphs(flow, glyphs.width, glyphs.height, glyphs.unmapped)
        rows, stats = page_rows(glyphs)
        if in_table:
            rows = sorted(rows + table_rows(tables, in_table, page_em(in_table)), key=lambda r: r.baseline)
            stats.tables = len(tables)
        empty = not rows and ocr.has_images(page)
        return _Page(rows, stats, glyphs.height, glyphs.unmapped, [], empty=empty)
    finally:
        page.close()


def _read_head(path: Path, size: int = 1024) -> bytes:
    try:
        with path.open("rb") as fh:
            return fh.read(size)
    except OSError as exc:
        fail(path, f"the file cannot be read ({exc.strerror or exc})")


def _drop_running_lines(pages: list[_Page]) -> int:
    """Remove running headers and footers and return how many rows were removed: rows in the
    top or bottom margin zone whose text (digits aside) repeats on several pages, rows there that
    are only a page number, and rows in small type at the very edge of the page (the header of a
    one-page document, which cannot repeat)."""
    seen: Counter[str] = Counter()
    for page in pages:
        keys = {row_key(row) for row in page.rows if in_margin_zone(row, page.height)}
        seen.update(keys)
    with_text = sum(1 for page in pages if page.rows)
    repeated = {key for key, n in seen.items() if n >= 2 and n >= 0.4 * with_text and key}
    removed = 0
    for page in pages:
        if not page.rows:
            continue
        body = statistics.median(g.size for row in page.rows for g in row.glyphs)
        kept = []
        for row in page.rows:
            if in_margin_zone(row, page.height) and (
                row_key(row) in repeated
                or is_page_number(row)
                or (in_margin_zone(row, page.height, 0.07) and row.size < 0.9 * body and row.preset is None)
            ):
                removed += 1
                continue
            kept.append(row)
        page.rows = kept
    return removed


def _ocr(path: Path, pdf: Any, pages: list[_Page], scanned: list[int], warnings: list[str]) -> list[int]:
    if not ocr.available():
        warnings.append(f"{_pages_label(scanned)}: no text layer (scanned); {ocr.HOW_TO_ENABLE}")
        return []
    done: list[int] = []
    for number in scanned:
        try:
            text = ocr.ocr_page(pdf[number - 1])
        except ocr.OcrError as exc:
            warnings.append(f"page {number}: OCR failed ({exc})")
            continue
        if text.strip():
            pages[number - 1].paragraphs = [Paragraph([], text=p) for p in text.split("\n\n") if p.strip()]
            pages[number - 1].ocr = True
            done.append(number)
        else:
            warnings.append(f"page {number}: OCR found no text")
    if done:
        warnings.append(f"{_pages_label(done)}: text recognised by OCR (check quotes against the scan)")
    return done


def _assemble(pages: list[_Page]) -> tuple[str, list[tuple[int, str]]]:
    """The document text (see the module docstring) and its headings (level, text)."""
    text = ""
    headings: list[tuple[int, str]] = []
    previous: Paragraph | None = None
    for index, page in enumerate(pages):
        marker = "\f" if index else ""
        for para in page.paragraphs:
            if not para.text:
                continue
            if para.kind == "heading":
                headings.append((para.level, para.text))
            if previous is not None and _continues(previous, para):
                text += " " + marker + para.text
            else:
                text += ("\n\n" if text.strip("\f") else "") + marker + para.text
            marker = ""
            previous = para
        if marker:  # a page without text still counts
            text += marker
    return text, headings


def _continues(before: Paragraph, after: Paragraph) -> bool:
    """A paragraph cut by a column or page break: the first part does not end a sentence,
    both parts are body text of the same size, and the second does not start a list item."""
    if not (before.ends_flow and after.starts_flow):
        return False
    if before.kind != "text" or after.kind != "text" or not before.lines or not after.lines:
        return False
    if before.text[-1] in TERMINATORS or not after.lines[0].glyphs:
        return False
    if abs(before.size - after.size) > 0.12 * before.size:
        return False
    first = after.text[:1]
    return not (first.isdigit() or first in "•▪◦●■-–*")


def _pages_label(numbers: list[int]) -> str:
    return ("page " if len(numbers) == 1 else "pages ") + page_ranges(numbers)
