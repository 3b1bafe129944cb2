"""Usage over a period, from the per-answer figures (store/usage.py), never from question text: questions
per day, answered and refused (with the refusal reasons), user thumbs, the most cited documents, median
and p95 latency, and the language mix. Purged answers keep counting (their figures stay).

Days are UTC days; an answer's thumbs count on the day it was asked.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from assistant.errors import InvalidRequest
from assistant.store.models import AnswerStats, AnswerStatsDocument
from assistant.store.usage import backfill
from assistant.text.language_mix import LANGUAGES

DEFAULT_DAYS = 30
MAX_DAYS = 366
DAILY_COLUMNS = ("date", "questions", "answered", "refused", "thumbs_up", "thumbs_down")


@dataclass
class Period:
    """From ``start`` to ``end``, both days included (UTC)."""

    start: date
    end: date

    @classmethod
    def last_days(cls, days: int = DEFAULT_DAYS, today: date | None = None) -> Period:
        today = today or datetime.now(UTC).date()
        return cls(today - timedelta(days=days - 1), today)

    @classmethod
    def parse(cls, start: str | None, end: str | None, today: date | None = None) -> Period:
        """From form values (YYYY-MM-DD, either may be empty); a bad value raises InvalidRequest."""
        default = cls.last_days(today=today)
        period = cls(_day(start, "From") or default.start, _day(end, "To") or default.end)
        if not (start or "").strip() and (end or "").strip():
            period.start = period.end - timedelta(days=DEFAULT_DAYS - 1)
        if period.start > period.end:
            raise InvalidRequest("The start date is after the end date.")
        if period.days > MAX_DAYS:
            raise InvalidRequest(f"Choose a period of at most {MAX_DAYS} days.")
        return period

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def bounds(self) -> tuple[datetime, datetime]:
        return (
            datetime.combine(self.start, time.min, tzinfo=UTC),
            datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=UTC),
        )


def _day(value: str | None, name: str) -> date | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidRequest(f"{name} must be a date (YYYY-MM-DD).") from None


@dataclass
class Usage:
    period: Period
    daily: list[dict] = field(default_factory=list)  # one per day, DAILY_COLUMNS
    questions: int = 0
    answered: int = 0
    refused: int = 0
    thumbs_up: int = 0
    thumbs_down: int = 0
    refusal_reasons: list[tuple[str, int]] = field(default_factory=list)  # most frequent first
    languages: dict[str, int] = field(default_factory=dict)  # every LANGUAGES key
    top_documents: list[tuple[str, int]] = field(default_factory=list)  # (document id, answers citing it)
    latency_p50: float | None = None
    latency_p95: float | None = None
    latency_measured: int = 0  # answers with a measured latency


def _day_column(sessions: sessionmaker):
    """The UTC day of an answer as 'YYYY-MM-DD', computed by the database."""
    if sessions.kw["bind"].dialect.name == "postgresql":
        return func.to_char(func.timezone("UTC", AnswerStats.created_at), "YYYY-MM-DD")
    return func.date(AnswerStats.created_at)  # SQLite keeps the UTC time as text


def usage(sessions: sessionmaker, period: Period, top: int = 10) -> Usage:
    """The figures of the period, counted by the database (grouped by day, outcome, reason and language,
    and by cited document); the latencies are read for the percentiles. All from covering indexes."""
    start, end = period.bounds()
    in_period = (AnswerStats.created_at >= start, AnswerStats.created_at < end)
    day = _day_column(sessions).label("day")
    with sessions.begin() as session:
        backfill(session)
        groups = session.execute(
            select(
                day,
                AnswerStats.refused,
                AnswerStats.refusal_reason,
                AnswerStats.language,
                func.count(),
                func.sum(AnswerStats.thumbs_up),
                func.sum(AnswerStats.thumbs_down),
            )
            .where(*in_period)
            .group_by(day, AnswerStats.refused, AnswerStats.refusal_reason, AnswerStats.language)
        ).all()
        measured = AnswerStats.latency_ms.is_not(None)
        latencies = list(session.scalars(select(AnswerStats.latency_ms).where(*in_period, measured)))
        cited = AnswerStatsDocument.created_at
        top_documents = session.execute(
            select(AnswerStatsDocument.document_id, func.count().label("n"))
            .where(cited >= start, cited < end)
            .group_by(AnswerStatsDocument.document_id)
            .order_by(func.count().desc(), AnswerStatsDocument.document_id)
            .limit(top)
        ).all()
    result = Usage(period)
    days = {
        (period.start + timedelta(days=i)).isoformat(): dict.fromkeys(DAILY_COLUMNS[1:], 0)
        for i in range(period.days)
    }
    reasons: Counter[str] = Counter()
    languages: Counter[str] = Counter()
    for day_text, refused, reason, language, count, up, down in groups:
        figures = days.get(str(day_text))
        if figures is None:
            continue
        figures["questions"] += count
        figures["refused" if refused else "answered"] += count
        figures["thumbs_up"] += int(up or 0)
        figures["thumbs_down"] += int(down or 0)
        if refused:
            reasons[reason or "unknown"] += count
        languages[language if language in LANGUAGES else "other"] += count
    result.daily = [{"date": d, **figures} for d, figures in days.items()]
    for key in ("questions", "answered", "refused", "thumbs_up", "thumbs_down"):
        setattr(result, key, sum(day[key] for day in days.values()))
    result.refusal_reasons = reasons.most_common()
    result.languages = {lang: languages.get(lang, 0) for lang in LANGUAGES}
    result.top_documents = [(doc, count) for doc, count in top_documents]
    if latencies:
        result.latency_p50 = float(np.percentile(latencies, 50))
        result.latency_p95 = float(np.percentile(latencies, 95))
        result.latency_measured = len(latencies)
    return result
