"""Read a document file of a supported format into plain text.

``load_file`` dispatches on the file suffix and returns a :class:`LoadedText`. Every failure
(missing, empty, corrupt, encrypted or binary file, unsupported suffix, no extractable text)
raises :class:`~assistant.errors.DocumentLoadError` with a message that names the file and
says what is wrong in plain words, so ingestion can report it and go on with the next file.

PDF text and Arabic
-------------------
A PDF stores positioned glyphs, not a string. pdfplumber (MIT) groups the characters of a
page into lines and orders each line left to right by position, i.e. in *visual* order, so
an Arabic line comes out reversed. We turn each line back into *logical* (reading) order by
running a small implementation of the Unicode Bidirectional Algorithm (UAX #9: weak-type,
neutral and implicit-level rules, then rule L2 reordering) over the visual string. For the
text of ordinary documents (no explicit embeddings) that algorithm is its own inverse: Arabic
runs are reversed while numbers and Latin runs keep their left-to-right order. The base
direction of a line is taken from its strong characters (Arabic-only lines are right to
left, lines without Arabic left to right, mixed lines follow the majority). Finally Arabic
presentation-form glyphs (U+FB50-U+FDFF, U+FE70-U+FEFE), which some PDF producers map their
glyphs to, are folded back to the normal letters with NFKC; this happens after reordering so
that ligatures such as LAM-ALEF expand in the right order.
"""

from __future__ import annotations

import bisect
import codecs
import datetime as _dt
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

from assistant.errors import DocumentLoadError

SUPPORTED_SUFFIXES: tuple[str, ...] = (".md", ".txt", ".html", ".htm", ".pdf", ".docx")


@dataclass
class LoadedText:
    """The raw text of one file (before boilerplate cleaning) with what the file says about itself."""

    text: str
    title: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)


def load_file(path: Path) -> LoadedText:
    """Load ``path`` and return its text; raise ``DocumentLoadError`` if it cannot be read."""
    path = Path(path)
    suffix = path.suffix.lower()
    loader = _LOADERS.get(suffix)
    if loader is None:
        supported = ", ".join(SUPPORTED_SUFFIXES)
        shown = f"'{suffix}'" if suffix else "no extension"
        _fail(path, f"the file type ({shown}) is not supported; supported types are {supported}")
    if not path.exists():
        _fail(path, "the file does not exist")
    if not path.is_file():
        _fail(path, "it is not a regular file")
    try:
        size = path.stat().st_size
    except OSError as exc:
        _fail(path, f"the file cannot be accessed ({exc.strerror or exc})")
    if size == 0:
        _fail(path, "the file is empty")

    loaded = loader(path)
    loaded.text = _normalise_newlines(loaded.text)
    if not loaded.text.strip():
        _fail(path, "it contains no text")
    if loaded.title is not None:
        loaded.title = " ".join(loaded.title.split()) or None
    return loaded


def _fail(path: Path, reason: str) -> NoReturn:
    raise DocumentLoadError(f"Could not read '{path.name}': {reason}.")


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")


# --------------------------------------------------------------------------------------------
# Plain text and Markdown
# --------------------------------------------------------------------------------------------

# Checked longest first: the UTF-32 LE BOM starts with the UTF-16 LE one.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# C0 control characters that never occur in text files (tab, newlines and form feed do).
_BINARY_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1a\x1c-\x1f]")


def _read_text_file(path: Path) -> str:
    """Decode a text file: UTF-8 (with or without BOM), or UTF-16/UTF-32 with a BOM."""
    data = _read_bytes(path)
    encoding = "utf-8"
    for bom, name in _BOMS:
        if data.startswith(bom):
            encoding = name
            break
    if encoding == "utf-8" and b"\x00" in data:
        _fail(path, "it looks like a binary file, not text (it contains NUL bytes)")
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        label = "UTF-8" if encoding.startswith("utf-8") else encoding.upper()
        _fail(
            path,
            f"it is not valid {label} text (undecodable bytes at position {exc.start}); "
            "save it as UTF-8 and try again",
        )
    if _BINARY_CONTROLS.search(text):
        _fail(path, "it looks like a binary file, not text (it contains control characters)")
    return text


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        _fail(path, f"the file cannot be read ({exc.strerror or exc})")


