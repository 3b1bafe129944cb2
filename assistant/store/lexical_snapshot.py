"""The lexical index of one index generation, persisted, so that a serving process starts (and
follows an ingest) by loading files instead of reading every chunk from Chroma and rebuilding BM25.

A snapshot is what ``HybridRetriever.reload`` used to rebuild: the chunk records as Chroma holds
them (id, text, metadata: the chunk catalogue and the document titles) and the BM25 index built
from them (bm25s's files, the chunk ids, the df table), plus the chunks' vectors as one float32
matrix (``vectors.npy``, unit rows in the catalogue's order, memory-mapped when loaded), which
scores the chunks that pass a selective metadata filter exactly without asking Chroma
(retrieval/hybrid.py). A snapshot written before the vectors were kept has no such file: it is
still used, and filtered searches take the Chroma path until the next ingest writes one. It is written under
``DATA_DIR/lexical/<generation>/`` by the ingest that made that generation (``assistant.ingest.run``),
and by a worker that had to rebuild it from Chroma.

The files are never the source of truth. A snapshot is used only when all of these hold, else the
caller rebuilds from Chroma (a warning says why) and may write a new one:

* its folder and its manifest name the generation the database holds now (``index_state``), so a
  worker never serves the BM25 of another generation than Chroma's;
* it was written by the same format, tokenizer source and bm25s version (``fingerprint``);
* every file has the size and SHA-256 the manifest lists (a torn or corrupt file is caught);
* it has as many chunks as Chroma has now (catches Chroma changed without a new generation, e.g.
  an ingest that died half-way, or a Chroma restored from a backup).

Writes are atomic: everything goes to a temporary folder next to the final one, is fsynced, and is
renamed into place, so a crash leaves either no snapshot or a whole one (plus a temporary folder
that ``prune`` removes later).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import time
import unicodedata
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import bm25s
import numpy as np

from assistant.store.lexical_index import LexicalIndex
from assistant.text import arabic

log = logging.getLogger(__name__)

FORMAT = 1
MANIFEST = "manifest.json"
CATALOGUE = "catalogue.json"  # {"ids": [...], "texts": [...], "metadatas": [...]} as Chroma returns them
INDEX = "index"  # LexicalIndex.save
VECTORS = "vectors.npy"  # the chunk vectors, float32, one unit row per catalogue entry (optional)
TEMP_PREFIX = ".tmp-"
TRASH_PREFIX = ".old-"
LEFTOVER_SECONDS = 3600  # a temporary folder older than this is a dead writer's: prune removes it
SAFE_GENERATION = re.compile(r"[A-Za-z0-9_-]{1,128}")

Record = tuple[str, str, dict[str, Any]]  # chunk id, text, Chroma metadata


@lru_cache(maxsize=1)
def fingerprint() -> str:
    """What must not change between writing and reading a snapshot: the file format, the tokenizer
    (the source of assistant/text/arabic.py and the Unicode tables it normalises with) and bm25s."""
    digest = hashlib.sha256(f"{FORMAT}|{bm25s.__version__}|{unicodedata.unidata_version}|".encode())
    try:
        digest.update(Path(arabic.__file__).read_bytes())
    except OSError:  # no source to read: a fresh random value, so no snapshot is ever trusted
        digest.update(uuid.uuid4().bytes)
    return digest.hexdigest()[:16]


def unit_rows(vectors: np.ndarray) -> np.ndarray:
    """float32 rows of length 1 (cosine = dot product); a zero row stays zero."""
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True) if vectors.size else np.ones((len(vectors), 1))
    return np.ascontiguousarray(vectors / np.maximum(norms, 1e-12), dtype=np.float32)


@dataclass
class LexicalSnapshot:
    generation: str
    records: list[Record]
    index: LexicalIndex
    vectors: np.ndarray | None = None  # row i: the unit vector of records[i] (None: not kept)

    @classmethod
    def build(
        cls, generation: str, records: Iterable[Record], vectors: np.ndarray | None = None
    ) -> LexicalSnapshot:
        """BM25 over the records' texts, in the records' order (what a rebuild from Chroma does);
        ``vectors``: the records' vectors, one row each in the same order."""
        records = list(records)
        if vectors is not None:
            if len(vectors) != len(records):
                raise ValueError(f"{len(vectors)} vectors for {len(records)} records")
            vectors = unit_rows(vectors)
        index = LexicalIndex([r[0] for r in records], [r[1] for r in records])
        return cls(generation, records, index, vectors)

    @classmethod
    def from_chroma(cls, generation: str, chroma: Any) -> LexicalSnapshot:
        """Everything Chroma (a ``ChromaStore``) holds now: records, BM25 and vectors."""
        records, vectors = chroma.records_and_vectors()
        return cls.build(generation, records, vectors)


