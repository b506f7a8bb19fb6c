"""Account details: changing the verified customer's email, phone number and address."""

from __future__ import annotations

import re
from abc import ABC
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.ext.asyncio import AsyncSession

from actions import localized, replies, slots
from actions.addresses import normalised_address
from actions.answers import acknowledged_only, declined
from actions.base import Dispatcher, Events, KefuAction
from actions.carry import queued_detail
from actions.conversation import (
    button_payloads,
    latest_entity_values,
    latest_intent,
    latest_text,
    session_events,
    text_of_last_request,
    verified_customer_id,
)
from actions.crm import TECHNICAL_PROBLEM, CrmUnavailable, answer_with, respond, run_unit_of_work
from actions.digression import FORM_REQUESTS
from actions.extraction import flow_candidate, is_side_question, requested_slot
from actions.flow import CustomerSubmitAction, checked
from actions.identification import IdentificationFormValidator
from actions.identification_state import CONTACT_ENTITIES
from crm_store.errors import EmailUnavailable, InvalidValue, NotFound
from crm_store.normalize import likely_meant_email, normalize_email
from crm_store.services.customers import (
    get_customer,
    read_phone,
    update_address,
    update_email,
    update_phone,
)
from crm_store.views import CustomerView


@dataclass(frozen=True)
class NewDetail:
    """The one slot an update form asks for, and how its answer is found and checked."""

    slot: str
    # The answer's canonical value, or None; None here when the form reads it with the CRM's
    # help instead (its `normalised()`).
    normalise: Callable[[str], str | None] | None
    complaint: str
    entities: tuple[str, ...] = ()
    # Only when asked: the request "change my address" is not itself an address.
    free_text: bool = False


# An address has a house number and a postcode; a question without any digit is no address.
_DIGIT = re.compile(r"\d")


