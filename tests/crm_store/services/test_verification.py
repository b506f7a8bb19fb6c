"""Identity checks with a memory: wrong facts counted per contact and per client."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import event

from crm_store.models import VerificationFailure, utcnow
from crm_store.services.verification import (
    CLIENT_LIMIT,
    CONTACT_LIMIT,
    WINDOW,
    check_identity,
    contact_key,
    lock_minutes,
)
from tests.databases import Sessions

ANNA = "anna.schmidt@example.com"


async def test_the_contact_is_locked_after_its_limit_of_wrong_facts(seeded: Sessions) -> None:
    for _ in range(CONTACT_LIMIT):
        async with seeded() as session, session.begin():
            outcome = await check_identity(session, ANNA, "99999", client="client-a")
            assert outcome.customer is None and not outcome.locked
    async with seeded() as session, session.begin():
        # Any spelling of the same contact, from another client, with the right fact.
        outcome = await check_identity(session, " Anna.Schmidt@Example.com ", "10115", "client-b")
    assert outcome.locked and outcome.customer is None
    assert 1 <= outcome.locked_minutes <= WINDOW.total_seconds() / 60


async def test_a_right_fact_does_not_count_and_old_failures_expire(seeded: Sessions) -> None:
    async with seeded() as session, session.begin():
        assert (await check_identity(session, ANNA, "10115")).customer is not None
        for minutes in (30, 40, 50):  # failures from before the window
            session.add(
                VerificationFailure(
                    contact_key=contact_key(ANNA), failed_at=utcnow() - timedelta(minutes=minutes)
                )
            )
    async with seeded() as session:
        assert await lock_minutes(session, ANNA, None) == 0


async def test_one_client_guessing_many_contacts_is_locked(seeded: Sessions) -> None:
    async with seeded() as session, session.begin():
        for n in range(CLIENT_LIMIT):
            await check_identity(session, f"someone{n}@example.com", "12345", client="script")
    async with seeded() as session:
        assert await lock_minutes(session, "ben.okafor@example.com", "script") > 0
        assert await lock_minutes(session, "ben.okafor@example.com", "someone-else") == 0


async def test_both_locks_are_read_in_one_statement(seeded: Sessions) -> None:
    # The check runs in the customer's identification turn: one round trip, not one per window.
    statements: list[object] = []
    async with seeded() as session, session.begin():
        for _ in range(CONTACT_LIMIT):
            session.add(VerificationFailure(contact_key=contact_key(ANNA), client_key="c"))
        await session.flush()
        event.listen(session.sync_session, "do_orm_execute", statements.append)
        # Locked by the contact's window, not by the client's (one failure short of its limit).
        assert 1 <= await lock_minutes(session, ANNA, "c") <= WINDOW.total_seconds() / 60
        assert await lock_minutes(session, "ben.okafor@example.com", "c") == 0
    assert len(statements) == 2