def _load_txt(path: Path) -> LoadedText:
    return LoadedText(text=_read_text_file(path))


def _metadata_value(value: Any) -> Any:
    """YAML turns ``date: 2024-12-03`` into a date object; keep dates as ISO 8601 strings."""
    if isinstance(value, _dt.datetime | _dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return [_metadata_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _metadata_value(v) for k, v in value.items()}
    return value


_MD_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)


def _load_md(path: Path) -> LoadedText:
    import frontmatter

    raw = _read_text_file(path)
    try:
        post = frontmatter.loads(raw)
    except Exception as exc:  # yaml errors come in several classes
        _fail(path, f"its front matter is not valid YAML ({_short(exc)})")
    if not isinstance(post.metadata, dict):
        _fail(path, "its front matter is not a mapping of keys to values")
    metadata = {str(k): _metadata_value(v) for k, v in post.metadata.items()}
    title = metadata.get("title")
    if not isinstance(title, str) or not title.strip():
        heading = _MD_HEADING.search(post.content)
        title = heading.group(1) if heading else None
    return LoadedText(text=post.content, title=title, metadata=metadata)


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 160 else text[:157] + "..."


# --------------------------------------------------------------------------------------------
# HTML
# --------------------------------------------------------------------------------------------

# Elements whose text is never article text; removed by the fallback extractor.
_HTML_DROP = ("script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form")
_HTML_BLOCKS = (
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "td", "th", "dt", "dd",
    "figcaption", "caption",
)  # fmt: skip


def _load_html(path: Path) -> LoadedText:
    import trafilatura
    from trafilatura.metadata import extract_metadata

    html = _read_text_file(path)
    if not html.strip():
        _fail(path, "it contains no text")
    try:
        tree = trafilatura.load_html(html)
    except Exception as exc:
        _fail(path, f"it is not valid HTML ({_short(exc)})")
    if tree is None:
        _fail(path, "it is not valid HTML")

    title: str | None = None
    metadata: dict[str, Any] = {}
    try:
        # Only dates the page's markup states (meta tags, <time>): the extensive search
        # guesses from any year in the text, e.g. a copyright line.
        meta = extract_metadata(
            tree, date_config={"extensive_search": False, "original_date": True}, extensive=False
        )
    except Exception:  # metadata is a bonus; never fail the file for it
        meta = None
    if meta is not None:
        title = meta.title or None
        for key in ("author", "date", "sitename", "description", "url"):
            value = getattr(meta, key, None)
            if value:
                metadata[key] = value

    text = None
    try:
        # include_comments=False: reader comments are not article text.
        text = trafilatura.extract(
            html, include_comments=False, include_tables=True, favor_precision=True, deduplicate=False
        )
    except Exception:
        text = None
    if text and text.strip():
        # trafilatura writes one block element (paragraph, heading, list item) per line;
        # separate them by blank lines like the other formats.
        blocks = [line.strip() for line in text.split("\n")]
        text = "\n\n".join(b for b in blocks if b)
    else:
        text = _html_fallback_text(html)
    if title is None:
        title = _html_title(html)
    return LoadedText(text=text or "", title=title, metadata=metadata)


def _html_fallback_text(html: str) -> str:
    """Text of the block elements outside nav/header/footer/aside/form, one per paragraph."""
    import lxml.html

    try:
        root = lxml.html.document_fromstring(html)
    except Exception:
        return ""
    for el in list(root.iter(*_HTML_DROP)):
        if el.getparent() is not None:
            el.drop_tree()
    blocks: list[str] = []
    for el in root.iter(*_HTML_BLOCKS):
        # Skip blocks nested in another block (e.g. <p> inside <li>): the outer one has the text.
        if any(anc.tag in _HTML_BLOCKS for anc in el.iterancestors()):
            continue
        text = " ".join(el.text_content().split())
        if text:
            blocks.append(text)
    if not blocks:
        body = root.find("body")
        node = body if body is not None else root
        blocks = [" ".join(line.split()) for line in node.text_content().splitlines()]
    return "\n\n".join(b for b in blocks if b)


