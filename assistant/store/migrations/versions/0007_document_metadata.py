"""documents: where each metadata field came from, and indexes for the metadata filters and facets

kind, date, place and language exist since 0001. This adds ``metadata_origin`` (JSON: field →
sidecar | folder | file | guessed | staff; ``{}`` for existing rows, which the next ingest fills)
and indexes on kind, language and date (GET /v1/documents facets, staff documents page).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 13:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("metadata_origin", sa.JSON(), nullable=False, server_default="{}"))
        batch.create_index("ix_documents_kind", ["kind"])
        batch.create_index("ix_documents_language", ["language"])
        batch.create_index("ix_documents_date", ["date"])


def downgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.drop_index("ix_documents_date")
        batch.drop_index("ix_documents_language")
        batch.drop_index("ix_documents_kind")
        batch.drop_column("metadata_origin")
