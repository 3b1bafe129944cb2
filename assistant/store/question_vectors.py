"""The query vector of each stored answer's standalone question (``AnswerRecord.question_vector``).

The answering pipeline embeds the standalone question to retrieve; ``ConversationStore.save`` keeps
that vector with the answer (float16 bytes, 768 bytes for e5-small's 384 dimensions) and the name of
the embedder that made it. The content-gaps page (assistant/staff/gaps.py) reads them instead of
embedding every question at each load; an answer without one (stored before migration 0010, declined
by the safety gate before retrieval, or made by another embedder) is embedded once by ``vectors``
and the vector stored, so the next load reads it.

Privacy: a vector is derived from the question text and is treated like it. It lives on the answer's
row, so the retention purge deletes it with the question (assistant/store/retention.py), and a purge
that rewrites a newer follow-up's standalone question clears the vector made from the old rewrite.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import sessionmaker

from assistant.embedding import Embedder
from assistant.store.models import AnswerRecord

DTYPE = np.float16  # cosine distances move by < 1e-3 (tests/store/test_question_vectors.py)
READ_BATCH = 500  # ids per SELECT … IN (…)
EMBED_BATCH = 64  # questions embedded and stored per transaction while backfilling


def encode(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype=np.float32).astype(DTYPE).tobytes()


def decode(data: bytes) -> np.ndarray:
    return np.frombuffer(data, dtype=DTYPE).astype(np.float32)


def stored(sessions: sessionmaker, answer_ids: Sequence[str], model: str, dimension: int = 0) -> dict:
    """{answer id: vector} of the given answers that have a vector by ``model`` (of ``dimension``)."""
    found: dict[str, np.ndarray] = {}
    ids = list(dict.fromkeys(answer_ids))
    with sessions() as session:
        for start in range(0, len(ids), READ_BATCH):
            rows = session.execute(
                select(AnswerRecord.id, AnswerRecord.question_vector).where(
                    AnswerRecord.id.in_(ids[start : start + READ_BATCH]),
                    AnswerRecord.question_vector_model == model,
                    AnswerRecord.question_vector.is_not(None),
                )
            ).all()
            for answer_id, data in rows:
                vector = decode(data)
                if not dimension or len(vector) == dimension:
                    found[answer_id] = vector
    return found


def vectors(
    sessions: sessionmaker, embedder: Embedder, items: Sequence[tuple[str, str]]
) -> tuple[np.ndarray, int]:
    """The query vectors of ``items`` (answer id, the standalone question it was asked as), in order:
    read from the answers, and for those without one, embedded (each distinct text once) and stored.
    Returns (vectors, how many were embedded)."""
    known = stored(sessions, [answer_id for answer_id, _ in items], embedder.name, embedder.dimension)
    missing: dict[str, list[str]] = {}  # text -> answer ids
    for answer_id, text in items:
        if answer_id not in known:
            missing.setdefault(text, []).append(answer_id)
    texts = list(missing)
    for start in range(0, len(texts), EMBED_BATCH):
        batch = texts[start : start + EMBED_BATCH]
        computed = embedder.embed_queries(batch)
        with sessions.begin() as session:
            for text, vector in zip(batch, computed, strict=True):
                data = encode(vector)
                for answer_id in missing[text]:
                    known[answer_id] = decode(data)  # as a later load reads it: the same groups
                # only if the row still holds this text (a purge may have rewritten or deleted it)
                session.execute(
                    update(AnswerRecord)
                    .where(
                        AnswerRecord.id.in_(missing[text]),
                        or_(
                            AnswerRecord.standalone_question == text,
                            and_(AnswerRecord.standalone_question == "", AnswerRecord.question == text),
                        ),
                    )
                    .values(question_vector=data, question_vector_model=embedder.name)
                    .execution_options(synchronize_session=False)
                )
    if not items:
        return np.zeros((0, max(embedder.dimension, 1)), dtype=np.float32), 0
    return np.stack([known[answer_id] for answer_id, _ in items]), len(texts)
