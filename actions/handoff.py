"""Passing the conversation to a person: mark it for the agents' console and tell the customer."""

from __future__ import annotations

import re
from datetime import datetime, timezone

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import localized, replies, slots
from actions.base import Dispatcher, Events, KefuAction
from actions.conversation import (
    consecutive_fallbacks,
    conversation_key,
    last_typed_text,
    latest_text,
    verified_customer_id,
)
from actions.crm import CrmUnavailable, run_unit_of_work
from crm_store.opening_hours import (
    DEFAULT_OPENING_HOURS,
    DEFAULT_TIMEZONE,
    OpeningHours,
    parse_opening_hours,
)
from crm_store.opening_hours_text import opening_hours_text
from crm_store.services.conversations import mark_handoff

# Enough of the customer's words for the agent to see what it is about.
_REASON_QUOTE_CHARS = 300


# When the agents are there; the action server's entry point configures it from
# KEFU_OPENING_HOURS and KEFU_OPENING_TIMEZONE.
OPENING_HOURS = {"hours": parse_opening_hours(DEFAULT_OPENING_HOURS, DEFAULT_TIMEZONE)}

UPSET_REASON = "upset customer"
NOT_UNDERSTOOD_REASON = "the bot did not understand the customer"


def configure(hours: OpeningHours) -> None:
    OPENING_HOURS["hours"] = hours


def handoff_reason(tracker: Tracker, cause: str | None = None) -> str:
    """Why the bot gives up, in the words an agent reads first in the console."""
    attempts = int(tracker.get_slot(slots.IDENTIFICATION_ATTEMPTS) or 0)
    if cause:
        reason = cause
    elif verified_customer_id(tracker) is None and attempts >= slots.MAX_IDENTIFICATION_ATTEMPTS:
        reason = "identification failed"
    elif consecutive_fallbacks(tracker, skip_latest=True) or consecutive_fallbacks(tracker):
        reason = NOT_UNDERSTOOD_REASON
    elif tracker.get_slot(slots.COMPLAINT):
        # The apology to an upset customer offered a person, and they took the offer.
        reason = f"{UPSET_REASON}, asked for a human"
    else:
        reason = "customer asked for a human"
    text = last_typed_text(tracker)
    if text:
        reason += f": {' '.join(text.split())[:_REASON_QUOTE_CHARS]}"
    return reason


async def perform_handoff(
    dispatcher: CollectingDispatcher, tracker: Tracker, cause: str | None = None
) -> list[EventType]:
    """Mark the conversation for an agent and say what happens next (or apologise): right away
    in opening hours, else when the team is back. Returns the events that remember it."""
    key = conversation_key(tracker)
    reason = handoff_reason(tracker, cause)
    try:
        await run_unit_of_work(lambda session: mark_handoff(session, key, reason))
    except CrmUnavailable:
        dispatcher.utter_message(response="utter_technical_problem")
        return []
    hours = OPENING_HOURS["hours"]
    now = datetime.now(timezone.utc)
    language = localized.language_of(tracker)
    if hours.is_open(now):
        # The response names the configured hours, filled in by Rasa from these arguments.
        dispatcher.utter_message(
            response="utter_handoff",
            hours=opening_hours_text(hours, language),
            zone=str(hours.zone),
        )
        return [SlotSet(slots.AGENT_REQUESTED, True)]
    dispatcher.utter_message(
        text=localized.text(
            "handoff_closed",
            language,
            hours=opening_hours_text(hours, language),
            zone=str(hours.zone),
            opens=replies.moment(hours.next_opening(now), language),
        )
    )
    return [SlotSet(slots.AGENT_REQUESTED, True)]


# "still waiting", "ich warte immer noch", "我还在等" and nothing more: after asking for a person,
# that is the person awaited, not a parcel (NLU reads an order status into it).
_ONLY_WAITING = re.compile(
    r"^\W*(?:(?:hello|hi|hey|hallo)\W+)?(?:(?:i'?m|i am|we'?re|we are)\s+)?still\s+waiting"
    r"(?:\s+for\s+(?:someone|somebody|a person|an agent|a human|you|an answer|a reply))?\W*$"
    r"|^\W*(?:(?:hallo|hey)\W+)?(?:ich\s+)?warte\s+(?:immer\s+)?noch"
    r"(?:\s+auf\s+(?:jemanden|einen\s+mitarbeiter|eine\s+antwort|sie))?\W*$"
    r"|^\W*(?:你好\W*)?我?(?:还|一直)在等(?:人工|客服|回复|你们)?\W*$",
    re.IGNORECASE,
)


def told_to_keep_waiting(dispatcher: Dispatcher, tracker: Tracker) -> bool:
    """After asking for a person, the customer only says they are still waiting: told when the
    person comes (a request read into it by NLU is not started)."""
    if not tracker.get_slot(slots.AGENT_REQUESTED):
        return False
    if _ONLY_WAITING.search(latest_text(tracker)) is None:
        return False
    dispatcher.utter_message(text=waiting_for_agent(localized.language_of(tracker)))
    return True


def waiting_for_agent(language: str) -> str:
    """What a customer waiting for a person is told: that a colleague replies here, right away
    in opening hours, else from when the team is back."""
    hours = OPENING_HOURS["hours"]
    now = datetime.now(timezone.utc)
    if hours.is_open(now):
        when = localized.text("agent_soon", language)
    else:
        opens = replies.moment(hours.next_opening(now), language)
        when = localized.text("agent_from", language, opens=opens)
    return localized.text("waiting_for_agent", language, when=when)


class ActionHandoff(KefuAction):
    """The customer asked for a person (outside a form; inside one the submit action hands off)."""

    action_name = "action_handoff"

    async def act(self, dispatcher: Dispatcher, tracker: Tracker) -> Events:
        return [
            *await perform_handoff(dispatcher, tracker),
            SlotSet(slots.HANDOFF_REQUESTED, False),
            SlotSet(slots.FLOW_ABORTED, False),
            SlotSet(slots.FALLBACK_COUNT, 0.0),
        ]
