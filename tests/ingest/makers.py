"""Build real input documents inside the test run, with the tools that make them in the wild.

Chromium prints HTML to PDF (two CSS columns, dir=rtl, a running header and "صفحة N من M"
footer in the page margins); python-docx writes Word files (footnotes added as document XML,
as python-docx has no API for them); odfpy writes OpenDocument text; python-pptx writes slide
decks; LibreOffice (when installed) converts Word files to PDF; an image-only PDF stands for a
scan. Each maker returns the path it wrote.
"""

from __future__ import annotations

import html
import shutil
import subprocess
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SOFFICE = shutil.which("soffice")

needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="Chromium is not installed (make system-deps installs Debian's chromium)"
)
needs_libreoffice = pytest.mark.skipif(
    SOFFICE is None,
    reason="LibreOffice is not installed (make system-deps installs libreoffice-writer-nogui)",
)

# Eight short Arabic articles' worth of paragraphs: the same text goes into every format.
PARAGRAPHS = [
    "أطلقت شبكة المدن القوية في الأمم المتحدة في شهر أيلول/سبتمبر 2015، وهي الشبكة العالمية الأولى "
    "التي تضم رؤساء بلديات وصنّاع السياسات على المستوى البلدي. وقد عقدت القمة الخامسة (SCN) في كيب تاون.",
    "التُركية أولاً: يجب أن نعمل معًا. قال المشاركون إن التعاون مهمٌّ جدًّا في مواجهة التطرّف العنيف "
    "بكل أشكاله، وإن المدن هي خط الدفاع الأول.",
    "وتضمنت القمة حوارات بين رؤساء البلديات وجلسات مواضيعية موازية وتمارين على الطاولة لتبادل "
    "الابتكارات والنهج التي تقودها المدن في أكثر من 40 دولة.",
    "سلطت الجلسة الضوء على أن الثقة والشمولية والتواصل هي أسس تعزيز التنسيق الفعال بين أصحاب "
    "المصلحة الوطنيين والمحليين في جميع أنحاء العالم.",
    "شارك في ورشة العمل الإقليمية في كولومبو ما يقرب من 40 رئيس بلدية ومسؤولًا محليًا من بنغلاديش "
    "وجزر المالديف ونيبال وسريلانكا، وناقشوا دور المدن في منع خطاب الكراهية.",
    "ودعا إعلان ميلبورن لعام 2018 رؤساء البلديات إلى العمل مع الحكومات الوطنية، وإلى إشراك الشباب "
    "والنساء والمجتمع المدني في صياغة الاستراتيجيات المحلية للوقاية.",
]
TITLE = "إعلان ميلبورن لرؤساء البلديات"
HEADER = "شبكة المدن القوية — إعلان ميلبورن"


def chromium_pdf(
    path: Path,
    paragraphs: list[str] = PARAGRAPHS,
    *,
    columns: int = 2,
    repeat: int = 4,
    rtl: bool = True,
    title: str = TITLE,
    extra_css: str = "",
    body_html: str = "",
) -> Path:
    """Print an HTML page to PDF with headless Chromium: ``columns`` CSS columns, a running
    header and a «صفحة N من M» footer in the page margins (CSS page margin boxes)."""
    direction = "rtl" if rtl else "ltr"
    footer = (
        '"صفحة " counter(page) " من " counter(pages)'
        if rtl
        else '"Page " counter(page) " of " counter(pages)'
    )
    body = body_html or "".join(f"<p>{html.escape(p)}</p>" for _ in range(repeat) for p in paragraphs)
    lang = "ar" if rtl else "en"
    page = f"""<!DOCTYPE html><html lang="{lang}" dir="{direction}"><head><meta charset="utf-8">
<title>{html.escape(path.stem)}</title><style>
@page {{ size: A4; margin: 25mm 18mm;
  @top-center {{ content: "{HEADER if rtl else "Strong Cities Network"}"; font-size: 9pt; }}
  @bottom-center {{ content: {footer}; font-size: 9pt; }} }}
body {{ font-family: "DejaVu Sans"; font-size: 11pt; }}
.cols {{ column-count: {columns}; column-gap: 12mm; text-align: justify; }}
h1 {{ font-size: 16pt; }} {extra_css}
</style></head><body><h1>{html.escape(title)}</h1><div class="cols">{body}</div></body></html>"""
    source = path.with_suffix(".html")
    source.write_text(page, encoding="utf-8")
    assert CHROMIUM is not None
    subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
         f"--user-data-dir={path.parent / '.chromium'}", f"--print-to-pdf={path}", source.as_uri()],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    source.unlink()
    return path


def libreoffice_pdf(docx_path: Path) -> Path:
    """Convert a Word file to PDF with LibreOffice (justified Arabic gets kashida)."""
    assert SOFFICE is not None
    out = docx_path.parent / "lo-out"
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation={(docx_path.parent / '.lo-profile').as_uri()}", "--headless",
         "--convert-to", "pdf", "--outdir", str(out), str(docx_path)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    return out / (docx_path.stem + ".pdf")


