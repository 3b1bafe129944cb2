"""sentence states: the reader's bottom-layer token states of each stored sentence

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 04:15:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sentence_states",
        sa.Column("sentence_id", sa.String(length=80), nullable=False),
        sa.Column("chunk_id", sa.String(length=64), nullable=False),
        sa.Column("layer", sa.Integer(), nullable=False),
        sa.Column("tokens", sa.Integer(), nullable=False),
        sa.Column("states", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("sentence_id"),
    )
    op.create_index("ix_sentence_states_chunk_id", "sentence_states", ["chunk_id"])


def downgrade() -> None:
    op.drop_index("ix_sentence_states_chunk_id", table_name="sentence_states")
    op.drop_table("sentence_states")
