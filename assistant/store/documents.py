"""The ingested documents as the SQL store keeps them: the list the API shows, and each one's text
(citations quote spans of it)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from assistant.errors import NotFound
from assistant.store.models import DocumentRecord


class DocumentStore:
    def __init__(self, sessions: sessionmaker):
        self.sessions = sessions

    def list(self) -> list[dict[str, Any]]:
        with self.sessions() as session:
            return [r.public() for r in session.scalars(select(DocumentRecord).order_by(DocumentRecord.id))]

    def text(self, document_id: str) -> str:
        with self.sessions() as session:
            record = session.get(DocumentRecord, document_id)
            if record is None:
                raise NotFound(f"No document with id '{document_id}'.")
            return record.text
