"""A reader artefact for plumbing tests: e5's top layers with fresh heads, saved like a trained one.

It exercises the artefact format, the hash check, the ONNX export and the pipeline wiring against
the real model; it says nothing about answer quality (benchmarks/reader_eval.py measures that)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import CACHE


@pytest.fixture(scope="session")
def reader_weights(tmp_path_factory) -> Path:
    import torch

    from assistant.reader.artefact import save_weights
    from assistant.reader.train import TrainConfig, new_model
    from embeddings.build import ensure_model

    torch.manual_seed(0)
    config = TrainConfig()
    model = new_model(config, ensure_model(CACHE))
    folder = tmp_path_factory.mktemp("reader-weights")
    save_weights(model.state_dict(), folder, {"split": config.split, "layers": 12 - config.split})
    return folder


@pytest.fixture
def weights_copy(reader_weights, tmp_path) -> Path:
    folder = tmp_path / "weights"
    shutil.copytree(reader_weights, folder)
    return folder
