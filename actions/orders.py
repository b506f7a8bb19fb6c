"""Order flows: status, recent orders, cancelling and returning (validators and submit actions)."""

from __future__ import annotations

import re
from abc import ABC
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.ext.asyncio import AsyncSession

from actions import localized, order_meant, order_replies, replies, slots
from actions.answers import declined
from actions.base import Dispatcher, Events, KefuAction
from actions.conversation import (
    entities_of_last_request,
    glossed_last_request,
    last_named,
    latest_intent,
    latest_text,
    names_own_order,
    order_just_shown,
    request_key,
    text_of_last_request,
    verified_customer_id,
    with_gloss,
)
from actions.crm import (
    CrmUnavailable,
    answer_with,
    apologise_when_crm_unavailable,
    explain,
    respond,
    run_unit_of_work,
)
from actions.digression import FORM_REQUESTS, order_for_request
from actions.extraction import flow_candidate, requested_slot
from actions.flow import CustomerSubmitAction
from actions.identification import IdentificationFormValidator
from actions.list_choice import (
    order_at_position,
    order_by_item,
    order_offered_alone,
    orders_offered_last,
)
from actions.order_correction import corrected_order
from actions.order_question import ORDERS_LOOKED_AT
from crm_store.errors import InvalidValue, OrderNotCancellable, OrderNotFound, OrderNotReturnable
from crm_store.normalize import normalize_order_number
from crm_store.services.orders import (
    CANCELLABLE_STATUSES,
    cancel_order,
    get_order,
    orders_of,
    recent_orders,
)
from crm_store.services.tickets import open_returns, request_return, why_not_returnable
from crm_store.views import OrderView

# How many orders "show my recent orders" lists.
RECENT_ORDERS_SHOWN = 5

# A question back when asked which order ("which one can I return?", "welche geht?", "哪个能退？").
_ASKS_ABOUT_THE_LIST = re.compile(r"[?？]\s*$|^\s*(?:which|what|welche\w*|was)\b|哪", re.IGNORECASE)


class ValidateOrderStatusForm(IdentificationFormValidator):
    action_name = "validate_order_status_form"
    submit_action = "action_order_status"


class ValidateRecentOrdersForm(IdentificationFormValidator):
    action_name = "validate_recent_orders_form"
    submit_action = "action_recent_orders"


