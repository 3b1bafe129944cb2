"""Find the documents in a folder and turn each file into a cleaned ``SourceDocument``.

Format (docs/corpus.md): any supported file (``SUPPORTED_SUFFIXES``) is a document whose id is its
file name without the suffix. Page breaks (form feeds from paged loaders) are taken out of the text
and kept as offsets, and the loader's headings are located in the cleaned text
(:mod:`assistant.ingest.structure`). Metadata comes from, in order of precedence: a sidecar
``<stem>.meta.yaml`` or ``<stem>.meta.json`` next to it, the file's entry in the folder's
``metadata.json`` (keyed by file name, path relative to the folder, or document id), YAML front
matter (.md), what the loader found (HTML/PDF/DOCX title and properties), and finally the simple
rules of :mod:`assistant.ingest.metadata` (kind from title keywords, first date and city of the
text, language by script) with the first line of the text as title. Where each field came from is
kept (``SourceDocument.metadata_origin``) for the documents page.
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
from assistant.ingest.metadata import guess_date, guess_kind, guess_language, guess_place
from assistant.ingest.structure import locate_headings, split_pages
from assistant.types import DOCUMENT_KINDS, SourceDocument

SIDECAR_SUFFIX = ".meta.yaml"
SIDECAR_SUFFIXES = (SIDECAR_SUFFIX, ".meta.json")
FOLDER_METADATA = "metadata.json"  # {file name | relative path | document id: {key: value}}
METADATA_KEYS = {"title", "kind", "date", "place", "language", "source_url"}
_LANGUAGE = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})?$")


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
        if path.name.endswith(SIDECAR_SUFFIXES) or path.stem.upper() == "README":
            continue
        if rel.as_posix() == FOLDER_METADATA:
            continue
        found.append(path)
    return found


def document_id(path: Path, folder: Path) -> str:
    rel = path.relative_to(folder).with_suffix("")
    return re.sub(r"\s+", "-", rel.as_posix().strip())


def read_sidecar(path: Path) -> dict[str, Any]:
    """``<stem>.meta.yaml`` (or ``.meta.json``, a JSON object) next to the file, or {}."""
    for suffix in SIDECAR_SUFFIXES:
        sidecar = path.with_name(path.stem + suffix)
        if not sidecar.exists():
            continue
        kind = "JSON" if suffix.endswith("json") else "YAML"
        try:
            raw = sidecar.read_text(encoding="utf-8")
            data = (json.loads(raw) if kind == "JSON" else yaml.safe_load(raw)) or {}
        except (yaml.YAMLError, json.JSONDecodeError, UnicodeDecodeError) as exc:
            message = f"{sidecar.name}: the metadata file is not valid {kind} ({exc})."
            raise DocumentLoadError(message) from exc
        if not isinstance(data, dict):
            raise DocumentLoadError(f"{sidecar.name}: the metadata file must be a mapping of key: value.")
        return data
    return {}


def read_folder_metadata(folder: Path) -> dict[str, dict[str, Any]]:
    """The folder's ``metadata.json``: an object whose keys name files (file name, path relative to
    the folder, or document id) and whose values are metadata objects; {} without one. A file that
    is not such an object raises ``DocumentLoadError`` (every document of the folder would be
    described wrongly)."""
    path = folder / FOLDER_METADATA
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise DocumentLoadError(f"{FOLDER_METADATA}: not valid JSON ({exc}).") from exc
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise DocumentLoadError(
            f"{FOLDER_METADATA}: must be an object of file name → metadata, "
            'e.g. {"report.pdf": {"kind": "brief"}}.'
        )
    return data


def folder_entry(entries: dict[str, dict[str, Any]], path: Path, folder: Path) -> dict[str, Any]:
    for key in (path.relative_to(folder).as_posix(), path.name, document_id(path, folder)):
        if key in entries:
            return entries[key]
    return {}


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


# Bumped when what ingest stores per document changes, so the next ingest re-describes every
# document once (no re-embedding: chunk ids are content hashes). 2: filter metadata on every chunk.
DESCRIPTION_VERSION = 2


def content_hash(text: str, metadata: dict[str, Any]) -> str:
    meta = {**metadata, "description_version": DESCRIPTION_VERSION}
    payload = json.dumps({"text": text, "meta": meta}, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def stated_metadata(
    path: Path, folder: Path, loaded_metadata: dict[str, Any], folder_entries: dict[str, dict[str, Any]]
) -> tuple[dict[str, Any], dict[str, str]]:
    """The metadata stated for a file, and where each key came from: ``file`` (front matter,
    document properties), ``folder`` (metadata.json), ``sidecar`` (``<stem>.meta.yaml|json``);
    later sources win. A key stated as null (``date: null``) counts as stated: nothing is guessed."""
    meta: dict[str, Any] = {}
    origin: dict[str, str] = {}
    for source, values in (
        ("file", loaded_metadata or {}),
        ("folder", folder_entry(folder_entries, path, folder)),
        ("sidecar", read_sidecar(path)),
    ):
        for key, value in values.items():
            if key in METADATA_KEYS:
                meta[key] = value
                origin[key] = source
    return meta, origin


def describe(
    path: Path, text: str, loaded_title: str | None, meta: dict[str, Any], origin: dict[str, str]
) -> tuple[dict[str, Any], dict[str, str]]:
    """Title, kind, date, place, language and source_url: stated values (checked), else guessed."""
    origin = dict(origin)
    title = str(meta.get("title") or loaded_title or first_line(text))
    if not meta.get("title"):
        origin["title"] = "file" if loaded_title else "guessed"

    def stated_or(key: str, guess: Any) -> Any:
        if key in meta:
            return meta[key]
        origin[key] = "guessed"
        return guess

    kind = str(stated_or("kind", guess_kind(title)) or "other")
    if kind not in DOCUMENT_KINDS:
        raise DocumentLoadError(f"{path.name}: kind '{kind}' is not one of {', '.join(DOCUMENT_KINDS)}.")
    language = str(stated_or("language", guess_language(text)) or guess_language(text)).strip().lower()
    if not _LANGUAGE.match(language):
        raise DocumentLoadError(
            f"{path.name}: language '{language[:40]}' is not a language code such as ar or en."
        )
    place = stated_or("place", guess_place(title, text))
    described = {
        "title": title,
        "kind": kind,
        "date": normalise_date(stated_or("date", guess_date(text)), path.name),
        "place": str(place) if place else None,
        "language": language,
        "source_url": source_url(meta.get("source_url"), path.name),
    }
    origin.pop("source_url", None)
    return described, origin


def load_document(
    path: Path, folder: Path, folder_entries: dict[str, dict[str, Any]] | None = None
) -> SourceDocument:
    """Load, clean and describe one file. Raises ``DocumentLoadError`` with a reason.
    ``folder_entries``: the folder's metadata.json (read here when not given)."""
    loaded = load_file(path)
    text, page_breaks = split_pages(clean_text(loaded.text))
    if not text.strip():
        raise DocumentLoadError(f"{path.name}: no text is left after removing web boilerplate.")
    entries = read_folder_metadata(folder) if folder_entries is None else folder_entries
    meta, origin = stated_metadata(path, folder, loaded.metadata, entries)
    described, origin = describe(path, text, loaded.title, meta, origin)
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
        metadata_origin=origin,
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
    files = discover(folder)
    try:
        entries = read_folder_metadata(folder)
    except DocumentLoadError as exc:  # every file is reported (and its indexed version kept)
        for path in files:
            yield LoadFailure(path, exc.message)
        return
    for path in files:
        doc_id = document_id(path, folder)
        if doc_id in seen and path.suffix.lower() in SUPPORTED_SUFFIXES:
            yield LoadFailure(
                path, f"another file ({seen[doc_id].name}) already has the id '{doc_id}'; rename one."
            )
            continue
        if path.suffix.lower() in SUPPORTED_SUFFIXES:
            seen[doc_id] = path
        doc = load_one(path, folder, max_bytes=max_bytes, folder_entries=entries)
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


def load_one(
    path: Path,
    folder: Path,
    *,
    max_bytes: int = MAX_DOCUMENT_BYTES,
    folder_entries: dict[str, dict[str, Any]] | None = None,
) -> SourceDocument | LoadFailure:
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
        return load_document(path, folder, folder_entries)
    except DocumentLoadError as exc:
        return LoadFailure(path, exc.message)
    except Exception as exc:  # noqa: BLE001 - any parser failure is reported and skipped
        return LoadFailure(path, f"{path.name}: could not be read ({type(exc).__name__}: {exc}).")
