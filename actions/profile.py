"""Account details: changing the verified customer's email, phone number and address."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import replies, slots
from actions.crm import CrmUnavailable, run_unit_of_work
from actions.extraction import flow_candidate
from actions.flow import CustomerSubmitAction
from actions.identification import IdentificationFormValidator
from crm_store.errors import EmailUnavailable, InvalidValue
from crm_store.normalize import normalize_email, normalize_phone
from crm_store.services.customers import (
    parse_address,
    update_address,
    update_email,
    update_phone,
)


class ValidateUpdateEmailForm(IdentificationFormValidator):
    # In "change my email to x@example.com" the address is the new one, not who is asking.
    contact_in_request = False

    def name(self) -> str:
        return "validate_update_email_form"

    async def extract_new_email(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        value = flow_candidate(tracker, slots.NEW_EMAIL, entities=("email",))
        return {} if value is None else {slots.NEW_EMAIL: str(value)}

    async def validate_new_email(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        email = normalize_email(str(value)) if value is not None else None
        if email is None:
            dispatcher.utter_message(response="utter_invalid_email")
        return {slots.NEW_EMAIL: email}


class ValidateUpdatePhoneForm(IdentificationFormValidator):
    contact_in_request = False

    def name(self) -> str:
        return "validate_update_phone_form"

    async def extract_new_phone(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        value = flow_candidate(tracker, slots.NEW_PHONE, entities=("phone",))
        return {} if value is None else {slots.NEW_PHONE: str(value)}

    async def validate_new_phone(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        phone = normalize_phone(str(value)) if value is not None else None
        if phone is None:
            dispatcher.utter_message(response="utter_invalid_phone")
        return {slots.NEW_PHONE: phone}


class ValidateUpdateAddressForm(IdentificationFormValidator):
    def name(self) -> str:
        return "validate_update_address_form"

    async def extract_new_address(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        # Only when asked: the request "change my address" is not itself an address.
        value = flow_candidate(tracker, slots.NEW_ADDRESS, free_text=True)
        return {} if value is None else {slots.NEW_ADDRESS: str(value)}

    async def validate_new_address(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        try:
            street, postcode, city = parse_address(str(value or ""))
        except InvalidValue:
            dispatcher.utter_message(response="utter_invalid_address")
            return {slots.NEW_ADDRESS: None}
        return {slots.NEW_ADDRESS: f"{street}, {postcode} {city}"}


class ActionUpdateEmail(CustomerSubmitAction):
    flow_slots = (slots.NEW_EMAIL,)

    def name(self) -> str:
        return "action_update_email"

    async def submit(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, customer_id: int
    ) -> list[EventType]:
        email = str(tracker.get_slot(slots.NEW_EMAIL) or "")
        try:
            customer = await run_unit_of_work(
                lambda session: update_email(session, customer_id, email)
            )
        except EmailUnavailable:
            # Never whose it is: only that this address cannot be used here.
            dispatcher.utter_message(response="utter_email_unavailable")
            return []
        except InvalidValue:
            dispatcher.utter_message(response="utter_invalid_email")
            return []
        except CrmUnavailable:
            dispatcher.utter_message(response="utter_technical_problem")
            return []
        dispatcher.utter_message(text=replies.email_updated(customer))
        return []


class ActionUpdatePhone(CustomerSubmitAction):
    flow_slots = (slots.NEW_PHONE,)

    def name(self) -> str:
        return "action_update_phone"

    async def submit(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, customer_id: int
    ) -> list[EventType]:
        phone = str(tracker.get_slot(slots.NEW_PHONE) or "")
        try:
            customer = await run_unit_of_work(
                lambda session: update_phone(session, customer_id, phone)
            )
        except InvalidValue:
            dispatcher.utter_message(response="utter_invalid_phone")
            return []
        except CrmUnavailable:
            dispatcher.utter_message(response="utter_technical_problem")
            return []
        dispatcher.utter_message(text=replies.phone_updated(customer))
        return []


class ActionUpdateAddress(CustomerSubmitAction):
    flow_slots = (slots.NEW_ADDRESS,)

    def name(self) -> str:
        return "action_update_address"

    async def submit(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, customer_id: int
    ) -> list[EventType]:
        address = str(tracker.get_slot(slots.NEW_ADDRESS) or "")
        try:
            customer = await run_unit_of_work(
                lambda session: update_address(session, customer_id, address)
            )
        except InvalidValue:
            dispatcher.utter_message(response="utter_invalid_address")
            return []
        except CrmUnavailable:
            dispatcher.utter_message(response="utter_technical_problem")
            return []
        dispatcher.utter_message(text=replies.address_updated(customer))
        return []
