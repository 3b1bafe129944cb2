"""Read a document file of a supported format into plain text.

``load_file`` dispatches on the file suffix to the loader of that format (one module each:
``text`` for .txt/.md, ``html``, ``pdf``, ``docx``, ``odt``, ``pptx``) and returns a
:class:`LoadedText`. Every
failure (missing, empty, corrupt, encrypted or binary file, unsupported suffix, no extractable
text) raises :class:`~assistant.errors.DocumentLoadError` with a message that names the file
and says what is wrong in plain words, so ingestion can report it and go on with the next file.
The format loaders raise those errors through :func:`fail`.

Arabic PDF text is turned from visual into logical order by :mod:`.bidi`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

from assistant.errors import DocumentLoadError
from assistant.ingest.loaders.bidi import visual_to_logical

__all__ = ["SUPPORTED_SUFFIXES", "LoadedText", "load_file", "visual_to_logical"]

SUPPORTED_SUFFIXES: tuple[str, ...] = (".md", ".txt", ".html", ".htm", ".pdf", ".docx", ".odt", ".pptx")


@dataclass
class LoadedText:
    """The raw text of one file (before boilerplate cleaning) with what the file says about itself.

    ``text`` has a form feed (``\\f``) at the start of every page after the first for paged
    formats (PDF, slides), so the page of any offset can be told after cleaning; ``headings``
    are the document's headings in order (level 1 = top), each one whole line of ``text``;
    ``warnings`` say what the loader had to repair or could not read (for the ingest report).
    """

    text: str
    title: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    headings: list[tuple[int, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    pages: int | None = None
    ocr_pages: list[int] = field(default_factory=list)


def load_file(path: Path) -> LoadedText:
    """Load ``path`` and return its text; raise ``DocumentLoadError`` if it cannot be read."""
    path = Path(path)
    suffix = path.suffix.lower()
    loader = _LOADERS.get(suffix)
    if loader is None:
        supported = ", ".join(SUPPORTED_SUFFIXES)
        shown = f"'{suffix}'" if suffix else "no extension"
        fail(path, f"the file type ({shown}) is not supported; supported types are {supported}")
    if not path.exists():
        fail(path, "the file does not exist")
    if not path.is_file():
        fail(path, "it is not a regular file")
    try:
        size = path.stat().st_size
    except OSError as exc:
        fail(path, f"the file cannot be accessed ({exc.strerror or exc})")
    if size == 0:
        fail(path, "the file is empty")

    loaded = loader(path)
    loaded.text = _normalise_newlines(loaded.text)
    if not loaded.text.strip():
        fail(path, "it contains no text")
    if loaded.title is not None:
        loaded.title = " ".join(loaded.title.split()) or None
    return loaded


def fail(path: Path, reason: str) -> NoReturn:
    """Raise the ``DocumentLoadError`` for ``path``; ``reason`` is a plain-words clause."""
    raise DocumentLoadError(f"Could not read '{path.name}': {reason}.")


def short_error(exc: BaseException) -> str:
    """A library exception as one line of at most 160 characters, for a ``fail`` reason."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 160 else text[:157] + "..."


# Titles that document properties carry when nobody set one.
_PLACEHOLDER_TITLES = re.compile(
    r"^(?:word\s+document|document\s*\d*|untitled(?:\s+document)?|title|powerpoint\s+presentation"
    r"|presentation\s*\d*|microsoft\s+word\s+-\s+.*|slide\s*\d*|no\s+title|unknown|none"
    r"|مستند\s*\d*|بلا\s+عنوان|عنوان)$",
    re.IGNORECASE,
)
_FILE_NAME = re.compile(r"^[\w\s.-]+\.(?:html?|pdf|docx?|odt|pptx?|txt|md|rtf)$", re.IGNORECASE)


def usable_title(value: Any, path: Path) -> str | None:
    """A title property worth showing: not empty, not a placeholder ("Word Document",
    "Untitled", "Microsoft Word - x.docx"), not a file name (Chromium titles a printed page
    after its file)."""
    if not isinstance(value, str):
        return None
    title = " ".join(value.split())
    if not title or _PLACEHOLDER_TITLES.match(title) or _FILE_NAME.match(title) or title == path.stem:
        return None
    return title


def page_ranges(numbers: list[int]) -> str:
    """[1, 2, 3, 5] -> "1-3, 5"."""
    out: list[str] = []
    for n in sorted(set(numbers)):
        if out and "-" not in out[-1] and int(out[-1]) == n - 1:
            out[-1] = f"{out[-1]}-{n}"
        elif out and "-" in out[-1] and int(out[-1].split("-")[1]) == n - 1:
            out[-1] = f"{out[-1].split('-')[0]}-{n}"
        else:
            out.append(str(n))
    return ", ".join(out)


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")


# The format modules import LoadedText, fail and short_error from this package, so they are
# imported only once those are defined.
from assistant.ingest.loaders.docx import load_docx  # noqa: E402
from assistant.ingest.loaders.html import load_html  # noqa: E402
from assistant.ingest.loaders.odt import load_odt  # noqa: E402
from assistant.ingest.loaders.pdf import load_pdf  # noqa: E402
from assistant.ingest.loaders.pptx import load_pptx  # noqa: E402
from assistant.ingest.loaders.text import load_md, load_txt  # noqa: E402

_LOADERS: dict[str, Callable[[Path], LoadedText]] = {
    ".md": load_md,
    ".txt": load_txt,
    ".html": load_html,
    ".htm": load_html,
    ".pdf": load_pdf,
    ".docx": load_docx,
    ".odt": load_odt,
    ".pptx": load_pptx,
}
