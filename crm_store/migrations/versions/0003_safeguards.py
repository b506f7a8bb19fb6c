"""Safeguards: failed identity checks counted across conversations, quarantined tracker events,
and receipts that make the actions which change records idempotent.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 16:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from crm_store.migrations.schema import drop_table, id_column, primary_key, timestamp, unique

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "verification_failures",
        id_column(),
        sa.Column("contact_key", sa.String(length=64), nullable=False),
        sa.Column("client_key", sa.String(length=64), nullable=True),
        timestamp("failed_at"),
        primary_key("verification_failures"),
    )
    op.create_index(
        "ix_verification_failures_contact_key_failed_at",
        "verification_failures",
        ["contact_key", "failed_at"],
    )
    op.create_index(
        "ix_verification_failures_client_key_failed_at",
        "verification_failures",
        ["client_key", "failed_at"],
    )
    op.create_table(
        "quarantined_events",
        id_column(),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("sender_id", sa.String(length=255), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        timestamp("quarantined_at"),
        primary_key("quarantined_events"),
        unique("quarantined_events", "source", "event_id"),
    )
    op.create_table(
        "action_receipts",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("result", sa.String(length=64), nullable=False),
        timestamp("created_at"),
        primary_key("action_receipts", "key"),
    )


def downgrade() -> None:
    drop_table("action_receipts")
    drop_table("quarantined_events")
    op.drop_index(
        "ix_verification_failures_client_key_failed_at", table_name="verification_failures"
    )
    op.drop_index(
        "ix_verification_failures_contact_key_failed_at", table_name="verification_failures"
    )
    drop_table("verification_failures")
