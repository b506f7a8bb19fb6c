"""Identity checks with a memory: wrong guesses are counted in the CRM, not in the chat.

The chat's own three-tries rule lives in a slot, which a new conversation (or `/restart`) would
reset. Here every wrong contact/fact pair is stored under a one-way key of the contact and of the
client's address, so whoever keeps guessing is stopped whatever conversation they guess from:
CONTACT_LIMIT wrong facts for one contact, or CLIENT_LIMIT from one address, within WINDOW lock
it until the oldest of them is older than WINDOW.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from crm_store.models import VerificationFailure, utcnow
from crm_store.normalize import parse_contact
from crm_store.services.customers import verify_identity
from crm_store.views import CustomerView

# The bot's "three tries" made global: the fourth wrong fact for a contact is refused.
CONTACT_LIMIT = 3
# One connection trying many contacts (a script walking a list of emails).
CLIENT_LIMIT = 10
WINDOW = timedelta(minutes=15)


@dataclass(frozen=True)
class Verification:
    """What one identity check found: the customer, or nobody, or a lock (and for how long)."""

    customer: CustomerView | None = None
    locked_minutes: int = 0

    @property
    def locked(self) -> bool:
        return self.locked_minutes > 0


def contact_key(contact: str) -> str:
    """A one-way key of the contact as parse_contact reads it (so spellings count together)."""
    parsed = parse_contact(contact)
    canonical = f"{parsed[0]}:{parsed[1]}" if parsed else contact.strip().lower()
    return hashlib.sha256(canonical.encode("utf-8", "replace")).hexdigest()


def _lock_window(column: Any, key: str, limit: int, now: datetime) -> tuple[Any, Any]:
    """How many of the `limit` latest failures for `key` fall within WINDOW, and the oldest
    of them (two scalar subqueries)."""
    recent = (
        select(VerificationFailure.failed_at)
        .where(column == key, VerificationFailure.failed_at > now - WINDOW)
        .order_by(VerificationFailure.failed_at.desc())
        .limit(limit)
        .subquery()
    )
    return (
        select(func.count()).select_from(recent).scalar_subquery(),
        select(func.min(recent.c.failed_at)).scalar_subquery(),
    )


async def lock_minutes(
    session: AsyncSession, contact: str, client: str | None, now: datetime | None = None
) -> int:
    """Minutes until checks for this contact (or from this client) are allowed again; 0 if now.

    One statement for both windows: it runs in the customer's identification turn.
    """
    now = now or utcnow()
    checks = [(VerificationFailure.contact_key, contact_key(contact), CONTACT_LIMIT)]
    if client:
        checks.append((VerificationFailure.client_key, client, CLIENT_LIMIT))
    windows = [_lock_window(column, key, limit, now) for column, key, limit in checks]
    row = (await session.execute(select(*(part for w in windows for part in w)))).one()
    ends = [
        row[2 * i + 1] + WINDOW
        for i, (_column, _key, limit) in enumerate(checks)
        if row[2 * i] >= limit and row[2 * i + 1] is not None
    ]
    latest = max(ends, default=None)
    return 0 if latest is None else max(1, math.ceil((latest - now).total_seconds() / 60))


async def check_identity(
    session: AsyncSession, contact: str, fact: str, client: str | None = None
) -> Verification:
    """verify_identity behind the lock: a locked contact or client is not even checked, and a
    wrong pair is counted."""
    minutes = await lock_minutes(session, contact, client)
    if minutes:
        return Verification(locked_minutes=minutes)
    customer = await verify_identity(session, contact, fact)
    if customer is None:
        session.add(VerificationFailure(contact_key=contact_key(contact), client_key=client))
        await session.flush()
    return Verification(customer=customer)
