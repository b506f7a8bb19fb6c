"""Account details: changing the verified customer's email, phone number and address."""

from __future__ import annotations

from abc import ABC
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.ext.asyncio import AsyncSession

from actions import localized, replies, slots
from actions.base import Dispatcher, Events
from actions.carry import normalised_address
from actions.crm import answer_with, respond
from actions.extraction import flow_candidate
from actions.flow import CustomerSubmitAction, checked
from actions.identification import IdentificationFormValidator
from crm_store.errors import EmailUnavailable, InvalidValue
from crm_store.normalize import normalize_email, normalize_phone
from crm_store.services.customers import (
    update_address,
    update_email,
    update_phone,
)
from crm_store.views import CustomerView


@dataclass(frozen=True)
class NewDetail:
    """The one slot an update form asks for, and how its answer is found and checked."""

    slot: str
    normalise: Callable[[str], str | None]
    complaint: str
    entities: tuple[str, ...] = ()
    # Only when asked: the request "change my address" is not itself an address.
    free_text: bool = False


class _UpdateDetailForm(IdentificationFormValidator, ABC):
    """Validator of a form that asks for one new contact detail.

    Its `extract_<slot>` and `validate_<slot>` hooks, which rasa-sdk finds by name, are made
    from `detail` when the subclass is defined, so their names always match the slot.
    """

    # In "change my email to x@example.com" the address is the new one, not who is asking.
    contact_in_request = False
    needs_fresh_proof = True
    detail: ClassVar[NewDetail]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "detail" in vars(cls):
            setattr(cls, f"extract_{cls.detail.slot}", cls._extract_detail)
            setattr(cls, f"validate_{cls.detail.slot}", cls._validate_detail)

    async def _extract_detail(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        detail = self.detail
        value = flow_candidate(tracker, detail.slot, detail.entities, detail.free_text)
        return {} if value is None else {detail.slot: str(value)}

    async def _validate_detail(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        detail = self.detail
        normalised = detail.normalise(str(value)) if value is not None else None
        return checked(dispatcher, detail.slot, normalised, detail.complaint)


class ValidateUpdateEmailForm(_UpdateDetailForm):
    action_name = "validate_update_email_form"
    submit_action = "action_update_email"
    detail = NewDetail(slots.NEW_EMAIL, normalize_email, "utter_invalid_email", ("email",))


class ValidateUpdatePhoneForm(_UpdateDetailForm):
    action_name = "validate_update_phone_form"
    submit_action = "action_update_phone"
    detail = NewDetail(slots.NEW_PHONE, normalize_phone, "utter_invalid_phone", ("phone",))


class ValidateUpdateAddressForm(_UpdateDetailForm):
    action_name = "validate_update_address_form"
    submit_action = "action_update_address"
    contact_in_request = True
    detail = NewDetail(
        slots.NEW_ADDRESS, normalised_address, "utter_invalid_address", free_text=True
    )


@dataclass(frozen=True)
class DetailUpdate:
    """What saving one new contact detail takes: the slot, the service, the confirmation."""

    slot: str
    save: Callable[[AsyncSession, int, str], Awaitable[CustomerView]]
    confirmation: Callable[[CustomerView, str], str]  # the customer, the language
    invalid: str  # the response when the CRM refuses the value


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
            lambda session: update.save(session, customer_id, value),
            lambda customer: update.confirmation(customer, language),
        )


class ActionUpdateEmail(_UpdateContactDetail):
    action_name = "action_update_email"
    # Never whose address it is: only that this one cannot be used here.
    refusals = ((EmailUnavailable, respond("utter_email_unavailable")),)
    update = DetailUpdate(
        slots.NEW_EMAIL, update_email, replies.email_updated, "utter_invalid_email"
    )


class ActionUpdatePhone(_UpdateContactDetail):
    action_name = "action_update_phone"
    update = DetailUpdate(
        slots.NEW_PHONE, update_phone, replies.phone_updated, "utter_invalid_phone"
    )


class ActionUpdateAddress(_UpdateContactDetail):
    action_name = "action_update_address"
    update = DetailUpdate(
        slots.NEW_ADDRESS, update_address, replies.address_updated, "utter_invalid_address"
    )
