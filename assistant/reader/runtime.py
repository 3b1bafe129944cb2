"""The reader at question time: ONNX Runtime over [question states; sentence states] pairs.

``ReaderRuntime.read(question_states, candidates)`` scores every candidate sentence in one batch
and returns, per candidate, its relevance and answerability (probabilities) and the best answer
span inside it with the span's margin over "no answer here".
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.reader.artefact import INPUTS, Manifest, ensure_onnx
from assistant.reader.batches import MAX_QUESTION_TOKENS, MAX_SENTENCE_TOKENS, span_mask_of
from assistant.reader.readings import Reading  # noqa: F401  (re-exported)
from assistant.reader.spans import best_span


@dataclass(frozen=True)
class Candidate:
    states: np.ndarray  # [tokens, 384] bottom states of "passage: " + text
    offsets: list[tuple[int, int]]  # per token, char offsets into the text ((0, 0) = special/prompt)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


class ReaderRuntime:
    def __init__(
        self, cache_dir: Path, *, int8: bool = True, threads: int = 1, weights_dir: Path | None = None
    ):
        import onnxruntime as ort

        kwargs = {"folder": weights_dir} if weights_dir else {}
        fp32, quantized, manifest = ensure_onnx(cache_dir, **kwargs)
        self.manifest: Manifest = manifest
        self.int8 = int8
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.log_severity_level = 3
        self._session = ort.InferenceSession(
            str(quantized if int8 else fp32), options, providers=["CPUExecutionProvider"]
        )

    @property
    def split(self) -> int:
        return self.manifest.split

    def read(self, question_states: np.ndarray, candidates: list[Candidate]) -> list[Reading]:
        if not candidates:
            return []
        q = np.asarray(question_states[:MAX_QUESTION_TOKENS], dtype=np.float32)
        n = len(candidates)
        width = max(min(len(c.states), MAX_SENTENCE_TOKENS) for c in candidates)
        s = np.zeros((n, width, q.shape[-1]), dtype=np.float32)
        s_mask = np.zeros((n, width), dtype=np.float32)
        span_mask = np.zeros((n, width), dtype=np.float32)
        for i, c in enumerate(candidates):
            k = min(len(c.states), MAX_SENTENCE_TOKENS)
            s[i, :k] = c.states[:k]
            s_mask[i, :k] = 1.0
            m = span_mask_of(c.offsets, k)
            span_mask[i, : len(m)] = m
        feed = dict(
            zip(
                INPUTS,
                (np.repeat(q[None], n, axis=0), np.ones((n, len(q)), np.float32), s, s_mask, span_mask),
                strict=True,
            )
        )
        relevance, answerability, start, end = self._session.run(None, feed)
        out = []
        for i, c in enumerate(candidates):
            margin, span = best_span(start[i], end[i], c.offsets)
            out.append(
                Reading(float(_sigmoid(relevance[i])), float(_sigmoid(answerability[i])), span, margin)
            )
        return out
