"""Handing over to a person: the conversation is marked with a reason the agent can read."""

from __future__ import annotations

from datetime import datetime, timezone, tzinfo
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from actions import crm, handoff
from actions.handoff import ActionHandoff, handoff_reason
from crm_store.models import Conversation
from crm_store.opening_hours import parse_opening_hours
from crm_store.settings import DatabaseSettings
from tests.actions.support import (
    SENDER,
    SESSION_STARTED_AT,
    make_tracker,
    run_action,
    user_event,
)


async def conversation(crm_db: async_sessionmaker[AsyncSession]) -> Conversation | None:
    async with crm_db() as session:
        return await session.scalar(
            select(Conversation).where(
                Conversation.sender_id == SENDER,
                Conversation.session_started_at == SESSION_STARTED_AT,
            )
        )


async def test_handoff_marks_the_conversation_with_the_customers_request(
    crm_db: async_sessionmaker[AsyncSession],
) -> None:
    tracker = make_tracker("I want to talk to a human", "human_handoff")
    outcome = await run_action(ActionHandoff(), tracker)
    assert outcome.responses == ["utter_handoff"]
    # The reply names the configured hours (always open in these tests), not a fixed text.
    assert outcome.messages[0]["hours"] == "Mon–Sun 00:00–24:00"
    assert outcome.messages[0]["zone"] == "UTC"
    marked = await conversation(crm_db)
    assert marked is not None
    assert str(getattr(marked.status, "value", marked.status)) == "handoff"
    assert marked.handoff_reason == "customer asked for a human: I want to talk to a human"
    assert marked.channel == "rest"


async def test_handoff_after_misunderstandings_quotes_what_was_not_understood() -> None:
    unclear = [
        user_event("blorp the frobnicator", "nlu_fallback"),
        user_event("frobnicate it!!", "nlu_fallback"),
    ]
    tracker = make_tracker("/human_handoff", "human_handoff", history=unclear)
    assert handoff_reason(tracker) == "the bot did not understand the customer: frobnicate it!!"


def test_handoff_after_failed_identification_says_so() -> None:
    tracker = make_tracker("human please", "human_handoff", slots={"identification_attempts": 3.0})
    assert handoff_reason(tracker) == "identification failed: human please"


async def test_handoff_resets_the_flow_flags() -> None:
    tracker = make_tracker(
        "human", "human_handoff", slots={"handoff_requested": True, "flow_aborted": True}
    )
    outcome = await run_action(ActionHandoff(), tracker)
    assert outcome.slots["handoff_requested"] is False
    assert outcome.slots["flow_aborted"] is False


async def test_handoff_with_the_crm_unreachable_apologises(
    unreachable_crm: DatabaseSettings,
) -> None:
    await crm.configure(unreachable_crm)
    outcome = await run_action(ActionHandoff(), make_tracker("human", "human_handoff"))
    assert outcome.responses == ["utter_technical_problem"]


async def test_outside_opening_hours_the_customer_is_told_when_the_team_is_back(
    crm_db: async_sessionmaker[AsyncSession],
) -> None:
    # Open one hour a week, on a day that is not today: always closed now, whenever this runs.
    today = datetime.now(ZoneInfo("Europe/Berlin")).strftime("%a")
    other = next(day for day in ("Mon", "Tue") if day != today)
    handoff.configure(parse_opening_hours(f"{other} 10:00-11:00", "Europe/Berlin"))
    outcome = await run_action(ActionHandoff(), make_tracker("human please", "human_handoff"))
    assert outcome.responses == []
    assert "not in right now" in outcome.texts
    assert f"{other} " in outcome.texts and "10:00" in outcome.texts
    assert "Europe/Berlin" in outcome.texts
    marked = await conversation(crm_db)
    assert marked is not None and marked.handoff_at is not None


@pytest.mark.parametrize(("language", "weekday"), [("de", "Montag"), ("zh", "星期一")])
async def test_outside_opening_hours_the_team_is_back_in_the_customers_language(
    crm_db: async_sessionmaker[AsyncSession], language: str, weekday: str
) -> None:
    # Open one minute on Mondays, a minute that is not now: closed whenever this runs.
    now = datetime.now(ZoneInfo("Europe/Berlin"))
    hours = "Mon 00:00-00:01" if now.weekday() == 0 and now.hour else "Mon 23:58-23:59"
    handoff.configure(parse_opening_hours(hours, "Europe/Berlin"))
    tracker = make_tracker("Mitarbeiter bitte", "human_handoff", slots={"language": language})
    outcome = await run_action(ActionHandoff(), tracker)
    assert weekday in outcome.texts
    assert "Monday" not in outcome.texts


class _TuesdayNoon(datetime):
    """A moment outside the hours below: Tuesday 1 December 2026, 12:00 UTC."""

    @classmethod
    def now(cls, tz: tzinfo | None = None) -> _TuesdayNoon:  # type: ignore[override]
        return cls(2026, 12, 1, 12, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("language", "named"),
    [
        ("en", "Mon 08:00–10:00, Wed–Thu 07:00–09:00"),
        ("de", "Mo 08:00–10:00, Mi–Do 07:00–09:00"),
        ("zh", "周一 08:00–10:00，周三至周四 07:00–09:00"),
    ],
)
async def test_outside_opening_hours_the_configured_hours_are_named_in_the_customers_language(
    crm_db: async_sessionmaker[AsyncSession],
    monkeypatch: pytest.MonkeyPatch,
    language: str,
    named: str,
) -> None:
    # KEFU_OPENING_HOURS as an operator might set it, not the default.
    monkeypatch.setattr(handoff, "datetime", _TuesdayNoon)
    handoff.configure(parse_opening_hours("Wed-Thu 7:00-9:00; mon 08:00-10:00", "Europe/Berlin"))
    tracker = make_tracker("human", "human_handoff", slots={"language": language})
    outcome = await run_action(ActionHandoff(), tracker)
    assert named in outcome.texts
    assert "Mon-" not in outcome.texts and "Europe/Berlin" in outcome.texts
