"""The staff documents page: documents.pages and documents.origin, upload jobs, the audit log

``origin`` says where a document's file lives: ``folder`` (the documents folder, every existing row)
or ``upload`` (DATA_DIR/uploads, added on /staff/documents). ``upload_jobs`` holds the files being
processed in the background and their per-file outcome; ``audit_log`` who changed what and when.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 13:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("pages", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("origin", sa.String(20), nullable=False, server_default="folder"))
    op.create_table(
        "upload_jobs",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("stage", sa.String(40), nullable=False),
        sa.Column("result", sa.String(20), nullable=True),
        sa.Column("document_id", sa.String(200), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("created_by", sa.String(120), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("dismissed", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_upload_jobs_status", "upload_jobs", ["status"])
    op.create_index("ix_upload_jobs_document_id", "upload_jobs", ["document_id"])
    op.create_index("ix_upload_jobs_created_at", "upload_jobs", ["created_at"])
    op.create_table(
        "audit_log",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("username", sa.String(120), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("document_id", sa.String(200), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    op.create_index("ix_audit_log_action", "audit_log", ["action"])
    op.create_index("ix_audit_log_document_id", "audit_log", ["document_id"])


def downgrade() -> None:
    op.drop_table("audit_log")
    op.drop_table("upload_jobs")
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("origin")
        batch.drop_column("pages")
