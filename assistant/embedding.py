"""Text → vectors. One abstract method per direction, e5 prompts applied here.

``Embedder`` is what the rest of the code depends on. ``SentenceTransformerEmbedder`` wraps the
real model (the offline e5-small built by ``embeddings.build`` by default); ``HashEmbedder`` is a
deterministic fake for fast unit tests.
"""

from __future__ import annotations

import hashlib
import logging
from abc import ABC, abstractmethod
from collections.abc import Sequence

import numpy as np

from assistant.config import DEFAULT_MODEL, Settings
from assistant.errors import ModelUnavailable

log = logging.getLogger(__name__)


class Embedder(ABC):
    """Encodes queries and passages into L2-normalised float32 vectors."""

    name: str = "embedder"
    dimension: int = 0

    @abstractmethod
    def embed_batch(self, texts: Sequence[str], *, kind: str) -> np.ndarray:
        """Encode texts; ``kind`` is "query" or "passage". Returns shape (len(texts), dimension)."""

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self.embed_batch(texts, kind="query")

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self.embed_batch(texts, kind="passage")

    def count_tokens(self, text: str) -> int:
        """Model tokens in ``text`` (approximate for fakes)."""
        return len(text.split())


class SentenceTransformerEmbedder(Embedder):
    def __init__(
        self,
        model_path: str,
        *,
        query_prompt: str,
        passage_prompt: str,
        batch_size: int = 32,
        name: str | None = None,
    ):
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # no "Loading weights" bar on every start
        self.name = name or model_path  # recorded with the index: the logical name, not a cache path
        self._model = SentenceTransformer(model_path, device="cpu")
        self._prompts = {"query": query_prompt, "passage": passage_prompt}
        self.batch_size = batch_size
        # sentence-transformers 6 renamed get_sentence_embedding_dimension (the old name warns).
        get_dimension = getattr(self._model, "get_embedding_dimension", None)
        get_dimension = get_dimension or self._model.get_sentence_embedding_dimension
        self.dimension = int(get_dimension() or 0)
        self.tokenizer = self._model.tokenizer

    def embed_batch(self, texts: Sequence[str], *, kind: str) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        prompt = self._prompts[kind]
        vectors = self._model.encode(
            [prompt + t for t in texts],
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)

    def count_tokens(self, text: str) -> int:
        return len(self.tokenizer(text, add_special_tokens=False)["input_ids"])


class HashEmbedder(Embedder):
    """Deterministic bag-of-tokens hashing embedder: similar texts share dimensions. Tests only."""

    def __init__(self, dimension: int = 256):
        self.name = f"hash-{dimension}"
        self.dimension = dimension

    def embed_batch(self, texts: Sequence[str], *, kind: str) -> np.ndarray:
        from assistant.arabic import bm25_tokens

        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for i, text in enumerate(texts):
            for token in bm25_tokens(text):
                h = int.from_bytes(hashlib.blake2b(token.encode(), digest_size=8).digest(), "little")
                out[i, h % self.dimension] += 1.0 if (h >> 63) == 0 else -1.0
            norm = np.linalg.norm(out[i])
            if norm > 0:
                out[i] /= norm
        return out


class SlowHashEmbedder(HashEmbedder):
    """The hash embedder with a delay per batch, so a test can kill an ingest half-way."""

    def __init__(self, delay: float = 0.2):
        super().__init__()
        self.name = "test:hash-slow"
        self.delay = delay

    def embed_batch(self, texts: Sequence[str], *, kind: str) -> np.ndarray:
        import time

        time.sleep(self.delay)
        return super().embed_batch(texts, kind=kind)


def _test_hash() -> Embedder:
    embedder = HashEmbedder()
    embedder.name = "test:hash"
    return embedder


# Test doubles selectable by name (ASSISTANT_EMBEDDING_MODEL=test:hash) so subprocess tests can run
# the real CLI without the model; both record the same name so their indexes are interchangeable.
TEST_EMBEDDERS = {
    "test:hash": _test_hash,
    "test:hash-slow": lambda: _renamed(SlowHashEmbedder(), "test:hash"),
}


def _renamed(embedder: Embedder, name: str) -> Embedder:
    embedder.name = name
    return embedder


def load_embedder(settings: Settings) -> Embedder:
    """Build the configured embedder; the offline default is built into the cache on first use."""
    name = settings.embedding_model
    if name in TEST_EMBEDDERS:
        return TEST_EMBEDDERS[name]()
    if name == DEFAULT_MODEL:
        from embeddings.build import ensure_model

        path = str(ensure_model(settings.cache_dir))
    else:
        path = name
    log.info("loading embedding model %s", path)
    try:
        return SentenceTransformerEmbedder(
            path,
            query_prompt=settings.query_prompt,
            passage_prompt=settings.passage_prompt,
            batch_size=settings.embed_batch_size,
            name=name,
        )
    except (OSError, ValueError) as exc:
        raise ModelUnavailable(
            f"The embedding model '{name}' could not be loaded ({type(exc).__name__}). Set "
            f"ASSISTANT_EMBEDDING_MODEL to a local sentence-transformers folder, or unset it to use "
            f"the offline default '{DEFAULT_MODEL}'."
        ) from exc
