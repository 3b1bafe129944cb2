"""What a reader says of one candidate sentence (shared by the neural and the feature reader; no
torch or ONNX import, so answering with the feature reader never loads them)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Reading:
    relevance: float  # sigmoid of the relevance logit
    answerability: float  # sigmoid of the answerability logit
    span: tuple[int, int] | None  # char offsets into the sentence text
    span_margin: float  # best span logit sum minus the no-answer logit sum
