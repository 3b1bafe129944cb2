"""BM25 over Arabic-normalised, lightly stemmed tokens (bm25s), in memory and on disk.

It lives in the store layer because both sides need it: ingestion builds and saves it
(``assistant.ingest.run``, through ``store/lexical_snapshot.py``) and retrieval loads and searches
it (``assistant.retrieval.hybrid``); ingest and retrieval do not import each other.
"""

from __future__ import annotations

import json
import logging
import math
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import bm25s
import numpy as np

from assistant.text.arabic import bm25_tokens

log = logging.getLogger(__name__)
logging.getLogger("bm25s").setLevel(logging.WARNING)  # bm25s sets its own logger to DEBUG

BM25_FOLDER = "bm25"  # bm25s's own files (params, vocabulary, the CSC score matrix)
TERMS_FILE = "terms.json"  # the chunk ids, in index order, and the document frequency of each term


class LexicalIndex:
    """A BM25 index keyed by chunk id. Documents and queries share ``bm25_tokens``."""

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

    def search(self, query: str, k: int, allowed: np.ndarray | None = None) -> list[tuple[str, float]]:
        """Best chunks for ``query`` as (chunk_id, bm25 score), score > 0 only. ``allowed``: a
        boolean mask over ``ids`` (a metadata filter); the others are never returned."""
        if self._bm25 is None:
            return []
        vocab = self._bm25.vocab_dict
        tokens = [t for t in bm25_tokens(query) if t in vocab]
        if not tokens:
            return []
        scores = self._bm25.get_scores(tokens)
        if allowed is not None:
            scores = np.where(allowed, scores, 0.0)
        k = min(k, len(self.ids))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(self.ids[i], float(scores[i])) for i in top if scores[i] > 0]

    # --- on disk --------------------------------------------------------------------------------
    def save(self, folder: Path) -> None:
        """Write the index into ``folder`` (created): bm25s's files, the chunk ids and the df table."""
        folder.mkdir(parents=True, exist_ok=True)
        if self._bm25 is not None:
            self._bm25.save(folder / BM25_FOLDER, show_progress=False)
        terms = {"ids": self.ids, "df": dict(self._df)}
        (folder / TERMS_FILE).write_text(json.dumps(terms, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path, *, mmap: bool = True) -> LexicalIndex:
        """The index ``save`` wrote. With ``mmap`` the score matrix stays in the file (read-only pages
        the OS shares between the workers of a host). Raises ValueError (or OSError) on files that do
        not make one index."""
        terms = json.loads((folder / TERMS_FILE).read_text(encoding="utf-8"))
        ids, df = terms["ids"], terms["df"]
        if not isinstance(ids, list) or not isinstance(df, dict):
            raise ValueError(f"{TERMS_FILE} does not hold a list of ids and a df table")
        index = cls([], [])
        index.ids = [str(i) for i in ids]
        index._df = Counter({str(t): int(n) for t, n in df.items()})
        if not index.ids:
            return index
        bm25 = bm25s.BM25.load(folder / BM25_FOLDER, mmap=mmap, show_progress=False)
        scores = bm25.scores
        if scores["num_docs"] != len(index.ids):
            raise ValueError(f"BM25 has {scores['num_docs']} documents for {len(index.ids)} chunk ids")
        columns = len(scores["indptr"]) - 1  # bm25s adds "" to the vocabulary, not to the matrix
        if any(i >= columns for term, i in bm25.vocab_dict.items() if term):
            raise ValueError("the BM25 score matrix does not match its vocabulary")
        if not int(scores["indptr"][-1]) == len(scores["data"]) == len(scores["indices"]):
            raise ValueError("the BM25 score matrix is inconsistent")
        index._bm25 = bm25
        return index
