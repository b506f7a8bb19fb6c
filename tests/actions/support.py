"""Helpers of the action tests: the test domain, hand-built trackers, running an action."""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from crm_store.settings import DatabaseSettings, load_database_settings

SEED = 7
SEEDED_AT = datetime.now(timezone.utc).replace(microsecond=0)
SESSION_STARTED_AT = 1_750_000_000.0
SENDER = "tester-1"
CHANNEL = "rest"

# The forms of the contract (domain.yml `forms:`); test_package.py checks domain.yml agrees.
FORMS: dict[str, list[str]] = {
    "identify_form": ["contact", "verification_fact"],
    "order_status_form": ["contact", "verification_fact"],
    "recent_orders_form": ["contact", "verification_fact"],
    "ticket_status_form": ["contact", "verification_fact"],
    "cancel_order_form": ["contact", "verification_fact", "order_number", "confirm_cancel"],
    "return_form": ["contact", "verification_fact", "order_number", "return_reason"],
    "update_email_form": ["contact", "verification_fact", "new_email"],
    "update_phone_form": ["contact", "verification_fact", "new_phone"],
    "update_address_form": ["contact", "verification_fact", "new_address"],
    "open_ticket_form": [
        "contact",
        "verification_fact",
        "ticket_category",
        "ticket_description",
        "confirm_ticket",
    ],
    "csat_form": ["rating", "feedback_comment"],
}

# Slots and their initial values (domain.yml `slots:`).
INITIAL_SLOTS: dict[str, Any] = {
    "contact": None,
    "verification_fact": None,
    "identification_attempts": 0.0,
    "customer_id": None,
    "customer_name": None,
    "is_verified": False,
    "flow_aborted": False,
    "handoff_requested": False,
    "order_number": None,
    "confirm_cancel": None,
    "return_reason": None,
    "new_email": None,
    "new_phone": None,
    "new_address": None,
    "ticket_category": None,
    "ticket_description": None,
    "confirm_ticket": None,
    "ticket_number": None,
    "rating": None,
    "feedback_comment": None,
    "feedback_given": False,
    "fallback_count": 0.0,
    "language": "en",
    "pending_request": None,
    "queued_order": None,
    "complaint": None,
    "requested_slot": None,
}

DOMAIN: dict[str, Any] = {
    "forms": {name: {"required_slots": list(required)} for name, required in FORMS.items()},
    "slots": {
        name: {"type": "any", "mappings": [{"type": "custom"}]}
        for name in INITIAL_SLOTS
        if name != "requested_slot"
    },
}

# The demo customers' ids (customer numbers C10001.. derive from them).
ANNA, BEN, CHLOE = 1, 2, 3


def verified(customer_id: int = ANNA, name: str = "Anna") -> dict[str, Any]:
    """Slots of a customer verified earlier in the session."""
    return {
        "is_verified": True,
        "customer_id": str(customer_id),
        "customer_name": name,
        "contact": "anna.schmidt@example.com",
        "verification_fact": "10115",
        # Proved just now: forms that change contact details accept it.
        "verified_at": time.time(),
    }


def user_event(
    text: str,
    intent: str | None = None,
    entities: Iterable[tuple[str, Any]] = (),
    intent_ranking: list[dict[str, Any]] | None = None,
    timestamp: float = SESSION_STARTED_AT + 1,
) -> dict[str, Any]:
    parse_data = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.9},
        "entities": [{"entity": entity, "value": value} for entity, value in entities],
        "intent_ranking": intent_ranking
        if intent_ranking is not None
        else ([{"name": intent, "confidence": 0.9}] if intent else []),
    }
    return {
        "event": "user",
        "timestamp": timestamp,
        "text": text,
        "parse_data": parse_data,
        "input_channel": CHANNEL,
    }


def make_tracker(
    text: str = "",
    intent: str | None = None,
    entities: Iterable[tuple[str, Any]] = (),
    slots: dict[str, Any] | None = None,
    form: str | None = None,
    requested_slot: str | None = None,
    history: Iterable[dict[str, Any]] = (),
    after: Iterable[dict[str, Any]] = (),
    intent_ranking: list[dict[str, Any]] | None = None,
    sender_id: str = SENDER,
    session_started: bool = True,
) -> Tracker:
    """A tracker as the Rasa server sends it to the action server.

    With `form`, it looks like the FormAction's call of its validation action: the latest user
    message, then `requested_slot`, then the form's ActionExecuted (no slot candidates: all
    mappings are custom, so the validator extracts them itself).
    """
    latest = user_event(text, intent, entities, intent_ranking, SESSION_STARTED_AT + 50)
    events: list[dict[str, Any]] = [{"event": "action", "name": "action_session_start"}]
    if session_started:
        events.append({"event": "session_started", "timestamp": SESSION_STARTED_AT})
    events.append({"event": "action", "name": "action_listen"})
    events += list(history)
    events.append(latest)
    values = {**INITIAL_SLOTS, **(slots or {}), "requested_slot": requested_slot}
    if form is not None:
        events += [SlotSet("requested_slot", requested_slot), ActionExecuted(form)]
    events += list(after)
    return Tracker(
        sender_id,
        values,
        latest["parse_data"],
        events,
        False,
        None,
        {"name": form} if form else {},
        "action_listen",
    )


@dataclass
class Outcome:
    """What one action run produced."""

    events: list[dict[str, Any]]
    messages: list[dict[str, Any]]

    @property
    def slots(self) -> dict[str, Any]:
        """The last value set for each slot."""
        return {e["name"]: e["value"] for e in self.events if e.get("event") == "slot"}

    @property
    def responses(self) -> list[str]:
        return [m["response"] for m in self.messages if m.get("response")]

    @property
    def texts(self) -> str:
        return "\n".join(str(m.get("text") or "") for m in self.messages)

    @property
    def said(self) -> str:
        """Everything the customer would read: composed texts and response names."""
        return "\n".join([self.texts, *self.responses])


async def run_action(action: Action, tracker: Tracker) -> Outcome:
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker, DOMAIN)
    return Outcome(list(events), dispatcher.messages)


def settings_for(database_url: str, timeout: float = 2.0) -> DatabaseSettings:
    return load_database_settings(
        {"KEFU_DATABASE_URL": database_url, "KEFU_DB_TIMEOUT_SECONDS": str(timeout)}
    )


def form_answer(
    form: str, text: str, requested: str, intent: str, entities: Any, slots: dict[str, Any]
) -> Tracker:
    """The customer's answer `text` to the question `form` asked for `requested`."""
    return make_tracker(text, intent, entities, slots, form=form, requested_slot=requested)
