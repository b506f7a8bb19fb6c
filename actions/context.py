"""A bare value read in context: "KF-500004" right after a status answer is a status question.

Outside any form a lone order number used to get "What would you like me to do with that?".
When the customer's last request in the session was about an order, the number is taken as the
same request for another order, and one asked about ("what about KF-500006?") with no request
before is a status question; a contact from a customer not yet verified starts the
identification (and once the customer is verified, a lone order number sent before is shown:
actions/identification.py); anything else still gets the question.
"""

from __future__ import annotations

import itertools
import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import FollowupAction, SlotSet

from actions import slots
from actions.base import Dispatcher, Events, KefuAction
from actions.conversation import (
    CLARIFY_ACTION,
    VALUE_WITHOUT_REQUEST,
    entity_values,
    intent_of,
    latest_entity_values,
    latest_intent,
    latest_text,
    session_messages,
    verified_customer_id,
)
from actions.digression import requests_in
from actions.feelings import (
    PERSON_WAY,
    TICKET_WAY,
    ask_which_way,
    offer_just_made,
    way_chosen,
)
from actions.handoff import UPSET_REASON, perform_handoff
from actions.identification_state import CONTACT_ENTITIES
from actions.list_choice import (
    order_at_position,
)
from actions.listed_tickets import status_of_the_ticket_pointed_at
from actions.next_request import start_request

# Requests a bare order number can continue.
ORDER_REQUESTS = ("order_status", "cancel_order", "return_order")

# "what about KF-500006?", "und KF-500002?", "KF-500007怎么样": an order number asked about,
# with no request named and none made before: how that order stands.
_ASKS_ABOUT_IT = re.compile(
    r"[?？]|\b(?:what|how) about\b|\bany news\b|\bwas ist mit\b|\bwie (?:sieht|steht) es\b"
    r"|怎么样|呢|情况",
    re.IGNORECASE,
)


def last_order_request(tracker: Tracker) -> str | None:
    """The customer's latest request about an order in this session, the latest message aside."""
    for event in itertools.islice(session_messages(tracker), 1, None):
        intent = intent_of(event)
        if intent in ORDER_REQUESTS:
            return str(intent)
        if asks_about_an_order(event.get("parse_data") or {}):
            return "order_status"
    return None


def asks_about_an_order(parse_data: dict[str, Any]) -> bool:
    """Whether a message (its parse data) asks about an order it names: "what about KF-500006?"."""
    return bool(
        entity_values(parse_data, "order_number")
        and _ASKS_ABOUT_IT.search(str(parse_data.get("text") or ""))
    )


def _names_a_contact(tracker: Tracker) -> bool:
    return any(latest_entity_values(tracker, entity) for entity in CONTACT_ENTITIES)


class ActionValueInContext(KefuAction):
    """Runs for a bare `inform` outside a form (rules.yml)."""

    action_name = "action_value_in_context"

    async def act(self, dispatcher: Dispatcher, tracker: Tracker) -> Events:
        answered = await answer_to_the_offer(dispatcher, tracker)
        if answered is None:
            answered = await status_of_the_ticket_pointed_at(dispatcher, tracker)
        if answered is not None:
            # "the first one", "a real person" after the apology's offer; "die zweite" after the
            # list of open tickets
            return answered
        numbers = latest_entity_values(tracker, "order_number")
        # "订单KF-500007到哪了": a number that NLU took for the whole message, with a request
        # named around it; else the request the customer made last.
        named = requests_in(latest_text(tracker))
        request = named[0] if named else None
        picked = None if numbers or named else order_at_position(tracker)
        if picked is not None:
            # "die zweite" after a list of orders: that order, for the last order request
            # ("which order?"), else its status (after "your recent orders").
            numbers = [picked]
            request = last_order_request(tracker) or "order_status"
        if request is None and numbers:
            request = last_order_request(tracker)
        if request is None and asks_about_an_order(tracker.latest_message):
            request = "order_status"
        verified = verified_customer_id(tracker) is not None
        if request is None and not verified and _names_a_contact(tracker):
            # A stranger who sends their email out of the blue wants to be recognised.
            return [FollowupAction("identify_form")]
        values = [
            e for e in tracker.latest_message.get("entities") or [] if e.get("entity") != "language"
        ]
        if request is None and not values:
            # "asdf": no value at all, so no "what shall I do with that?" but the clarifying
            # question, which hands over to a person after two misses in a row.
            return [FollowupAction(CLARIFY_ACTION)]
        if request is None:
            dispatcher.utter_message(response=VALUE_WITHOUT_REQUEST)
            return []
        # One number is queued for the request; several are read from the message itself.
        queued = str(numbers[0]) if len(numbers) == 1 else None
        events: list = [SlotSet(slots.QUEUED_ORDER, queued)]
        if len(named) > 1:
            # "where is KF-500002 and then I need a human": the second comes after the first.
            events.append(SlotSet(slots.PENDING_REQUEST, named[1]))
        return await start_request(dispatcher, tracker, request, events)


async def answer_to_the_offer(dispatcher: Dispatcher, tracker: Tracker) -> Events | None:
    """The customer's typed answer to the apology's offer of a ticket or a person ("yes, a
    ticket please", "ja, lieber ein Mensch"), or None when the message is no such answer. A bare
    "yes" gets the question again; a second one takes the first way offered, the ticket."""
    offer = offer_just_made(tracker)
    if offer is None:
        return None
    way = way_chosen(latest_text(tracker))
    if way is None and latest_intent(tracker) != slots.INTENT_AFFIRM:
        return None
    if way is None and offer == "offer":
        return ask_which_way(dispatcher, tracker)
    if way == PERSON_WAY:
        return await perform_handoff(dispatcher, tracker, UPSET_REASON)
    return await start_request(dispatcher, tracker, TICKET_WAY)


class ActionAffirmInContext(KefuAction):
    """Runs for "yes" outside a form (rules.yml): an answer to the bot's last offer, if it made
    one; else "Alright, anything else?"."""

    action_name = "action_affirm_in_context"

    async def act(self, dispatcher: Dispatcher, tracker: Tracker) -> Events:
        answered = await answer_to_the_offer(dispatcher, tracker)
        if answered is not None:
            return answered
        dispatcher.utter_message(response="utter_anything_else")
        return []