class _UpdateDetailForm(IdentificationFormValidator, ABC):
    """Validator of a form that asks for one new contact detail.

    Its `extract_<slot>` and `validate_<slot>` hooks, which rasa-sdk finds by name, are made
    from `detail` when the subclass is defined, so their names always match the slot.
    """

    needs_fresh_proof = True
    contact_in_request_needs_postcode = True
    detail: ClassVar[NewDetail]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "detail" in vars(cls):
            # In "change my email to x@example.com" the address is the new one, not who asks.
            cls.contact_kinds_in_request = tuple(
                kind for kind in CONTACT_ENTITIES if kind not in cls.detail.entities
            )
            setattr(cls, f"extract_{cls.detail.slot}", cls._extract_detail)
            setattr(cls, f"validate_{cls.detail.slot}", cls._validate_detail)

    async def _extract_detail(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        detail = self.detail
        if (
            detail.free_text
            and requested_slot(tracker) == detail.slot
            and is_side_question(tracker)
            and not _DIGIT.search(latest_text(tracker))
        ):
            # "wait, do you ship to Austria?" is no address (an address has numbers): the form
            # rejects the turn, the rules answer the question, and the form asks again.
            return {}
        value = flow_candidate(tracker, detail.slot, detail.entities, detail.free_text)
        named = [v for entity in detail.entities for v in latest_entity_values(tracker, entity)]
        if value is not None and requested_slot(tracker) is None and len(named) >= 2:
            value = named[-1]  # "I'm x@…, change my email to y@…": the first one said who asks
        if (
            value is None
            and detail.entities
            and requested_slot(tracker) is None
            and verified_customer_id(tracker) is not None
        ):
            value = queued_detail(tracker, FORM_REQUESTS[self.form_name()], detail.entities)
        return {} if value is None else {detail.slot: str(value)}

    async def _validate_detail(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        detail = self.detail
        stop = declined(dispatcher, tracker, detail.slot)
        if stop is not None:
            return stop  # "no, I only wanted to know which one you have"
        if detail.free_text and acknowledged_only(dispatcher, tracker, detail.slot):
            # "对" after "no 5-digit postcode in that" is no address: saying so again, word for
            # word, went round in circles.
            return {detail.slot: None}
        try:
            normalised = await self.normalised(str(value), tracker) if value is not None else None
        except CrmUnavailable:
            dispatcher.utter_message(response=TECHNICAL_PROBLEM)
            return {detail.slot: None, slots.FLOW_ABORTED: True}
        return checked(dispatcher, detail.slot, normalised, detail.complaint)

    async def normalised(self, text: str, tracker: Tracker) -> str | None:
        """The answer's canonical value, or None when it is not one (then the form complains)."""
        normalise = self.detail.normalise
        assert normalise is not None, f"{type(self).__name__} must override normalised()"
        return normalise(text)


def _said_already(tracker: Tracker, text: str) -> bool:
    """Whether the bot said `text` earlier in this session."""
    return any(
        event.get("event") == "bot" and event.get("text") == text
        for event in session_events(tracker)
    )


class _AskNewDetail(KefuAction, ABC):
    """Asks for the new detail after saying what the CRM holds now, so that "what email do you
    have for me?", which NLU reads as a wish to change it, is answered on the way."""

    ask: ClassVar[str]
    on_file: ClassVar[Callable[[CustomerView, str], str | None]]

    async def act(self, dispatcher: Dispatcher, tracker: Tracker) -> Events:
        customer_id = verified_customer_id(tracker)
        if customer_id is not None:
            try:
                customer = await run_unit_of_work(
                    lambda session: get_customer(session, customer_id)
                )
            except (CrmUnavailable, NotFound):
                customer = None  # the question still stands; saving will say what is wrong
            current = self.on_file(customer, localized.language_of(tracker)) if customer else None
            if current and not _said_already(tracker, current):
                # Once: the question asked again after a wrong value needs no repetition of it.
                dispatcher.utter_message(text=current)
        dispatcher.utter_message(response=self.ask)
        return []


class ActionAskNewEmail(_AskNewDetail):
    action_name = "action_ask_new_email"
    ask = "utter_ask_new_email"
    on_file = staticmethod(replies.email_on_file)


class ActionAskNewPhone(_AskNewDetail):
    action_name = "action_ask_new_phone"
    ask = "utter_ask_new_phone"
    on_file = staticmethod(replies.phone_on_file)


# "change the delivery address of my order", "Lieferadresse für Bestellung KF-500002 ändern".
_NAMES_AN_ORDER = re.compile(r"\b(?:orders?|bestellung(?:en)?)\b|订单|\bKF-?\d{6}\b", re.IGNORECASE)


class ActionAskNewAddress(_AskNewDetail):
    action_name = "action_ask_new_address"
    ask = "utter_ask_new_address"
    on_file = staticmethod(replies.address_on_file)

    async def act(self, dispatcher: Dispatcher, tracker: Tracker) -> Events:
        if _NAMES_AN_ORDER.search(text_of_last_request(tracker, "update_address")):
            # The account's address is what changes; the customer asked about an order's.
            dispatcher.utter_message(response="utter_address_of_placed_orders")
        return await super().act(dispatcher, tracker)


class ValidateUpdateEmailForm(_UpdateDetailForm):
    action_name = "validate_update_email_form"
    submit_action = "action_update_email"
    detail = NewDetail(slots.NEW_EMAIL, normalize_email, "utter_invalid_email", ("email",))

    async def _extract_detail(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        offered = _email_offered(tracker) if latest_intent(tracker) == slots.INTENT_AFFIRM else None
        if offered is not None:
            return {self.detail.slot: offered}  # "yes" to "Did you mean anna@gmail.com?"
        return await super()._extract_detail(dispatcher, tracker, domain)

    async def _validate_detail(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        email = normalize_email(str(value or ""))
        meant = likely_meant_email(email) if email else None
        if email and meant and not _asked_about(tracker, email):
            # "anna@gmial.com": asked once whether gmail.com was meant; typed again, it stands.
            language = localized.language_of(tracker)
            dispatcher.utter_message(
                text=localized.text("email_slip", language, meant=meant, typed=email),
                buttons=[{"title": meant, "payload": meant}, {"title": email, "payload": email}],
            )
            return {self.detail.slot: None}
        return await super()._validate_detail(value, dispatcher, tracker, domain)


def _email_offered(tracker: Tracker) -> str | None:
    """The address the bot's reply to the customer's previous message offered first."""
    users = 0
    for event in reversed(session_events(tracker)):
        users += event.get("event") == "user"
        if users == 2:
            return None
        payloads = button_payloads(event) if users == 1 else []
        offered = normalize_email(payloads[0]) if payloads else None
        if offered:
            return offered
    return None


def _asked_about(tracker: Tracker, email: str) -> bool:
    """Whether the bot has asked in this session whether `email` was meant as typed."""
    return any(
        payload.lower() == email
        for event in session_events(tracker)
        if event.get("event") == "bot"
        for payload in button_payloads(event)
    )


class ValidateUpdatePhoneForm(_UpdateDetailForm):
    action_name = "validate_update_phone_form"
    submit_action = "action_update_phone"
    detail = NewDetail(slots.NEW_PHONE, None, "utter_invalid_phone", ("phone",))

    async def normalised(self, text: str, tracker: Tracker) -> str | None:
        # A number without its country code ("0171 2345678") is read where the customer lives,
        # which only the CRM knows (read_phone).
        customer_id = verified_customer_id(tracker)
        if customer_id is None:
            return None
        language = localized.language_of(tracker)
        return await run_unit_of_work(
            lambda session: read_phone(session, customer_id, text, language)
        )


class ValidateUpdateAddressForm(_UpdateDetailForm):
    action_name = "validate_update_address_form"
    submit_action = "action_update_address"
    detail = NewDetail(
        slots.NEW_ADDRESS, normalised_address, "utter_invalid_address", free_text=True
    )


@dataclass(frozen=True)
class DetailUpdate:
    """What saving one new contact detail takes: the slot, the service, the confirmation."""

    slot: str
    save: Callable[[AsyncSession, int, str, str], Awaitable[CustomerView]]  # ..., the language
    confirmation: Callable[[CustomerView, str], str]  # the customer, the language
    invalid: str  # the response when the CRM refuses the value


def _in_any_language(
    save: Callable[[AsyncSession, int, str], Awaitable[CustomerView]],
) -> Callable[[AsyncSession, int, str, str], Awaitable[CustomerView]]:
    """A service whose value reads the same whatever language the conversation is in."""
    return lambda session, customer_id, value, _language: save(session, customer_id, value)


class _UpdateContactDetail(CustomerSubmitAction, ABC):
    """Saves the flow's one new detail and confirms it."""

    update: ClassVar[DetailUpdate]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "update" in vars(cls):
            cls.flow_slots = (cls.update.slot,)
            cls.refusals = (*cls.refusals, (InvalidValue, respond(cls.update.invalid)))

    async def submit(self, dispatcher: Dispatcher, tracker: Tracker, customer_id: int) -> Events:
        update = self.update
        value = str(tracker.get_slot(update.slot) or "")
        language = localized.language_of(tracker)
        return await answer_with(
            dispatcher,
            lambda session: update.save(session, customer_id, value, language),
            lambda customer: update.confirmation(customer, language),
        )


class ActionUpdateEmail(_UpdateContactDetail):
    action_name = "action_update_email"
    # Never whose address it is: only that this one cannot be used here.
    refusals = ((EmailUnavailable, respond("utter_email_unavailable")),)
    update = DetailUpdate(
        slots.NEW_EMAIL,
        _in_any_language(update_email),
        replies.email_updated,
        "utter_invalid_email",
    )


class ActionUpdatePhone(_UpdateContactDetail):
    action_name = "action_update_phone"
    update = DetailUpdate(
        slots.NEW_PHONE, update_phone, replies.phone_updated, "utter_invalid_phone"
    )


class ActionUpdateAddress(_UpdateContactDetail):
    action_name = "action_update_address"
    update = DetailUpdate(
        slots.NEW_ADDRESS,
        _in_any_language(update_address),
        replies.address_updated,
        "utter_invalid_address",
    )
