"""Text → vectors. One abstract method per direction, e5 prompts applied here.

``Embedder`` is what the rest of the code depends on. ``OnnxEmbedder`` runs the offline e5-small
(built by ``embeddings.build``) on ONNX Runtime, the default; ``SentenceTransformerEmbedder`` runs
it, or any other sentence-transformers model, on torch. Both give the same vectors for e5-small
(tested), so either can query an index the other built. ``HashEmbedder`` is a deterministic fake
for fast unit tests.

Why ONNX Runtime by default (docs/performance.md): a ~30-token query through torch is hundreds of
tiny ops dispatched from Python and concurrent requests oversubscribe the cores; ORT runs the same
graph in ~1/2 to 1/3 of the time alone and scales ~3.5x better under 8 concurrent requests.
"""

from __future__ import annotations

import hashlib
import json
import logging
from abc import ABC, abstractmethod
from collections.abc import Sequence
from pathlib import Path

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


class OnnxEmbedder(Embedder):
    """The exported e5 graph (``embeddings.onnx_export``) on ONNX Runtime, tokenized by ``tokenizers``.

    Thread-safe: ``InferenceSession.run`` may be called concurrently, and the tokenizer's truncation
    and padding are set once here, never per call (changing them while another thread encodes is
    what makes shared fast tokenizers fail with "Already borrowed").
    """

    def __init__(
        self,
        folder: Path,
        *,
        query_prompt: str,
        passage_prompt: str,
        batch_size: int = 32,
        threads: int = 0,
        name: str | None = None,
        model_file: Path | None = None,
        query_model_file: Path | None = None,
    ):
        """``model_file`` replaces ``folder/onnx/model.onnx`` (benchmarks try quantized copies);
        ``query_model_file`` encodes queries only (the int8 query encoder: passages, and so the index,
        stay float32)."""
        import onnxruntime as ort
        from tokenizers import Tokenizer

        from embeddings.onnx_export import INPUTS, ONNX_FILE, STATES_OUTPUT

        folder = Path(folder)
        self.folder = folder
        self.name = name or str(folder)
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads  # 0: ONNX Runtime's default, one per physical core
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.log_severity_level = 3  # warnings about unused initialisers are noise here
        self._session = ort.InferenceSession(
            str(model_file or folder / ONNX_FILE), options, providers=["CPUExecutionProvider"]
        )
        self._query_session = (
            ort.InferenceSession(str(query_model_file), options, providers=["CPUExecutionProvider"])
            if query_model_file is not None
            else self._session
        )
        self._inputs = INPUTS
        outputs = [o.name for o in self._session.get_outputs()]
        self._output = outputs[0]
        self._states_output = STATES_OUTPUT if STATES_OUTPUT in outputs else None
        self.dimension = int(self._session.get_outputs()[0].shape[-1])
        config = json.loads((folder / "tokenizer_config.json").read_text())
        pad = config["pad_token"]
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(int(config["model_max_length"]))
        self.tokenizer.enable_padding(pad_id=self.tokenizer.token_to_id(pad), pad_token=pad)
        self._prompts = {"query": query_prompt, "passage": passage_prompt}
        self.batch_size = batch_size

    def embed_batch(self, texts: Sequence[str], *, kind: str) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        prompt = self._prompts[kind]
        # sorted by length, so each batch pads to a similar length (as sentence-transformers does)
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for start in range(0, len(order), self.batch_size):
            rows = order[start : start + self.batch_size]
            encodings = self.tokenizer.encode_batch([prompt + texts[i] for i in rows])
            feed = {
                self._inputs[0]: np.array([e.ids for e in encodings], dtype=np.int64),
                self._inputs[1]: np.array([e.attention_mask for e in encodings], dtype=np.int64),
            }
            session = self._query_session if kind == "query" else self._session
            (vectors,) = session.run([self._output], feed)
            out[rows] = vectors
        return out

    @property
    def has_states(self) -> bool:
        """The graph also gives the reader's token states (model cache format 3 and later)."""
        return self._states_output is not None

    def embed_with_states(self, texts: Sequence[str], *, kind: str) -> tuple[np.ndarray, list[np.ndarray]]:
        """Vectors and, per text, the token states after the reader's shared layers (float16
        [tokens, 384], special and prompt tokens included), from one forward pass."""
        if self._states_output is None:
            raise RuntimeError("this ONNX graph has no token states: run `assistant build-model`")
        prompt = self._prompts[kind]
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        states: list[np.ndarray] = [np.zeros((0, 384), np.float16)] * len(texts)
        for start in range(0, len(order), self.batch_size):
            rows = order[start : start + self.batch_size]
            encodings = self.tokenizer.encode_batch([prompt + texts[i] for i in rows])
            mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
            ids = np.array([e.ids for e in encodings], dtype=np.int64)
            feed = {self._inputs[0]: ids, self._inputs[1]: mask}
            vectors, hidden = self._session.run([self._output, self._states_output], feed)
            out[rows] = vectors
            for k, i in enumerate(rows):
                states[i] = hidden[k, : int(mask[k].sum())].astype(np.float16)
        return out, states

    def count_tokens(self, text: str) -> int:
        return len(self.tokenizer.encode(text, add_special_tokens=False).ids)


class HashEmbedder(Embedder):
    """Deterministic bag-of-tokens hashing embedder: similar texts share dimensions. Tests only."""

    def __init__(self, dimension: int = 256):
        self.name = f"hash-{dimension}"
        self.dimension = dimension

    def embed_batch(self, texts: Sequence[str], *, kind: str) -> np.ndarray:
        from assistant.text.arabic import bm25_tokens

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
        self.delay = delay

    def embed_batch(self, texts: Sequence[str], *, kind: str) -> np.ndarray:
        import time

        time.sleep(self.delay)
        return super().embed_batch(texts, kind=kind)


def _renamed(embedder: Embedder, name: str) -> Embedder:
    embedder.name = name
    return embedder


# Test doubles selectable by name (ASSISTANT_EMBEDDING_MODEL=test:hash) so subprocess tests can run
# the real CLI without the model; both record the same name so their indexes are interchangeable.
TEST_EMBEDDERS = {
    "test:hash": lambda: _renamed(HashEmbedder(), "test:hash"),
    "test:hash-slow": lambda: _renamed(SlowHashEmbedder(), "test:hash"),
}


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
    log.info("loading embedding model %s (%s)", path, settings.encoder_runtime)
    if name == DEFAULT_MODEL and settings.encoder_runtime == "onnx":
        query_model = None
        if settings.query_encoder_int8:
            from embeddings.onnx_export import ensure_int8

            query_model = ensure_int8(Path(path))
        return OnnxEmbedder(
            Path(path),
            query_prompt=settings.query_prompt,
            passage_prompt=settings.passage_prompt,
            batch_size=settings.embed_batch_size,
            threads=settings.encoder_threads,
            name=name,
            query_model_file=query_model,
        )
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
