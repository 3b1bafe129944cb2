"""The embedding setting: the offline default or any sentence-transformers name/path."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.config import DEFAULT_MODEL, Settings
from assistant.embedding import HashEmbedder, load_embedder
from tests.conftest import CACHE


def test_hash_embedder_is_deterministic_and_normalised():
    embedder = HashEmbedder(64)
    a = embedder.embed_passages(["القمة العالمية الخامسة", "ورشة عمل"])
    b = embedder.embed_passages(["القمة العالمية الخامسة", "ورشة عمل"])
    assert np.array_equal(a, b)
    assert np.allclose(np.linalg.norm(a, axis=1), 1.0)


@pytest.mark.model
def test_any_sentence_transformers_path_can_replace_the_default(real_embedder):
    from embeddings.build import ensure_model

    path = str(ensure_model(CACHE))
    other = load_embedder(Settings(cache_dir=CACHE, embedding_model=path))
    assert other.name == path != DEFAULT_MODEL  # recorded with the index, so a switch forces --rebuild
    texts = ["أين عقدت القمة الخامسة؟", "Where was the fifth summit held?"]
    assert np.allclose(other.embed_queries(texts), real_embedder.embed_queries(texts), atol=1e-5)


def test_a_model_that_cannot_be_found_is_a_clear_error(tmp_path, monkeypatch):
    from assistant.errors import ModelUnavailable

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(ModelUnavailable, match="ASSISTANT_EMBEDDING_MODEL"):
        load_embedder(Settings(cache_dir=tmp_path, embedding_model=str(tmp_path / "no-such-model")))
