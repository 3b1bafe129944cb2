"""Read a document file of a supported format into plain text.

``load_file`` dispatches on the file suffix to the loader of that format (one module each:
``text`` for .txt/.md, ``html``, ``pdf``, ``docx``) and returns a :class:`LoadedText`. Every
failure (missing, empty, corrupt, encrypted or binary file, unsupported suffix, no extractable
text) raises :class:`~assistant.errors.DocumentLoadError` with a message that names the file
and says what is wrong in plain words, so ingestion can report it and go on with the next file.
The format loaders raise those errors through :func:`fail`.

Arabic PDF text is turned from visual into logical order by :mod:`.bidi`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

from assistant.errors import DocumentLoadError
from assistant.ingest.loaders.bidi import visual_to_logical

__all__ = ["SUPPORTED_SUFFIXES", "LoadedText", "load_file", "visual_to_logical"]

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


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")


# The format modules import LoadedText, fail and short_error from this package, so they are
# imported only once those are defined.
from assistant.ingest.loaders.docx import load_docx  # noqa: E402
from assistant.ingest.loaders.html import load_html  # noqa: E402
from assistant.ingest.loaders.pdf import load_pdf  # noqa: E402
from assistant.ingest.loaders.text import load_md, load_txt  # noqa: E402

_LOADERS: dict[str, Callable[[Path], LoadedText]] = {
    ".md": load_md,
    ".txt": load_txt,
    ".html": load_html,
    ".htm": load_html,
    ".pdf": load_pdf,
    ".docx": load_docx,
}
