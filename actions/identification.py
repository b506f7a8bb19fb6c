"""Who is the customer? The shared identification validator (contact + a fact), identify_form."""

from __future__ import annotations

import time
from abc import ABC
from typing import Any, ClassVar

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import localized, slots
from actions.base import Dispatcher, Events
from actions.carry import carried_values
from actions.conversation import (
    latest_entity_values,
    latest_intent,
    latest_text,
    order_sent_alone,
    verified_customer_id,
)
from actions.crm import CrmUnavailable, run_unit_of_work
from actions.digression import requests_in
from actions.extraction import answer_text, asks_why, first_entity, lacks_it, requested_slot
from actions.feelings import ask_which_way, offer_left_open
from actions.flow import CustomerSubmitAction, FlowFormValidator, checked
from actions.identification_state import (
    CONTACT_ENTITIES,
    FACT_ENTITIES,
    client_of,
    contact_to_retry,
    failed_attempts,
    gives_a_name,
    identification_refused,
    names_a_request,
    proof_is_stale,
    questions_the_identification,
    same_customer,
    verified_by,
    verified_this_turn,
)
from actions.next_request import start_request
from crm_store.normalize import (
    normalize_order_number,
    normalize_postcode,
    parse_contact,
    phone_regions,
)
from crm_store.services.verification import check_identity

# The contact kind that a change request names as the new detail.
_NEW_CONTACT_OF = {"update_email": "email", "update_phone": "phone"}
# Intents whose message may carry the contact even before the form asks for it.
_CONTACT_INTENTS = frozenset({"identify", "inform"})


def _first_of_two(tracker: Tracker, kinds: tuple[str, ...]) -> Any | None:
    """In "I'm x@example.com, postcode …, change my email to y@example.com" the contact kind
    left out as the new detail is named twice: the first is who asks, the last the new one."""
    for kind in CONTACT_ENTITIES:
        values = latest_entity_values(tracker, kind)
        if kind not in kinds and len(values) >= 2:
            return values[0]
    return None


def answered_with_question(
    dispatcher: CollectingDispatcher, text: str, other_ways_response: str
) -> bool:
    """Asked who they are or for the proof, the customer asks why, or says they do not know or
    have it ("I forgot my email", "I don't know my postcode, I just moved"): the reason, or the
    other ways to answer, where a wrong answer's message would not help. The question follows."""
    if asks_why(text):
        dispatcher.utter_message(response="utter_why_we_verify")
        return True
    if lacks_it(text):
        dispatcher.utter_message(response=other_ways_response)
        return True
    return False


