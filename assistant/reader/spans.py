"""Decode an answer span from start/end logits and score spans against reference answers."""

from __future__ import annotations

import re
import string
from collections import Counter

import numpy as np

MAX_SPAN_TOKENS = 30
_PUNCT = re.compile(f"[{re.escape(string.punctuation)}،؛؟«»“”‘’…ـ]")
_DIACRITICS = re.compile("[\u064b-\u0652\u0670]")


def best_span(
    start: np.ndarray, end: np.ndarray, offsets: list[tuple[int, int]], max_tokens: int = MAX_SPAN_TOKENS
) -> tuple[float, tuple[int, int] | None]:
    """(span score minus null score, char span) for one sentence. ``start``/``end`` have the null
    logit at index 0 and one logit per sentence token after it."""
    n = min(len(offsets), len(start) - 1)
    s = start[1 : n + 1]
    e = end[1 : n + 1]
    valid = np.array([(a, b) != (0, 0) for a, b in offsets[:n]])
    if not valid.any():
        return -np.inf, None
    s = np.where(valid, s, -np.inf)
    e = np.where(valid, e, -np.inf)
    best, span = -np.inf, None
    for i in np.argsort(-s)[:10]:
        if not np.isfinite(s[i]):
            continue
        window = e[i : i + max_tokens]
        j = i + int(np.argmax(window))
        score = s[i] + e[j]
        if score > best:
            best, span = score, (offsets[i][0], offsets[j][1])
    return float(best - (start[0] + end[0])), span


def normalize_answer(text: str) -> list[str]:
    text = _DIACRITICS.sub("", text)
    text = _PUNCT.sub(" ", text)
    text = re.sub("[أإآ]", "ا", text).replace("ى", "ي").replace("ة", "ه")
    return [w[2:] if w.startswith("ال") and len(w) > 3 else w for w in text.split()]


def exact_match(prediction: str, reference: str) -> float:
    return float(normalize_answer(prediction) == normalize_answer(reference))


def token_f1(prediction: str, reference: str) -> float:
    p, r = normalize_answer(prediction), normalize_answer(reference)
    common = sum((Counter(p) & Counter(r)).values())
    if not p or not r or common == 0:
        return float(p == r)
    precision, recall = common / len(p), common / len(r)
    return 2 * precision * recall / (precision + recall)
