"""BM25 over Arabic-normalised, lightly stemmed tokens (bm25s)."""

from __future__ import annotations

import logging
import math
from collections import Counter
from collections.abc import Sequence

import bm25s
import numpy as np

from assistant.text.arabic import bm25_tokens

log = logging.getLogger(__name__)
logging.getLogger("bm25s").setLevel(logging.WARNING)  # bm25s sets its own logger to DEBUG


class LexicalIndex:
    """An in-memory BM25 index keyed by chunk id. Documents and queries share ``bm25_tokens``."""

    def __init__(self, ids: Sequence[str], texts: Sequence[str]):
        self.ids = list(ids)
        self._bm25: bm25s.BM25 | None = None
        self._df: Counter[str] = Counter()
        if self.ids:
            tokenized = [bm25_tokens(t) for t in texts]
            for tokens in tokenized:
                self._df.update(set(tokens))
            self._bm25 = bm25s.BM25()
            self._bm25.index(tokenized, show_progress=False)

    def idf(self, token: str) -> float:
        """BM25-style idf; a token the corpus never contains gets the highest value."""
        n = len(self.ids)
        df = self._df.get(token, 0)
        return math.log(1.0 + (n - df + 0.5) / (df + 0.5))

    def contains(self, token: str) -> bool:
        return token in self._df

    def query_weights(self, query: str) -> dict[str, float]:
        """The query's distinct tokens with their idf, for sentence-level lexical support."""
        return {t: self.idf(t) for t in dict.fromkeys(bm25_tokens(query))}

    def __len__(self) -> int:
        return len(self.ids)

    def search(self, query: str, k: int) -> list[tuple[str, float]]:
        """Best chunks for ``query`` as (chunk_id, bm25 score), score > 0 only."""
        if self._bm25 is None:
            return []
        vocab = self._bm25.vocab_dict
        tokens = [t for t in bm25_tokens(query) if t in vocab]
        if not tokens:
            return []
        scores = self._bm25.get_scores(tokens)
        k = min(k, len(self.ids))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(self.ids[i], float(scores[i])) for i in top if scores[i] > 0]
