"""Live handoff: who took the conversation and when it was handed off, taken, first answered by
the agent, handed back and resolved (the handoff metrics are read from these times).

`assignee_id` is what two agents race for: taking is one UPDATE … WHERE status = 'handoff' AND
assignee_id IS NULL, so only one of them changes the row. The index on `handoff_at` serves the
agents' queue, which lists waiting conversations oldest first.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 06:45:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from crm_store.migrations.schema import timestamp

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TIMES = ("handoff_at", "taken_at", "first_agent_reply_at", "handed_back_at", "resolved_at")


def upgrade() -> None:
    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("assignee_id", sa.Integer(), nullable=True))
        for name in _TIMES:
            batch_op.add_column(timestamp(name, nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_conversations_assignee_id_agent_users"),
            "agent_users",
            ["assignee_id"],
            ["id"],
        )
        batch_op.create_index(
            batch_op.f("ix_conversations_assignee_id"), ["assignee_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_conversations_handoff_at"), ["handoff_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_conversations_handoff_at"))
        batch_op.drop_index(batch_op.f("ix_conversations_assignee_id"))
        batch_op.drop_constraint(
            batch_op.f("fk_conversations_assignee_id_agent_users"), type_="foreignkey"
        )
        for name in reversed(_TIMES):
            batch_op.drop_column(name)
        batch_op.drop_column("assignee_id")
