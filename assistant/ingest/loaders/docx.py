"""Word (.docx) files: headings, paragraphs, numbered lists, tables and notes, in document order.

python-docx opens the package; the body is read from its XML so that nothing python-docx's
paragraph text leaves out is lost:

* **Tracked changes** are taken as accepted: inserted text is read, deleted and moved-away text
  is not.
* **Lists** keep their numbers and bullets as Word shows them («1.», «أ-», «iii)», «•»): the
  numbering definitions (numbering.xml) are followed level by level (:mod:`.numbering`).
* **Footnotes and endnotes** are read from their parts and placed right after the paragraph
  that refers to them, as «(1) note text»; the reference mark itself is not glued into the
  sentence.
* **Tables**: each row is one block, its cells joined by `` | ``.
* **Headings** (Title and Heading styles, or an outline level) are listed with their level.

The title is the document's title property unless it is empty or a placeholder ("Word
Document", as LibreOffice writes), then the first heading; the corpus falls back to the
first line.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from assistant.ingest.loaders import LoadedText, fail, short_error, usable_title
from assistant.ingest.loaders.numbering import ListCounter, format_number

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_FOOTNOTES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"
_ENDNOTES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/endnotes"
_SKIPPED = {f"{W}del", f"{W}moveFrom", f"{W}instrText", f"{W}delText", f"{W}fldChar", f"{W}rPr", f"{W}pPr"}
_HEADING_STYLE = re.compile(r"^(?:heading|titre|überschrift|عنوان)\s*(\d)$", re.IGNORECASE)


def load_docx(path: Path) -> LoadedText:
    """A Word document: its blocks separated by blank lines, headings, title and properties."""
    import docx

    try:
        document = docx.Document(str(path))
    except Exception as exc:
        fail(path, f"it is not a valid Word (.docx) document ({short_error(exc)})")

    reader = _Reader(document)
    blocks = reader.read(document.element.body)
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
    title = usable_title(props.title, path) or (reader.headings[0][1] if reader.headings else None)
    return LoadedText(text="\n\n".join(blocks), title=title, metadata=metadata, headings=reader.headings)


class _Reader:
    def __init__(self, document: Any):
        self.styles = _styles(document)
        self.numbering = _Numbering(document)
        self.counter = ListCounter()
        self.notes = {
            "footnote": _notes(document, _FOOTNOTES, "footnote"),
            "endnote": _notes(document, _ENDNOTES, "endnote"),
        }
        self.note_numbers: dict[tuple[str, str], int] = {}
        self.headings: list[tuple[int, str]] = []

    def read(self, body: Any) -> list[str]:
        blocks: list[str] = []
        for child in body.iterchildren():
            if child.tag == f"{W}p":
                blocks.extend(self.paragraph(child))
            elif child.tag == f"{W}tbl":
                blocks.extend(self.table(child))
            elif child.tag == f"{W}sdt":  # content control: its content is ordinary body content
                content = child.find(f"{W}sdtContent")
                if content is not None:
                    blocks.extend(self.read(content))
        return blocks

    def paragraph(self, p: Any) -> list[str]:
        refs: list[tuple[str, str]] = []
        text = " ".join(_text(p, refs).split())
        style = _style_id(p)
        level = self.heading_level(p, style)
        out: list[str] = []
        if text:
            num = self.numbering.of(p, self.styles.get(style, {}))
            if num is not None and level is None:
                label = self.counter.label(num[0], num[1], self.numbering.level(*num))
                if label:
                    text = f"{label} {text}"
            if level is not None:
                self.headings.append((level, text))
            out.append(text)
        for kind, note_id in refs:
            note = self.notes[kind].get(note_id)
            if note:
                number = self.note_numbers.setdefault((kind, note_id), len(self.note_numbers) + 1)
                out.append(f"({number}) {note}")
        return out

    def heading_level(self, p: Any, style: str | None) -> int | None:
        outline = p.find(f"{W}pPr/{W}outlineLvl")
        if outline is not None and outline.get(f"{W}val", "").isdigit() and int(outline.get(f"{W}val")) < 9:
            return int(outline.get(f"{W}val")) + 1
        info = self.styles.get(style or "", {})
        return info.get("heading")

    def table(self, tbl: Any) -> list[str]:
        rows: list[str] = []
        for tr in tbl.iter(f"{W}tr"):
            cells: list[str] = []
            for tc in tr.iterchildren(f"{W}tc"):
                refs: list[tuple[str, str]] = []
                text = " ".join(" ".join(_text(p, refs).split()) for p in tc.iter(f"{W}p")).strip()
                if text and (not cells or cells[-1] != text):  # merged cells repeat their text
                    cells.append(text)
            if cells:
                rows.append(" | ".join(cells))
        return rows


def _text(p: Any, refs: list[tuple[str, str]]) -> str:
    """The visible text of a paragraph with tracked changes accepted; note references are
    collected in ``refs`` as (footnote|endnote, id)."""
    parts: list[str] = []

    def walk(el: Any) -> None:
        for child in el.iterchildren():
            tag = child.tag
            if not isinstance(tag, str) or tag in _SKIPPED:
                continue
            if tag == f"{W}t":
                parts.append(child.text or "")
            elif tag in (f"{W}tab", f"{W}br", f"{W}cr"):
                parts.append(" ")
            elif tag == f"{W}noBreakHyphen":
                parts.append("-")
            elif tag == f"{W}footnoteReference":
                refs.append(("footnote", child.get(f"{W}id", "")))
            elif tag == f"{W}endnoteReference":
                refs.append(("endnote", child.get(f"{W}id", "")))
            elif tag == f"{W}p" and parts:  # a paragraph inside a text box
                parts.append(" ")
                walk(child)
            else:
                walk(child)

    walk(p)
    return "".join(parts)


def _style_id(p: Any) -> str | None:
    style = p.find(f"{W}pPr/{W}pStyle")
    return style.get(f"{W}val") if style is not None else None


def _styles(document: Any) -> dict[str, dict[str, Any]]:
    """Paragraph style id -> {"heading": level, "numPr": element}, following based-on styles."""
    raw: dict[str, Any] = {}
    try:
        root = document.styles.element
    except Exception:
        return {}
    for style in root.iterchildren(f"{W}style"):
        if style.get(f"{W}type") == "paragraph" and style.get(f"{W}styleId"):
            raw[style.get(f"{W}styleId")] = style
    resolved: dict[str, dict[str, Any]] = {}

    def resolve(style_id: str, depth: int = 0) -> dict[str, Any]:
        if style_id in resolved:
            return resolved[style_id]
        style = raw.get(style_id)
        info: dict[str, Any] = {}
        if style is None or depth > 10:
            return info
        based = style.find(f"{W}basedOn")
        if based is not None:
            info.update(resolve(based.get(f"{W}val", ""), depth + 1))
        name_el = style.find(f"{W}name")
        name = name_el.get(f"{W}val", "") if name_el is not None else ""
        match = _HEADING_STYLE.match(name) or _HEADING_STYLE.match(style_id)
        if match:
            info["heading"] = int(match.group(1))
        elif name.lower() == "title" or style_id.lower() == "title":
            info["heading"] = 1
        outline = style.find(f"{W}pPr/{W}outlineLvl")
        if outline is not None and outline.get(f"{W}val", "").isdigit() and int(outline.get(f"{W}val")) < 9:
            info["heading"] = int(outline.get(f"{W}val")) + 1
        num = style.find(f"{W}pPr/{W}numPr")
        if num is not None:
            info["numPr"] = num
        resolved[style_id] = info
        return info

    for style_id in raw:
        resolve(style_id)
    return resolved


class _Numbering:
    """numbering.xml: which list (numId) and level a paragraph is on, and that level's format."""

    def __init__(self, document: Any):
        self.levels: dict[tuple[str, int], dict[str, Any]] = {}
        try:
            root = document.part.numbering_part.element
        except Exception:  # no numbering part
            return
        abstract: dict[str, dict[int, dict[str, Any]]] = {}
        for node in root.iterchildren(f"{W}abstractNum"):
            levels: dict[int, dict[str, Any]] = {}
            for lvl in node.iterchildren(f"{W}lvl"):
                levels[int(lvl.get(f"{W}ilvl", "0"))] = _level(lvl)
            abstract[node.get(f"{W}abstractNumId", "")] = levels
        for num in root.iterchildren(f"{W}num"):
            ref = num.find(f"{W}abstractNumId")
            levels = dict(abstract.get(ref.get(f"{W}val", "") if ref is not None else "", {}))
            for override in num.iterchildren(f"{W}lvlOverride"):
                ilvl = int(override.get(f"{W}ilvl", "0"))
                lvl = override.find(f"{W}lvl")
                if lvl is not None:
                    levels[ilvl] = _level(lvl)
                start = override.find(f"{W}startOverride")
                if start is not None and ilvl in levels:
                    levels[ilvl] = {**levels[ilvl], "start": int(start.get(f"{W}val", "1"))}
            for ilvl, info in levels.items():
                self.levels[(num.get(f"{W}numId", ""), ilvl)] = info

    def of(self, p: Any, style: dict[str, Any]) -> tuple[str, int] | None:
        num_pr = p.find(f"{W}pPr/{W}numPr")
        if num_pr is None:
            num_pr = style.get("numPr")
        if num_pr is None:
            return None
        num_id = num_pr.find(f"{W}numId")
        ilvl = num_pr.find(f"{W}ilvl")
        num = num_id.get(f"{W}val", "0") if num_id is not None else "0"
        level = int(ilvl.get(f"{W}val", "0")) if ilvl is not None else 0
        if num == "0" or (num, level) not in self.levels:
            return None
        return num, level

    def level(self, num: str, level: int) -> dict[str, Any]:
        info = dict(self.levels[(num, level)])
        info["parents"] = [self.levels.get((num, i), {}) for i in range(level)]
        return info


def _level(lvl: Any) -> dict[str, Any]:
    def val(tag: str, default: str) -> str:
        el = lvl.find(f"{W}{tag}")
        return el.get(f"{W}val", default) if el is not None else default

    return {
        "format": val("numFmt", "decimal"),
        "text": val("lvlText", "%1."),
        "start": int(val("start", "1")),
    }


def _notes(document: Any, reltype: str, kind: str) -> dict[str, str]:
    """id -> text of the footnotes or endnotes part (separators and continuation notices aside)."""
    from lxml import etree

    for rel in document.part.rels.values():
        if rel.reltype == reltype and not rel.is_external:
            try:
                root = etree.fromstring(rel.target_part.blob)
            except Exception:
                return {}
            notes: dict[str, str] = {}
            for note in root.iterchildren(f"{W}{kind}"):
                if note.get(f"{W}type") in ("separator", "continuationSeparator", "continuationNotice"):
                    continue
                text = " ".join(" ".join(_text(p, []).split()) for p in note.iter(f"{W}p")).strip()
                if text:
                    notes[note.get(f"{W}id", "")] = text
            return notes
    return {}


__all__ = ["load_docx", "format_number"]
