"""OpenDocument text (.odt) files, read with odfpy: the same blocks as Word files.

Headings (``text:h`` with their outline level), paragraphs, lists with the numbers or bullets
their list style gives (:mod:`.numbering`), tables (one block per row, cells joined by `` | ``),
and notes (``text:note``: footnotes and endnotes) placed after their paragraph as «(1) …». The
text of tracked deletions lives apart from the body (``text:tracked-changes``) and is skipped,
so changes come out accepted. The title is the document's ``dc:title`` unless empty or a
placeholder, then the first heading.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from assistant.ingest.loaders import LoadedText, fail, short_error, usable_title
from assistant.ingest.loaders.numbering import ListCounter

TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
STYLE = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
_SKIPPED = {(TEXT, "tracked-changes"), (TEXT, "note"), (TEXT, "bookmark-ref"), (TEXT, "soft-page-break")}


def load_odt(path: Path) -> LoadedText:
    """An OpenDocument text: its blocks separated by blank lines, headings, title and metadata."""
    from odf.opendocument import load

    try:
        document = load(str(path))
    except Exception as exc:
        fail(path, f"it is not a valid OpenDocument text (.odt) file ({short_error(exc)})")
    reader = _Reader(document)
    blocks = reader.blocks(document.text)
    metadata: dict[str, Any] = {}
    meta_title = None
    for node in document.meta.childNodes:
        name = getattr(node, "qname", (None, None))[1]
        value = str(node).strip()
        if name == "title":
            meta_title = value
        elif name in ("creator", "subject", "language", "keyword") and value:
            metadata[{"creator": "author", "keyword": "keywords"}.get(name, name)] = value
    title = usable_title(meta_title, path) or (reader.headings[0][1] if reader.headings else None)
    return LoadedText(text="\n\n".join(blocks), title=title, metadata=metadata, headings=reader.headings)


class _Reader:
    def __init__(self, document: Any):
        self.list_styles = _list_styles(document)
        self.counter = ListCounter()
        self.headings: list[tuple[int, str]] = []
        self.notes = 0

    def blocks(self, node: Any) -> list[str]:
        out: list[str] = []
        for child in node.childNodes:
            qname = getattr(child, "qname", None)
            if qname is None or qname in _SKIPPED:
                continue
            ns, name = qname
            if ns == TEXT and name in ("p", "h"):
                out.extend(self.paragraph(child))
            elif ns == TEXT and name == "list":
                out.extend(self.list_blocks(child, child.getAttrNS(TEXT, "style-name") or "", 0))
            elif ns == TABLE and name == "table":
                out.extend(self.table(child))
            elif ns == TEXT and name == "section":
                out.extend(self.blocks(child))
        return out

    def list_blocks(self, node: Any, style: str, level: int) -> list[str]:
        """A list's items; nested lists are one level deeper and inherit the list style."""
        out: list[str] = []
        for item in node.childNodes:
            if getattr(item, "qname", None) in ((TEXT, "list-item"), (TEXT, "list-header")):
                out.extend(self.list_item(item, style, level, item.qname == (TEXT, "list-item")))
        return out

    def list_item(self, item: Any, style: str, level: int, numbered: bool) -> list[str]:
        out: list[str] = []
        first = True
        for child in item.childNodes:
            qname = getattr(child, "qname", None)
            if qname in ((TEXT, "p"), (TEXT, "h")) and first:
                label = ""
                if numbered:
                    info = self.list_styles.get(style, {}).get(level, {"format": "bullet", "text": "•"})
                    parents = [self.list_styles.get(style, {}).get(i, {}) for i in range(level)]
                    label = self.counter.label(style, level, {**info, "parents": parents})
                blocks = self.paragraph(child)
                if blocks and label:
                    blocks[0] = f"{label} {blocks[0]}"
                out.extend(blocks)
                first = False
            elif qname == (TEXT, "list"):
                out.extend(self.list_blocks(child, child.getAttrNS(TEXT, "style-name") or style, level + 1))
            elif qname is not None:
                out.extend(self.blocks(_Wrapper(child)))
        return out

    def paragraph(self, p: Any) -> list[str]:
        notes: list[str] = []
        text = " ".join(_text(p, notes).split())
        out = [text] if text else []
        if text and p.qname == (TEXT, "h"):
            level = p.getAttrNS(TEXT, "outline-level")
            self.headings.append((int(level) if level and str(level).isdigit() else 1, text))
        for note in notes:
            self.notes += 1
            out.append(f"({self.notes}) {note}")
        return out

    def table(self, table: Any) -> list[str]:
        rows: list[str] = []
        for row in _descendants(table, (TABLE, "table-row")):
            cells: list[str] = []
            for cell in row.childNodes:
                if getattr(cell, "qname", None) != (TABLE, "table-cell"):
                    continue
                notes: list[str] = []
                text = " ".join(
                    " ".join(_text(p, notes).split()) for p in _descendants(cell, (TEXT, "p"))
                ).strip()
                if text:
                    cells.append(text)
            if cells:
                rows.append(" | ".join(cells))
        return rows


