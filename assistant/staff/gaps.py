"""Content gaps: the refused and thumbs-down questions of a period, grouped by topic, so staff see what
the library lacks; and "mark covered", which re-asks a group's questions and stores how many are now
answered (``GapCheck``).

Grouping: each question (its standalone form after follow-up rewriting) is embedded as a query by the
served embedder, and scikit-learn's ``AgglomerativeClustering`` joins questions with average linkage
while the mean cosine distance between two groups stays under ``DISTANCE_THRESHOLD``. The threshold
was chosen on the real e5-small model with ``benchmarks/gap_threshold.py`` (labelled paraphrase
groups in Arabic MSA, dialect and English): see docs/staff.md, "Content gaps".

Only text still stored and younger than the retention setting is read; answers and checks are named by
id. The callers (api/staff/insights_routes.py) pass the search and the answering as functions, so this
package does not depend on chat/.

Question vectors are kept in memory between page loads (``VectorCache``), keyed by the embedder and
a hash of the text (the text itself is not kept); each load keeps only the current questions' vectors,
so a purged question's vector goes with the next load.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np
from sqlalchemy import or_, select
from sqlalchemy.orm import sessionmaker

from assistant.embedding import Embedder
from assistant.errors import InvalidRequest, NotFound
from assistant.staff.insights import Period
from assistant.store.models import AnswerRecord, AnswerStats, GapCheck, utcnow
from assistant.store.usage import backfill
from assistant.types import Answer, Hit

log = logging.getLogger(__name__)

DISTANCE_THRESHOLD = 0.14  # mean cosine distance (1 - similarity) under which groups merge; see above
MAX_QUESTIONS = 400  # the most recent gap questions of the period are grouped
MAX_GROUPS = 30  # groups shown (largest first); the rest are counted
EXAMPLES = 3
MAX_CHECK = 60  # questions re-asked by one "mark covered"


Search = Callable[[str, int, np.ndarray], list[Hit]]  # (question, k, its query vector) -> ranked hits


class VectorCache:
    """Query vectors of the gap questions, so a page load embeds only the questions new since the last."""

    def __init__(self) -> None:
        self._vectors: dict[tuple[str, str], np.ndarray] = {}
        self._lock = threading.Lock()

    def vectors(self, embedder: Embedder, texts: Sequence[str]) -> np.ndarray:
        keys = [(embedder.name, hashlib.sha256(text.encode()).hexdigest()) for text in texts]  # no text kept
        with self._lock:
            known = {key: self._vectors[key] for key in keys if key in self._vectors}
        missing = dict(
            (key, text) for key, text in zip(keys, texts, strict=True) if key not in known
        )  # one per distinct text
        if missing:
            for key, vector in zip(missing, embedder.embed_queries(list(missing.values())), strict=True):
                known[key] = np.asarray(vector, dtype=np.float32)
        with self._lock:
            self._vectors = {key: known[key] for key in keys}  # only the current questions stay
        if not keys:
            return np.zeros((0, 1), dtype=np.float32)
        return np.stack([known[key] for key in keys])


CACHE = VectorCache()


@dataclass
class GapQuestion:
    answer_id: str
    question: str
    standalone: str
    created_at: datetime
    refused: bool
    thumbs_down: int


@dataclass
class GapGroup:
    questions: list[GapQuestion]  # the most central first
    centre: np.ndarray | None = None  # the most central question's vector
    documents: list[str] = field(default_factory=list)  # closest documents (ids), best first
    check: GapCheck | None = None  # the latest "mark covered" over some of these questions

    @property
    def size(self) -> int:
        return len(self.questions)

    @property
    def examples(self) -> list[GapQuestion]:
        return self.questions[:EXAMPLES]

    @property
    def answer_ids(self) -> list[str]:
        return [q.answer_id for q in self.questions]

    @property
    def refused(self) -> int:
        return sum(q.refused for q in self.questions)

    @property
    def thumbs_down(self) -> int:
        return sum(1 for q in self.questions if q.thumbs_down)


@dataclass
class Gaps:
    groups: list[GapGroup]
    total: int  # gap questions with text in the period
    grouped: int  # of which grouped (the most recent MAX_QUESTIONS)
    hidden_groups: int  # groups beyond MAX_GROUPS
    retention_cutoff: datetime | None


def retention_cutoff(retention_days: int, now: datetime | None = None) -> datetime | None:
    """Question text older than this is not shown (even before the purge job has run)."""
    return (now or utcnow()) - timedelta(days=retention_days) if retention_days > 0 else None


def gap_questions(
    sessions: sessionmaker, period: Period, retention_days: int, limit: int = MAX_QUESTIONS
) -> tuple[list[GapQuestion], int]:
    """The refused or thumbs-down questions of the period still readable, newest first; and their number."""
    start, end = period.bounds()
    cutoff = retention_cutoff(retention_days)
    if cutoff is not None:
        start = max(start, cutoff)
    with sessions.begin() as session:
        backfill(session)
        query = (
            select(AnswerRecord, AnswerStats.thumbs_down)
            .join(AnswerStats, AnswerStats.answer_id == AnswerRecord.id)
            .where(
                AnswerRecord.created_at >= start,
                AnswerRecord.created_at < end,
                or_(AnswerStats.refused.is_(True), AnswerStats.thumbs_down > 0),
            )
            .order_by(AnswerRecord.created_at.desc(), AnswerRecord.id)
        )
        rows = session.execute(query).all()
    found = [
        GapQuestion(r.id, r.question, r.standalone_question or r.question, r.created_at, r.refused, down)
        for r, down in rows
    ]
    return found[:limit], len(found)


def cluster(vectors: np.ndarray, threshold: float = DISTANCE_THRESHOLD) -> list[list[int]]:
    """Indices grouped by average-linkage agglomerative clustering under a cosine distance threshold;
    each group ordered most central first (highest mean similarity to its group), largest group first."""
    n = len(vectors)
    if n == 0:
        return []
    unit = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    if n == 1:
        labels = np.zeros(1, dtype=int)
    else:
        from sklearn.cluster import AgglomerativeClustering

        labels = AgglomerativeClustering(
            n_clusters=None, metric="cosine", linkage="average", distance_threshold=threshold
        ).fit_predict(unit)
    groups = []
    for label in np.unique(labels):
        members = np.flatnonzero(labels == label)
        centrality = (unit[members] @ unit[members].T).mean(axis=1)
        groups.append([int(members[i]) for i in np.argsort(-centrality, kind="stable")])
    groups.sort(key=lambda g: (-len(g), min(g)))  # ties: the group with the newest question first
    return groups


def _latest_checks(sessions: sessionmaker) -> list[GapCheck]:
    with sessions() as session:
        return list(session.scalars(select(GapCheck).order_by(GapCheck.created_at.desc()).limit(500)))


def closest_documents(search: Search, group: GapGroup, k: int = 8, top: int = 3) -> list[str]:
    """The documents of the chunks the hybrid retrieval ranks highest for the group's most central
    question (its vector reused), in rank order."""
    documents: list[str] = []
    for hit in search(group.questions[0].standalone, k, group.centre):
        if hit.chunk.document_id not in documents:
            documents.append(hit.chunk.document_id)
    return documents[:top]


def content_gaps(
    sessions: sessionmaker,
    embedder: Embedder,
    search: Search,
    period: Period,
    retention_days: int,
    threshold: float = DISTANCE_THRESHOLD,
    cache: VectorCache = CACHE,
) -> Gaps:
    questions, total = gap_questions(sessions, period, retention_days)
    vectors = cache.vectors(embedder, [q.standalone for q in questions])
    indices = cluster(vectors, threshold)
    checks = _latest_checks(sessions)
    groups = []
    for members in indices[:MAX_GROUPS]:
        group = GapGroup([questions[i] for i in members], centre=vectors[members[0]])
        ids = set(group.answer_ids)
        group.check = next((c for c in checks if ids & set(c.answer_ids)), None)
        group.documents = closest_documents(search, group)
        groups.append(group)
    log.info("content gaps: %d questions, %d groups", len(questions), len(indices))
    hidden = max(0, len(indices) - MAX_GROUPS)
    return Gaps(groups, total, len(questions), hidden, retention_cutoff(retention_days))


def check_group(
    sessions: sessionmaker,
    answer_ids: Sequence[str],
    ask: Callable[[str], Answer],
    retention_days: int,
    checked_by: str | None = None,
) -> GapCheck:
    """Re-ask the group's stored questions through the answering pipeline; store and return the result."""
    ids = list(dict.fromkeys(a.strip() for a in answer_ids if a and a.strip()))
    if not ids:
        raise InvalidRequest("Select a group of questions to check.")
    if len(ids) > MAX_CHECK:
        raise InvalidRequest(f"A check re-asks at most {MAX_CHECK} questions; this group has {len(ids)}.")
    cutoff = retention_cutoff(retention_days)
    with sessions() as session:
        query = select(AnswerRecord.id, AnswerRecord.question, AnswerRecord.standalone_question).where(
            AnswerRecord.id.in_(ids)
        )
        if cutoff is not None:
            query = query.where(AnswerRecord.created_at >= cutoff)
        rows = session.execute(query).all()
    if not rows:
        raise NotFound("These questions are no longer stored (retention); nothing was re-asked.")
    answered = []
    for answer_id, question, standalone in rows:
        if not ask(standalone or question).refused:
            answered.append(answer_id)
    check = GapCheck(
        checked_by=checked_by,
        answer_ids=[r[0] for r in rows],
        answered_ids=answered,
        asked=len(rows),
        answered=len(answered),
    )
    with sessions.begin() as session:
        session.add(check)
    log.info("content gap checked: %d of %d questions now answered", check.answered, check.asked)
    return check
