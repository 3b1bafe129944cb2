"""Find the documents in a folder and turn each file into a cleaned ``SourceDocument``.

Format (docs/corpus.md): any supported file (``SUPPORTED_SUFFIXES``) is a document whose id is its
file name without the suffix. Page breaks (form feeds from paged loaders) are taken out of the text
and kept as offsets, and the loader's headings are located in the cleaned text
(:mod:`assistant.ingest.structure`). Metadata comes from, in order of precedence: a sidecar
``<stem>.meta.yaml`` next to it, YAML front matter (.md), what the loader found (HTML/PDF/DOCX
title), and finally the first line of the text as title.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from assistant.errors import DocumentLoadError
from assistant.ingest.clean import clean_text
from assistant.ingest.loaders import SUPPORTED_SUFFIXES, load_file
from assistant.ingest.structure import locate_headings, split_pages
from assistant.types import DOCUMENT_KINDS, SourceDocument

SIDECAR_SUFFIX = ".meta.yaml"
METADATA_KEYS = {"title", "kind", "date", "place", "language", "source_url"}
_ARABIC = re.compile(r"[\u0600-\u06FF]")
_LETTER = re.compile(r"[^\W\d_]")


@dataclass(frozen=True)
class LoadFailure:
    path: Path
    reason: str


def discover(folder: Path) -> list[Path]:
    """Every document file under ``folder`` (recursively), skipping hidden files, sidecars and
    READMEs. Files of unsupported types are included: loading them reports them by name with the
    supported types."""
    if not folder.is_dir():
        raise DocumentLoadError(f"The documents folder '{folder}' does not exist or is not a folder.")
    found = []
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if any(part.startswith((".", "_")) for part in rel.parts) or not path.is_file():
            continue
        if path.name.endswith(SIDECAR_SUFFIX) or path.stem.upper() == "README":
            continue
        found.append(path)
    return found


def document_id(path: Path, folder: Path) -> str:
    rel = path.relative_to(folder).with_suffix("")
    return re.sub(r"\s+", "-", rel.as_posix().strip())


def read_sidecar(path: Path) -> dict[str, Any]:
    sidecar = path.with_name(path.stem + SIDECAR_SUFFIX)
    if not sidecar.exists():
        return {}
    try:
        data = yaml.safe_load(sidecar.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise DocumentLoadError(f"{sidecar.name}: the metadata file is not valid YAML ({exc}).") from exc
    if not isinstance(data, dict):
        raise DocumentLoadError(f"{sidecar.name}: the metadata file must be a mapping of key: value.")
    return data


def guess_language(text: str) -> str:
    letters = _LETTER.findall(text[:5000])
    if not letters:
        return "ar"
    arabic = sum(1 for ch in letters if _ARABIC.match(ch))
    return "ar" if arabic / len(letters) >= 0.3 else "en"


def normalise_date(value: Any, source: str) -> str | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    try:
        return dt.date.fromisoformat(str(value)).isoformat()
    except ValueError as exc:
        raise DocumentLoadError(
            f"{source}: date '{value}' is not an ISO date; write it as YYYY-MM-DD (e.g. 2024-12-03)."
        ) from exc


def source_url(value: Any, source: str) -> str | None:
    """The document's page online: an absolute http(s) URL, or None."""
    if value in (None, ""):
        return None
    url = str(value).strip()
    if not re.match(r"^https?://[^\s/]+\.[^\s]+$", url):
        raise DocumentLoadError(
            f"{source}: source_url '{url[:200]}' is not an http(s) address such as https://example.org/page."
        )
    return url


def first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip()[:200]
    return ""


