"""ORM models: the corpus catalogue, conversations, answers, feedback and reviews, staff accounts,
evaluation datasets and runs. The schema is managed by Alembic (assistant/store/migrations)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, validates

from assistant.text.safety import clean_user_text


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_id() -> str:
    return uuid.uuid4().hex


class Base(DeclarativeBase):
    pass


def _clean(key: str, value: Any) -> Any:
    """The one sanitiser (assistant/text/safety.py) for every stored text field people write:
    strings and lists of strings; None and other values pass unchanged."""
    if isinstance(value, str):
        return clean_user_text(value, key.replace("_", " "))
    if isinstance(value, list):
        return [clean_user_text(v, key.replace("_", " ")) if isinstance(v, str) else v for v in value]
    return value


class DocumentRecord(Base):
    __tablename__ = "documents"

    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    # kind (types.DOCUMENT_KINDS), date (YYYY-MM-DD), place and language are the filterable metadata;
    # every chunk carries a copy in Chroma (store/chroma_store.py, filter_metadata)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    date: Mapped[str | None] = mapped_column(String(10), nullable=True, index=True)
    place: Mapped[str | None] = mapped_column(Text, nullable=True)
    language: Mapped[str] = mapped_column(String(10), index=True)
    # where each metadata field came from: sidecar | folder | file | guessed (ingest/metadata.py) | staff
    metadata_origin: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    source_path: Mapped[str] = mapped_column(Text)
    source_url: Mapped[str | None] = mapped_column(Text, nullable=True)  # the page online (metadata)
    content_hash: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    chunk_count: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    pages: Mapped[int | None] = mapped_column(Integer, nullable=True)  # paged formats (PDF, slides)
    # where the file lives: "folder" (the documents folder) or "upload" (DATA_DIR/uploads, /staff/documents)
    origin: Mapped[str] = mapped_column(String(20), default="folder", server_default="folder")

    def public(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "kind": self.kind,
            "date": self.date,
            "place": self.place,
            "language": self.language,
            "metadata_origin": dict(self.metadata_origin or {}),
            "source_path": self.source_path,
            "source_url": self.source_url,
            "chunk_count": self.chunk_count,
            "updated_at": self.updated_at.isoformat() if self.updated_at else None,
        }


class Conversation(Base):
    __tablename__ = "conversations"

    id: Mapped[str] = mapped_column(String(64), primary_key=True, default=new_id)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AnswerRecord(Base):
    """One question and the answer given, with a snapshot of what was cited."""

    __tablename__ = "answers"

    id: Mapped[str] = mapped_column(String(64), primary_key=True, default=new_id)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id"), index=True)
    question: Mapped[str] = mapped_column(Text)
    standalone_question: Mapped[str] = mapped_column(Text, default="")  # after follow-up rewriting
    answer: Mapped[str] = mapped_column(Text)
    refused: Mapped[bool] = mapped_column(Boolean)
    confidence: Mapped[float] = mapped_column(default=0.0)
    generator: Mapped[str] = mapped_column(String(40))
    fallback_reason: Mapped[str | None] = mapped_column(String(60), nullable=True)
    citations: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    retrieved: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)

    @validates("question", "standalone_question")
    def _sanitise(self, key: str, value: Any) -> Any:
        return _clean(key, value)


class FeedbackRecord(Base):
    """A judgement of one answer, from a user in the widget (thumbs) or from a staff review.

    rating: 1 correct / thumbs up, 0 partly correct, -1 wrong / thumbs down. Staff reviews also
    carry a corrected answer and the chunks that should have been cited."""

    __tablename__ = "feedback"

    id: Mapped[str] = mapped_column(String(64), primary_key=True, default=new_id)
    answer_id: Mapped[str] = mapped_column(ForeignKey("answers.id"), index=True)
    rating: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str | None] = mapped_column(String(40), nullable=True)
    comment: Mapped[str | None] = mapped_column(Text, nullable=True)
    correction: Mapped[str | None] = mapped_column(Text, nullable=True)
    source: Mapped[str] = mapped_column(String(20), default="user")  # user | staff
    origin: Mapped[str | None] = mapped_column(String(200), nullable=True)
    reviewer_id: Mapped[str | None] = mapped_column(ForeignKey("staff_users.id"), nullable=True)
    expected_chunk_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)

    @validates("comment", "correction", "origin", "expected_chunk_ids")
    def _sanitise(self, key: str, value: Any) -> Any:
        return _clean(key, value)


class Message(Base):
    """The conversation as a transcript: user and assistant turns, in order."""

    __tablename__ = "messages"

    id: Mapped[str] = mapped_column(String(64), primary_key=True, default=new_id)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id"), index=True)
    role: Mapped[str] = mapped_column(String(16))  # user | assistant
    content: Mapped[str] = mapped_column(Text)
    answer_id: Mapped[str | None] = mapped_column(ForeignKey("answers.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)

    @validates("content")
    def _sanitise(self, key: str, value: Any) -> Any:
        return _clean(key, value)


class StaffUser(Base):
    __tablename__ = "staff_users"

    id: Mapped[str] = mapped_column(String(64), primary_key=True, default=new_id)
    username: Mapped[str] = mapped_column(String(120), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))  # reviewer | admin
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)  # cannot sign in; sessions ended


class StaffSession(Base):
    """One signed-in browser. The cookie carries only this id; signing out, a password change or
    disabling the account deletes the row, which ends the session on every worker at once."""

    __tablename__ = "staff_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("staff_users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class EvalDataset(Base):
    __tablename__ = "eval_datasets"

    id: Mapped[str] = mapped_column(String(64), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    @validates("name", "description")
    def _sanitise(self, key: str, value: Any) -> Any:
        return _clean(key, value)


class EvalRowRecord(Base):
    """One dataset item, shaped like RAGAS rows / Langfuse dataset items."""

    __tablename__ = "eval_rows"

    id: Mapped[str] = mapped_column(String(64), primary_key=True, default=new_id)
    dataset_id: Mapped[str] = mapped_column(ForeignKey("eval_datasets.id", ondelete="CASCADE"), index=True)
    external_id: Mapped[str] = mapped_column(String(120), default="")  # e.g. q001 from an imported file
    question: Mapped[str] = mapped_column(Text)
    reference_answer: Mapped[str] = mapped_column(Text, default="")
    reference_chunk_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    reference_document_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    answerable: Mapped[bool] = mapped_column(Boolean, default=True)
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    key_facts: Mapped[list[str]] = mapped_column(JSON, default=list)
    evidence: Mapped[str] = mapped_column(Text, default="")
    source_answer_id: Mapped[str | None] = mapped_column(ForeignKey("answers.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    @validates(
        "external_id", "question", "reference_answer", "evidence", "tags", "key_facts",
        "reference_chunk_ids", "reference_document_ids",
    )
    def _sanitise(self, key: str, value: Any) -> Any:
        return _clean(key, value)


class EvalRun(Base):
    __tablename__ = "eval_runs"

    id: Mapped[str] = mapped_column(String(64), primary_key=True, default=new_id)
    dataset_id: Mapped[str] = mapped_column(ForeignKey("eval_datasets.id"), index=True)
    label: Mapped[str] = mapped_column(String(200), default="")

    @validates("label")
    def _sanitise(self, key: str, value: Any) -> Any:
        return _clean(key, value)

    status: Mapped[str] = mapped_column(String(20), default="queued")  # queued | running | done | failed
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    config: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # settings snapshot
    summary: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # set when the run starts and after every row; a running run whose heartbeat is older than
    # eval.runs.STALL_AFTER was interrupted (its process died) and is shown as failed
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class EvalResult(Base):
    __tablename__ = "eval_results"

    id: Mapped[str] = mapped_column(String(64), primary_key=True, default=new_id)
    run_id: Mapped[str] = mapped_column(ForeignKey("eval_runs.id", ondelete="CASCADE"), index=True)
    row_id: Mapped[str] = mapped_column(ForeignKey("eval_rows.id", ondelete="CASCADE"), index=True)
    answer: Mapped[str] = mapped_column(Text, default="")
    refused: Mapped[bool] = mapped_column(Boolean, default=False)
    generator: Mapped[str] = mapped_column(String(40), default="")
    citations: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    retrieved: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    metrics: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    latency_ms: Mapped[float] = mapped_column(Float, default=0.0)


class IndexState(Base):
    """Small shared facts about the index, e.g. ``index_generation``: a random value written at the end
    of every ingest that changed something, which every worker compares to decide when to reload BM25
    and the chunk catalogue from Chroma (assistant/store/index_state.py, docs/deploy.md)."""

    __tablename__ = "index_state"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SentenceState(Base):
    """A sentence's token states after the reader's shared bottom layers (float16, row-major
    [tokens, 384]), written at ingest from the same forward pass that embeds the sentence, and read by
    the reader at question time (assistant/reader/, docs/reader.md)."""

    __tablename__ = "sentence_states"

    sentence_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    chunk_id: Mapped[str] = mapped_column(String(64), index=True)
    layer: Mapped[int] = mapped_column(Integer)
    tokens: Mapped[int] = mapped_column(Integer)
    states: Mapped[bytes] = mapped_column(LargeBinary)


class UploadJob(Base):
    """One file uploaded on /staff/documents, processed in the background (assistant/staff/uploads.py).

    status: queued | processing | done | failed. ``result`` once done: added | updated | unchanged
    (the same content is already in the library) | duplicate (the same text under another document)."""

    __tablename__ = "upload_jobs"

    id: Mapped[str] = mapped_column(String(64), primary_key=True, default=new_id)
    filename: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(20), default="queued", index=True)
    stage: Mapped[str] = mapped_column(String(40), default="")  # stored | extracting | indexing | publishing
    result: Mapped[str | None] = mapped_column(String(20), nullable=True)
    document_id: Mapped[str | None] = mapped_column(String(200), nullable=True, index=True)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)  # why a failed file was not ingested
    created_by: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    dismissed: Mapped[bool] = mapped_column(Boolean, default=False)  # hidden from the documents page

    @validates("filename", "reason")
    def _sanitise(self, key: str, value: Any) -> Any:
        return _clean(key, value)


class AuditEntry(Base):
    """One change to the library made by a staff member: upload, replace, edit, delete (/staff/audit)."""

    __tablename__ = "audit_log"

    id: Mapped[str] = mapped_column(String(64), primary_key=True, default=new_id)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    username: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(20), index=True)  # upload | replace | edit | delete
    document_id: Mapped[str] = mapped_column(String(200), default="", index=True)
    title: Mapped[str] = mapped_column(Text, default="")
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # e.g. {"title": [old, new]}

    @validates("title")
    def _sanitise(self, key: str, value: Any) -> Any:
        return _clean(key, value)
class AnswerStats(Base):
    """The figures of one answer, without its text: what /staff/insights counts. Written with the answer
    (assistant/store/usage.py) and kept when retention deletes the answer, so aggregates survive."""

    __tablename__ = "answer_stats"
    # covers the page's queries: a period's rows are read from the index alone
    __table_args__ = (
        Index(
            "ix_answer_stats_period",
            "created_at", "refused", "refusal_reason", "language", "thumbs_up", "thumbs_down", "latency_ms",
        ),
    )

    answer_id: Mapped[str] = mapped_column(String(64), primary_key=True)  # no foreign key: outlives it
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    refused: Mapped[bool] = mapped_column(Boolean, default=False)
    refusal_reason: Mapped[str | None] = mapped_column(String(40), nullable=True)
    latency_ms: Mapped[float | None] = mapped_column(Float, nullable=True)  # None: stored before measuring
    language: Mapped[str] = mapped_column(String(12), default="other")  # text/language_mix.py
    thumbs_up: Mapped[int] = mapped_column(Integer, default=0)
    thumbs_down: Mapped[int] = mapped_column(Integer, default=0)


class AnswerStatsDocument(Base):
    """A document an answer cites (one row per answer and document), with the answer's date: the most
    cited documents of a period are counted from the index (created_at, document_id) alone."""

    __tablename__ = "answer_stats_documents"
    __table_args__ = (Index("ix_answer_stats_documents_period", "created_at", "document_id"),)

    answer_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    document_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class GapCheck(Base):
    """A content-gap group marked covered: its questions re-asked, and how many are now answered.
    Holds answer ids and counts only (no question text), so it outlives retention too."""

    __tablename__ = "gap_checks"

    id: Mapped[str] = mapped_column(String(64), primary_key=True, default=new_id)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    checked_by: Mapped[str | None] = mapped_column(
        ForeignKey("staff_users.id", ondelete="SET NULL"), nullable=True
    )
    answer_ids: Mapped[list[str]] = mapped_column(JSON, default=list)  # the group's questions
    answered_ids: Mapped[list[str]] = mapped_column(JSON, default=list)  # those answered on re-asking
    asked: Mapped[int] = mapped_column(Integer, default=0)
    answered: Mapped[int] = mapped_column(Integer, default=0)