class _Wrapper:
    """Lets ``_Reader.blocks`` read a single node as if it were the only child of a container."""

    def __init__(self, node: Any):
        self.childNodes = [node]


def _descendants(node: Any, qname: tuple[str, str]) -> list[Any]:
    out = []
    for child in node.childNodes:
        if getattr(child, "qname", None) == qname:
            out.append(child)
        elif getattr(child, "childNodes", None):
            out.extend(_descendants(child, qname))
    return out


def _text(node: Any, notes: list[str]) -> str:
    """A paragraph's text; the bodies of its notes are collected in ``notes``."""
    parts: list[str] = []
    for child in node.childNodes:
        if child.nodeType == child.TEXT_NODE:
            parts.append(child.data)
            continue
        qname = getattr(child, "qname", None)
        if qname == (TEXT, "s"):
            parts.append(" " * int(child.getAttrNS(TEXT, "c") or 1))
        elif qname in ((TEXT, "tab"), (TEXT, "line-break")):
            parts.append(" ")
        elif qname == (TEXT, "note"):
            for body in child.childNodes:
                if getattr(body, "qname", None) == (TEXT, "note-body"):
                    note = " ".join(
                        " ".join(_text(p, notes).split()) for p in _descendants(body, (TEXT, "p"))
                    )
                    if note.strip():
                        notes.append(note.strip())
        elif qname in _SKIPPED:
            continue
        else:
            parts.append(_text(child, notes))
    return "".join(parts)


def _list_styles(document: Any) -> dict[str, dict[int, dict[str, Any]]]:
    """List style name -> level -> {format, text (template or bullet), start}."""
    out: dict[str, dict[int, dict[str, Any]]] = {}
    for root in (document.automaticstyles, document.styles):
        for style in root.childNodes:
            if getattr(style, "qname", None) != (TEXT, "list-style"):
                continue
            levels: dict[int, dict[str, Any]] = {}
            for lvl in style.childNodes:
                qname = getattr(lvl, "qname", None)
                level = int(lvl.getAttrNS(TEXT, "level") or 1) - 1 if qname else 0
                if qname == (TEXT, "list-level-style-number"):
                    fmt = lvl.getAttrNS(STYLE, "num-format") or ""
                    prefix = lvl.getAttrNS(STYLE, "num-prefix") or ""
                    suffix = lvl.getAttrNS(STYLE, "num-suffix") or ""
                    shown = int(lvl.getAttrNS(TEXT, "display-levels") or 1)
                    template = ".".join(f"%{i + 1}" for i in range(level - shown + 1, level + 1))
                    levels[level] = {
                        "format": fmt if fmt else "none",
                        "text": f"{prefix}{template}{suffix}",
                        "start": int(lvl.getAttrNS(TEXT, "start-value") or 1),
                    }
                elif qname == (TEXT, "list-level-style-bullet"):
                    levels[level] = {"format": "bullet", "text": lvl.getAttrNS(TEXT, "bullet-char") or "•"}
            out[style.getAttrNS(STYLE, "name")] = levels
    return out