class OrderFormValidator(IdentificationFormValidator, ABC):
    """A form that asks which of the customer's orders it is about (order_number)."""

    def corrected_order(self, tracker: Tracker) -> str | None:
        return corrected_order(tracker, FORM_REQUESTS.get(self.form_name(), ""))

    async def _extract_confirmation(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if self.corrected_order(tracker) is not None:
            return {}  # the question comes again, about the order now named
        return await super()._extract_confirmation(dispatcher, tracker, domain)

    async def _extract_free_text(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if self.corrected_order(tracker) is not None:
            return {}  # "sorry, I meant KF-500002" is no reason for the return
        return await super()._extract_free_text(dispatcher, tracker, domain)

    async def extract_order_number(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        corrected = self.corrected_order(tracker)
        if corrected is not None:
            return {slots.ORDER_NUMBER: corrected}
        value = flow_candidate(tracker, slots.ORDER_NUMBER, entities=("order_number",))
        if requested_slot(tracker) is None and value is not None:
            # "tell me when KF-500002 will arrive and cancel KF-500001": the form's own number.
            own = FORM_REQUESTS.get(self.form_name(), "")
            value = order_for_request(latest_text(tracker), own) or value
        if requested_slot(tracker) == slots.ORDER_NUMBER and value == latest_text(tracker):
            # "die erste", "第一个": a place in the list the question showed; "the keyboard": the
            # listed order with that item; "yes" to the one order it offered.
            offered = (
                order_offered_alone(tracker)
                if latest_intent(tracker) == slots.INTENT_AFFIRM
                else None
            )
            value = order_at_position(tracker) or order_by_item(tracker) or offered or value
        return {} if value is None else {slots.ORDER_NUMBER: str(value)}

    @apologise_when_crm_unavailable(lambda: {slots.ORDER_NUMBER: None, slots.FLOW_ABORTED: True})
    async def validate_order_number(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        customer_id = verified_customer_id(tracker)
        if value == order_meant.LATEST_ORDER or order_meant.other_than(str(value)) is not None:
            value = await self.order_number_meant(customer_id, str(value))
            if value is None:
                return {slots.ORDER_NUMBER: None}  # no such order: the question says which
        number = normalize_order_number(str(value)) if value is not None else None
        if number is None:
            stop = declined(dispatcher, tracker, slots.ORDER_NUMBER)
            if stop is not None:
                return stop
            # After a list of orders, a reply that is none of them is no malformed number.
            listed = bool(orders_offered_last(tracker))
            if listed and _ASKS_ABOUT_THE_LIST.search(latest_text(tracker)):
                # "which one can I return?": the list asked again answers it; no "couldn't match".
                return {slots.ORDER_NUMBER: None}
            dispatcher.utter_message(
                response="utter_not_one_of_the_orders" if listed else "utter_invalid_order_number"
            )
            return {slots.ORDER_NUMBER: None}
        if customer_id is None:
            return {slots.ORDER_NUMBER: None}
        try:
            order = await run_unit_of_work(lambda session: get_order(session, customer_id, number))
        except OrderNotFound:
            # Also someone else's order: the same words, so nothing is learnt by guessing.
            dispatcher.utter_message(response="utter_order_not_found")
            return {slots.ORDER_NUMBER: None}
        return self.check_order(order, dispatcher, localized.language_of(tracker))

    async def order_number_meant(self, customer_id: int | None, value: str) -> str | None:
        """The order "my last order" or "the other one" means in this form (order_meant)."""
        if customer_id is None:
            return None
        orders = await run_unit_of_work(
            lambda session: recent_orders(session, customer_id, limit=ORDERS_LOOKED_AT)
        )
        excluded = order_meant.other_than(value)
        if excluded is not None:
            meant = order_meant.the_other(orders, excluded)
        else:
            meant = order_meant.latest_order(orders, returning=self.form_name() == "return_form")
        return None if meant is None else meant.order_number

    def check_order(
        self, order: OrderView, dispatcher: CollectingDispatcher, language: str
    ) -> dict[str, Any]:
        """The order exists and is the customer's; a flow may still refuse it here."""
        return {slots.ORDER_NUMBER: order.order_number}


class ValidateCancelOrderForm(OrderFormValidator):
    action_name = "validate_cancel_order_form"
    submit_action = "action_cancel_order"
    confirmation_slot = slots.CONFIRM_CANCEL

    def check_order(
        self, order: OrderView, dispatcher: CollectingDispatcher, language: str
    ) -> dict[str, Any]:
        # Say so at once rather than after "are you sure?"; cancel_order checks again anyway.
        if order.status not in CANCELLABLE_STATUSES:
            dispatcher.utter_message(
                text=replies.order_not_cancellable(order.order_number, order.status, language)
            )
            return {slots.ORDER_NUMBER: None, slots.FLOW_ABORTED: True}
        return {slots.ORDER_NUMBER: order.order_number}


class ValidateReturnForm(OrderFormValidator):
    action_name = "validate_return_form"
    submit_action = "action_request_return"
    free_text_slot = (slots.RETURN_REASON, 1)

    def check_order(
        self, order: OrderView, dispatcher: CollectingDispatcher, language: str
    ) -> dict[str, Any]:
        # Say so at once rather than after "why are you sending it back?"; request_return
        # checks again (and for a return already requested).
        refusal = why_not_returnable(order.status, order.delivered_at)
        if refusal is not None:
            dispatcher.utter_message(
                text=replies.return_refused(order.order_number, refusal, language)
            )
            return {slots.ORDER_NUMBER: None, slots.FLOW_ABORTED: True}
        return {slots.ORDER_NUMBER: order.order_number}


class ActionAskConfirmCancel(KefuAction):
    """Asks confirm_cancel with the order's details and yes/no buttons."""

    action_name = "action_ask_confirm_cancel"

    async def act(self, dispatcher: Dispatcher, tracker: Tracker) -> Events:
        number = str(tracker.get_slot(slots.ORDER_NUMBER) or "")
        customer_id = verified_customer_id(tracker)
        order: OrderView | None = None
        if customer_id is not None and number:
            try:
                order = await run_unit_of_work(
                    lambda session: get_order(session, customer_id, number)
                )
            except (OrderNotFound, CrmUnavailable):
                order = None  # the question still makes sense with the number alone
        language = localized.language_of(tracker)
        dispatcher.utter_message(
            text=replies.cancel_question(number, order, language),
            buttons=replies.yes_no_buttons(language),
        )
        return []


# One status question answers at most this many of the orders it names.
MAX_ORDERS_PER_ANSWER = 5

# Someone else's order gets the same words as a missing one: nothing is learnt by guessing.
ORDER_NOT_FOUND = ((OrderNotFound, respond("utter_order_not_found")),)


class ActionOrderStatus(CustomerSubmitAction):
    """The status of the order the customer named in their request, else of their latest order."""

    refusals = ORDER_NOT_FOUND

    action_name = "action_order_status"
    request_intent = "order_status"

    async def submit(self, dispatcher: Dispatcher, tracker: Tracker, customer_id: int) -> Events:
        wanted = self.orders_named(tracker)
        language = localized.language_of(tracker)
        # A refund NLU was unsure of ("did you refund me already?") was served by the fallback.
        request = glossed_last_request(tracker, "order_status", slots.INTENT_NLU_FALLBACK)
        if not order_meant.asks_about_refund(request):
            request = glossed_last_request(tracker, "order_status") or with_gloss(
                tracker.latest_message
            )
        if order_meant.asks_about_refund(request):
            answer = await self.refund_answer(customer_id, wanted[:1], language)
            dispatcher.utter_message(text=answer)
            return []
        if len(wanted) > 1:
            # "where are KF-500001 and KF-500002": each of them, a missing one said as such.
            found = await run_unit_of_work(lambda session: orders_of(session, customer_id, wanted))
            for number, order in found:
                dispatcher.utter_message(
                    text=replies.order_not_found(number, language)
                    if order is None
                    else order_replies.order_status(order, language)
                )
            return []
        the_other = order_meant.says_the_other(latest_text(tracker))
        if wanted and not the_other:
            order: OrderView | None = await run_unit_of_work(
                lambda session: get_order(session, customer_id, wanted[0])
            )
            meant = [order] if order is not None else []
        else:
            orders = await run_unit_of_work(lambda session: recent_orders(session, customer_id))
            if the_other:
                # "and the other one?": besides the one just named, else the one the bot just
                # showed ("where is my order?" picked it); one, else each.
                shown = wanted or [number for number in [order_just_shown(tracker)] if number]
                meant = order_meant.besides(orders, shown)
            else:
                meant = order_meant.orders_meant(orders, request)
            meant = meant[:MAX_ORDERS_PER_ANSWER]
        if not meant:
            dispatcher.utter_message(text=replies.recent_orders([], language))
        for order in meant:
            dispatcher.utter_message(text=order_replies.order_status(order, language))
        return []

    @staticmethod
    def orders_named(tracker: Tracker) -> list[str]:
        """The order numbers the request is about, normalised, in order, without repeats."""
        # An order queued by an earlier request comes first (actions/digression.py).
        queued = tracker.get_slot(slots.QUEUED_ORDER)
        named = [queued] if queued else []
        named = named or entities_of_last_request(tracker, "order_status", "order_number")
        if not named:
            # "the second one, where is it?" after a list; a follow-up without a number ("when
            # will it arrive?") is about the order last named.
            shown = order_at_position(tracker)
            if shown:
                named = [shown]
            elif not names_own_order(text_of_last_request(tracker, "order_status")):
                named = last_named(tracker, "order_number")
        numbers = [normalize_order_number(str(value)) for value in named]
        return list(dict.fromkeys(n for n in numbers if n is not None))[:MAX_ORDERS_PER_ANSWER]

    @staticmethod
    async def refund_answer(customer_id: int, named: list[str], language: str) -> str:
        """Where the refund of the named order stands, or of the customer's recent orders."""

        async def read(session: AsyncSession) -> str:
            if named:
                orders = [await get_order(session, customer_id, named[0])]
            else:
                orders = await recent_orders(session, customer_id)
            returns = [
                (order, ticket)
                for order, ticket in await open_returns(session, customer_id)
                if not named or order == named[0]
            ]
            return order_meant.refund_reply(orders, returns, language, one_order=bool(named))

        return await run_unit_of_work(read)


class ActionRecentOrders(CustomerSubmitAction):
    action_name = "action_recent_orders"
    request_intent = "recent_orders"

    async def submit(self, dispatcher: Dispatcher, tracker: Tracker, customer_id: int) -> Events:
        return await answer_with(
            dispatcher,
            lambda session: recent_orders(session, customer_id, limit=RECENT_ORDERS_SHOWN),
            lambda orders: replies.recent_orders(orders, localized.language_of(tracker)),
        )


class ActionCancelOrder(CustomerSubmitAction):
    flow_slots = (slots.ORDER_NUMBER, slots.CONFIRM_CANCEL)
    refusals = (
        (
            OrderNotCancellable,
            explain(
                lambda refusal, language: replies.order_not_cancellable(
                    refusal.order_number, refusal.status, language
                )
            ),
        ),
        *ORDER_NOT_FOUND,
    )

    action_name = "action_cancel_order"

    async def submit(self, dispatcher: Dispatcher, tracker: Tracker, customer_id: int) -> Events:
        number = tracker.get_slot(slots.ORDER_NUMBER)
        if tracker.get_slot(slots.CONFIRM_CANCEL) is not True or not number:
            dispatcher.utter_message(response="utter_cancel_kept")
            return []
        language = localized.language_of(tracker)
        return await answer_with(
            dispatcher,
            lambda session: cancel_order(
                session, customer_id, str(number), request_key(tracker, self.action_name, number)
            ),
            lambda order: replies.order_cancelled(order, language),
        )


class ActionRequestReturn(CustomerSubmitAction):
    flow_slots = (slots.ORDER_NUMBER, slots.RETURN_REASON)
    refusals = (
        (
            OrderNotReturnable,
            explain(
                lambda refusal, language: replies.return_refused(
                    refusal.order_number, refusal.reason, language
                )
            ),
        ),
        *ORDER_NOT_FOUND,
        (InvalidValue, respond("utter_please_rephrase")),
    )

    action_name = "action_request_return"

    async def submit(self, dispatcher: Dispatcher, tracker: Tracker, customer_id: int) -> Events:
        number = str(tracker.get_slot(slots.ORDER_NUMBER) or "")
        reason = str(tracker.get_slot(slots.RETURN_REASON) or "")
        ticket = await self.file_ticket(
            tracker, request_return, customer_id, (number, reason), (number,)
        )
        language = localized.language_of(tracker)
        dispatcher.utter_message(text=replies.return_requested(ticket, number, language))
        return []
