"""The audit log of the library (/staff/audit): who uploaded, replaced, edited or deleted which
document, and when. Entries are only ever added."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from assistant.store.models import AuditEntry

ACTIONS = ("upload", "replace", "edit", "delete")
PAGE_SIZE = 50


@dataclass
class AuditPage:
    entries: list[dict[str, Any]]
    total: int
    page: int
    pages: int


class AuditLog:
    def __init__(self, sessions: sessionmaker):
        self.sessions = sessions

    def record(
        self,
        username: str,
        action: str,
        document_id: str,
        title: str = "",
        details: dict[str, Any] | None = None,
    ) -> None:
        if action not in ACTIONS:
            raise ValueError(f"unknown audit action {action!r}")
        with self.sessions.begin() as session:
            session.add(
                AuditEntry(
                    username=username,
                    action=action,
                    document_id=document_id[:200],
                    title=(title or "")[:500],
                    details=details or {},
                )
            )

    def page(self, page: int = 1, action: str = "", document_id: str = "") -> AuditPage:
        """Newest first, ``PAGE_SIZE`` a page; optionally one action or one document."""
        query = select(AuditEntry)
        count = select(func.count()).select_from(AuditEntry)
        if action in ACTIONS:
            query, count = query.where(AuditEntry.action == action), count.where(AuditEntry.action == action)
        if document_id:
            query = query.where(AuditEntry.document_id == document_id)
            count = count.where(AuditEntry.document_id == document_id)
        with self.sessions() as session:
            total = session.scalar(count) or 0
            pages = max(1, -(-total // PAGE_SIZE))
            page = min(max(1, page), pages)
            rows = session.scalars(
                query.order_by(AuditEntry.at.desc(), AuditEntry.id)
                .offset((page - 1) * PAGE_SIZE)
                .limit(PAGE_SIZE)
            )
            entries = [
                {
                    "at": r.at,
                    "username": r.username,
                    "action": r.action,
                    "document_id": r.document_id,
                    "title": r.title,
                    "details": r.details or {},
                }
                for r in rows
            ]
        return AuditPage(entries, total, page, pages)