W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _rtl(paragraph) -> None:
    from docx.oxml import OxmlElement

    paragraph._p.get_or_add_pPr().append(OxmlElement("w:bidi"))
    for run in paragraph.runs:
        run._r.get_or_add_rPr().append(OxmlElement("w:rtl"))


def _add_notes_part(document, kind: str, notes: dict[int, str]) -> None:
    """A footnotes/endnotes part written as XML (python-docx has no API for notes)."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    sup = '<w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
    items = "".join(
        f'<w:{kind} w:id="{i}"><w:p><w:pPr><w:bidi/></w:pPr><w:r>{sup}<w:{kind}Ref/></w:r>'
        f'<w:r><w:t xml:space="preserve"> {html.escape(text)}</w:t></w:r></w:p></w:{kind}>'
        for i, text in notes.items()
    )
    separators = "".join(
        f'<w:{kind} w:type="{name}" w:id="{i}"><w:p><w:r><w:{name}/></w:r></w:p></w:{kind}>'
        for i, name in ((-1, "separator"), (0, "continuationSeparator"))
    )
    xml = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:{kind}s xmlns:w="{W_NS}">'
        f"{separators}{items}</w:{kind}s>"
    )
    content_type = f"application/vnd.openxmlformats-officedocument.wordprocessingml.{kind}s+xml"
    part = Part(PackURI(f"/word/{kind}s.xml"), content_type, xml.encode("utf-8"), document.part.package)
    document.part.relate_to(part, RT.FOOTNOTES if kind == "footnote" else RT.ENDNOTES)


def _note_reference(paragraph, kind: str, note_id: int) -> None:
    from docx.oxml import parse_xml

    paragraph._p.append(parse_xml(
        f'<w:r xmlns:w="{W_NS}"><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
        f'<w:{kind}Reference w:id="{note_id}"/></w:r>'
    ))  # fmt: skip


def word_document(path: Path, *, title: str | None = "Word Document") -> Path:
    """A Word report: heading, body paragraphs, a footnote and an endnote, a numbered and a
    bulleted list, a table, a tracked insertion and deletion, RTL paragraphs; its title
    property defaults to LibreOffice's placeholder "Word Document"."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import parse_xml

    document = docx.Document()
    if title is not None:
        document.core_properties.title = title
    _rtl(document.add_heading(TITLE, level=1))
    first = document.add_paragraph(PARAGRAPHS[0])
    first.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY  # justified Arabic: LibreOffice stretches it with kashida
    _note_reference(first, "footnote", 1)
    _rtl(first)
    _rtl(document.add_heading("التوصيات", level=2))
    for text in ("إشراك الشباب في الوقاية.", "دعم المجتمع المدني.", "تبادل الممارسات الجيدة."):
        _rtl(document.add_paragraph(text, style="List Number"))
    for text in ("كولومبو", "ميلبورن"):
        _rtl(document.add_paragraph(text, style="List Bullet"))
    second = document.add_paragraph(PARAGRAPHS[1])
    _note_reference(second, "endnote", 1)
    _rtl(second)
    tracked = document.add_paragraph()
    tracked._p.append(parse_xml(
        f'<w:r xmlns:w="{W_NS}"><w:t xml:space="preserve">عقدت القمة في </w:t></w:r>'
    ))  # fmt: skip
    tracked._p.append(parse_xml(
        f'<w:del xmlns:w="{W_NS}" w:id="1" w:author="a" w:date="2024-01-01T00:00:00Z"><w:r>'
        '<w:delText xml:space="preserve">ديربان </w:delText></w:r></w:del>'
    ))  # fmt: skip
    tracked._p.append(parse_xml(
        f'<w:ins xmlns:w="{W_NS}" w:id="2" w:author="a" w:date="2024-01-01T00:00:00Z"><w:r>'
        '<w:t xml:space="preserve">كيب تاون </w:t></w:r></w:ins>'
    ))  # fmt: skip
    tracked._p.append(parse_xml(f'<w:r xmlns:w="{W_NS}"><w:t>عام 2024.</w:t></w:r>'))
    _rtl(tracked)
    table = document.add_table(rows=2, cols=2)
    table.style = "Table Grid"  # ruled, as Word's default table is
    table._tbl.tblPr.append(parse_xml(f'<w:bidiVisual xmlns:w="{W_NS}"/>'))  # a right-to-left table
    for r, (a, b) in enumerate((("المدينة", "التاريخ"), ("كيب تاون", "2024"))):
        table.rows[r].cells[0].text = a
        table.rows[r].cells[1].text = b
    for text in PARAGRAPHS[2:]:
        paragraph = document.add_paragraph(text)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        _rtl(paragraph)
    _add_notes_part(document, "footnote", {1: "انظر النص الكامل للإعلان على موقع الشبكة."})
    _add_notes_part(document, "endnote", {1: "حضر الاجتماع ممثلون عن 40 دولة."})
    document.save(str(path))
    return path


