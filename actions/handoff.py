"""Passing the conversation to a person: mark it for the agents' console and tell the customer."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import slots
from actions.base import Dispatcher, Events, KefuAction
from actions.conversation import (
    consecutive_fallbacks,
    conversation_key,
    last_typed_text,
    verified_customer_id,
)
from actions.crm import CrmUnavailable, run_unit_of_work
from crm_store.services.conversations import mark_handoff

# Enough of the customer's words for the agent to see what it is about.
_REASON_QUOTE_CHARS = 300


def handoff_reason(tracker: Tracker) -> str:
    """Why the bot gives up, in the words an agent reads first in the console."""
    attempts = int(tracker.get_slot(slots.IDENTIFICATION_ATTEMPTS) or 0)
    if verified_customer_id(tracker) is None and attempts >= slots.MAX_IDENTIFICATION_ATTEMPTS:
        reason = "identification failed"
    elif consecutive_fallbacks(tracker, skip_latest=True) or consecutive_fallbacks(tracker):
        reason = "the bot did not understand the customer"
    else:
        reason = "customer asked for a human"
    text = last_typed_text(tracker)
    if text:
        reason += f": {' '.join(text.split())[:_REASON_QUOTE_CHARS]}"
    return reason


async def perform_handoff(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """Mark the conversation for an agent and say what happens next (or apologise)."""
    key = conversation_key(tracker)
    reason = handoff_reason(tracker)
    try:
        await run_unit_of_work(lambda session: mark_handoff(session, key, reason))
    except CrmUnavailable:
        dispatcher.utter_message(response="utter_technical_problem")
        return
    dispatcher.utter_message(response="utter_handoff")


class ActionHandoff(KefuAction):
    """The customer asked for a person (outside a form; inside one the submit action hands off)."""

    action_name = "action_handoff"

    async def act(self, dispatcher: Dispatcher, tracker: Tracker) -> Events:
        await perform_handoff(dispatcher, tracker)
        return [
            SlotSet(slots.HANDOFF_REQUESTED, False),
            SlotSet(slots.FLOW_ABORTED, False),
            SlotSet(slots.FALLBACK_COUNT, 0.0),
        ]