class SnapshotRejected(Exception):
    """A snapshot that must not be used; the message says why."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.name != MANIFEST)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class LexicalSnapshots:
    """The snapshots under one folder (``DATA_DIR/lexical``), one sub-folder per generation."""

    def __init__(self, root: Path):
        self.root = Path(root)

    def folder(self, generation: str) -> Path | None:
        """Where the snapshot of ``generation`` lives; None for "" (nothing ingested yet) or a value
        that is no safe folder name (the generation row edited by hand): such a one is never persisted."""
        if not SAFE_GENERATION.fullmatch(generation):
            return None
        return self.root / generation

    def generations(self) -> list[str]:
        """The generations that have a snapshot folder here."""
        try:
            return sorted(p.name for p in self.root.iterdir() if p.is_dir() and not p.name.startswith("."))
        except FileNotFoundError:
            return []

    # --- write ----------------------------------------------------------------------------------
    def save(self, snapshot: LexicalSnapshot) -> Path | None:
        """Write ``snapshot`` atomically; returns its folder, or None if it was not written (a warning
        says why: the index is served all the same, and rebuilt from Chroma at the next start)."""
        final = self.folder(snapshot.generation)
        if final is None:
            return None
        started = time.perf_counter()
        temp = self.root / f"{TEMP_PREFIX}{uuid.uuid4().hex}"
        try:
            temp.mkdir(parents=True)
            catalogue = {
                "ids": [r[0] for r in snapshot.records],
                "texts": [r[1] for r in snapshot.records],
                "metadatas": [r[2] for r in snapshot.records],
            }
            (temp / CATALOGUE).write_bytes(json.dumps(catalogue, ensure_ascii=False).encode("utf-8"))
            snapshot.index.save(temp / INDEX)
            if snapshot.vectors is not None:
                with open(temp / VECTORS, "wb") as f:
                    np.save(f, np.ascontiguousarray(snapshot.vectors, dtype=np.float32))
            files = {}
            for path in _files(temp):
                name = path.relative_to(temp).as_posix()
                files[name] = {"bytes": path.stat().st_size, "sha256": _sha256(path)}
                _fsync(path)
            manifest = {
                "format": FORMAT,
                "generation": snapshot.generation,
                "fingerprint": fingerprint(),
                "chunks": len(snapshot.records),
                "files": files,
            }
            (temp / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
            _fsync(temp / MANIFEST)
            for folder in [temp, *(p for p in temp.rglob("*") if p.is_dir())]:
                _fsync(folder)
            self._replace(temp, final)
            _fsync(self.root)
        except OSError as exc:
            shutil.rmtree(temp, ignore_errors=True)
            log.warning(
                "lexical index of generation %s not persisted (%s); workers rebuild it from Chroma",
                snapshot.generation,
                exc,
            )
            return None
        log.info(
            "lexical index of generation %s persisted in %s (%d chunks, %.2fs)",
            snapshot.generation,
            final,
            len(snapshot.records),
            time.perf_counter() - started,
        )
        return final

    def _replace(self, temp: Path, final: Path) -> None:
        """Rename ``temp`` to ``final``. A folder already there (another worker's copy of the same
        generation, or a corrupt one) is first renamed away: a reader sees the old, none or the new."""
        try:
            os.rename(temp, final)
            return
        except OSError:
            if not final.exists():
                raise
        trash = self.root / f"{TRASH_PREFIX}{uuid.uuid4().hex}"
        os.rename(final, trash)
        os.rename(temp, final)
        shutil.rmtree(trash, ignore_errors=True)  # a worker that mapped its files keeps reading them

    def prune(self, keep: str) -> None:
        """Remove the snapshots of generations other than ``keep`` that are older than it, and the
        leftovers of writers that died. Best effort: a snapshot that goes missing is rebuilt."""
        kept = self.folder(keep)
        if kept is None or not kept.is_dir():
            return
        kept_at = kept.stat().st_mtime
        try:
            entries = list(self.root.iterdir())
        except OSError:
            return
        for path in entries:
            if path == kept or not path.is_dir():
                continue
            try:
                modified = path.stat().st_mtime
            except OSError:
                continue
            if path.name.startswith(TEMP_PREFIX):
                stale = time.time() - modified > LEFTOVER_SECONDS
            else:  # another generation, or a renamed-away copy
                stale = modified <= kept_at or path.name.startswith(TRASH_PREFIX)
            if stale:
                shutil.rmtree(path, ignore_errors=True)

    # --- read -----------------------------------------------------------------------------------
    def load(self, generation: str, *, chunks: int) -> LexicalSnapshot | None:
        """The snapshot of ``generation`` if there is a sound one with ``chunks`` chunks (Chroma's count
        now), else None: a warning says why, unless there simply is none yet."""
        folder = self.folder(generation)
        if folder is None:
            return None
        if not folder.is_dir():
            others = [g for g in self.generations() if g != generation]
            if others:
                log.warning(
                    "the persisted lexical index is of generation %s, not the current %s: rebuilding "
                    "it from Chroma",
                    ", ".join(others),
                    generation,
                )
            else:
                log.info("no persisted lexical index for generation %s: building it from Chroma", generation)
            return None
        try:
            return self._read(folder, generation, chunks)
        except SnapshotRejected as exc:
            log.warning("persisted lexical index %s not used (%s): rebuilding it from Chroma", folder, exc)
        except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError) as exc:
            log.warning(
                "persisted lexical index %s is unreadable (%s: %s): rebuilding it from Chroma",
                folder,
                type(exc).__name__,
                exc,
            )
        return None

    def _read(self, folder: Path, generation: str, chunks: int) -> LexicalSnapshot:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        if manifest.get("format") != FORMAT:
            raise SnapshotRejected(f"format {manifest.get('format')!r}, this version reads {FORMAT}")
        if manifest.get("generation") != generation:
            raise SnapshotRejected(f"it is of generation {manifest.get('generation')!r}, not {generation}")
        if manifest.get("fingerprint") != fingerprint():
            raise SnapshotRejected("written by another version of the tokenizer or of bm25s")
        if manifest.get("chunks") != chunks:
            raise SnapshotRejected(f"{manifest.get('chunks')} chunks, Chroma has {chunks}")
        listed = manifest["files"]
        present = {p.relative_to(folder).as_posix() for p in _files(folder)}
        if present != set(listed):
            raise SnapshotRejected(f"files missing or added: {sorted(present ^ set(listed))}")
        for name, expected in listed.items():
            path = folder / name
            if path.stat().st_size != expected["bytes"] or _sha256(path) != expected["sha256"]:
                raise SnapshotRejected(f"{name} does not match its checksum")
        catalogue = json.loads((folder / CATALOGUE).read_bytes())
        ids, texts, metas = catalogue["ids"], catalogue["texts"], catalogue["metadatas"]
        if not len(ids) == len(texts) == len(metas) == chunks:
            raise SnapshotRejected("the catalogue's columns differ in length")
        index = LexicalIndex.load(folder / INDEX)
        if index.ids != ids:
            raise SnapshotRejected("the BM25 chunk ids differ from the catalogue's")
        vectors = None
        if VECTORS in listed:  # mapped, not read: the OS shares the pages between a host's workers
            vectors = np.load(folder / VECTORS, mmap_mode="r", allow_pickle=False)
            if vectors.dtype != np.float32 or vectors.ndim != 2 or len(vectors) != chunks:
                raise SnapshotRejected(f"the vectors are {vectors.dtype} {vectors.shape}, not {chunks} rows")
        return LexicalSnapshot(generation, list(zip(ids, texts, metas, strict=True)), index, vectors)
