"""After a load run: is every message the customers sent and every reply they received in the
exchange log exactly once, in order per conversation?

The driver keeps each conversation's transcript as the customer saw it; the CRM's communication
records of the same sender ids are read back (replies marked undelivered — said after a
"taking longer" reply the customer got instead — left out, as the customer never saw them).
A record the transcript has and the log lacks is missing, one the log holds more often than the
transcript is a duplicate, and a conversation whose log, read in time order, differs from its
transcript is out of order.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from crm_store.db import create_engine
from crm_store.models import CommunicationRecord, Conversation

# Senders per query: SQLite allows 999 bound parameters in older builds.
CHUNK = 500
QUIET_S = 5.0


@dataclass
class LogCheck:
    expected: int = 0
    logged: int = 0
    missing: int = 0
    duplicates: int = 0
    out_of_order: int = 0
    samples: list[str] = field(default_factory=list)
    # The first few conversations that differ: what the customer saw, what the log holds.
    details: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "expected_records": self.expected,
            "logged_records": self.logged,
            "missing_records": self.missing,
            "duplicate_records": self.duplicates,
            "conversations_out_of_order": self.out_of_order,
            "samples": self.samples[:5],
            "details": self.details,
        }


def _short(messages: Sequence[tuple[str, str]]) -> list[str]:
    return [f"{direction}: {text[:50]}" for direction, text in messages]


def compare(
    transcripts: Mapping[str, Sequence[tuple[str, str]]],
    logged: Mapping[str, Sequence[tuple[str, str]]],
) -> LogCheck:
    """Count what the log lacks, repeats, or holds in another order than the transcripts."""
    check = LogCheck()
    for sender, transcript in transcripts.items():
        expected = list(transcript)
        found = list(logged.get(sender, ()))
        check.expected += len(expected)
        check.logged += len(found)
        want, have = Counter(expected), Counter(found)
        missing = sum((want - have).values())
        duplicates = sum((have - want).values())
        check.missing += missing
        check.duplicates += duplicates
        if missing or duplicates:
            check.samples.append(f"{sender}: {missing} missing, {duplicates} extra")
        elif found != expected:
            check.out_of_order += 1
            check.samples.append(f"{sender}: out of order")
        if (missing or duplicates or found != expected) and len(check.details) < 3:
            check.details.append(
                {"sender": sender, "seen": _short(expected), "logged": _short(found)}
            )
    return check


async def logged_messages(url: str, senders: Sequence[str]) -> dict[str, list[tuple[str, str]]]:
    """Each sender's delivered user and bot records, in the order they were said."""
    engine = create_engine(url)
    found: dict[str, list[tuple[str, str]]] = {}
    try:
        async with engine.connect() as connection:
            for start in range(0, len(senders), CHUNK):
                rows = await connection.execute(
                    select(
                        Conversation.sender_id,
                        CommunicationRecord.direction,
                        CommunicationRecord.text,
                        CommunicationRecord.extra,
                    )
                    .join(Conversation, CommunicationRecord.conversation_id == Conversation.id)
                    .where(Conversation.sender_id.in_(senders[start : start + CHUNK]))
                    .order_by(CommunicationRecord.sent_at, CommunicationRecord.id)
                )
                for sender, direction, text, extra in rows:
                    if (extra or {}).get("undelivered"):
                        continue
                    found.setdefault(sender, []).append((direction.value, text))
    finally:
        await engine.dispose()
    return found


async def _count(url: str, senders: Sequence[str]) -> int:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            total = 0
            for start in range(0, len(senders), CHUNK):
                total += int(
                    await connection.scalar(
                        select(func.count())
                        .select_from(CommunicationRecord)
                        .join(Conversation, CommunicationRecord.conversation_id == Conversation.id)
                        .where(Conversation.sender_id.in_(senders[start : start + CHUNK]))
                    )
                    or 0
                )
            return total
    finally:
        await engine.dispose()


async def wait_until_logged(
    url: str, senders: Sequence[str], expected: int, timeout_s: float = 60.0
) -> None:
    """Give the exchange logger time: until the log holds `expected` records of these senders
    and has not grown for `QUIET_S` (an overloaded server finishes its slow turns, and records
    their "taking longer" replies, seconds after the driver stopped), or `timeout_s` passes."""
    previous, quiet, waited = -1, 0.0, 0.0
    while waited < timeout_s:
        count = await _count(url, senders)
        quiet = quiet + 1.0 if count == previous else 0.0
        if count >= expected and quiet >= QUIET_S:
            return
        previous = count
        await asyncio.sleep(1.0)
        waited += 1.0


async def check_exchange_log(
    url: str, transcripts: Mapping[str, Sequence[tuple[str, str]]], timeout_s: float = 60.0
) -> LogCheck:
    senders = sorted(transcripts)
    expected = sum(len(t) for t in transcripts.values())
    await wait_until_logged(url, senders, expected, timeout_s)
    return compare(transcripts, await logged_messages(url, senders))
