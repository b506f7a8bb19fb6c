"""Customer analytics on the customer: churn risk, lifetime value and when they were computed,
written by `python -m kefu nlp customers`; the segment column widened for the named segments.

The named RFM segments ("at risk: were regulars, gone quiet") outgrow VARCHAR(32). PostgreSQL
widens the column in place; on SQLite Alembic's batch mode rebuilds `customers` (copy, drop,
rename), which keeps the rows, indexes and the other tables' references to it.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 04:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from crm_store.migrations.schema import timestamp

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("churn_risk", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("lifetime_value", sa.Numeric(10, 2), nullable=True))
        batch_op.add_column(timestamp("analytics_at", nullable=True))
        batch_op.alter_column(
            "segment",
            type_=sa.String(length=64),
            existing_type=sa.String(length=32),
            existing_nullable=True,
        )


def downgrade() -> None:
    # Longer names would not fit back: cut them to what the old column can hold.
    op.execute("UPDATE customers SET segment = substr(segment, 1, 32)")
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.alter_column(
            "segment",
            type_=sa.String(length=32),
            existing_type=sa.String(length=64),
            existing_nullable=True,
        )
        batch_op.drop_column("analytics_at")
        batch_op.drop_column("lifetime_value")
        batch_op.drop_column("churn_risk")