def odt_document(path: Path, *, title: str | None = None) -> Path:
    """An OpenDocument text written with odfpy: heading, paragraphs, a numbered list (its
    list style says «1.»), a footnote, a table."""
    from odf import dc, table, text
    from odf.opendocument import OpenDocumentText
    from odf.style import ListLevelProperties
    from odf.text import ListLevelStyleNumber, ListStyle

    document = OpenDocumentText()
    if title is not None:
        document.meta.addElement(dc.Title(text=title))
    numbered = ListStyle(name="Numbered")
    level = ListLevelStyleNumber(level=1, numformat="1", numsuffix=".")
    level.addElement(ListLevelProperties())
    numbered.addElement(level)
    document.automaticstyles.addElement(numbered)
    document.text.addElement(text.H(outlinelevel=1, text=TITLE))
    first = text.P(text=PARAGRAPHS[0])
    note = text.Note(id="ftn1", noteclass="footnote")
    note.addElement(text.NoteCitation(text="1"))
    body = text.NoteBody()
    body.addElement(text.P(text="انظر النص الكامل للإعلان على موقع الشبكة."))
    note.addElement(body)
    first.addElement(note)
    document.text.addElement(first)
    document.text.addElement(text.H(outlinelevel=2, text="التوصيات"))
    items = text.List(stylename=numbered)
    for item in ("إشراك الشباب في الوقاية.", "دعم المجتمع المدني."):
        li = text.ListItem()
        li.addElement(text.P(text=item))
        items.addElement(li)
    document.text.addElement(items)
    grid = table.Table(name="Cities")
    grid.addElement(table.TableColumn(numbercolumnsrepeated=2))
    for a, b in (("المدينة", "التاريخ"), ("كيب تاون", "2024")):
        row = table.TableRow()
        for value in (a, b):
            cell = table.TableCell()
            cell.addElement(text.P(text=value))
            row.addElement(cell)
        grid.addElement(row)
    document.text.addElement(grid)
    for paragraph in PARAGRAPHS[1:]:
        document.text.addElement(text.P(text=paragraph))
    document.save(str(path))
    return path


def slide_deck(path: Path) -> Path:
    """A python-pptx deck from an event: three slides with titles and bullet points, one table,
    speaker notes on the last."""
    from pptx import Presentation
    from pptx.util import Inches

    deck = Presentation()
    deck.core_properties.title = "PowerPoint Presentation"
    slides = [
        ("القمة العالمية الخامسة", [PARAGRAPHS[0]]),
        ("أبرز النتائج", [PARAGRAPHS[1], PARAGRAPHS[2]]),
        ("الخطوات التالية", [PARAGRAPHS[3]]),
    ]
    for i, (heading, points) in enumerate(slides):
        slide = deck.slides.add_slide(deck.slide_layouts[1])
        slide.shapes.title.text = heading
        frame = slide.placeholders[1].text_frame
        frame.text = points[0]
        for point in points[1:]:
            frame.add_paragraph().text = point
        if i == 1:
            shape = slide.shapes.add_table(2, 2, Inches(1), Inches(5.5), Inches(6), Inches(1))
            for r, (a, b) in enumerate((("المدينة", "التاريخ"), ("كيب تاون", "2024"))):
                shape.table.cell(r, 0).text = a
                shape.table.cell(r, 1).text = b
        if i == 2:
            slide.notes_slide.notes_text_frame.text = PARAGRAPHS[4]
    deck.save(str(path))
    return path


def scanned_pdf(path: Path, text_pdf: Path, *, dpi: int = 300) -> Path:
    """An image-only PDF (no text layer), as a scanner makes: every page of ``text_pdf``
    rendered to a greyscale image and saved back as a PDF of images with Pillow."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(text_pdf))
    images = [pdf[i].render(scale=dpi / 72, grayscale=True).to_pil().convert("L") for i in range(len(pdf))]
    pdf.close()
    images[0].save(path, "PDF", resolution=dpi, save_all=True, append_images=images[1:])
    return path


# --- plain documents from paragraphs (the benchmark's formats) -------------------------------


def docx_from_paragraphs(path: Path, paragraphs: list[str], *, justify: bool = True) -> Path:
    """A Word file with one right-to-left (justified) paragraph per item."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    document = docx.Document()
    for text in paragraphs:
        paragraph = document.add_paragraph(text)
        if justify:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        _rtl(paragraph)
    document.save(str(path))
    return path


def odt_from_paragraphs(path: Path, paragraphs: list[str]) -> Path:
    from odf import text
    from odf.opendocument import OpenDocumentText

    document = OpenDocumentText()
    for paragraph in paragraphs:
        document.text.addElement(text.P(text=paragraph))
    document.save(str(path))
    return path


def pptx_from_paragraphs(path: Path, paragraphs: list[str], per_slide: int = 3) -> Path:
    """A deck of text slides, ``per_slide`` paragraphs each (no slide titles)."""
    from pptx import Presentation
    from pptx.util import Inches

    deck = Presentation()
    for i in range(0, len(paragraphs), per_slide):
        slide = deck.slides.add_slide(deck.slide_layouts[6])  # blank
        box = slide.shapes.add_textbox(Inches(0.5), Inches(0.5), Inches(9), Inches(6.5))
        frame = box.text_frame
        frame.text = paragraphs[i]
        for text in paragraphs[i + 1 : i + per_slide]:
            frame.add_paragraph().text = text
    deck.save(str(path))
    return path
