"""The feature reader's two small networks, their shipped weights, and their hash check.

``weights/feature_reader.json`` holds two multilayer perceptrons over standardised features:
``relevance`` scores a (question, sentence) pair (assistant/reader/features.py) and
``answerability`` scores a question against its best candidates (``answerability_features``).
``weights/feature_reader.manifest.json`` records the sha256 of the weights file, the training data
and their licences, the held-out figures and the thresholds chosen on data. Loading refuses a
weights file whose hash does not match, and says how to restore it. Inference is numpy: a few
thousand multiply-adds per candidate.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.reader.artefact import ReaderArtefactError
from assistant.reader.features import ANSWERABILITY_NAMES, FEATURE_NAMES

WEIGHTS_DIR = Path(__file__).parent / "weights"
WEIGHTS_FILE = "feature_reader.json"
MANIFEST_FILE = "feature_reader.manifest.json"
FORMAT = 1


@dataclass
class Mlp:
    """Standardise, then dense layers with ReLU between them and a logistic output."""

    mean: np.ndarray
    scale: np.ndarray
    layers: list[tuple[np.ndarray, np.ndarray]]

    def logits(self, x: np.ndarray) -> np.ndarray:
        h = (np.asarray(x, dtype=np.float32) - self.mean) / self.scale
        for i, (w, b) in enumerate(self.layers):
            h = h @ w + b
            if i < len(self.layers) - 1:
                h = np.maximum(h, 0.0)
        return h[:, 0]

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-self.logits(x)))

    def to_json(self) -> dict:
        return {
            "mean": self.mean.tolist(),
            "scale": self.scale.tolist(),
            "layers": [{"weight": w.tolist(), "bias": b.tolist()} for w, b in self.layers],
        }

    @classmethod
    def from_json(cls, raw: dict) -> Mlp:
        return cls(
            np.asarray(raw["mean"], dtype=np.float32),
            np.asarray(raw["scale"], dtype=np.float32),
            [
                (np.asarray(layer["weight"], dtype=np.float32), np.asarray(layer["bias"], dtype=np.float32))
                for layer in raw["layers"]
            ],
        )


@dataclass
class FeatureModels:
    relevance: Mlp
    answerability: Mlp
    manifest: dict

    @property
    def thresholds(self) -> dict:
        return self.manifest.get("thresholds", {})


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def save(models: FeatureModels, folder: Path = WEIGHTS_DIR) -> None:
    """Write the weights (stable JSON) and the manifest with their sha256."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    payload = {
        "format": FORMAT,
        "features": FEATURE_NAMES,
        "answerability_features": ANSWERABILITY_NAMES,
        "relevance": models.relevance.to_json(),
        "answerability": models.answerability.to_json(),
    }
    data = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    (folder / WEIGHTS_FILE).write_bytes(data)
    manifest = {**models.manifest, "format": FORMAT, "sha256": sha256_bytes(data)}
    (folder / MANIFEST_FILE).write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )


def load(folder: Path = WEIGHTS_DIR) -> FeatureModels:
    """The shipped models; a missing, damaged or mismatched file is a ReaderArtefactError that says
    what is wrong and how to restore it."""
    folder = Path(folder)
    weights, manifest_path = folder / WEIGHTS_FILE, folder / MANIFEST_FILE
    restore = (
        f"Restore the shipped files with `git checkout -- {weights} {manifest_path}`, retrain them with "
        "`assistant train-reader`, or switch the reader off with ASSISTANT_READER=off."
    )
    for path in (weights, manifest_path):
        if not path.exists():
            raise ReaderArtefactError(f"The reader file {path} is missing. {restore}")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ReaderArtefactError(
            f"The reader manifest {manifest_path} is not valid JSON ({exc}). {restore}"
        ) from exc
    data = weights.read_bytes()
    actual = sha256_bytes(data)
    if actual != manifest.get("sha256"):
        raise ReaderArtefactError(
            f"The reader weights {weights} do not match their manifest (sha256 {actual[:12]}…, expected "
            f"{str(manifest.get('sha256'))[:12]}…): the file is damaged or was replaced. {restore}"
        )
    raw = json.loads(data.decode("utf-8"))
    if (
        raw.get("format") != FORMAT
        or raw.get("features") != FEATURE_NAMES
        or (raw.get("answerability_features") != ANSWERABILITY_NAMES)
    ):
        raise ReaderArtefactError(
            f"The reader weights {weights} were trained for other features (format {raw.get('format')}); "
            f"this code expects format {FORMAT}. {restore}"
        )
    return FeatureModels(Mlp.from_json(raw["relevance"]), Mlp.from_json(raw["answerability"]), manifest)
