"""The shipped reader artefact: its hash is checked on load, and a damaged file is refused clearly."""

import shutil

import pytest

from assistant.reader.artefact import WEIGHTS_DIR, ReaderArtefactError, load_module, sha256_of, verified_weights


@pytest.fixture
def weights_copy(tmp_path):
    folder = tmp_path / "weights"
    shutil.copytree(WEIGHTS_DIR, folder)
    return folder


def test_the_shipped_weights_match_their_manifest():
    path, manifest = verified_weights()
    assert sha256_of(path) == manifest.sha256
    assert manifest.layers == 12 - manifest.split
    assert path.stat().st_size < 40 * 1024 * 1024


def test_a_corrupted_weights_file_is_refused_with_a_clear_message(weights_copy):
    path = weights_copy / "reader.safetensors"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(ReaderArtefactError) as caught:
        load_module(weights_copy)
    message = caught.value.message
    assert "damaged or were replaced" in message and "git checkout" in message and "ASSISTANT_READER=off" in message


def test_missing_weights_say_how_to_restore_them(weights_copy):
    (weights_copy / "reader.safetensors").unlink()
    with pytest.raises(ReaderArtefactError, match="missing"):
        verified_weights(weights_copy)
