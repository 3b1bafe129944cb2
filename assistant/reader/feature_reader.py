"""The feature reader at answer time: relevance per candidate sentence, answerability per question.

Given the question, its candidate sentences (with the e5 cosines retrieval already computed) and the
index's idf, it returns each candidate's probability of holding the answer and the question's
answerability (docs/reader.md). No encoder pass of its own: the features reuse the query vector's
cosines, so the reader costs a few milliseconds a question.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.reader.feature_model import WEIGHTS_DIR, FeatureModels, load
from assistant.reader.features import Candidate, QuestionView, answerability_features, pair_features


@dataclass(frozen=True)
class FeatureReading:
    relevance: np.ndarray  # per candidate: probability that the sentence holds the answer
    answerability: float  # probability that the candidates answer the question at all
    kind: str  # the question's type (when, count, who, …)


def unknown_share(view: QuestionView, known: Callable[[str], bool]) -> float:
    """Idf-weighted share of the question's terms the corpus never contains."""
    total = sum(view.weights.values())
    if total <= 0:
        return 0.0
    return sum(w for t, w in view.weights.items() if not known(t)) / total


class FeatureReader:
    kind = "features"

    def __init__(self, models: FeatureModels):
        self.models = models

    @classmethod
    def load(cls, folder: Path | None = None) -> FeatureReader:
        return cls(load(folder or WEIGHTS_DIR))

    @property
    def thresholds(self) -> dict:
        return self.models.thresholds

    def read(
        self,
        question: str,
        candidates: Sequence[Candidate],
        idf: Callable[[str], float],
        known: Callable[[str], bool],
    ) -> FeatureReading:
        view = QuestionView.of(question, idf)
        if not candidates:
            return FeatureReading(np.zeros(0, dtype=np.float32), 0.0, view.kind)
        rows = pair_features(view, candidates)
        relevance = self.models.relevance.probabilities(rows)
        question_row = answerability_features(view.kind, rows, relevance, unknown_share(view, known))
        answerability = float(self.models.answerability.probabilities(question_row[None, :])[0])
        return FeatureReading(relevance, answerability, view.kind)
