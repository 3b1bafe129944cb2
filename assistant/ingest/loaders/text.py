"""Plain text (.txt) and Markdown (.md) files, and the text decoding the HTML loader shares.

Text files are read as UTF-8 (with or without BOM), or as UTF-16/UTF-32 when they start with
a BOM; files that look binary are refused. Markdown may start with YAML front matter, which
becomes the document's metadata; its title is the front matter's ``title`` or else the first
heading.
"""

from __future__ import annotations

import codecs
import datetime as _dt
import re
from pathlib import Path
from typing import Any

from assistant.ingest.loaders import LoadedText, fail, short_error

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

_MD_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)


def load_txt(path: Path) -> LoadedText:
    """A plain text file, as it is."""
    return LoadedText(text=read_text_file(path))


def load_md(path: Path) -> LoadedText:
    """A Markdown file: the text after the front matter, with the front matter as metadata."""
    import frontmatter

    raw = read_text_file(path)
    try:
        post = frontmatter.loads(raw)
    except Exception as exc:  # yaml errors come in several classes
        fail(path, f"its front matter is not valid YAML ({short_error(exc)})")
    if not isinstance(post.metadata, dict):
        fail(path, "its front matter is not a mapping of keys to values")
    metadata = {str(k): _metadata_value(v) for k, v in post.metadata.items()}
    title = metadata.get("title")
    if not isinstance(title, str) or not title.strip():
        heading = _MD_HEADING.search(post.content)
        title = heading.group(1) if heading else None
    return LoadedText(text=post.content, title=title, metadata=metadata)


def read_text_file(path: Path) -> str:
    """Decode a text file: UTF-8 (with or without BOM), or UTF-16/UTF-32 with a BOM."""
    data = _read_bytes(path)
    encoding = "utf-8"
    for bom, name in _BOMS:
        if data.startswith(bom):
            encoding = name
            break
    if encoding == "utf-8" and b"\x00" in data:
        fail(path, "it looks like a binary file, not text (it contains NUL bytes)")
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        label = "UTF-8" if encoding.startswith("utf-8") else encoding.upper()
        fail(
            path,
            f"it is not valid {label} text (undecodable bytes at position {exc.start}); "
            "save it as UTF-8 and try again",
        )
    if _BINARY_CONTROLS.search(text):
        fail(path, "it looks like a binary file, not text (it contains control characters)")
    return text


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        fail(path, f"the file cannot be read ({exc.strerror or exc})")


def _metadata_value(value: Any) -> Any:
    """YAML turns ``date: 2024-12-03`` into a date object; keep dates as ISO 8601 strings."""
    if isinstance(value, _dt.datetime | _dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return [_metadata_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _metadata_value(v) for k, v in value.items()}
    return value
