"""answers.question_vector and answers.question_vector_model: the standalone question's query vector
(float16 bytes) stored with the answer, so the content-gaps page does not embed every question at
each load (assistant/store/question_vectors.py)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 16:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("answers") as batch:
        batch.add_column(sa.Column("question_vector", sa.LargeBinary(), nullable=True))
        batch.add_column(sa.Column("question_vector_model", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("answers") as batch:
        batch.drop_column("question_vector_model")
        batch.drop_column("question_vector")
