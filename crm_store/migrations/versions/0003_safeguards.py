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

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "verification_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact_key", sa.String(length=64), nullable=False),
        sa.Column("client_key", sa.String(length=64), nullable=True),
        sa.Column("failed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_verification_failures")),
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
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("sender_id", sa.String(length=255), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("quarantined_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quarantined_events")),
        sa.UniqueConstraint(
            "source", "event_id", name=op.f("uq_quarantined_events_source_event_id")
        ),
    )
    op.create_table(
        "action_receipts",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("result", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_action_receipts")),
    )


def downgrade() -> None:
    op.drop_table("action_receipts")
    op.drop_table("quarantined_events")
    op.drop_index(
        "ix_verification_failures_client_key_failed_at", table_name="verification_failures"
    )
    op.drop_index(
        "ix_verification_failures_contact_key_failed_at", table_name="verification_failures"
    )
    op.drop_table("verification_failures")
