"""PowerPoint (.pptx) slide decks, read with python-pptx: one page per slide.

Each slide's title is a heading (level 2; the deck's title is level 1 when it has one); the other
text frames follow in reading order (top to bottom, then right to left on an Arabic slide, left
to right otherwise), one block per paragraph, bulleted or numbered paragraphs keeping a «•»;
tables give one block per row, cells joined by `` | ``; grouped shapes are read inside their
group; the speaker notes close the slide. Slides are separated by form feeds, so citations carry
the slide number as their page.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from assistant.ingest.loaders import LoadedText, fail, short_error, usable_title
from assistant.ingest.loaders.bidi import majority_is_rtl

_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"


def load_pptx(path: Path) -> LoadedText:
    """A slide deck: slides separated by form feeds, slide titles as headings."""
    from pptx import Presentation

    try:
        deck = Presentation(str(path))
    except Exception as exc:
        fail(path, f"it is not a valid PowerPoint (.pptx) file ({short_error(exc)})")
    pages: list[str] = []
    headings: list[tuple[int, str]] = []
    for slide in deck.slides:
        blocks: list[str] = []
        title_shape = slide.shapes.title
        if title_shape is not None and title_shape.has_text_frame:
            title = " ".join(title_shape.text_frame.text.split())
            if title:
                headings.append((2, title))
                blocks.append(title)
        body = [s for s in slide.shapes if title_shape is None or s.shape_id != title_shape.shape_id]
        blocks.extend(_shapes(body))
        if slide.has_notes_slide and slide.notes_slide.notes_text_frame is not None:
            notes = " ".join(slide.notes_slide.notes_text_frame.text.split())
            if notes:
                blocks.append(notes)
        pages.append("\n\n".join(blocks))
    props = deck.core_properties
    metadata: dict[str, Any] = {}
    for key in ("author", "subject", "keywords", "language", "category"):
        value = getattr(props, key, None)
        if value:
            metadata[key] = value
    title = usable_title(props.title, path) or (headings[0][1] if headings else None)
    text = "\n\n\f".join(pages)
    return LoadedText(text=text, title=title, metadata=metadata, headings=headings, pages=len(pages))


def _shapes(shapes: list[Any]) -> list[str]:
    """The text of shapes in reading order (rows of shapes top to bottom, direction by script)."""
    texts = [(shape, _shape_blocks(shape)) for shape in shapes]
    texts = [(shape, blocks) for shape, blocks in texts if blocks]
    rtl = majority_is_rtl(" ".join(b for _, blocks in texts for b in blocks))

    def key(item: tuple[Any, list[str]]) -> tuple[int, int]:
        shape = item[0]
        top = int(shape.top or 0) // 300_000  # shapes within ~0.3 inch of each other share a row
        left = int(shape.left or 0)
        return top, -left if rtl else left

    return [b for _, blocks in sorted(texts, key=key) for b in blocks]


def _shape_blocks(shape: Any) -> list[str]:
    if shape.shape_type is not None and getattr(shape, "shapes", None) is not None:  # a group
        return _shapes(list(shape.shapes))
    if getattr(shape, "has_table", False) and shape.has_table:
        rows = []
        for row in shape.table.rows:
            cells = [" ".join(cell.text.split()) for cell in row.cells]
            cells = [c for c in cells if c]
            if cells:
                rows.append(" | ".join(cells))
        return rows
    if not getattr(shape, "has_text_frame", False) or not shape.has_text_frame:
        return []
    blocks = []
    for paragraph in shape.text_frame.paragraphs:
        text = " ".join(paragraph.text.split())
        if not text:
            continue
        ppr = paragraph._p.pPr
        if ppr is not None and (
            ppr.find(f"{_A}buChar") is not None or ppr.find(f"{_A}buAutoNum") is not None
        ):
            text = f"• {text}"
        blocks.append(text)
    return blocks
