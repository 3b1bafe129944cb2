"""The reader artefact: its hash is checked on load, a damaged file is refused clearly, and the
ONNX graphs built from it compute what the torch module computes."""

import numpy as np
import pytest
import torch

from assistant.reader.artefact import (
    ReaderArtefactError,
    ensure_onnx,
    load_module,
    sha256_of,
    verified_weights,
)

pytestmark = pytest.mark.model


def test_saved_weights_match_their_manifest_and_stay_small(reader_weights):
    path, manifest = verified_weights(reader_weights)
    assert sha256_of(path) == manifest.sha256
    assert manifest.layers == 12 - manifest.split
    assert path.stat().st_size < 40 * 1024 * 1024
    assert path.stat().st_mode & 0o044  # readable by everyone (safetensors writes 0600)


def test_a_corrupted_weights_file_is_refused_with_a_clear_message(weights_copy):
    path = weights_copy / "reader.safetensors"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(ReaderArtefactError) as caught:
        load_module(weights_copy)
    message = caught.value.message
    assert "damaged or were replaced" in message and "git checkout" in message
    assert "ASSISTANT_READER=off" in message


def test_missing_weights_say_how_to_restore_them(weights_copy):
    (weights_copy / "reader.safetensors").unlink()
    with pytest.raises(ReaderArtefactError, match="missing"):
        verified_weights(weights_copy)


def test_the_onnx_graphs_match_the_torch_module(reader_weights, tmp_path):
    import onnxruntime as ort

    model, _ = load_module(reader_weights)
    fp32, int8, _ = ensure_onnx(tmp_path, reader_weights)
    rng = np.random.default_rng(0)
    q = rng.standard_normal((3, 12, 384)).astype(np.float32)
    s = rng.standard_normal((3, 30, 384)).astype(np.float32)
    qm, sm = np.ones((3, 12), np.float32), np.ones((3, 30), np.float32)
    sm[1, 20:] = 0  # a shorter sentence in the batch
    feed = dict(
        zip(("q_states", "q_mask", "s_states", "s_mask", "span_mask"), (q, qm, s, sm, sm), strict=True)
    )
    with torch.inference_mode():
        expected = [t.numpy() for t in model(*(torch.from_numpy(x) for x in feed.values()))]
    got = ort.InferenceSession(str(fp32), providers=["CPUExecutionProvider"]).run(None, feed)
    for e, g in zip(expected, got, strict=True):
        assert np.allclose(e, g, atol=1e-3)
    quantized = ort.InferenceSession(str(int8), providers=["CPUExecutionProvider"]).run(None, feed)
    assert np.corrcoef(expected[1], quantized[1])[0, 1] > 0.9  # int8 keeps the order of the scores
