"""Word, OpenDocument and PowerPoint files made in the test run (python-docx with notes written
as document XML, odfpy, python-pptx): every block comes back, with list numbers, notes, table
rows, headings and a sensible title."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.errors import DocumentLoadError
from assistant.ingest.loaders import load_file
from assistant.ingest.loaders.numbering import ListCounter, format_number
from tests.ingest.makers import PARAGRAPHS, TITLE, odt_document, slide_deck, word_document


def test_word_report_keeps_lists_notes_tables_and_tracked_changes(tmp_path: Path) -> None:
    loaded = load_file(word_document(tmp_path / "report.docx"))
    blocks = loaded.text.split("\n\n")
    assert blocks[:3] == [TITLE, PARAGRAPHS[0], "(1) انظر النص الكامل للإعلان على موقع الشبكة."]
    assert blocks[3:9] == [
        "التوصيات",
        "1. إشراك الشباب في الوقاية.",
        "2. دعم المجتمع المدني.",
        "3. تبادل الممارسات الجيدة.",
        "• كولومبو",
        "• ميلبورن",
    ]
    # the endnote follows the paragraph that refers to it
    assert blocks[9:11] == [PARAGRAPHS[1], "(2) حضر الاجتماع ممثلون عن 40 دولة."]
    # tracked changes accepted: the insertion is there, the deletion is not
    assert "عقدت القمة في كيب تاون عام 2024." in blocks and "ديربان" not in loaded.text
    assert "المدينة | التاريخ" in blocks and "كيب تاون | 2024" in blocks
    assert blocks[-4:] == PARAGRAPHS[2:]
    assert loaded.headings == [(1, TITLE), (2, "التوصيات")]


def test_word_placeholder_title_falls_back_to_first_heading(tmp_path: Path) -> None:
    # LibreOffice writes "Word Document" as the title of the DOCX files it saves
    assert load_file(word_document(tmp_path / "a.docx", title="Word Document")).title == TITLE
    assert load_file(word_document(tmp_path / "b.docx", title="")).title == TITLE
    assert load_file(word_document(tmp_path / "c.docx", title="تقرير القمة")).title == "تقرير القمة"


def test_odt(tmp_path: Path) -> None:
    loaded = load_file(odt_document(tmp_path / "report.odt"))
    blocks = loaded.text.split("\n\n")
    assert blocks[:3] == [TITLE, PARAGRAPHS[0], "(1) انظر النص الكامل للإعلان على موقع الشبكة."]
    assert blocks[3:6] == ["التوصيات", "1. إشراك الشباب في الوقاية.", "2. دعم المجتمع المدني."]
    assert blocks[6:8] == ["المدينة | التاريخ", "كيب تاون | 2024"]
    assert blocks[8:] == PARAGRAPHS[1:]
    assert loaded.headings == [(1, TITLE), (2, "التوصيات")]
    assert loaded.title == TITLE  # no dc:title: the first heading
    assert load_file(odt_document(tmp_path / "titled.odt", title="تقرير القمة")).title == "تقرير القمة"


def test_pptx_has_a_page_per_slide(tmp_path: Path) -> None:
    loaded = load_file(slide_deck(tmp_path / "summit.pptx"))
    slides = loaded.text.split("\f")
    assert loaded.pages == 3 and len(slides) == 3
    assert [s.strip().split("\n\n") for s in slides] == [
        ["القمة العالمية الخامسة", PARAGRAPHS[0]],
        ["أبرز النتائج", PARAGRAPHS[1], PARAGRAPHS[2], "المدينة | التاريخ", "كيب تاون | 2024"],
        ["الخطوات التالية", PARAGRAPHS[3], PARAGRAPHS[4]],  # the speaker notes close the slide
    ]
    assert [h for _, h in loaded.headings] == ["القمة العالمية الخامسة", "أبرز النتائج", "الخطوات التالية"]
    assert loaded.title == "القمة العالمية الخامسة"  # "PowerPoint Presentation" is a placeholder


@pytest.mark.parametrize("suffix", [".odt", ".pptx"])
def test_corrupt_office_files_are_reported(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"broken{suffix}"
    path.write_bytes(b"PK\x03\x04 not really a zip archive")
    with pytest.raises(DocumentLoadError, match="not a valid") as exc:
        load_file(path)
    assert path.name in str(exc.value)


def test_number_formats_and_counters() -> None:
    assert [format_number(n, "arabicAlpha") for n in (1, 2, 3, 28, 29)] == ["أ", "ب", "ت", "ي", "أأ"]
    assert [format_number(n, "arabicAbjad") for n in (1, 2, 3, 4)] == ["أ", "ب", "ج", "د"]
    assert format_number(12, "hindiNumbers") == "١٢"
    assert format_number(14, "lowerRoman") == "xiv" and format_number(28, "upperLetter") == "AB"
    counter = ListCounter()
    top = {"format": "decimal", "text": "%1.", "start": 1}
    sub = {"format": "lowerLetter", "text": "%1.%2)", "start": 1, "parents": [top]}
    labels = [
        counter.label("n", 0, top),
        counter.label("n", 1, sub),
        counter.label("n", 1, sub),
        counter.label("n", 0, top),
        counter.label("n", 1, sub),  # restarts under a new top-level item
    ]
    assert labels == ["1.", "1.a)", "1.b)", "2.", "2.a)"]
    assert counter.label("b", 0, {"format": "bullet", "text": "\uf0b7"}) == "•"  # symbol-font bullet
