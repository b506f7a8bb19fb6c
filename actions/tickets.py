"""Ticket flows: opening a support ticket and looking tickets up (validators and submit actions)."""

from __future__ import annotations

from functools import partial
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import localized, replies, slots, ticket_replies
from actions.answers import acknowledged_only
from actions.base import Dispatcher, Events, KefuAction
from actions.carry import problem_in
from actions.conversation import (
    entities_of_last_request,
    latest_entity_values,
    latest_intent,
    latest_text,
    order_just_shown,
    orders_named_in,
    previous_replies,
    verified_customer_id,
)
from actions.crm import respond, run_unit_of_work
from actions.extraction import (
    MAX_FREE_TEXT_CHARS,
    MIN_DESCRIPTION_WORDS,
    flow_candidate,
    guess_ticket_category,
    requested_slot,
    word_count,
)
from actions.feelings import TICKET_WAY, chooses_the_ticket
from actions.flow import (
    CustomerSubmitAction,
    checked,
)
from actions.identification import IdentificationFormValidator
from actions.identification_state import verified_by
from actions.list_choice import order_naming_items
from actions.order_replies import LATE_HINTS
from actions.similar_cases import (
    remember_ticket,
    suggest_ticket_category,
    typical_resolution_hours,
)
from actions.ticket_replies import typed_category
from crm_store.errors import InvalidValue, NotFound, OrderNotFound
from crm_store.normalize import normalize_order_number, normalize_ticket_number
from crm_store.services.orders import get_order, recent_orders
from crm_store.services.tickets import (
    TICKET_CATEGORIES,
    get_ticket,
    open_ticket,
    open_tickets_or_the_latest,
)

# Shorter than this is not a description an agent can work with ("hi", "?").
MIN_DESCRIPTION_CHARS = 3


class ValidateTicketStatusForm(IdentificationFormValidator):
    action_name = "validate_ticket_status_form"
    submit_action = "action_ticket_status"


# Answers to "Shall I open it?" that are no more detail about the problem.
_NOT_A_DETAIL = frozenset(
    {
        slots.INTENT_AFFIRM,
        slots.INTENT_DENY,
        slots.INTENT_STOP,
        slots.INTENT_HUMAN_HANDOFF,
        slots.INTENT_GOODBYE,
    }
)


