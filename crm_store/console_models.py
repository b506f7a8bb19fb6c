"""The console's own tables: tags, reviews, intent corrections, logins, and full-text search.

Kept beside `models.py` (they register on the same `Base`) so the console's schema reads in one
place. Full-text search is the database's own: a GIN index over `to_tsvector` on PostgreSQL, an
external-content FTS5 table kept in step by triggers on SQLite (migration 0004 builds both; the
`after_create` hook below builds the SQLite one for `create_all` in test fixtures).
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import DDL, ForeignKey, Index, String, event, func, literal_column
from sqlalchemy.orm import Mapped, mapped_column

from crm_store.column_types import enum_column, utcnow
from crm_store.models import Base, CommunicationRecord, Conversation

# The text search configuration: "simple" lowercases and splits, with no stemming or stop
# words, so it treats every language the same and matches what FTS5's unicode61 tokenizer does.
TS_CONFIG = "simple"
FTS_TABLE = "communication_records_fts"

# SQLite: an FTS5 index over the records' text whose content stays in communication_records.
SQLITE_FTS_DDL = [
    f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(text, content='communication_records', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    f"CREATE TRIGGER communication_records_fts_insert AFTER INSERT ON communication_records "
    f"BEGIN INSERT INTO {FTS_TABLE}(rowid, text) VALUES (new.id, new.text); END",
    f"CREATE TRIGGER communication_records_fts_delete AFTER DELETE ON communication_records "
    f"BEGIN INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, text) VALUES ('delete', old.id, old.text);"
    " END",
    "CREATE TRIGGER communication_records_fts_update"
    " AFTER UPDATE OF text ON communication_records "
    f"BEGIN INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, text) VALUES ('delete', old.id, old.text);"
    f" INSERT INTO {FTS_TABLE}(rowid, text) VALUES (new.id, new.text); END",
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')",
]
SQLITE_FTS_DROP = [
    "DROP TRIGGER IF EXISTS communication_records_fts_insert",
    "DROP TRIGGER IF EXISTS communication_records_fts_delete",
    "DROP TRIGGER IF EXISTS communication_records_fts_update",
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
]

for _statement in SQLITE_FTS_DDL:
    event.listen(
        CommunicationRecord.__table__, "after_create", DDL(_statement).execute_if(dialect="sqlite")
    )
for _statement in SQLITE_FTS_DROP:
    event.listen(
        CommunicationRecord.__table__, "before_drop", DDL(_statement).execute_if(dialect="sqlite")
    )

# PostgreSQL: the search expression must be exactly this one for the planner to use the index.
# (The configuration is a literal, not a bound parameter: DDL cannot hold parameters.)
record_tsvector = func.to_tsvector(
    literal_column(f"'{TS_CONFIG}'"), CommunicationRecord.__table__.c.text
)
# Attached explicitly: the literal configuration hides the table from Index's own lookup.
Index(
    "ix_communication_records_text_fts",
    record_tsvector,
    postgresql_using="gin",
    _table=CommunicationRecord.__table__,
).ddl_if(dialect="postgresql")

# The list's default order (newest first) reads this index instead of sorting every conversation.
Index("ix_conversations_started_at", Conversation.__table__.c.started_at)


class CorrectionStatus(str, enum.Enum):
    pending = "pending"
    accepted = "accepted"
    rejected = "rejected"


class ConversationTag(Base):
    """One tag on one conversation (a row each, so the list can filter on tags with an index)."""

    __tablename__ = "conversation_tags"

    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), primary_key=True
    )
    tag: Mapped[str] = mapped_column(String(50), primary_key=True, index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("agent_users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ConversationReview(Base):
    """A conversation an agent has reviewed (no row: not reviewed)."""

    __tablename__ = "conversation_reviews"

    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), primary_key=True
    )
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("agent_users.id"))
    reviewed_at: Mapped[datetime] = mapped_column(default=utcnow)


class IntentCorrection(Base):
    """An agent's verdict that the bot read a message's intent wrong; an admin accepts it."""

    __tablename__ = "intent_corrections"

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(
        ForeignKey("communication_records.id", ondelete="CASCADE"), unique=True
    )
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    predicted_intent: Mapped[str | None] = mapped_column(String(100))
    corrected_intent: Mapped[str] = mapped_column(String(100))
    new_intent: Mapped[bool] = mapped_column(default=False)
    status: Mapped[CorrectionStatus] = mapped_column(
        enum_column(CorrectionStatus, "correction_status"),
        index=True,
        default=CorrectionStatus.pending,
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("agent_users.id"))
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("agent_users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    reviewed_at: Mapped[datetime | None]


class LoginAttempt(Base):
    """A failed console login, counted per username and per client address for throttling."""

    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64))
    client: Mapped[str] = mapped_column(String(64))
    attempted_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        Index("ix_login_attempts_username_attempted_at", "username", "attempted_at"),
        Index("ix_login_attempts_client_attempted_at", "client", "attempted_at"),
    )
