"""The reader's trained part: the top e5 layers run jointly on [question; sentence], and three heads.

Inputs are the bottom-layer states of the question and of one candidate sentence (``bottom.py``):
- relevance: is the sentence about what the question asks (graded target, used to rerank);
- answerability: does the sentence answer the question (used to decide refusal);
- span: start/end over the sentence's tokens, with a null position (index 0) for "no answer here".
Plain torch (post-LN BERT layers), so the same module exports to one ONNX graph.
"""

from __future__ import annotations

import math

import torch
from torch import nn

HIDDEN = 384
HEADS = 12
FFN = 1536
EPS = 1e-12


class JointLayer(nn.Module):
    """One BERT encoder layer (self-attention, feed-forward, post-LayerNorm)."""

    def __init__(self, dropout: float = 0.1):
        super().__init__()
        self.query = nn.Linear(HIDDEN, HIDDEN)
        self.key = nn.Linear(HIDDEN, HIDDEN)
        self.value = nn.Linear(HIDDEN, HIDDEN)
        self.attention_out = nn.Linear(HIDDEN, HIDDEN)
        self.attention_norm = nn.LayerNorm(HIDDEN, eps=EPS)
        self.intermediate = nn.Linear(HIDDEN, FFN)
        self.output = nn.Linear(FFN, HIDDEN)
        self.output_norm = nn.LayerNorm(HIDDEN, eps=EPS)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor, additive_mask: torch.Tensor) -> torch.Tensor:
        b, n, _ = x.shape
        d = HIDDEN // HEADS

        def heads(t: torch.Tensor) -> torch.Tensor:
            return t.view(b, n, HEADS, d).transpose(1, 2)

        q, k, v = heads(self.query(x)), heads(self.key(x)), heads(self.value(x))
        scores = q @ k.transpose(-1, -2) / math.sqrt(d) + additive_mask
        attention = self.dropout(torch.softmax(scores, dim=-1))
        context = (attention @ v).transpose(1, 2).reshape(b, n, HIDDEN)
        x = self.attention_norm(x + self.dropout(self.attention_out(context)))
        ffn = self.output(nn.functional.gelu(self.intermediate(x)))
        return self.output_norm(x + self.dropout(ffn))

    def load_bert(self, weights: dict[str, torch.Tensor], prefix: str) -> None:
        names = {
            "query": "attention.self.query",
            "key": "attention.self.key",
            "value": "attention.self.value",
            "attention_out": "attention.output.dense",
            "attention_norm": "attention.output.LayerNorm",
            "intermediate": "intermediate.dense",
            "output": "output.dense",
            "output_norm": "output.LayerNorm",
        }
        for ours, theirs in names.items():
            module = getattr(self, ours)
            module.weight.data.copy_(weights[f"{prefix}.{theirs}.weight"])
            module.bias.data.copy_(weights[f"{prefix}.{theirs}.bias"])


class Reader(nn.Module):
    def __init__(self, layers: int, dropout: float = 0.1):
        super().__init__()
        self.segment = nn.Embedding(2, HIDDEN)
        nn.init.zeros_(self.segment.weight)
        self.layers = nn.ModuleList(JointLayer(dropout) for _ in range(layers))
        self.span = nn.Linear(HIDDEN, 2)
        self.pool = nn.Sequential(nn.Linear(3 * HIDDEN, HIDDEN), nn.GELU(), nn.Dropout(dropout))
        self.scores = nn.Linear(HIDDEN, 2)  # relevance, answerability
        self.null = nn.Linear(HIDDEN, 2)  # start/end logit of "no span", from the question's first token

    def init_from_e5(self, weights: dict[str, torch.Tensor], first_layer: int) -> None:
        for i, layer in enumerate(self.layers):
            layer.load_bert(weights, f"encoder.layer.{first_layer + i}")

    def forward(self, q_states, q_mask, s_states, s_mask, span_mask):
        """q_states [B, Lq, H], q_mask [B, Lq], s_states [B, Ls, H], s_mask/span_mask [B, Ls] →
        relevance [B], answerability [B] (logits), start/end [B, 1 + Ls] (index 0 = no span)."""
        x = torch.cat([q_states + self.segment.weight[0], s_states + self.segment.weight[1]], dim=1)
        mask = torch.cat([q_mask, s_mask], dim=1).to(x.dtype)
        additive = ((1.0 - mask) * -1e4)[:, None, None, :]
        for layer in self.layers:
            x = layer(x, additive)
        lq = q_states.shape[1]
        q_part, s_part = x[:, :lq], x[:, lq:]
        qm = q_mask.to(x.dtype).unsqueeze(-1)
        sm = s_mask.to(x.dtype).unsqueeze(-1)
        q_mean = (q_part * qm).sum(1) / qm.sum(1).clamp(min=1.0)
        s_mean = (s_part * sm).sum(1) / sm.sum(1).clamp(min=1.0)
        pooled = self.pool(torch.cat([x[:, 0], q_mean, s_mean], dim=-1))
        scores = self.scores(pooled)
        span = self.span(s_part)  # [B, Ls, 2]
        blocked = (1.0 - span_mask.to(x.dtype)) * -1e4
        null = self.null(x[:, 0])  # [B, 2]
        start = torch.cat([null[:, :1], span[..., 0] + blocked], dim=1)
        end = torch.cat([null[:, 1:], span[..., 1] + blocked], dim=1)
        return scores[:, 0], scores[:, 1], start, end
