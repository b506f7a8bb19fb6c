"""Loads the demo data (crm_store.demo_data) into an empty CRM, in one transaction.

`seed_database` does nothing on a CRM that already has customers, so the launcher can call it
on every start.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from tqdm import tqdm

from crm_store.demo_data import CUSTOMERS, ORDERS, TICKETS, build_demo_data
from crm_store.models import AgentUser, Customer, Order, OrderItem, Product, Ticket
from crm_store.passwords import hash_password

# Demo logins for the console (change them in production: these are in the README).
DEMO_PASSWORDS = {"admin": "kefu-admin-demo", "agent1": "kefu-agent-demo"}


@dataclass(frozen=True)
class SeedResult:
    seeded: bool
    message: str
    counts: dict[str, int] = field(default_factory=dict)


async def _reset_sequences(session: AsyncSession, tables: Sequence[str]) -> None:
    """Explicit ids do not advance PostgreSQL's sequences; move them past the seeded rows."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for table in tables:
        await session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
            )
        )


async def seed_database(
    sessionmaker: async_sessionmaker[AsyncSession],
    seed: int,
    now: datetime | None = None,
    progress: bool = False,
    customers: int = CUSTOMERS,
    orders: int = ORDERS,
    tickets: int = TICKETS,
) -> SeedResult:
    """Load the demo data in one transaction, unless the CRM already has customers."""
    now = now or datetime.now(timezone.utc).replace(microsecond=0)
    async with sessionmaker() as session, session.begin():
        existing = await session.scalar(select(func.count()).select_from(Customer))
        if existing:
            return SeedResult(
                False, f"The CRM already has {existing} customers; demo data not loaded again."
            )
        data = build_demo_data(seed, now, customers=customers, orders=orders, tickets=tickets)
        agents = [
            {**row, "password_hash": hash_password(DEMO_PASSWORDS[row["username"]])}
            for row in data.agents
        ]
        steps: list[tuple[str, Any, list[dict[str, Any]]]] = [
            ("agent_users", AgentUser, agents),
            ("products", Product, data.products),
            ("customers", Customer, data.customers),
            ("orders", Order, data.orders),
            ("order_items", OrderItem, data.order_items),
            ("tickets", Ticket, data.tickets),
        ]
        bar = tqdm(
            total=sum(len(rows) for _, _, rows in steps),
            desc="demo data",
            unit="rows",
            disable=not progress,
            file=sys.stderr,
        )
        with bar:
            for name, model, rows in steps:
                bar.set_postfix_str(name)
                for start in range(0, len(rows), 1000):
                    chunk = rows[start : start + 1000]
                    await session.execute(insert(model), chunk)
                    bar.update(len(chunk))
        await _reset_sequences(session, [name for name, _, _ in steps])
    counts = {name: len(rows) for name, _, rows in steps}
    summary = ", ".join(f"{n} {name.replace('_', ' ')}" for name, n in counts.items())
    return SeedResult(True, f"Loaded demo data (seed {seed}): {summary}.", counts)
