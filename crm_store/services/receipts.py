"""Receipts of the requests that change records, so that doing one twice changes nothing.

A caller that may repeat a request (a customer who retries after "this is taking longer", a
client that resends) gives it a key; the first time the change is made and its result (an
order or ticket number) kept under the key, the next time that result is returned instead.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from crm_store.models import ActionReceipt
from crm_store.services._common import insert_ignoring_conflicts


async def earlier_result(session: AsyncSession, key: str | None) -> str | None:
    """What the request with this key produced before; None for a new (or unkeyed) request."""
    if key is None:
        return None
    return await session.scalar(select(ActionReceipt.result).where(ActionReceipt.key == key))


async def keep_receipt(session: AsyncSession, key: str | None, kind: str, result: str) -> None:
    if key is not None:
        await session.execute(
            insert_ignoring_conflicts(session, ActionReceipt).values(
                key=key, kind=kind, result=result
            )
        )
