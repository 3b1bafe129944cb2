"""answer_stats and answer_stats_documents (usage figures that outlive retention) and gap_checks
(content gaps marked covered)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 13:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"  # 0007 and 0008 come with branch issue14-documents (issue 14)
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "answer_stats",
        sa.Column("answer_id", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("refused", sa.Boolean(), nullable=False),
        sa.Column("refusal_reason", sa.String(length=40), nullable=True),
        sa.Column("latency_ms", sa.Float(), nullable=True),
        sa.Column("language", sa.String(length=12), nullable=False),
        sa.Column("thumbs_up", sa.Integer(), nullable=False),
        sa.Column("thumbs_down", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("answer_id"),
    )
    op.create_index(
        "ix_answer_stats_period",
        "answer_stats",
        ["created_at", "refused", "refusal_reason", "language", "thumbs_up", "thumbs_down", "latency_ms"],
    )
    op.create_table(
        "answer_stats_documents",
        sa.Column("answer_id", sa.String(length=64), nullable=False),
        sa.Column("document_id", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("answer_id", "document_id"),
    )
    op.create_index(
        "ix_answer_stats_documents_period", "answer_stats_documents", ["created_at", "document_id"]
    )
    op.create_table(
        "gap_checks",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("checked_by", sa.String(length=64), nullable=True),
        sa.Column("answer_ids", sa.JSON(), nullable=False),
        sa.Column("answered_ids", sa.JSON(), nullable=False),
        sa.Column("asked", sa.Integer(), nullable=False),
        sa.Column("answered", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["checked_by"], ["staff_users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_gap_checks_created_at", "gap_checks", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_gap_checks_created_at", table_name="gap_checks")
    op.drop_table("gap_checks")
    op.drop_index("ix_answer_stats_documents_period", table_name="answer_stats_documents")
    op.drop_table("answer_stats_documents")
    op.drop_index("ix_answer_stats_period", table_name="answer_stats")
    op.drop_table("answer_stats")
