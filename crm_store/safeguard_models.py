"""The CRM's safeguards as tables: failed identity checks, set-aside events, action receipts.

Defined on the same `Base` as the business records (crm_store.models imports this module, so
the metadata Alembic and the tests read always holds them).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from crm_store.column_types import utcnow
from crm_store.models import Base


class VerificationFailure(Base):
    """A wrong contact/fact pair, counted per contact and per client across conversations."""

    __tablename__ = "verification_failures"
    __table_args__ = (
        Index("ix_verification_failures_contact_key_failed_at", "contact_key", "failed_at"),
        Index("ix_verification_failures_client_key_failed_at", "client_key", "failed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # One-way keys: the contact someone tried and where they connected from, never the values.
    contact_key: Mapped[str] = mapped_column(String(64))
    client_key: Mapped[str | None] = mapped_column(String(64))
    failed_at: Mapped[datetime] = mapped_column(default=utcnow)


class QuarantinedEvent(Base):
    """A tracker event the exchange log could not store, set aside so the rest goes on."""

    __tablename__ = "quarantined_events"
    __table_args__ = (UniqueConstraint("source", "event_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(32))
    event_id: Mapped[int] = mapped_column(Integer)
    sender_id: Mapped[str] = mapped_column(String(255))
    reason: Mapped[str] = mapped_column(String(200))
    quarantined_at: Mapped[datetime] = mapped_column(default=utcnow)


class ActionReceipt(Base):
    """What a request that changes records did, kept under its key so a retry repeats nothing."""

    __tablename__ = "action_receipts"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    result: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