class IdentificationFormValidator(FlowFormValidator, ABC):
    """Validator of every form that starts with `contact` and `verification_fact`.

    The customer names themselves (email, phone or customer number) and proves it with one fact
    only they should know (their postcode or one of their order numbers); verify_identity decides.
    Three wrong pairs end the flow, and later forms in the same session are refused at once.
    Once verified, the identification slots drop out of `required_slots()`.
    """

    # The contacts taken from the request that starts the form ("cancel my order, I'm C10001").
    # The update forms leave out their own kind: in "change my email to x@example.com" the
    # address is the new one, while "..., I'm C10001" still says who asks.
    contact_kinds_in_request: ClassVar[tuple[str, ...]] = CONTACT_ENTITIES
    # The update forms take one only next to a postcode ("..., email X, postcode Y"): without
    # it, "new email X and new number Y" names two new details and nobody to check them for.
    contact_in_request_needs_postcode: ClassVar[bool] = False
    # Forms that change contact details want a recent proof (FRESH_PROOF), asked again if old.
    needs_fresh_proof: ClassVar[bool] = False
    ends_on_goodbye = True

    async def before_filling(self, dispatcher: Dispatcher, tracker: Tracker) -> Events:
        if identification_refused(tracker):
            dispatcher.utter_message(response="utter_identification_failed")
            return [SlotSet(slots.FLOW_ABORTED, True)]
        if (
            self.needs_fresh_proof
            and verified_customer_id(tracker) is not None
            and not tracker.get_slot(slots.REVERIFYING)
            and proof_is_stale(tracker)
        ):
            # The form asks for verification_fact again (its question says why).
            return [SlotSet(slots.VERIFICATION_FACT, None), SlotSet(slots.REVERIFYING, True)]
        return []

    def abort_events(self, tracker: Tracker) -> list[EventType]:
        if questions_the_identification(tracker):
            return []  # "weiß ich nicht mehr", which NLU may read as "stop", stops nothing
        return super().abort_events(tracker)

    def still_needed(self, domain_slots: list[str], tracker: Tracker) -> list[str]:
        if verified_customer_id(tracker) is None:
            return domain_slots
        proven = (
            (slots.CONTACT,) if tracker.get_slot(slots.REVERIFYING) else slots.IDENTIFICATION_SLOTS
        )
        return [name for name in domain_slots if name not in proven]

    def contact_kinds_in(self, text: str) -> tuple[tuple[str, ...], bool]:
        """The contact kinds the request may name the customer by, and whether a postcode must
        be next to it. A change asked for besides ("where is KF-500002, and change my email to
        x@example.com") names the new detail, as in the update forms' own requests."""
        new = {_NEW_CONTACT_OF[r] for r in requests_in(text) if r in _NEW_CONTACT_OF}
        if not new:
            return self.contact_kinds_in_request, self.contact_in_request_needs_postcode
        return tuple(kind for kind in self.contact_kinds_in_request if kind not in new), True

    async def extract_contact(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if verified_customer_id(tracker) is not None:
            return {}
        requested = requested_slot(tracker)
        value = first_entity(tracker, *CONTACT_ENTITIES)
        if requested is None:
            if latest_intent(tracker) not in _CONTACT_INTENTS:
                kinds, needs_postcode = self.contact_kinds_in(latest_text(tracker))
                value = first_entity(tracker, *kinds) or _first_of_two(tracker, kinds)
                if needs_postcode and not first_entity(tracker, "postcode"):
                    value = None
            if value is None:
                return {}
        elif requested == slots.CONTACT:
            if value is None and answered_with_question(
                dispatcher, latest_text(tracker), "utter_contact_other_ways"
            ):
                return {slots.CONTACT: None}  # answered: the form asks again, rejecting nothing
            if value is None:
                value = contact_to_retry(tracker) or answer_text(tracker)
        elif requested == slots.VERIFICATION_FACT:
            # Asked for the proof, the customer tries another contact ("ok then C10003").
            if first_entity(tracker, *FACT_ENTITIES) is not None:
                return {}
        else:
            return {}
        return {} if value is None else {slots.CONTACT: str(value)}

    async def validate_contact(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value is None:
            return {slots.CONTACT: None}  # the extraction has answered (answered_with_question)
        # Who it is is not known yet: a number without its country code ("0171 2345678") is
        # read in the region of the conversation's language.
        regions = phone_regions(None, localized.language_of(tracker))
        contact = parse_contact(str(value), regions) if value is not None else None
        if contact is None and names_a_request(tracker):
            # "ok I want to return KF-500003" while asked who they are: no failed contact, the
            # question again (its order number is carried, actions/carry.py).
            return {slots.CONTACT: None}
        order = first_entity(tracker, "order_number")
        if contact is None and order is not None:
            # "KF-500003" typed for "who are you?": the order the request is about (carried,
            # actions/carry.py), not a wrong contact; the question comes again.
            language = localized.language_of(tracker)
            dispatcher.utter_message(text=localized.text("order_noted", language, order=order))
            return {slots.CONTACT: None}
        if contact is None and gives_a_name(str(value)):
            # "I'm Anna Schmidt": a name, which finds nobody; the question comes again.
            dispatcher.utter_message(response="utter_name_is_not_enough")
            return {slots.CONTACT: None}
        return checked(
            dispatcher, slots.CONTACT, contact[1] if contact else None, "utter_invalid_contact"
        )

    async def get_validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """The turn's answers, then what the customer said earlier in the form (actions/carry.py).

        Only when the form starts or the customer has just been verified: a carried value that
        failed its check is asked for, not tried again on every turn.
        """
        events = await super().get_validation_events(dispatcher, tracker, domain)
        just_verified = verified_by(events)
        if tracker.get_slot(slots.FLOW_ABORTED) or verified_customer_id(tracker) is None:
            return events
        if not (just_verified or requested_slot(tracker) is None):
            return events
        needed = await self.required_slots(self.domain_slots(domain), dispatcher, tracker, domain)
        for slot, value in carried_values(tracker, needed):
            validate = getattr(self, f"validate_{slot}", None)
            if validate is None:
                continue
            outcome = await validate(value, dispatcher, tracker, domain)
            filled = [SlotSet(name, result) for name, result in outcome.items()]
            tracker.add_slots(filled)
            events += filled
            if outcome.get(slot) is None:
                break  # the validator has said what is wrong; the form asks for it now
        return events

    async def extract_verification_fact(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if verified_customer_id(tracker) is not None and not tracker.get_slot(slots.REVERIFYING):
            return {}
        requested = requested_slot(tracker)
        if requested != slots.VERIFICATION_FACT:
            if contact_to_retry(tracker) is not None:
                return {slots.VERIFICATION_FACT: str(first_entity(tracker, *FACT_ENTITIES))}
            # "I'm C10003, postcode 80331": both facts in the message that gives the contact.
            together = requested in (None, slots.CONTACT) and first_entity(
                tracker, *CONTACT_ENTITIES
            )
            postcode = first_entity(tracker, "postcode") if together else None
            return {} if postcode is None else {slots.VERIFICATION_FACT: str(postcode)}
        value = first_entity(tracker, *FACT_ENTITIES)
        if value is None:
            if first_entity(tracker, *CONTACT_ENTITIES) is not None:
                return {}  # another contact, not a fact (extract_contact takes it)
            if answered_with_question(dispatcher, latest_text(tracker), "utter_fact_other_ways"):
                return {slots.VERIFICATION_FACT: None}  # as for the contact
            value = answer_text(tracker)
        return {} if value is None else {slots.VERIFICATION_FACT: str(value)}

    async def validate_verification_fact(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value is None:
            return {slots.VERIFICATION_FACT: None}  # the extraction has answered
        text = str(value)
        fact = normalize_postcode(text) or normalize_order_number(text)
        if fact is None:
            dispatcher.utter_message(response="utter_invalid_verification_fact")
            return {slots.VERIFICATION_FACT: None}
        contact = tracker.get_slot(slots.CONTACT)
        if not contact:
            return {slots.VERIFICATION_FACT: None}
        client = client_of(tracker)
        try:
            outcome = await run_unit_of_work(
                lambda session: check_identity(session, str(contact), fact, client)
            )
        except CrmUnavailable:
            dispatcher.utter_message(response="utter_technical_problem")
            return {
                slots.CONTACT: None,
                slots.VERIFICATION_FACT: None,
                slots.FLOW_ABORTED: True,
            }
        if outcome.locked:
            dispatcher.utter_message(
                response="utter_identification_locked", minutes=outcome.locked_minutes
            )
            return {slots.CONTACT: None, slots.VERIFICATION_FACT: None, slots.FLOW_ABORTED: True}
        customer = outcome.customer
        if customer is None or not same_customer(tracker, customer.id):
            return self._failed_attempt(dispatcher, tracker)
        dispatcher.utter_message(response="utter_verified", customer_name=customer.first_name)
        return {
            slots.VERIFICATION_FACT: fact,
            slots.CUSTOMER_ID: str(customer.id),
            slots.CUSTOMER_NAME: customer.first_name,
            slots.IS_VERIFIED: True,
            slots.VERIFIED_AT: time.time(),
            slots.REVERIFYING: False,
        }

    @staticmethod
    def _failed_attempt(dispatcher: CollectingDispatcher, tracker: Tracker) -> dict[str, Any]:
        # One message for every mismatch: it never says whether the contact or the fact was wrong.
        attempts = failed_attempts(tracker) + 1
        reverifying = bool(tracker.get_slot(slots.REVERIFYING))
        outcome: dict[str, Any] = {
            # Re-proving keeps the contact: only the fact is asked again.
            **({} if reverifying else {slots.CONTACT: None}),
            slots.VERIFICATION_FACT: None,
            slots.IDENTIFICATION_ATTEMPTS: float(attempts),
        }
        if attempts >= slots.MAX_IDENTIFICATION_ATTEMPTS:
            dispatcher.utter_message(response="utter_identification_failed")
            outcome[slots.FLOW_ABORTED] = True
            if reverifying:  # a stale proof that cannot be renewed is no proof at all
                outcome.update({slots.IS_VERIFIED: False, slots.CUSTOMER_ID: None})
        else:
            dispatcher.utter_message(
                response="utter_verification_failed_retry",
                attempts_left=slots.MAX_IDENTIFICATION_ATTEMPTS - attempts,
            )
        return outcome


class ValidateIdentifyForm(IdentificationFormValidator):
    action_name = "validate_identify_form"
    submit_action = "action_identified"
    starting_intent = "identify"


class ActionIdentified(CustomerSubmitAction):
    """identify_form is done: utter_verified has been said; say nothing twice. A request in
    the identifying message ("Ich bin C10001, PLZ 10115. Wo ist KF-500002?") is served next."""

    action_name = "action_identified"
    request_intent = "identify"

    async def submit(self, dispatcher: Dispatcher, tracker: Tracker, customer_id: int) -> Events:
        if not verified_this_turn(tracker):
            dispatcher.utter_message(
                response="utter_already_verified",
                customer_name=tracker.get_slot(slots.CUSTOMER_NAME),
            )
        return []

    async def pending(self, dispatcher: Dispatcher, tracker: Tracker) -> list[EventType]:
        served = await super().pending(dispatcher, tracker)
        if served or not verified_this_turn(tracker):
            return served
        if offer_left_open(tracker):
            # Upset, offered a ticket or a colleague, and answered with who they are: the
            # choice is still theirs to make, and the complaint is kept for the ticket.
            return ask_which_way(dispatcher, tracker)
        alone = order_sent_alone(tracker)
        if alone is not None:
            # "KF-500002", asked what to do with it, then "anna@…": the customer expects it
            # looked up. Its status is shown (it changes nothing, and says what else can be done).
            queued = [SlotSet(slots.QUEUED_ORDER, alone)]
            return await start_request(dispatcher, tracker, "order_status", queued)
        # "Thank you, Anna — you're verified." alone leaves the customer wondering what next.
        dispatcher.utter_message(response="utter_what_now")
        return []
