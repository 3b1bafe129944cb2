"""Export the built e5-small folder to one ONNX graph: token ids + mask → normalised sentence vector.

The graph is the whole sentence-transformers pipeline (BERT → mean pooling over the attention mask
→ L2 normalisation), so the runtime side (``assistant.embedding.OnnxEmbedder``) only tokenizes and
calls ONNX Runtime. Exported with torch's TorchScript exporter (``dynamo=False``: it needs no extra
packages beyond ``onnx`` and handles this plain BERT exactly); batch and sequence axes are dynamic.
Same weights, float32: vectors equal the torch ones to ~1e-6 (tested), so an index built with one
runtime serves queries encoded with the other.
"""

from __future__ import annotations

import logging
import warnings
from pathlib import Path

log = logging.getLogger(__name__)

ONNX_FILE = Path("onnx") / "model.onnx"
INT8_FILE = Path("onnx") / "model.int8.onnx"  # the query encoder's dynamic int8 copy (docs/performance.md)
INPUTS = ("input_ids", "attention_mask")
OUTPUT = "sentence_embedding"
STATES_OUTPUT = "token_states"
STATE_LAYER = 9  # the reader's split: layers 0..8 are shared, 9..11 run jointly (docs/reader.md)
OPSET = 17


def export_onnx(folder: Path) -> Path:
    """Write ``folder/onnx/model.onnx`` from the transformer weights in ``folder``; returns its path."""
    import torch
    from transformers import AutoModel

    class MeanPooledEncoder(torch.nn.Module):
        def __init__(self, bert):
            super().__init__()
            self.bert = bert

        def forward(self, input_ids, attention_mask):
            out = self.bert(input_ids=input_ids, attention_mask=attention_mask, output_hidden_states=True)
            hidden = out.last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, p=2, dim=1), out.hidden_states[STATE_LAYER]

    target = Path(folder) / ONNX_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    # eager attention: the SDPA path traces into ops whose export is shape-specialised
    bert = AutoModel.from_pretrained(str(folder), attn_implementation="eager").eval()
    example = (torch.ones((2, 16), dtype=torch.long), torch.ones((2, 16), dtype=torch.long))
    with torch.inference_mode(), warnings.catch_warnings():
        # Two benign warnings: a TracerWarning on transformers' key/value padding check (always false
        # for an encoder, whose keys are its own tokens) and opset 17's note on aten::index. Padded
        # batches are checked against torch in tests/embeddings/test_build.py.
        warnings.simplefilter("ignore")
        torch.onnx.export(
            MeanPooledEncoder(bert),
            example,
            str(target),
            input_names=list(INPUTS),
            output_names=[OUTPUT, STATES_OUTPUT],
            dynamic_axes={
                "input_ids": {0: "batch", 1: "sequence"},
                "attention_mask": {0: "batch", 1: "sequence"},
                OUTPUT: {0: "batch"},
                STATES_OUTPUT: {0: "batch", 1: "sequence"},
            },
            opset_version=OPSET,
            dynamo=False,
        )
    log.info("exported %s", target)
    return target


def ensure_int8(folder: Path) -> Path:
    """``folder/onnx/model.int8.onnx``: a dynamic int8 quantization of the fp32 export (int8 weights
    for MatMul/Gather, per channel; activations quantized on the fly). Written once, atomically and
    under a lock, by ``assistant build-model`` or at the first start that needs it (~20 s)."""
    from filelock import FileLock

    target = Path(folder) / INT8_FILE
    if target.exists():
        return target
    with FileLock(str(target.with_suffix(".lock"))):
        if target.exists():
            return target
        from onnxruntime.quantization import QuantType, quantize_dynamic

        tmp = target.with_name(target.name + ".tmp")
        log.info("quantizing %s to int8", Path(folder) / ONNX_FILE)
        quantize_dynamic(
            str(Path(folder) / ONNX_FILE), str(tmp), weight_type=QuantType.QInt8, per_channel=True
        )
        tmp.replace(target)
    return target
