"""A partial index of the records that have no sentiment score yet, by direction and id.

The conversation scorer's backfill asks for them every few seconds; without the index that
question scans the whole communication log. It replaces the plain index on direction: three
values select nothing, and SQLite's planner picked that index over this one when both existed.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01 22:15:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PREDICATE = "sentiment IS NULL"


def upgrade() -> None:
    op.drop_index("ix_communication_records_direction", table_name="communication_records")
    op.create_index(
        "ix_communication_records_unscored",
        "communication_records",
        ["direction", "id"],
        unique=False,
        sqlite_where=sa.text(PREDICATE),
        postgresql_where=sa.text(PREDICATE),
    )


def downgrade() -> None:
    op.drop_index("ix_communication_records_unscored", table_name="communication_records")
    op.create_index(
        "ix_communication_records_direction", "communication_records", ["direction"], unique=False
    )