def _html_title(html: str) -> str | None:
    import lxml.html

    try:
        root = lxml.html.document_fromstring(html)
    except Exception:
        return None
    for xpath in ("//title", "//h1"):
        for el in root.xpath(xpath):
            text = " ".join(el.text_content().split())
            if text:
                return text
    return None


# --------------------------------------------------------------------------------------------
# Word
# --------------------------------------------------------------------------------------------


def _load_docx(path: Path) -> LoadedText:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(str(path))
    except Exception as exc:
        _fail(path, f"it is not a valid Word (.docx) document ({_short(exc)})")

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


# --------------------------------------------------------------------------------------------
# PDF
# --------------------------------------------------------------------------------------------


def _load_pdf(path: Path) -> LoadedText:
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    if b"%PDF-" not in _read_head(path):  # the header may follow some junk bytes
        _fail(path, "it is not a PDF file (the PDF header is missing)")
    pages: list[str] = []
    try:
        with pdfplumber.open(str(path)) as pdf:
            info = pdf.metadata or {}
            page_count = len(pdf.pages)
            for page in pdf.pages:
                page_text = _pdf_page_text(page)
                if page_text:
                    pages.append(page_text)
    except DocumentLoadError:
        raise
    except Exception as exc:
        # pdfplumber wraps pdfminer's errors in PdfminerException(original).
        cause = exc.args[0] if exc.args and isinstance(exc.args[0], Exception) else exc
        if isinstance(cause, PDFPasswordIncorrect):
            _fail(path, "the PDF is encrypted (password-protected)")
        if isinstance(cause, PDFEncryptionError):
            _fail(path, f"the PDF uses an encryption that cannot be opened ({_short(cause)})")
        _fail(path, f"the PDF is damaged or not a valid PDF ({_short(cause)})")

    if not pages:
        _fail(path, "the PDF has no extractable text (it may be scanned images; OCR is not supported)")
    title = info.get("Title") if isinstance(info.get("Title"), str) else None
    metadata: dict[str, Any] = {}
    for src, dst in (("Author", "author"), ("Subject", "subject"), ("Keywords", "keywords")):
        value = info.get(src)
        if isinstance(value, str) and value.strip():
            metadata[dst] = value.strip()
    metadata["pages"] = page_count
    return LoadedText(text="\n\n".join(pages), title=title or None, metadata=metadata)


def _read_head(path: Path, size: int = 1024) -> bytes:
    try:
        with path.open("rb") as fh:
            return fh.read(size)
    except OSError as exc:
        _fail(path, f"the file cannot be read ({exc.strerror or exc})")


def _pdf_page_text(page: Any) -> str:
    """The text of one page in logical order, lines separated by newlines."""
    from pdfplumber.utils import extract_text

    chars = _attach_marks(page.dedupe_chars().chars)
    # A glyph whose Unicode mapping is several characters (a LAM-ALEF ligature, a letter with
    # its marks) is one visual unit; write its characters in visual order too, so that
    # reversing the line puts them back in logical order.
    chars = [_visually_ordered_glyph(c) for c in chars]
    raw = extract_text(chars) or ""
    lines = raw.split("\n")
    hint = _majority_direction("".join(lines))
    logical = (visual_to_logical(line, default_rtl=hint).strip() for line in lines)
    return "\n".join(line for line in logical if line)


def _is_mark_text(text: str) -> bool:
    return bool(text) and all(unicodedata.category(ch) in ("Mn", "Me") for ch in text)


def _is_rtl_text(text: str) -> bool:
    return any(_bidi_class(ch) in ("R", "AL") for ch in text)


def _visually_ordered_glyph(char: dict[str, Any]) -> dict[str, Any]:
    text = char["text"]
    if len(text) > 1 and _is_rtl_text(text):
        char = {**char, "text": text[::-1]}
    return char


