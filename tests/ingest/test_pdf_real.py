"""PDFs as staff really have them, made inside the test run by the programs that make them:
Chromium (two CSS columns, dir=rtl, running header, «صفحة N من M» footer), LibreOffice (a Word
report exported to PDF, justified with kashida) and a scanner (an image-only PDF, OCRed by
Tesseract). Each printed paragraph must come back as exactly one paragraph, in reading order."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.errors import DocumentLoadError
from assistant.ingest.loaders import load_file, ocr
from assistant.ingest.structure import split_pages
from tests.ingest.makers import (
    HEADER,
    PARAGRAPHS,
    TITLE,
    chromium_pdf,
    libreoffice_pdf,
    needs_chromium,
    needs_libreoffice,
    scanned_pdf,
    word_document,
)

pytestmark = needs_chromium


@pytest.fixture(scope="module")
def two_columns(tmp_path_factory: pytest.TempPathFactory):
    path = chromium_pdf(tmp_path_factory.mktemp("pdf") / "melbourne.pdf", repeat=4)
    return load_file(path)


def _paragraphs(text: str) -> list[str]:
    return [p.replace("\f", "") for p in text.split("\n\n")]


def test_two_column_arabic_pdf_reads_paragraphs_in_order(two_columns) -> None:
    got = _paragraphs(two_columns.text)
    # the title, then every paragraph exactly once per printing, in the order written: right
    # column before left column, columns continued across pages
    assert got == [TITLE] + PARAGRAPHS * 4
    assert two_columns.pages >= 2
    assert two_columns.text.count("\f") == two_columns.pages - 1
    # diacritics on their letters, tanwin kept, brackets and numbers in logical order
    for piece in ("مهمٌّ جدًّا", "التُركية أولاً:", "(SCN)", "أيلول/سبتمبر 2015،", "في أكثر من 40 دولة."):
        assert piece in two_columns.text
    assert "\x00" not in two_columns.text and "(cid:" not in two_columns.text


def test_running_header_footer_and_page_numbers_are_removed(two_columns) -> None:
    assert HEADER not in two_columns.text
    assert "صفحة" not in two_columns.text
    removed = [w for w in two_columns.warnings if "header/footer" in w]
    assert removed and int(removed[0].split()[0]) == 2 * two_columns.pages
    assert any("2 columns detected" in w for w in two_columns.warnings)


def test_title_and_headings(two_columns) -> None:
    # Chromium titles the PDF after the HTML file: not a title, so the first heading is used
    assert two_columns.title == TITLE
    assert two_columns.headings == [(1, TITLE)]


def test_latin_two_columns_read_left_column_first(tmp_path: Path) -> None:
    english = [
        "The Strong Cities Network was launched at the United Nations in September 2015 as the first "
        "global network of mayors and municipal policy makers.",
        "Its fifth global summit took place in Cape Town from 3 to 5 December 2024 and gathered more "
        "than 140 participants from all regions.",
        "Mayors called for closer cooperation between national and local governments to prevent hate "
        "and extremism in their cities.",
    ]
    loaded = load_file(chromium_pdf(tmp_path / "en.pdf", english, repeat=8, rtl=False, title="Summit report"))
    assert loaded.pages >= 2
    assert _paragraphs(loaded.text) == ["Summit report"] + english * 8


def test_footnote_references_letter_spacing_and_tables(tmp_path: Path) -> None:
    body = (
        "<p>نص المادة الأولى من الدستور.<sup>1</sup> وتلتزم المدن بالتعاون.</p>"
        '<p class="spaced">الملخص التنفيذي</p>'
        "<table><tr><th>المدينة</th><th>التاريخ</th></tr><tr><td>كيب تاون</td><td>2024</td></tr></table>"
        "<p>فقرة بعد الجدول.</p>"
    )
    css = (
        ".spaced { letter-spacing: 0.3em; font-weight: bold; } sup { font-size: 7pt; }"
        "table { border-collapse: collapse; } td, th { border: 1px solid black; padding: 3pt; }"
    )
    loaded = load_file(chromium_pdf(tmp_path / "notes.pdf", columns=1, body_html=body, extra_css=css))
    got = _paragraphs(loaded.text)
    assert "نص المادة الأولى من الدستور. وتلتزم المدن بالتعاون." in got  # no «الدستور.1»
    assert "الملخص التنفيذي" in got  # letter-spaced, still two words
    assert got[-3:] == ["المدينة | التاريخ", "كيب تاون | 2024", "فقرة بعد الجدول."]
    assert any("superscript" in w for w in loaded.warnings)


@needs_libreoffice
def test_libreoffice_pdf_of_a_word_report(tmp_path: Path) -> None:
    loaded = load_file(libreoffice_pdf(word_document(tmp_path / "report.docx")))
    got = _paragraphs(loaded.text)
    flat = " ".join(loaded.text.split())
    for paragraph in PARAGRAPHS:  # justified with kashida in the PDF: none of it left in the text
        assert paragraph in flat
    assert "\u0640" not in loaded.text and not any(ord(c) < 0x20 and c not in "\n\f" for c in loaded.text)
    assert any("kashida" in w for w in loaded.warnings)
    # list numbers and bullets start their own paragraphs; the ruled table comes row by row
    assert "1. إشراك الشباب في الوقاية." in got and "• كولومبو" in got
    assert "المدينة | التاريخ" in got and "كيب تاون | 2024" in got
    # the footnote reference is not glued to the sentence it follows
    assert "القمة الخامسة (SCN) في كيب تاون.1" not in flat and "كيب تاون. 1" not in flat


@pytest.mark.skipif(
    not ocr.available(), reason="Tesseract with Arabic is not installed (apt-get install tesseract-ocr-ara)"
)
def test_scanned_pdf_is_ocred(tmp_path: Path) -> None:
    import difflib

    source = chromium_pdf(tmp_path / "source.pdf", PARAGRAPHS[:3], columns=1, repeat=1)
    loaded = load_file(scanned_pdf(tmp_path / "scan.pdf", source))
    assert loaded.ocr_pages == [1]
    assert any("OCR" in w for w in loaded.warnings)
    body = " ".join(loaded.text.split())
    for paragraph in PARAGRAPHS[:3]:  # recognised text, close to what was printed
        best = max(
            difflib.SequenceMatcher(None, paragraph, body[i : i + len(paragraph)]).ratio()
            for i in range(0, max(1, len(body) - len(paragraph)), 10)
        )
        assert best > 0.75


def test_scanned_pdf_without_tesseract_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = chromium_pdf(tmp_path / "source.pdf", PARAGRAPHS[:1], columns=1, repeat=1)
    scan = scanned_pdf(tmp_path / "scan.pdf", source)
    monkeypatch.setattr(ocr, "available", lambda: False)
    with pytest.raises(DocumentLoadError, match="no text layer") as exc:
        load_file(scan)
    assert "scan.pdf" in str(exc.value) and "tesseract-ocr-ara" in str(exc.value)


def test_split_pages_gives_the_page_of_each_paragraph(two_columns) -> None:
    text, breaks = split_pages(two_columns.text)
    assert len(breaks) == two_columns.pages - 1
    assert "\f" not in text


def test_pages_read_by_worker_processes_give_the_same_text(tmp_path: Path, monkeypatch) -> None:
    """A long PDF's pages are read by worker processes (one task per page here): the result is the
    one read page by page in this process, and it really came from the workers (reading a page
    in this process fails)."""
    from assistant.ingest.loaders import pdf as pdf_loader

    path = chromium_pdf(tmp_path / "long.pdf", repeat=8)
    alone = pdf_loader.load_pdf(path, workers=1)
    assert alone.pages >= 3
    monkeypatch.setattr(pdf_loader, "PAGES_PER_TASK", 1)

    def not_here(*_args):
        raise AssertionError("a page was read in the parent process")

    monkeypatch.setattr(pdf_loader, "_read", not_here)
    assert pdf_loader.load_pdf(path, workers=2) == alone
