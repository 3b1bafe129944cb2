"""Word (.docx) files: paragraphs and table rows in document order, title and core properties.

Each paragraph is a block; each table row is one block with its cells joined by `` | ``. The
title is the document's title property, or else its first Heading/Title-styled paragraph.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from assistant.ingest.loaders import LoadedText, fail, short_error


def load_docx(path: Path) -> LoadedText:
    """A Word document: its blocks separated by blank lines, title and core properties."""
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(str(path))
    except Exception as exc:
        fail(path, f"it is not a valid Word (.docx) document ({short_error(exc)})")

    blocks: list[str] = []
    first_heading: str | None = None
    for item in document.iter_inner_content():
        if isinstance(item, Paragraph):
            text = item.text.strip()
            if not text:
                continue
            style = (item.style.name if item.style is not None else "") or ""
            if first_heading is None and (style.startswith("Heading") or style == "Title"):
                first_heading = text
            blocks.append(text)
        elif isinstance(item, Table):
            for row in item.rows:
                cells: list[str] = []
                for cell in row.cells:
                    text = " ".join(cell.text.split())
                    if text and (not cells or cells[-1] != text):  # merged cells repeat their text
                        cells.append(text)
                if cells:
                    blocks.append(" | ".join(cells))

    props = document.core_properties
    metadata: dict[str, Any] = {}
    for key in ("author", "subject", "keywords", "language", "category"):
        value = getattr(props, key, None)
        if value:
            metadata[key] = value
    for key in ("created", "modified"):
        value = getattr(props, key, None)
        if value:
            metadata[key] = value.isoformat()
    title = (props.title or "").strip() or first_heading
    return LoadedText(text="\n\n".join(blocks), title=title, metadata=metadata)