def _attach_marks(chars: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Merge each Arabic combining mark (shadda, tanween, ...) into the letter it sits on.

    Marks are zero-width glyphs drawn over a letter; sorted by position they may land on
    either side of it, which after reordering would move them onto the neighbouring letter.
    A mark is given to the Arabic letter on the same line whose left edge (where the pen
    stood when both were drawn) is nearest to the mark's origin.
    """
    marks = [i for i, c in enumerate(chars) if _is_mark_text(c["text"])]
    if not marks:
        return chars
    merged: dict[int, str] = {}
    absorbed: set[int] = set()
    bases = sorted(
        (i for i, c in enumerate(chars) if not _is_mark_text(c["text"]) and _is_rtl_text(c["text"])),
        key=lambda i: chars[i]["x0"],
    )
    base_x0 = [chars[i]["x0"] for i in bases]
    widest = max((chars[i]["x1"] - chars[i]["x0"] for i in bases), default=0.0)
    for m in marks:
        mark = chars[m]
        tolerance = max(1.0, 0.25 * float(mark.get("size") or 0))
        best: int | None = None
        best_distance = float("inf")
        # Only letters whose left edge is within one glyph width of the mark can hold it.
        lo = bisect.bisect_left(base_x0, mark["x0"] - tolerance - widest)
        hi = bisect.bisect_right(base_x0, mark["x0"] + tolerance)
        for b in bases[lo:hi]:
            base = chars[b]
            overlap = min(base["bottom"], mark["bottom"]) - max(base["top"], mark["top"])
            if overlap <= 0.3 * min(base["bottom"] - base["top"], mark["bottom"] - mark["top"]):
                continue  # not on the same line
            if not base["x0"] - tolerance <= mark["x0"] <= base["x1"] + tolerance:
                continue
            distance = abs(base["x0"] - mark["x0"])
            if distance < best_distance:
                best, best_distance = b, distance
        if best is not None:
            merged[best] = merged.get(best, chars[best]["text"]) + mark["text"]
            absorbed.add(m)
    out: list[dict[str, Any]] = []
    for i, c in enumerate(chars):
        if i in absorbed:
            continue
        out.append({**c, "text": merged[i]} if i in merged else c)
    return out


def _majority_direction(text: str) -> bool:
    """True when right-to-left letters outnumber left-to-right ones (ties count as RTL)."""
    classes = [_bidi_class(ch) for ch in text]
    return sum(c in ("R", "AL") for c in classes) >= classes.count("L")


# --- visual -> logical order (a subset of UAX #9, enough for text without explicit embeddings) ---

_EXPLICIT_FORMATTING = frozenset({"LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI"})
_NEUTRALS = frozenset({"B", "S", "WS", "ON"})


def _bidi_class(ch: str) -> str:
    return unicodedata.bidirectional(ch) or "L"  # unassigned code points count as L


def visual_to_logical(line: str, default_rtl: bool | None = None) -> str:
    """Turn one line of text read in visual (left-to-right display) order into logical order.

    Lines without right-to-left characters are returned unchanged. The line's base direction
    comes from its strong characters: the first one of a left-to-right line is its leftmost,
    that of a right-to-left line its rightmost, so when both ends agree they give the
    direction. Otherwise the line alone cannot tell, and ``default_rtl`` (e.g. the direction
    of most of the page) decides, or failing that the line's own majority. Arabic
    presentation forms are folded to normal letters afterwards (see the module docstring).
    """
    classes = [_bidi_class(c) for c in line]
    if not any(c in ("R", "AL") for c in classes):
        return _fold_presentation_forms(line)
    chars = [c for c, k in zip(line, classes, strict=True) if k not in _EXPLICIT_FORMATTING]
    original = [_bidi_class(c) for c in chars]
    types = list(original)
    base = 1 if _line_is_rtl(types, default_rtl) else 0
    edge = "R" if base else "L"
    size = len(types)

    # W1: a non-spacing mark (and, as X9 would drop them, boundary neutrals such as ZWJ/ZWNJ)
    # takes the type of the character before it.
    prev = edge
    for i, t in enumerate(types):
        if t in ("NSM", "BN"):
            types[i] = prev
        else:
            prev = t
    # W2: European digits after Arabic letters are Arabic numbers.
    last_strong = edge
    for i, t in enumerate(types):
        if t in ("L", "R", "AL"):
            last_strong = t
        elif t == "EN" and last_strong == "AL":
            types[i] = "AN"
    # W3
    types = ["R" if t == "AL" else t for t in types]
    # W4: one separator between two numbers of the same kind joins them (2023-2025, 1,000).
    for i in range(1, size - 1):
        before, after = types[i - 1], types[i + 1]
        if types[i] == "ES" and before == after == "EN":
            types[i] = "EN"
        elif types[i] == "CS" and before == after and before in ("EN", "AN"):
            types[i] = before
    # W5: terminators (%, currency signs) next to European numbers are part of them.
    i = 0
    while i < size:
        if types[i] != "ET":
            i += 1
            continue
        j = i
        while j < size and types[j] == "ET":
            j += 1
        if (i > 0 and types[i - 1] == "EN") or (j < size and types[j] == "EN"):
            types[i:j] = ["EN"] * (j - i)
        i = j
    # W6
    types = ["ON" if t in ("ES", "ET", "CS") else t for t in types]
    # W7: European numbers inside left-to-right text are left-to-right text.
    last_strong = edge
    for i, t in enumerate(types):
        if t in ("L", "R"):
            last_strong = t
        elif t == "EN" and last_strong == "L":
            types[i] = "L"
    # N1/N2: neutrals between two runs of the same direction take it, others the base direction.
    i = 0
    while i < size:
        if types[i] not in _NEUTRALS:
            i += 1
            continue
        j = i
        while j < size and types[j] in _NEUTRALS:
            j += 1
        before = edge if i == 0 else ("L" if types[i - 1] == "L" else "R")
        after = edge if j == size else ("L" if types[j] == "L" else "R")
        types[i:j] = [before if before == after else edge] * (j - i)
        i = j
    # I1/I2: embedding levels.
    if base == 0:
        levels = [0 if t == "L" else 1 if t == "R" else 2 for t in types]
    else:
        levels = [1 if t == "R" else 2 for t in types]
    # L1: separators, and whitespace before them or at the end of the line, go to the base level.
    trailing = True
    for i in range(size - 1, -1, -1):
        cls = original[i]
        if cls in ("S", "B"):
            levels[i] = base
            trailing = True
        elif trailing and cls in ("WS", "BN"):
            levels[i] = base
        else:
            trailing = False
    # L2: from the highest level down to the lowest odd level, reverse every run at or above it.
    out = list(chars)
    odd_levels = [lv for lv in levels if lv % 2]
    if odd_levels:
        lowest_odd = min(odd_levels)
        for level in range(max(levels), lowest_odd - 1, -1):
            i = 0
            while i < size:
                if levels[i] < level:
                    i += 1
                    continue
                j = i
                while j < size and levels[j] >= level:
                    j += 1
                out[i:j] = out[i:j][::-1]
                levels[i:j] = levels[i:j][::-1]
                i = j
    return _fold_presentation_forms("".join(out))


def _line_is_rtl(classes: list[str], default_rtl: bool | None) -> bool:
    strong = [c for c in classes if c in ("L", "R", "AL")]
    leftmost_rtl, rightmost_rtl = strong[0] != "L", strong[-1] != "L"
    if leftmost_rtl == rightmost_rtl:
        return leftmost_rtl
    if default_rtl is not None:
        return default_rtl
    return sum(c != "L" for c in strong) >= strong.count("L")


def _is_presentation_form(ch: str) -> bool:
    cp = ord(ch)
    return 0xFB50 <= cp <= 0xFDFF or 0xFE70 <= cp <= 0xFEFE


def _fold_presentation_forms(text: str) -> str:
    if not any(_is_presentation_form(c) for c in text):
        return text
    return "".join(unicodedata.normalize("NFKC", c) if _is_presentation_form(c) else c for c in text)


_LOADERS: dict[str, Callable[[Path], LoadedText]] = {
    ".md": _load_md,
    ".txt": _load_txt,
    ".html": _load_html,
    ".htm": _load_html,
    ".pdf": _load_pdf,
    ".docx": _load_docx,
}