def content_hash(text: str, metadata: dict[str, Any]) -> str:
    payload = json.dumps({"text": text, "meta": metadata}, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def load_document(path: Path, folder: Path) -> SourceDocument:
    """Load, clean and describe one file. Raises ``DocumentLoadError`` with a reason."""
    loaded = load_file(path)
    text, page_breaks = split_pages(clean_text(loaded.text))
    if not text.strip():
        raise DocumentLoadError(f"{path.name}: no text is left after removing web boilerplate.")
    meta: dict[str, Any] = {k: v for k, v in (loaded.metadata or {}).items() if k in METADATA_KEYS}
    meta.update({k: v for k, v in read_sidecar(path).items() if k in METADATA_KEYS})
    kind = str(meta.get("kind") or "other")
    if kind not in DOCUMENT_KINDS:
        raise DocumentLoadError(f"{path.name}: kind '{kind}' is not one of {', '.join(DOCUMENT_KINDS)}.")
    described = {
        "title": str(meta.get("title") or loaded.title or first_line(text)),
        "kind": kind,
        "date": normalise_date(meta.get("date"), path.name),
        "place": (str(meta["place"]) if meta.get("place") else None),
        "language": str(meta.get("language") or guess_language(text)),
        "source_url": source_url(meta.get("source_url"), path.name),
    }
    headings = locate_headings(text, loaded.headings)
    structure = {"pages": loaded.pages or 0, "page_breaks": page_breaks, "headings": headings}
    return SourceDocument(
        id=document_id(path, folder),
        text=text,
        source_path=path.relative_to(folder).as_posix(),
        # source_url joins the hash only when set, so documents without one keep their hash
        content_hash=content_hash(
            text,
            {
                **{k: v for k, v in described.items() if v is not None or k != "source_url"},
                **(structure if loaded.pages or headings else {}),
            },
        ),
        warnings=tuple(loaded.warnings),
        ocr_pages=tuple(loaded.ocr_pages),
        **structure,
        **described,
    )


MAX_DOCUMENT_BYTES = 25 * 1024 * 1024


def load_corpus(
    folder: Path, *, max_bytes: int = MAX_DOCUMENT_BYTES
) -> Iterator[SourceDocument | LoadFailure]:
    """Every document of ``folder``; unreadable, oversized and duplicate files come back as
    ``LoadFailure`` so ingestion reports them and goes on."""
    seen: dict[str, Path] = {}
    texts: dict[str, str] = {}  # hash of the cleaned text -> id of the first document with it
    for path in discover(folder):
        doc_id = document_id(path, folder)
        if doc_id in seen and path.suffix.lower() in SUPPORTED_SUFFIXES:
            yield LoadFailure(
                path, f"another file ({seen[doc_id].name}) already has the id '{doc_id}'; rename one."
            )
            continue
        if path.suffix.lower() in SUPPORTED_SUFFIXES:
            seen[doc_id] = path
        doc = load_one(path, folder, max_bytes=max_bytes)
        if isinstance(doc, LoadFailure):
            yield doc
            continue
        text_hash = text_digest(doc.text)
        if text_hash in texts:
            yield LoadFailure(path, f"{path.name}: the same text as document '{texts[text_hash]}'; skipped.")
            continue
        texts[text_hash] = doc.id
        yield doc


def text_digest(text: str) -> str:
    """What "the same text" means for duplicates: the SHA-256 of the cleaned text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def load_one(path: Path, folder: Path, *, max_bytes: int = MAX_DOCUMENT_BYTES) -> SourceDocument | LoadFailure:
    """One file of ``folder`` (the documents folder, or an upload): the document, or a
    ``LoadFailure`` whose reason says what is wrong (unsupported type, too large, corrupt, encrypted,
    empty) and how to fix it. The folder run and the staff upload both load files through here."""
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        shown = f"'{path.suffix.lower()}'" if path.suffix else "no extension"
        return LoadFailure(
            path,
            f"{path.name}: the file type ({shown}) is not supported; supported types are "
            f"{', '.join(SUPPORTED_SUFFIXES)}.",
        )
    size = path.stat().st_size
    if size > max_bytes:
        return LoadFailure(
            path,
            f"{path.name}: the file is {size / 1e6:.1f} MB; the limit is {max_bytes / 1e6:.0f} MB. "
            "Split it or raise ASSISTANT_MAX_DOCUMENT_MB.",
        )
    try:
        return load_document(path, folder)
    except DocumentLoadError as exc:
        return LoadFailure(path, exc.message)
    except Exception as exc:  # noqa: BLE001 - any parser failure is reported and skipped
        return LoadFailure(path, f"{path.name}: could not be read ({type(exc).__name__}: {exc}).")
