"""Loading each supported format; every fixture is generated into tmp_path."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from assistant.errors import DocumentLoadError
from assistant.ingest.loaders import SUPPORTED_SUFFIXES, LoadedText, load_file, visual_to_logical

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
needs_font = pytest.mark.skipif(
    not FONT.exists(), reason=f"Arabic-capable font {FONT} is missing (apt-get install fonts-dejavu-core)"
)

ARABIC_LINES = [
    "عقدت القمة في 3 ديسمبر 2024 في كيب تاون.",
    "أطلقت شبكة المدن القوية (SCN) في الأمم المتحدة في أيلول/سبتمبر 2015.",
    "The Strong Cities Network شبكة المدن القوية was launched in 2015.",
    "حضر أكثر من 140 مشاركًا من 40 دولة، أي بنسبة 25% تقريبًا.",
    "استراتيجية المدن القوية (2023-2025) لا تزال قائمة؛ وقال: «إنّ التعاون مهمٌّ جدًّا».",
    "١. الالتزام بالتعامل مع مشكلة التطرف العنيف بكافة أشكاله.",
    "للمزيد يرجى الاتصال على info@example.org أو زيارة strongcitiesnetwork.org اليوم.",
]


def _norm(text: str) -> str:
    return " ".join(text.split())


def _arabic_pdf(path: Path, pages: list[list[str]], shaping: bool = True) -> Path:
    pytest.importorskip("uharfbuzz", reason="fpdf2 needs uharfbuzz for Arabic text shaping")
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_font("dejavu", fname=str(FONT))
    pdf.set_font("dejavu", size=12)
    pdf.set_text_shaping(shaping)
    for lines in pages:
        pdf.add_page()
        for line in lines:
            pdf.multi_cell(0, 9, line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


def _assert_names_file(exc: pytest.ExceptionInfo[DocumentLoadError], path: Path) -> None:
    assert path.name in str(exc.value)
    assert exc.value.code == "document_unreadable"


# --- PDF -------------------------------------------------------------------------------------


@needs_font
def test_pdf_arabic_comes_out_in_logical_order(tmp_path: Path) -> None:
    path = _arabic_pdf(tmp_path / "summit.pdf", [ARABIC_LINES])
    loaded = load_file(path)
    assert isinstance(loaded, LoadedText)
    got = [line for line in loaded.text.split("\n") if line.strip()]
    assert [_norm(line) for line in got] == [_norm(line) for line in ARABIC_LINES]
    assert _norm(loaded.text) == _norm(" ".join(ARABIC_LINES))
    # No presentation-form glyphs survive.
    assert not any(0xFB50 <= ord(c) <= 0xFDFF or 0xFE70 <= ord(c) <= 0xFEFE for c in loaded.text)
    assert loaded.metadata["pages"] == 1


@needs_font
def test_pdf_wrapped_paragraph_is_one_paragraph(tmp_path: Path) -> None:
    paragraph = (
        "أطلقت شبكة المدن القوية في الأمم المتحدة في شهر أيلول/سبتمبر 2015، وهي الشبكة العالمية الأولى "
        "التي تضم رؤساء بلديات وصنّاع السياسات على المستوى البلدي واختصاصيين يعملون يدًا بيد لبناء "
        "مجتمعات أكثر تماسكًا قادرة على مواجهة التطرّف العنيف بكل أشكاله."
    )
    path = _arabic_pdf(tmp_path / "about.pdf", [[paragraph]])
    # printed over three lines, read back as the one paragraph it is
    assert load_file(path).text == paragraph


@needs_font
def test_pdf_presentation_forms_are_folded(tmp_path: Path) -> None:
    # Legacy producers write pre-shaped presentation forms in visual order: "سلام 2024" is
    # stored as "2024 ﻡﻼﺳ" (MEEM isolated, LAM-ALEF final ligature, SEEN initial).
    path = _arabic_pdf(tmp_path / "legacy.pdf", [["2024 \ufee1\ufefc\ufeb3"]], shaping=False)
    assert load_file(path).text == "سلام 2024"


@needs_font
def test_pdf_pages_start_with_a_form_feed(tmp_path: Path) -> None:
    pages = [["الصفحة الأولى: إعلان ميلبورن 2018."], ["الصفحة الثانية: قمة كيب تاون 2024."], ["Page three."]]
    loaded = load_file(_arabic_pdf(tmp_path / "multi.pdf", pages))
    assert loaded.text.split("\n\n") == [("\f" if i else "") + lines[0] for i, lines in enumerate(pages)]
    assert loaded.metadata["pages"] == 3 and loaded.pages == 3


def test_pdf_title_from_metadata(tmp_path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_title("Melbourne Declaration")
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text="Mayors call for global local cooperation.")
    path = tmp_path / "titled.pdf"
    pdf.output(str(path))
    loaded = load_file(path)
    assert loaded.title == "Melbourne Declaration"
    assert loaded.text == "Mayors call for global local cooperation."


def test_visual_to_logical_leaves_ltr_lines_alone() -> None:
    assert visual_to_logical("Strong Cities Network (2015).") == "Strong Cities Network (2015)."
    # An Arabic line stored in visual order, numbers kept left to right.
    assert visual_to_logical(".2015 ماع تقلطأ") == "أطلقت عام 2015."


def test_corrupt_pdf(tmp_path: Path) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog garbage\n%%EOF\n")
    with pytest.raises(DocumentLoadError, match="damaged or not a valid PDF") as exc:
        load_file(path)
    _assert_names_file(exc, path)


def test_not_a_pdf_named_pdf(tmp_path: Path) -> None:
    path = tmp_path / "notes.pdf"
    path.write_text("just some text", encoding="utf-8")
    with pytest.raises(DocumentLoadError, match="not a PDF") as exc:
        load_file(path)
    _assert_names_file(exc, path)


def test_encrypted_pdf(tmp_path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_encryption(owner_password="owner", user_password="secret")
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text="confidential")
    path = tmp_path / "locked.pdf"
    pdf.output(str(path))
    with pytest.raises(DocumentLoadError, match="encrypted") as exc:
        load_file(path)
    _assert_names_file(exc, path)


def test_pdf_without_text(tmp_path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 50, style="F")  # a drawing, as in a scanned page: no text layer
    path = tmp_path / "scan.pdf"
    pdf.output(str(path))
    with pytest.raises(DocumentLoadError, match="no extractable text") as exc:
        load_file(path)
    _assert_names_file(exc, path)


# --- Word --------------------------------------------------------------------------------------


def test_docx(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.core_properties.title = "إعلان ميلبورن"
    document.core_properties.author = "SCN"
    document.add_heading("دعوة رؤساء البلديات إلى التعاون", level=1)
    document.add_paragraph("11 تموز/يوليو 2018، ميلبورن: من الممكن توحيد المجتمعات المحلية.")
    document.add_paragraph("")
    document.add_paragraph("وعلى مدى الأيام الثلاثة التالية، سيناقش رؤساء البلديات خطر التطرف.")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "المدينة"
    table.rows[0].cells[1].text = "ميلبورن"
    path = tmp_path / "melbourne.docx"
    document.save(str(path))

    loaded = load_file(path)
    assert loaded.title == "إعلان ميلبورن"
    assert loaded.metadata["author"] == "SCN"
    assert loaded.text.split("\n\n") == [
        "دعوة رؤساء البلديات إلى التعاون",
        "11 تموز/يوليو 2018، ميلبورن: من الممكن توحيد المجتمعات المحلية.",
        "وعلى مدى الأيام الثلاثة التالية، سيناقش رؤساء البلديات خطر التطرف.",
        "المدينة | ميلبورن",
    ]


def test_docx_title_falls_back_to_first_heading(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("مقدمة قصيرة.")
    document.add_heading("عن شبكة المدن القوية", level=2)
    document.add_paragraph("أطلقت الشبكة في 2015.")
    path = tmp_path / "about.docx"
    document.save(str(path))
    assert load_file(path).title == "عن شبكة المدن القوية"


def test_corrupt_docx(tmp_path: Path) -> None:
    path = tmp_path / "broken.docx"
    path.write_bytes(b"PK\x03\x04 this is not really a zip archive")
    with pytest.raises(DocumentLoadError, match="not a valid Word") as exc:
        load_file(path)
    _assert_names_file(exc, path)


# --- HTML --------------------------------------------------------------------------------------

ARTICLE = [
    "في الفترة من 3 إلى 5 ديسمبر 2024، عقدت شبكة المدن القوية قمتها العالمية الخامسة في كيب تاون "
    "(جنوب أفريقيا)، حيث جمعت أكثر من 140 مشاركًا.",
    "وتضمنت القمة حوارات بين رؤساء البلديات وجلسات مواضيعية موازية وتمارين على الطاولة لتبادل "
    "الابتكارات والنهج التي تقودها المدن.",
    "سلطت الجلسة الضوء على أن الثقة والشمولية والتواصل هي أسس تعزيز التنسيق الفعال بين أصحاب "
    "المصلحة الوطنيين والمحليين.",
]

PAGE = f"""<!DOCTYPE html>
<html lang="ar" dir="rtl">
<head><meta charset="utf-8"><title>القمة العالمية الخامسة | شبكة المدن القوية</title>
<meta property="og:title" content="القمة العالمية الخامسة"></head>
<body>
<div id="cookie-banner" class="cookie-consent"><p>نستخدم ملفات تعريف الارتباط لتحسين تجربتك.</p>
<button>قبول جميع ملفات تعريف الارتباط</button></div>
<header><nav><ul><li><a href="/">الرئيسية</a></li><li><a href="/about">من نحن</a></li>
<li><a href="/news">مركز الموارد</a></li></ul></nav></header>
<main><article>
<h1>القمة العالمية الخامسة</h1>
<p>{ARTICLE[0]}</p>
<p>{ARTICLE[1]}</p>
<p>{ARTICLE[2]}</p>
</article></main>
<footer><p>© 2024 شبكة المدن القوية. جميع الحقوق محفوظة.</p><p>سياسة الخصوصية</p></footer>
</body></html>
"""


def test_html_keeps_article_and_drops_page_chrome(tmp_path: Path) -> None:
    path = tmp_path / "summit.html"
    path.write_text(PAGE, encoding="utf-8")
    loaded = load_file(path)
    assert loaded.title == "القمة العالمية الخامسة"
    paragraphs = loaded.text.split("\n\n")
    for sentence in ARTICLE:
        assert sentence in paragraphs
    for chrome in ("الرئيسية", "من نحن", "مركز الموارد", "ملفات تعريف الارتباط", "جميع الحقوق محفوظة",
                   "سياسة الخصوصية"):  # fmt: skip
        assert chrome not in loaded.text
    assert "date" not in loaded.metadata  # the copyright year is not a publication date


def test_htm_fallback_when_trafilatura_finds_nothing(tmp_path: Path) -> None:
    path = tmp_path / "short.htm"
    path.write_text(
        "<html><head><title>قصير</title></head><body><nav><a>الرئيسية</a></nav>"
        "<p>نص قصير جدًا.</p><footer>حقوق النشر</footer></body></html>",
        encoding="utf-8",
    )
    loaded = load_file(path)
    assert loaded.text == "نص قصير جدًا."
    assert loaded.title == "قصير"


# --- Markdown and plain text -----------------------------------------------------------------


def test_markdown_front_matter(tmp_path: Path) -> None:
    path = tmp_path / "summit.md"
    path.write_text(
        "---\ntitle: القمة العالمية الخامسة\ndate: 2024-12-03\nplace: كيب تاون\ntags: [قمة, 2024]\n---\n"
        "# القمة\n\nعقدت القمة في 3 ديسمبر 2024 في كيب تاون.\n",
        encoding="utf-8",
    )
    loaded = load_file(path)
    assert loaded.title == "القمة العالمية الخامسة"
    assert loaded.metadata == {
        "title": "القمة العالمية الخامسة",
        "date": "2024-12-03",
        "place": "كيب تاون",
        "tags": ["قمة", 2024],
    }
    assert loaded.text == "# القمة\n\nعقدت القمة في 3 ديسمبر 2024 في كيب تاون."
    assert "---" not in loaded.text


def test_markdown_without_front_matter_takes_title_from_heading(tmp_path: Path) -> None:
    path = tmp_path / "note.md"
    path.write_text("## عن الشبكة\n\nنص.\n", encoding="utf-8")
    loaded = load_file(path)
    assert loaded.title == "عن الشبكة"
    assert loaded.metadata == {}


def test_markdown_with_broken_front_matter(tmp_path: Path) -> None:
    path = tmp_path / "bad.md"
    path.write_text("---\ntitle: [unclosed\n---\nنص.\n", encoding="utf-8")
    with pytest.raises(DocumentLoadError, match="front matter") as exc:
        load_file(path)
    _assert_names_file(exc, path)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-be", "utf-16-le"])
def test_txt_encodings(tmp_path: Path, encoding: str) -> None:
    text = "عن شبكة المدن القوية\n\nأطلقت الشبكة في 2015.\n"
    path = tmp_path / f"about-{encoding}.txt"
    data = text.encode(encoding)
    if encoding == "utf-16-be":
        data = codecs.BOM_UTF16_BE + data
    elif encoding == "utf-16-le":
        data = codecs.BOM_UTF16_LE + data
    path.write_bytes(data)
    loaded = load_file(path)
    assert loaded.text == text
    assert loaded.title is None


def test_txt_crlf_newlines(tmp_path: Path) -> None:
    path = tmp_path / "windows.txt"
    path.write_bytes("سطر أول\r\nسطر ثان\r\n".encode())
    assert load_file(path).text == "سطر أول\nسطر ثان\n"


def test_bundled_documents_load() -> None:
    documents = Path(__file__).resolve().parents[2] / "documents"
    for path in sorted(documents.glob("*.txt")):
        assert load_file(path).text == path.read_text(encoding="utf-8")


# --- failures ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["empty.txt", "empty.md", "empty.pdf", "empty.docx", "empty.html"])
def test_empty_file(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"")
    with pytest.raises(DocumentLoadError, match="empty") as exc:
        load_file(path)
    _assert_names_file(exc, path)


def test_whitespace_only_file(tmp_path: Path) -> None:
    path = tmp_path / "blank.txt"
    path.write_text(" \n\u00a0\n\t\n", encoding="utf-8")
    with pytest.raises(DocumentLoadError, match="no text") as exc:
        load_file(path)
    _assert_names_file(exc, path)


def test_binary_bytes_in_txt(tmp_path: Path) -> None:
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00")
    with pytest.raises(DocumentLoadError, match="binary") as exc:
        load_file(path)
    _assert_names_file(exc, path)


def test_undecodable_txt(tmp_path: Path) -> None:
    path = tmp_path / "legacy.txt"
    path.write_bytes("شبكة المدن القوية".encode("cp1256"))  # a legacy Arabic code page, not UTF-8
    with pytest.raises(DocumentLoadError, match="not valid UTF-8") as exc:
        load_file(path)
    _assert_names_file(exc, path)


def test_unsupported_suffix(tmp_path: Path) -> None:
    path = tmp_path / "data.xyz"
    path.write_text("whatever", encoding="utf-8")
    with pytest.raises(DocumentLoadError, match="not supported") as exc:
        load_file(path)
    _assert_names_file(exc, path)
    assert ".xyz" in str(exc.value)


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "gone.txt"
    with pytest.raises(DocumentLoadError, match="does not exist") as exc:
        load_file(path)
    _assert_names_file(exc, path)


def test_supported_suffixes() -> None:
    assert set(SUPPORTED_SUFFIXES) == {".md", ".txt", ".html", ".htm", ".pdf", ".docx", ".odt", ".pptx"}
