"""What every flow shares: stop or a human inside a form, and the submit actions' common ending."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable
from typing import Any, ClassVar

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.ext.asyncio import AsyncSession

from actions import localized, slots
from actions.answers import acknowledged_only
from actions.base import Dispatcher, Events, KefuAction, Named
from actions.carry import reason_in
from actions.conversation import (
    conversation_key,
    latest_entity_values,
    latest_intent,
    latest_text,
    request_key,
    verified_customer_id,
)
from actions.crm import Refusals, answer_refusal, run_unit_of_work
from actions.digression import (
    FORM_REQUESTS,
    WHY_SLOTS,
    another_order_too,
    called_off,
    next_step,
    pending_events,
    queued_order_number,
    requests_in,
    second_request,
    side_questions,
    starts_by_asking_for_a_person,
    switch_request,
)
from actions.extraction import (
    confirmation_candidate,
    free_text_answer,
    is_side_question,
    parse_confirmation,
    requested_slot,
)
from actions.feelings import TICKET_WAY, chooses_the_ticket, is_upset
from actions.handoff import perform_handoff, told_to_keep_waiting
from actions.next_request import start_request
from crm_store.services.conversations import ConversationKey
from crm_store.views import TicketView

# open_ticket and request_return: (session, customer, two values, origin, request key).
TicketService = Callable[
    [AsyncSession, int, str, str, ConversationKey | str, str | None], Awaitable[TicketView]
]

# Slots answered in the customer's own words: there only a change-of-mind marker switches flows.
FREE_TEXT_SLOTS = frozenset(
    {slots.RETURN_REASON, slots.TICKET_DESCRIPTION, slots.NEW_ADDRESS, slots.FEEDBACK_COMMENT}
)
_ORDER_REQUESTS = frozenset({"order_status", "cancel_order", "return_order"})


def checked(dispatcher: Dispatcher, slot: str, value: Any | None, complaint: str) -> dict[str, Any]:
    """`{slot: value}`; a None value (it did not pass its check) first gets `complaint`."""
    if value is None:
        dispatcher.utter_message(response=complaint)
    return {slot: value}


def extract_confirmation(tracker: Tracker, slot: str) -> dict[str, Any]:
    """A yes/no answer for `slot`, only when the form asked for it of a verified customer."""
    if verified_customer_id(tracker) is None or requested_slot(tracker) != slot:
        return {}
    value = confirmation_candidate(tracker)
    return {} if value is None else {slot: value}


def validate_confirmation(
    value: Any, dispatcher: CollectingDispatcher, slot: str
) -> dict[str, Any]:
    """True or False; anything else asks again (the slot stays empty)."""
    answer = parse_confirmation(value)
    if answer is None:
        dispatcher.utter_message(response="utter_please_rephrase")
    return {slot: answer}


class FlowFormValidator(Named, FormValidationAction):
    """A form validator that lets the customer leave the form, and can end it itself.

    Ending a form: set flow_aborted; `required_slots()` is then empty, so rasa-sdk answers with
    `requested_slot = None` and the server's FormAction completes (and the submit rule runs).
    """

    # The action the form's submit rule (data/rules.yml) runs once the form is done; the action
    # server runs it in the validation's request when the Rasa server asks (actions/fused.py).
    submit_action: ClassVar[str | None] = None
    # The rating form starts on a goodbye, so it must not end on one.
    ends_on_goodbye: ClassVar[bool] = False
    # The intent that starts a form which serves no request of its own (identify_form).
    starting_intent: ClassVar[str | None] = None
    # A yes/no slot the form asks last ("Cancel KF-500001?"); its hooks are made from it.
    confirmation_slot: ClassVar[str | None] = None
    # A slot answered in the customer's own words (a reason, a description), and how many
    # characters make an answer; its hooks are made from it.
    free_text_slot: ClassVar[tuple[str, int] | None] = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        slot = vars(cls).get("confirmation_slot")
        if slot:
            setattr(cls, f"extract_{slot}", cls._extract_confirmation)
            setattr(cls, f"validate_{slot}", cls._validate_confirmation)
        if "free_text_slot" in vars(cls) and cls.free_text_slot:
            slot = cls.free_text_slot[0]
            setattr(cls, f"extract_{slot}", cls._extract_free_text)
            setattr(cls, f"validate_{slot}", cls._validate_free_text)

    async def _extract_free_text(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        assert self.free_text_slot is not None
        slot = self.free_text_slot[0]
        if (
            slot in WHY_SLOTS
            and is_side_question(tracker)
            and reason_in(latest_text(tracker)) is None
        ):
            return {}  # the form rejects the turn: the rules answer, then it asks again
        return free_text_answer(tracker, slot)

    async def _validate_free_text(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        assert self.free_text_slot is not None
        slot, shortest = self.free_text_slot
        if acknowledged_only(dispatcher, tracker, slot):
            return {slot: None}
        text = str(value or "").strip()
        return checked(
            dispatcher, slot, text if len(text) >= shortest else None, "utter_please_rephrase"
        )

    async def _extract_confirmation(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        assert self.confirmation_slot is not None
        return extract_confirmation(tracker, self.confirmation_slot)

    async def _validate_confirmation(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        assert self.confirmation_slot is not None
        return validate_confirmation(value, dispatcher, self.confirmation_slot)

    def detour_events(self, dispatcher: Dispatcher, tracker: Tracker) -> list[EventType]:
        """A second request in the message that starts the form is queued; a change of mind
        later in the form ends it, and the new request follows (actions/digression.py)."""
        form = self.form_name()
        own = FORM_REQUESTS.get(form)
        asked = requested_slot(tracker)
        if asked is None:
            if told_to_keep_waiting(dispatcher, tracker):
                return [SlotSet(slots.FLOW_ABORTED, True)]  # "ich warte immer noch": for a person
            if own == "ticket_status" and chooses_the_ticket(tracker):
                # "ticket" after the apology's offer: the new ticket it offered, not a status.
                return [
                    SlotSet(slots.FLOW_ABORTED, True),
                    SlotSet(slots.PENDING_REQUEST, TICKET_WAY),
                ]
            if own is not None and is_upset(tracker) and not starts_by_asking_for_a_person(tracker):
                # The request comes with anger: say sorry before the first question.
                language = localized.language_of(tracker)
                dispatcher.utter_message(text=localized.text("sorry_short", language))
            for question in side_questions(tracker, own or self.starting_intent):
                # Answered at once: the answer needs no identification and no order.
                dispatcher.utter_message(response=f"utter_{question}")
            other = second_request(tracker, own or self.starting_intent)
            if other is None:
                return []
            order = queued_order_number(tracker, other, own in _ORDER_REQUESTS)
            queued = [SlotSet(k, v) for k, v in pending_events(other, order).items()]
            if own is None:
                # "Meine Kundennummer ist C10001, wo ist meine letzte Bestellung?": who it is
                # comes first anyway; the request follows without an announcement.
                return queued
            language = localized.language_of(tracker)
            dispatcher.utter_message(
                text=localized.text(
                    "request_queued", language, request=localized.request_name(other, language)
                )
            )
            return queued
        switched = switch_request(tracker, form, free_text=asked in FREE_TEXT_SLOTS)
        if switched is None:
            return []
        numbers = latest_entity_values(tracker, "order_number")
        order = str(numbers[0]) if numbers else None
        language = localized.language_of(tracker)
        dispatcher.utter_message(
            text=localized.text(
                "request_switched", language, request=localized.request_name(switched, language)
            )
        )
        events = [SlotSet(k, v) for k, v in pending_events(switched, order).items()]
        return [SlotSet(slots.FLOW_ABORTED, True), *events]

    async def run(self, dispatcher: Dispatcher, tracker: Tracker, domain: DomainDict) -> Events:
        if latest_intent(tracker) in slots.GUARD_INTENTS:
            return []  # "Je ne parle pas anglais", 2,000 characters: the rules answer
        also = another_order_too(tracker, self.form_name())
        if also is not None:  # "and cancel KF-500002 too": next; nothing else read from it
            language = localized.language_of(tracker)
            dispatcher.utter_message(text=localized.text("order_queued", language, order=also))
            request = FORM_REQUESTS[self.form_name()]
            return [SlotSet(k, v) for k, v in pending_events(request, also).items()]
        stopped = called_off(tracker, self.form_name())
        # A bare "cancel" is no switch to a cancellation.
        detour = [] if stopped else self.detour_events(dispatcher, tracker)
        tracker.add_slots(detour)
        early = detour if tracker.get_slot(slots.FLOW_ABORTED) else []
        early = early or self.abort_events(tracker)
        if not early and stopped:
            dispatcher.utter_message(response="utter_flow_stopped")
            early = [SlotSet(slots.FLOW_ABORTED, True)]
        if not early:
            # Left over from an earlier flow that did not reach its submit action.
            early = [
                SlotSet(flag, False)
                for flag in (slots.FLOW_ABORTED, slots.HANDOFF_REQUESTED)
                if tracker.get_slot(flag)
            ]
        tracker.add_slots(early)
        if not tracker.get_slot(slots.FLOW_ABORTED):
            refused = await self.before_filling(dispatcher, tracker)
            tracker.add_slots(refused)
            early += refused
            early = detour + early  # a queued request does not end this form
        return early + await super().run(dispatcher, tracker, domain)

    def abort_events(self, tracker: Tracker) -> list[EventType]:
        """`stop` or `human_handoff` said inside a form ends the flow (the submit action follows
        up). So does `goodbye` in the forms that ask for it: someone leaving in the middle of
        "what's your email?" wants to go, not to be asked again."""
        intent = latest_intent(tracker)
        if intent == slots.INTENT_STOP or (self.ends_on_goodbye and intent == slots.INTENT_GOODBYE):
            return [SlotSet(slots.FLOW_ABORTED, True)]
        if intent == slots.INTENT_HUMAN_HANDOFF or starts_by_asking_for_a_person(tracker):
            return [SlotSet(slots.FLOW_ABORTED, True), SlotSet(slots.HANDOFF_REQUESTED, True)]
        return []

    async def before_filling(self, dispatcher: Dispatcher, tracker: Tracker) -> Events:
        """A chance to end the form before any slot is looked at (events to add)."""
        return []

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        if tracker.get_slot(slots.FLOW_ABORTED):
            return []
        return self.still_needed(domain_slots, tracker)

    def still_needed(self, domain_slots: list[str], tracker: Tracker) -> list[str]:
        """The form's slots still to ask for (all of them here)."""
        return domain_slots


