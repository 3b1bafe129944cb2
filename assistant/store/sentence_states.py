"""Reader states of stored sentences, in the SQL database every worker shares.

Written at ingest (the passage encoder returns them from the forward pass that embeds the
sentence), read per question for the candidate sentences, deleted with their chunks. A sentence
without states (an index built before the reader, an interrupted ingest) is computed on demand by
the reader and written back, so a missing row costs time once, never an answer.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
from sqlalchemy import delete, select
from sqlalchemy.orm import sessionmaker

from assistant.store.models import SentenceState

HIDDEN = 384


class SentenceStateStore:
    def __init__(self, sessions: sessionmaker, layer: int):
        self.sessions = sessions
        self.layer = layer

    def get(self, sentence_ids: Sequence[str]) -> dict[str, np.ndarray]:
        """States by sentence id (float16 [tokens, 384]); ids without (current-layer) states are absent."""
        if not sentence_ids:
            return {}
        with self.sessions() as session:
            rows = session.execute(
                select(SentenceState.sentence_id, SentenceState.tokens, SentenceState.states).where(
                    SentenceState.sentence_id.in_(list(sentence_ids)), SentenceState.layer == self.layer
                )
            ).all()
        return {
            sid: np.frombuffer(blob, dtype=np.float16).reshape(tokens, HIDDEN) for sid, tokens, blob in rows
        }

    def put(self, items: Iterable[tuple[str, str, np.ndarray]]) -> int:
        """Store (sentence_id, chunk_id, states) rows, replacing existing ones; returns the count."""
        rows = [
            SentenceState(
                sentence_id=sid,
                chunk_id=cid,
                layer=self.layer,
                tokens=int(states.shape[0]),
                states=np.ascontiguousarray(states, dtype=np.float16).tobytes(),
            )
            for sid, cid, states in items
        ]
        if not rows:
            return 0
        with self.sessions.begin() as session:
            session.execute(
                delete(SentenceState).where(SentenceState.sentence_id.in_([r.sentence_id for r in rows]))
            )
            session.add_all(rows)
        return len(rows)

    def delete_chunks(self, chunk_ids: Sequence[str]) -> None:
        if not chunk_ids:
            return
        with self.sessions.begin() as session:
            for start in range(0, len(chunk_ids), 500):
                batch = list(chunk_ids[start : start + 500])
                session.execute(delete(SentenceState).where(SentenceState.chunk_id.in_(batch)))

    def clear(self) -> None:
        with self.sessions.begin() as session:
            session.execute(delete(SentenceState))
