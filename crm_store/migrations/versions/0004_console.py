"""The console: conversation tags, reviews, intent corrections, login attempts, full-text search,
and an index on conversations.started_at for the list's newest-first order.

Full-text search over the records' text is the database's own: a GIN index over
`to_tsvector('simple', text)` on PostgreSQL; on SQLite an external-content FTS5 table, filled
from the existing records and kept in step by triggers.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 03:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FTS = "communication_records_fts"
SQLITE_FTS = [
    f"CREATE VIRTUAL TABLE {FTS} USING fts5(text, content='communication_records', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    f"CREATE TRIGGER communication_records_fts_insert AFTER INSERT ON communication_records "
    f"BEGIN INSERT INTO {FTS}(rowid, text) VALUES (new.id, new.text); END",
    f"CREATE TRIGGER communication_records_fts_delete AFTER DELETE ON communication_records "
    f"BEGIN INSERT INTO {FTS}({FTS}, rowid, text) VALUES ('delete', old.id, old.text); END",
    "CREATE TRIGGER communication_records_fts_update"
    " AFTER UPDATE OF text ON communication_records "
    f"BEGIN INSERT INTO {FTS}({FTS}, rowid, text) VALUES ('delete', old.id, old.text);"
    f" INSERT INTO {FTS}(rowid, text) VALUES (new.id, new.text); END",
    f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')",
]
SQLITE_FTS_DROP = [
    "DROP TRIGGER IF EXISTS communication_records_fts_insert",
    "DROP TRIGGER IF EXISTS communication_records_fts_delete",
    "DROP TRIGGER IF EXISTS communication_records_fts_update",
    f"DROP TABLE IF EXISTS {FTS}",
]


def _agent_fk(table: str, column: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], ["agent_users.id"], name=op.f(f"fk_{table}_{column}_agent_users")
    )


def _conversation_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["conversation_id"],
        ["conversations.id"],
        name=op.f(f"fk_{table}_conversation_id_conversations"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    op.create_table(
        "conversation_tags",
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("tag", sa.String(length=50), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _agent_fk("conversation_tags", "author_id"),
        _conversation_fk("conversation_tags"),
        sa.PrimaryKeyConstraint("conversation_id", "tag", name=op.f("pk_conversation_tags")),
    )
    op.create_index(op.f("ix_conversation_tags_tag"), "conversation_tags", ["tag"])
    op.create_table(
        "conversation_reviews",
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=False),
        _agent_fk("conversation_reviews", "reviewer_id"),
        _conversation_fk("conversation_reviews"),
        sa.PrimaryKeyConstraint("conversation_id", name=op.f("pk_conversation_reviews")),
    )
    op.create_table(
        "intent_corrections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("predicted_intent", sa.String(length=100), nullable=True),
        sa.Column("corrected_intent", sa.String(length=100), nullable=False),
        sa.Column("new_intent", sa.Boolean(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "accepted",
                "rejected",
                name="correction_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("reviewer_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        _agent_fk("intent_corrections", "author_id"),
        _agent_fk("intent_corrections", "reviewer_id"),
        _conversation_fk("intent_corrections"),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["communication_records.id"],
            name=op.f("fk_intent_corrections_record_id_communication_records"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intent_corrections")),
        sa.UniqueConstraint("record_id", name=op.f("uq_intent_corrections_record_id")),
    )
    op.create_index(
        op.f("ix_intent_corrections_conversation_id"), "intent_corrections", ["conversation_id"]
    )
    op.create_index(op.f("ix_intent_corrections_status"), "intent_corrections", ["status"])
    op.create_table(
        "login_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("client", sa.String(length=64), nullable=False),
        sa.Column("attempted_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_attempts")),
    )
    op.create_index(
        "ix_login_attempts_username_attempted_at", "login_attempts", ["username", "attempted_at"]
    )
    op.create_index(
        "ix_login_attempts_client_attempted_at", "login_attempts", ["client", "attempted_at"]
    )
    op.create_index("ix_conversations_started_at", "conversations", ["started_at"])
    if op.get_bind().dialect.name == "postgresql":
        op.create_index(
            "ix_communication_records_text_fts",
            "communication_records",
            [sa.text("to_tsvector('simple', text)")],
            postgresql_using="gin",
        )
    elif op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_FTS:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_communication_records_text_fts", table_name="communication_records")
    elif op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_FTS_DROP:
            op.execute(statement)
    op.drop_index("ix_conversations_started_at", table_name="conversations")
    op.drop_table("login_attempts")
    op.drop_table("intent_corrections")
    op.drop_table("conversation_reviews")
    op.drop_table("conversation_tags")
