"""The ingested documents as the SQL store keeps them: the list the API shows (with metadata
filters and facet counts), and each one's text (citations quote spans of it)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker
from sqlalchemy.sql import Select

from assistant.errors import NotFound
from assistant.store.models import DocumentRecord
from assistant.types import SearchFilters

FACETS = ("kind", "language", "place", "year")


def _filtered(query: Select, filters: SearchFilters | None) -> Select:
    """``query`` restricted to the documents that pass ``filters`` (the same rules as
    ``SearchFilters.matches``: a date bound leaves out documents without a date)."""
    if not filters:
        return query
    if filters.document_ids:
        query = query.where(DocumentRecord.id.in_(filters.document_ids))
    if filters.kinds:
        query = query.where(DocumentRecord.kind.in_(filters.kinds))
    if filters.languages:
        query = query.where(DocumentRecord.language.in_(filters.languages))
    if filters.places:
        query = query.where(DocumentRecord.place.in_(filters.places))
    if filters.date_from:
        query = query.where(DocumentRecord.date >= filters.date_from)
    if filters.date_to:
        query = query.where(DocumentRecord.date <= filters.date_to)
    return query


class DocumentStore:
    def __init__(self, sessions: sessionmaker):
        self.sessions = sessions

    def list(
        self, filters: SearchFilters | None = None, *, limit: int | None = None, offset: int = 0
    ) -> list[dict[str, Any]]:
        """The documents (public fields, by id) that pass ``filters``; a page of them with ``limit``."""
        query = _filtered(select(DocumentRecord), filters).order_by(DocumentRecord.id).offset(offset)
        if limit is not None:
            query = query.limit(limit)
        with self.sessions() as session:
            return [r.public() for r in session.scalars(query)]

    def count(self, filters: SearchFilters | None = None) -> int:
        with self.sessions() as session:
            return int(session.scalar(_filtered(select(func.count(DocumentRecord.id)), filters)) or 0)

    def facets(self, filters: SearchFilters | None = None) -> dict[str, list[dict[str, Any]]]:
        """Counts of documents per kind, language, place and year (of ``date``) among those that
        pass ``filters``: ``{"kind": [{"value": "declaration", "count": 2}, ...], ...}``, most
        frequent first then by value; documents without a place or date are not counted there."""
        year = func.substr(DocumentRecord.date, 1, 4)
        columns = {
            "kind": DocumentRecord.kind,
            "language": DocumentRecord.language,
            "place": DocumentRecord.place,
            "year": year,
        }
        out: dict[str, list[dict[str, Any]]] = {}
        with self.sessions() as session:
            for name in FACETS:
                column = columns[name]
                query = _filtered(
                    select(column, func.count(DocumentRecord.id)).where(column.is_not(None)).group_by(column),
                    filters,
                )
                rows = [(str(value), int(count)) for value, count in session.execute(query) if value]
                rows.sort(key=lambda r: (-r[1], r[0]))
                out[name] = [{"value": value, "count": count} for value, count in rows]
        return out

    def text(self, document_id: str) -> str:
        with self.sessions() as session:
            record = session.get(DocumentRecord, document_id)
            if record is None:
                raise NotFound(f"No document with id '{document_id}'.")
            return record.text
