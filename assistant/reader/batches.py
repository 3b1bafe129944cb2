"""Turn (question variant, sentence) pairs into padded tensors for the reader."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

MAX_QUESTION_TOKENS = 48
MAX_SENTENCE_TOKENS = 160


def token_span(offsets: list[tuple[int, int]], start: int, end: int, limit: int) -> tuple[int, int] | None:
    """Token indices (inclusive) covering chars [start, end) of the text, or None if cut off."""
    first = last = None
    for i, (a, b) in enumerate(offsets[:limit]):
        if (a, b) == (0, 0):
            continue
        if first is None and b > start:
            first = i
        if a < end:
            last = i
    if first is None or last is None or last < first:
        return None
    return first, last


def span_mask_of(offsets: list[tuple[int, int]], limit: int) -> np.ndarray:
    return np.array([(a, b) != (0, 0) for a, b in offsets[:limit]], dtype=np.float32)


@dataclass
class Batch:
    q_states: torch.Tensor
    q_mask: torch.Tensor
    s_states: torch.Tensor
    s_mask: torch.Tensor
    span_mask: torch.Tensor
    answers: torch.Tensor
    relevance: torch.Tensor
    start: torch.Tensor  # 0 = no span, else 1 + token index
    end: torch.Tensor


def pad(rows: list[np.ndarray]) -> tuple[torch.Tensor, torch.Tensor]:
    width = max(len(r) for r in rows)
    out = np.zeros((len(rows), width, rows[0].shape[-1]), dtype=np.float32)
    mask = np.zeros((len(rows), width), dtype=np.float32)
    for i, r in enumerate(rows):
        out[i, : len(r)] = r
        mask[i, : len(r)] = 1.0
    return torch.from_numpy(out), torch.from_numpy(mask)


def make_batch(items: list[dict]) -> Batch:
    """``items``: dicts with q (states), s (states), offsets, answers, relevance, span (chars)."""
    q_states, q_mask = pad([it["q"][:MAX_QUESTION_TOKENS] for it in items])
    s_states, s_mask = pad([it["s"][:MAX_SENTENCE_TOKENS] for it in items])
    span_mask = torch.zeros_like(s_mask)
    start = torch.zeros(len(items), dtype=torch.long)
    end = torch.zeros(len(items), dtype=torch.long)
    for i, it in enumerate(items):
        m = span_mask_of(it["offsets"], MAX_SENTENCE_TOKENS)
        span_mask[i, : len(m)] = torch.from_numpy(m)
        if it["span"] is not None:
            tokens = token_span(it["offsets"], it["span"][0], it["span"][1], MAX_SENTENCE_TOKENS)
            if tokens is not None:
                start[i], end[i] = tokens[0] + 1, tokens[1] + 1
    return Batch(
        q_states,
        q_mask,
        s_states,
        s_mask,
        span_mask,
        torch.tensor([it["answers"] for it in items], dtype=torch.float32),
        torch.tensor([it["relevance"] for it in items], dtype=torch.float32),
        start,
        end,
    )
