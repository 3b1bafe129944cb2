"""Chroma on disk: one collection of chunks, one of sentences, both in cosine space.

Vectors are computed by our ``Embedder`` and passed explicitly; the collections are also given
our embedding function so that Chroma's default (which downloads a model) is never constructed.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import chromadb
import numpy as np
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
from chromadb.config import Settings as ChromaSettings

from assistant.embedding import Embedder
from assistant.errors import IndexNotReady
from assistant.types import Chunk

log = logging.getLogger(__name__)

CHUNKS = "chunks"
SENTENCES = "sentences"
PAGE = 5000  # Chroma get() page size when loading everything


class AssistantEmbeddingFunction(EmbeddingFunction[Documents]):
    """Adapter so Chroma can embed with our model (passages on add, queries on query)."""

    def __init__(self, embedder: Embedder):
        self._embedder = embedder

    def __call__(self, input: Documents) -> Embeddings:
        return list(self._embedder.embed_passages(list(input)))

    def embed_query(self, input: Documents) -> Embeddings:
        return list(self._embedder.embed_queries(list(input)))

    @staticmethod
    def name() -> str:
        return "scn-assistant"

    def get_config(self) -> dict[str, Any]:
        return {"model": self._embedder.name}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> AssistantEmbeddingFunction:
        raise NotImplementedError("pass the assistant's embedder explicitly")

    def default_space(self) -> str:  # type: ignore[override]
        return "cosine"

    def supported_spaces(self) -> list[str]:  # type: ignore[override]
        return ["cosine"]


@dataclass(frozen=True)
class SentenceRecord:
    id: str
    chunk_id: str
    document_id: str
    start: int
    end: int
    text: str


def chunk_metadata(chunk: Chunk, title: str) -> dict[str, Any]:
    return {
        "document_id": chunk.document_id,
        "position": chunk.position,
        "start": chunk.start,
        "end": chunk.end,
        "title": title,
    }


def chunk_from_record(chunk_id: str, text: str, meta: dict[str, Any]) -> Chunk:
    return Chunk(
        id=chunk_id,
        document_id=str(meta["document_id"]),
        position=int(meta["position"]),
        start=int(meta["start"]),
        end=int(meta["end"]),
        text=text,
    )


class ChromaStore:
    def __init__(self, data_dir: Path, embedder: Embedder):
        self.path = Path(data_dir) / "chroma"
        self.path.mkdir(parents=True, exist_ok=True)
        self.embedder = embedder
        self.client = chromadb.PersistentClient(
            path=str(self.path), settings=ChromaSettings(anonymized_telemetry=False)
        )
        self._ef = AssistantEmbeddingFunction(embedder)
        self.chunks = self._collection(CHUNKS)
        self.sentences = self._collection(SENTENCES)

    def _collection(self, name: str):
        collection = self.client.get_or_create_collection(
            name,
            embedding_function=self._ef,  # type: ignore[arg-type]
            metadata={"hnsw:space": "cosine", "model": self.embedder.name},
        )
        return collection

    def check_model(self) -> None:
        """Vectors from another model are meaningless to this one: refuse to mix them."""
        built_with = (self.chunks.metadata or {}).get("model")
        if built_with and built_with != self.embedder.name:
            raise IndexNotReady(
                f"The index was built with the embedding model '{built_with}' but the assistant is "
                f"configured with '{self.embedder.name}'. Run `assistant ingest --rebuild` to re-embed."
            )

    def reset(self) -> None:
        """Drop both collections (used when the embedding model changes)."""
        for name in (CHUNKS, SENTENCES):
            try:
                self.client.delete_collection(name)
            except Exception:  # noqa: BLE001 - absent collection
                pass
        self.chunks = self._collection(CHUNKS)
        self.sentences = self._collection(SENTENCES)

    # --- writes -------------------------------------------------------------------------------
    def existing_ids(self, ids: Sequence[str]) -> set[str]:
        if not ids:
            return set()
        return set(self.chunks.get(ids=list(ids), include=[])["ids"])

    def add_chunks(self, chunks: Sequence[Chunk], vectors: np.ndarray, titles: dict[str, str]) -> None:
        if not chunks:
            return
        self.chunks.upsert(
            ids=[c.id for c in chunks],
            documents=[c.text for c in chunks],
            embeddings=vectors,  # type: ignore[arg-type]
            metadatas=[chunk_metadata(c, titles[c.document_id]) for c in chunks],
        )

    def update_chunk_metadata(self, chunks: Sequence[Chunk], titles: dict[str, str]) -> None:
        if chunks:
            self.chunks.update(
                ids=[c.id for c in chunks],
                metadatas=[chunk_metadata(c, titles[c.document_id]) for c in chunks],
            )

    def add_sentences(self, records: Sequence[SentenceRecord], vectors: np.ndarray) -> None:
        if not records:
            return
        self.sentences.upsert(
            ids=[r.id for r in records],
            documents=[r.text for r in records],
            embeddings=vectors,  # type: ignore[arg-type]
            metadatas=[
                {"chunk_id": r.chunk_id, "document_id": r.document_id, "start": r.start, "end": r.end}
                for r in records
            ],
        )

    def delete_chunks(self, chunk_ids: Sequence[str]) -> None:
        if not chunk_ids:
            return
        ids = list(chunk_ids)
        self.chunks.delete(ids=ids)
        self.sentences.delete(where={"chunk_id": {"$in": ids}})

    def delete_document(self, document_id: str) -> None:
        self.chunks.delete(where={"document_id": document_id})
        self.sentences.delete(where={"document_id": document_id})

    # --- reads --------------------------------------------------------------------------------
    def count(self) -> int:
        return self.chunks.count()

    def chunk_ids_of(self, document_id: str) -> set[str]:
        return set(self.chunks.get(where={"document_id": document_id}, include=[])["ids"])

    def iter_chunks(self) -> Iterator[tuple[Chunk, str]]:
        """Every stored chunk with its document title, page by page."""
        offset = 0
        while True:
            page = self.chunks.get(include=["documents", "metadatas"], limit=PAGE, offset=offset)
            if not page["ids"]:
                return
            for cid, text, meta in zip(page["ids"], page["documents"], page["metadatas"], strict=True):
                yield chunk_from_record(cid, text, meta), str(meta.get("title", ""))
            offset += len(page["ids"])

    def query_chunks(self, query_vector: np.ndarray, k: int) -> list[tuple[str, float]]:
        """Nearest chunks as (chunk_id, cosine similarity), best first."""
        n = self.chunks.count()
        if n == 0:
            return []
        res = self.chunks.query(query_embeddings=[query_vector], n_results=min(k, n), include=["distances"])
        return [(cid, 1.0 - float(d)) for cid, d in zip(res["ids"][0], res["distances"][0], strict=True)]

    def sentences_of(self, chunk_ids: Sequence[str]) -> list[tuple[SentenceRecord, np.ndarray]]:
        if not chunk_ids:
            return []
        res = self.sentences.get(
            where={"chunk_id": {"$in": list(chunk_ids)}}, include=["documents", "metadatas", "embeddings"]
        )
        out = []
        for sid, text, meta, vec in zip(
            res["ids"], res["documents"], res["metadatas"], res["embeddings"], strict=True
        ):
            record = SentenceRecord(
                id=sid,
                chunk_id=str(meta["chunk_id"]),
                document_id=str(meta["document_id"]),
                start=int(meta["start"]),
                end=int(meta["end"]),
                text=text,
            )
            out.append((record, np.asarray(vec, dtype=np.float32)))
        return out