class ValidateOpenTicketForm(IdentificationFormValidator):
    action_name = "validate_open_ticket_form"
    submit_action = "action_open_ticket"
    confirmation_slot = slots.CONFIRM_TICKET
    free_text_slot = (slots.TICKET_DESCRIPTION, MIN_DESCRIPTION_CHARS)

    async def extract_ticket_category(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        typed = typed_category(latest_text(tracker))
        asked_now = requested_slot(tracker) == slots.TICKET_CATEGORY
        if typed and asked_now and verified_customer_id(tracker) is not None:
            # "Zahlung" typed, not clicked: NLU may read a payment question in it.
            return {slots.TICKET_CATEGORY: typed}
        value = flow_candidate(tracker, slots.TICKET_CATEGORY, entities=("ticket_category",))
        if isinstance(value, str) and value.strip().lower() not in TICKET_CATEGORIES:
            typed = value.strip()
            # Typed rather than clicked: "my parcel never came" is about delivery.
            value = await suggest_ticket_category(typed) or "other"
            if word_count(typed) >= MIN_DESCRIPTION_WORDS:
                # The customer already described the problem: don't ask for it again.
                return {slots.TICKET_CATEGORY: value, slots.TICKET_DESCRIPTION: typed}
        if (
            value is None
            and verified_customer_id(tracker) is not None
            and requested_slot(tracker) is None
            and latest_intent(tracker) == "open_ticket"
        ):
            request = latest_text(tracker)
            # Past tickets vote only on a described problem: "Ich möchte ein Ticket eröffnen"
            # is like every ticket and says nothing of its own ("a payment problem" has a word).
            if problem_in(request):
                value = await suggest_ticket_category(request)
            elif late := late_parcel_ticket(tracker):
                return late
            else:
                value = guess_ticket_category(request)
        return {} if value is None else {slots.TICKET_CATEGORY: value}

    async def validate_ticket_category(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if acknowledged_only(dispatcher, tracker, slots.TICKET_CATEGORY):
            return {slots.TICKET_CATEGORY: None}
        category = str(value or "").strip().lower()
        known = category if category in TICKET_CATEGORIES else None
        return checked(dispatcher, slots.TICKET_CATEGORY, known, "utter_please_rephrase")

    async def get_validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """The order the ticket is about, when the customer names one of theirs: in the request,
        with the description, or as the answer to "Shall I go ahead?" (then asked again)."""
        events = await super().get_validation_events(dispatcher, tracker, domain)
        customer_id = verified_customer_id(tracker)
        if customer_id is None or tracker.get_slot(slots.FLOW_ABORTED):
            return events
        asked = requested_slot(tracker)
        named = order_named_for_ticket(tracker, asked, verified_by(events))
        if named is None:
            named = await order_of_the_items_described(events, tracker, customer_id)
        if named is None:
            return events
        number = normalize_order_number(named)
        if number != tracker.get_slot(slots.TICKET_ORDER):  # known: no second lookup
            try:
                if number is None:
                    raise OrderNotFound(named)
                await run_unit_of_work(lambda session: get_order(session, customer_id, number))
                events.append(SlotSet(slots.TICKET_ORDER, number))
            except OrderNotFound:
                dispatcher.utter_message(response="utter_order_not_found")
        answered = any(event.get("name") == slots.CONFIRM_TICKET for event in events)
        if asked == slots.CONFIRM_TICKET and not answered:
            events.append(SlotSet(slots.CONFIRM_TICKET, None))  # the question again, with it
        return events

    async def _extract_confirmation(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        intent = latest_intent(tracker)
        if intent not in (slots.INTENT_AFFIRM, slots.INTENT_DENY) and (
            latest_entity_values(tracker, "order_number")
        ):
            return {}  # the order it is about, not an answer (get_validation_events)
        asked_to_confirm = requested_slot(tracker) == slots.CONFIRM_TICKET
        detail = problem_in(latest_text(tracker)) if asked_to_confirm else None
        if detail is not None and intent not in _NOT_A_DETAIL:
            # "die Rechnung hat die falsche Adresse" to "Shall I open it?": more about the
            # problem, added to the description; the question comes again, with it.
            described = str(tracker.get_slot(slots.TICKET_DESCRIPTION) or "").strip()
            if detail.casefold() in described.casefold():
                combined = described  # said again: once is enough
            else:
                combined = f"{described} — {detail}" if described else detail
            return {slots.TICKET_DESCRIPTION: combined[:MAX_FREE_TEXT_CHARS]}
        return await super()._extract_confirmation(dispatcher, tracker, domain)


async def order_of_the_items_described(
    events: list[EventType], tracker: Tracker, customer_id: int
) -> str | None:
    """The one recent order whose items a description just taken names ("the lid of my kettle
    is broken"): the ticket is about it, as the question before filing it shows."""
    described = [
        event.get("value")
        for event in events
        if event.get("event") == "slot" and event.get("name") == slots.TICKET_DESCRIPTION
    ]
    if not described or not described[-1] or tracker.get_slot(slots.TICKET_ORDER):
        return None
    orders = await run_unit_of_work(lambda session: recent_orders(session, customer_id))
    order = order_naming_items(orders, str(described[-1]))
    return order.order_number if order is not None else None


def late_parcel_ticket(tracker: Tracker) -> dict[str, Any] | None:
    """The ticket asked for right after the bot said a parcel is overdue and suggested "open a
    ticket": a delivery ticket about that parcel, described, not "What is your request about?"."""
    hinted = any(hint in text for text in previous_replies(tracker) for hint in LATE_HINTS)
    order = order_just_shown(tracker) if hinted else None
    if order is None:
        return None
    description = ticket_replies.late_parcel(order, localized.language_of(tracker))
    return {slots.TICKET_CATEGORY: "delivery", slots.TICKET_DESCRIPTION: description}


def order_named_for_ticket(tracker: Tracker, asked: Any, just_verified: bool) -> str | None:
    """The order number a ticket request points to, as typed; None when it names none.

    Right after identification, the request's own message (or the number queued with it: "Ich
    bin …, PLZ …. Rechnung für KF-500015"); never an answer to the identity questions (an order
    number given as proof is not what the ticket is about); otherwise the latest message, and
    at the start of the form the order the bot has just shown ("it hasn't come, open a ticket").
    """
    queued = tracker.get_slot(slots.QUEUED_ORDER) if asked is None else None
    if just_verified:
        named = entities_of_last_request(tracker, "open_ticket", "order_number")
    elif asked in (slots.CONTACT, slots.VERIFICATION_FACT):
        return None
    else:
        named = latest_entity_values(tracker, "order_number")
    if named:
        return str(named[-1])
    if queued:
        return str(queued)
    complained = orders_named_in(str(tracker.get_slot(slots.COMPLAINT) or ""))
    if asked is None and len(complained) == 1:
        # The ticket the apology offered is about the order the complaint names.
        return complained.pop()
    return order_just_shown(tracker) if asked is None and not just_verified else None


class ActionAskConfirmTicket(KefuAction):
    """Asks confirm_ticket, repeating the category and description, with yes/no buttons."""

    action_name = "action_ask_confirm_ticket"

    async def act(self, dispatcher: Dispatcher, tracker: Tracker) -> Events:
        language = localized.language_of(tracker)
        dispatcher.utter_message(
            text=ticket_replies.ticket_question(
                str(tracker.get_slot(slots.TICKET_CATEGORY) or "other"),
                str(tracker.get_slot(slots.TICKET_DESCRIPTION) or ""),
                language,
                order=tracker.get_slot(slots.TICKET_ORDER),
            ),
            buttons=replies.yes_no_buttons(language),
        )
        return []


class ActionOpenTicket(CustomerSubmitAction):
    flow_slots = (
        slots.TICKET_CATEGORY,
        slots.TICKET_DESCRIPTION,
        slots.CONFIRM_TICKET,
        slots.TICKET_ORDER,
        slots.COMPLAINT,
    )
    refusals = ((InvalidValue, respond("utter_please_rephrase")),)

    action_name = "action_open_ticket"

    async def submit(self, dispatcher: Dispatcher, tracker: Tracker, customer_id: int) -> Events:
        if tracker.get_slot(slots.CONFIRM_TICKET) is not True:
            dispatcher.utter_message(response="utter_ticket_discarded")
            return []
        category = str(tracker.get_slot(slots.TICKET_CATEGORY) or "")
        description = str(tracker.get_slot(slots.TICKET_DESCRIPTION) or "")
        order = tracker.get_slot(slots.TICKET_ORDER)
        ticket = await self.file_ticket(
            tracker,
            partial(open_ticket, order_number=str(order)) if order else open_ticket,
            customer_id,
            (category, description),
            (category, description, str(order or "")),
        )
        typical_hours = await typical_resolution_hours(description)
        await remember_ticket(ticket.ticket_number, f"{ticket.subject}\n{description}", category)
        language = localized.language_of(tracker)
        dispatcher.utter_message(text=ticket_replies.ticket_opened(ticket, typical_hours, language))
        return []


class ActionTicketStatus(CustomerSubmitAction):
    """The ticket the customer named in their request, else a list of their open tickets."""

    flow_slots = (slots.TICKET_NUMBER,)
    # Also someone else's ticket: the same words.
    refusals = ((NotFound, respond("utter_ticket_not_found")),)

    action_name = "action_ticket_status"
    request_intent = "ticket_status"

    async def submit(self, dispatcher: Dispatcher, tracker: Tracker, customer_id: int) -> Events:
        if chooses_the_ticket(tracker):
            # "Ticket" answering the apology's offer, from a verified customer (NLU reads a
            # status question in it): the ticket the offer meant, after this flow (`pending`).
            tracker.add_slots([SlotSet(slots.PENDING_REQUEST, TICKET_WAY)])
            return []
        named = entities_of_last_request(tracker, "ticket_status", "ticket_number")
        if not named and tracker.get_slot(slots.TICKET_NUMBER):
            named = [tracker.get_slot(slots.TICKET_NUMBER)]
        number = normalize_ticket_number(str(named[0])) if named else None
        language = localized.language_of(tracker)
        if number is None:
            tickets, latest = await run_unit_of_work(
                lambda session: open_tickets_or_the_latest(session, customer_id)
            )
            dispatcher.utter_message(text=ticket_replies.open_tickets(tickets, language))
            if latest is not None:
                # "how is my ticket doing?" when it has been resolved: that it has.
                dispatcher.utter_message(text=ticket_replies.ticket_status(latest, language))
            return []
        ticket = await run_unit_of_work(lambda session: get_ticket(session, customer_id, number))
        dispatcher.utter_message(text=ticket_replies.ticket_status(ticket, language))
        return []
