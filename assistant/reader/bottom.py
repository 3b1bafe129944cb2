"""The shared bottom of the reader: e5-small's first ``split`` layers, run on one text at a time.

At run time these states come from the shipped encoder (queries) and the ingest (sentences); for
training they are computed once here with torch from the same weights and cached as float16.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from tqdm import tqdm

QUERY_PROMPT = "query: "
PASSAGE_PROMPT = "passage: "
MAX_TOKENS = 512


@dataclass
class Encoded:
    ids: list[int]
    offsets: list[tuple[int, int]]  # char offsets into the text without its prompt; (0, 0) = special


def load_tokenizer(model_folder: Path):
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(Path(model_folder) / "tokenizer.json"))
    tokenizer.enable_truncation(MAX_TOKENS)
    tokenizer.no_padding()
    return tokenizer


def encode(tokenizer, text: str, prompt: str) -> Encoded:
    enc = tokenizer.encode(prompt + text)
    shift = len(prompt)
    offsets = [
        (max(0, a - shift), max(0, b - shift)) if (b > shift and (a, b) != (0, 0)) else (0, 0)
        for a, b in enc.offsets
    ]
    return Encoded(list(enc.ids), offsets)


class TorchBottom:
    """e5-small's embeddings and first ``split`` layers in torch (training-time state cache)."""

    def __init__(self, model_folder: Path, split: int, threads: int = 2):
        import torch
        from transformers import AutoModel

        torch.set_num_threads(threads)
        bert = AutoModel.from_pretrained(str(model_folder), attn_implementation="eager").eval()
        bert.encoder.layer = bert.encoder.layer[:split]
        self.bert = bert
        self.split = split

    def states(self, batch_ids: list[list[int]]) -> list[np.ndarray]:
        import torch

        width = max(len(ids) for ids in batch_ids)
        ids = torch.ones((len(batch_ids), width), dtype=torch.long)  # pad id 1 (XLM-R)
        mask = torch.zeros((len(batch_ids), width), dtype=torch.long)
        for i, row in enumerate(batch_ids):
            ids[i, : len(row)] = torch.tensor(row)
            mask[i, : len(row)] = 1
        with torch.inference_mode():
            hidden = self.bert(input_ids=ids, attention_mask=mask).last_hidden_state
        return [hidden[i, : len(row)].numpy().astype(np.float16) for i, row in enumerate(batch_ids)]


def cache_states(
    bottom: TorchBottom, encoded: list[Encoded], folder: Path, *, batch_tokens: int = 8192, shard: int = 4096
) -> tuple[np.ndarray, np.ndarray]:
    """States of every text, concatenated: (matrix [tokens, 384] float16, row offsets [n + 1]).

    Written shard by shard into ``folder`` so an interrupted run resumes where it stopped."""
    folder.mkdir(parents=True, exist_ok=True)
    parts = []
    bar = tqdm(total=len(encoded), desc=f"states {folder.name}", unit="text")
    for s0 in range(0, len(encoded), shard):
        path = folder / f"shard-{s0 // shard:05d}.npy"
        rows = encoded[s0 : s0 + shard]
        if not path.exists():
            out: list[np.ndarray | None] = [None] * len(rows)
            order = sorted(range(len(rows)), key=lambda i: len(rows[i].ids))
            i = 0
            while i < len(order):
                width = len(rows[order[i]].ids)
                j = i
                while j < len(order) and (j - i + 1) * max(width, len(rows[order[j]].ids)) <= batch_tokens:
                    width = max(width, len(rows[order[j]].ids))
                    j += 1
                j = max(j, i + 1)
                batch = [order[k] for k in range(i, j)]
                for k, st in zip(batch, bottom.states([rows[k].ids for k in batch]), strict=True):
                    out[k] = st
                bar.update(len(batch))
                i = j
            tmp = path.with_suffix(".tmp.npy")
            np.save(tmp, np.concatenate(out, axis=0))
            tmp.rename(path)
        else:
            bar.update(len(rows))
        parts.append(np.load(path, mmap_mode="r"))
    bar.close()
    lengths = np.array([len(e.ids) for e in encoded], dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(lengths)])
    matrix = np.concatenate(parts, axis=0) if parts else np.zeros((0, 384), np.float16)
    assert matrix.shape[0] == offsets[-1], "cached shards do not match the texts: delete the cache"
    (folder / "meta.json").write_text(json.dumps({"texts": len(encoded), "tokens": int(offsets[-1])}))
    return matrix, offsets