class FlowSubmitAction(KefuAction, ABC):
    """The action a form's submit rule runs: handles an ended flow, then `finish()`, then resets.

    `flow_slots` are the form's own slots, emptied when the flow is over so the next request
    starts fresh; identification slots are kept once the customer is verified.
    """

    flow_slots: ClassVar[tuple[str, ...]] = ()
    # The request this action serves straight from the customer's message (no form before it):
    # a second request in that message is served after it.
    request_intent: ClassVar[str | None] = None
    # The CRM's business errors this flow answers instead of failing (the CRM being down is
    # always answered with the technical apology).
    refusals: ClassVar[Refusals] = ()

    @abstractmethod
    async def finish(self, dispatcher: Dispatcher, tracker: Tracker) -> Events:
        """Do what the customer asked for (the flow was not ended early)."""

    async def act(self, dispatcher: Dispatcher, tracker: Tracker) -> Events:
        if tracker.get_slot(slots.FLOW_ABORTED):
            events = await self.aborted(dispatcher, tracker)
        else:
            try:
                events = await self.finish(dispatcher, tracker)
            except Exception as error:
                language = localized.language_of(tracker)
                if not answer_refusal(dispatcher, error, self.refusals, language):
                    raise
                events = []
        return events + self.reset_events(tracker) + await self.pending(dispatcher, tracker)

    async def pending(self, dispatcher: Dispatcher, tracker: Tracker) -> list[EventType]:
        """The request the customer queued or switched to, now that this flow is over.

        A request that needs only a verified customer is served here, in the same turn (a
        FollowupAction to it would leave the rules with a state they never saw); one with
        questions of its own starts its form.
        """
        request = tracker.get_slot(slots.PENDING_REQUEST)
        queued = tracker.get_slot(slots.QUEUED_ORDER)
        if not request and self.request_intent:
            request = second_request(tracker, self.request_intent)
            queued = queued_order_number(tracker, request, self.request_intent in _ORDER_REQUESTS)
        if not request:
            return []
        verified = verified_customer_id(tracker) is not None
        switched = str(request) in requests_in(str(tracker.latest_message.get("text") or "")) or (
            request == TICKET_WAY and chooses_the_ticket(tracker)
        )
        step = next_step(str(request), verified)
        if step is None or not (verified or switched):
            return [SlotSet(slots.PENDING_REQUEST, None)]
        events: list[EventType] = [
            SlotSet(slots.PENDING_REQUEST, None),
            SlotSet(slots.QUEUED_ORDER, queued),
        ]
        # The next action must see this flow as over (not aborted, its slots empty).
        tracker.add_slots(self.reset_events(tracker))
        return await start_request(dispatcher, tracker, str(request), events)

    async def aborted(self, dispatcher: Dispatcher, tracker: Tracker) -> Events:
        if tracker.get_slot(slots.PENDING_REQUEST):
            pass  # the validator has said that the new request comes now
        elif tracker.get_slot(slots.HANDOFF_REQUESTED):
            return await perform_handoff(dispatcher, tracker)
        elif latest_intent(tracker) == slots.INTENT_STOP:
            dispatcher.utter_message(response="utter_flow_stopped")
        elif latest_intent(tracker) == slots.INTENT_GOODBYE:
            dispatcher.utter_message(response="utter_goodbye")
        # Otherwise the validator ended the flow itself (identification failed, a refusal, the
        # CRM unreachable) and has already told the customer why.
        return []

    def reset_events(self, tracker: Tracker) -> list[EventType]:
        names = [*self.flow_slots, slots.QUEUED_ORDER]
        if verified_customer_id(tracker) is None:
            names += slots.IDENTIFICATION_SLOTS
        events: list[EventType] = [
            SlotSet(name, None) for name in names if tracker.get_slot(name) is not None
        ]
        events += [
            SlotSet(flag, False)
            for flag in (slots.FLOW_ABORTED, slots.HANDOFF_REQUESTED)
            if tracker.get_slot(flag)
        ]
        return events


class CustomerSubmitAction(FlowSubmitAction, ABC):
    """A submit action that works on the verified customer's records only."""

    @abstractmethod
    async def submit(self, dispatcher: Dispatcher, tracker: Tracker, customer_id: int) -> Events:
        """Do it for `customer_id`, whom verify_identity has confirmed in this session."""

    async def finish(self, dispatcher: Dispatcher, tracker: Tracker) -> Events:
        customer_id = verified_customer_id(tracker)
        if customer_id is None:
            return []  # identification did not succeed, and the validator has said so
        return await self.submit(dispatcher, tracker, customer_id)

    async def file_ticket(
        self,
        tracker: Tracker,
        service: TicketService,
        customer_id: int,
        values: tuple[str, str],
        key_parts: tuple[str, ...],
    ) -> TicketView:
        """File a ticket through `service` from this conversation; a retry of the same request
        (the same `key_parts`) in the session gets the ticket the first one filed."""
        origin = conversation_key(tracker)
        key = request_key(tracker, self.action_name, *key_parts)
        return await run_unit_of_work(
            lambda session: service(session, customer_id, *values, origin, key)
        )
