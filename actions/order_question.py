"""Which order? The question lists the customer's orders that fit the request (the ones that can
still be cancelled, the returnable ones, the latest), so that "the first one", "die zweite",
"第一个" or a click on one answers it."""

from __future__ import annotations

from collections.abc import Sequence

from rasa_sdk import Tracker

from actions import localized
from actions.base import Dispatcher, Events, KefuAction
from actions.conversation import (
    glossed_last_request,
    verified_customer_id,
)
from actions.crm import CrmUnavailable, run_unit_of_work
from actions.digression import FORM_REQUESTS
from actions.list_choice import (
    order_naming_items,
    orders_offered_last,
)
from actions.replies import ZH, date, listing, pick, status_name
from crm_store.services.orders import CANCELLABLE_STATUSES, recent_orders
from crm_store.services.tickets import why_not_returnable
from crm_store.views import OrderView

# How many of the customer's orders the question offers, and how many recent ones it looks at.
ORDERS_OFFERED = 3
ORDERS_LOOKED_AT = 10
_CANCELLABLE = {status.value for status in CANCELLABLE_STATUSES}


def fits(order: OrderView, form: str | None) -> bool:
    """Whether the request of `form` can act on the order."""
    if form == "cancel_order_form":
        return order.status in _CANCELLABLE
    if form == "return_form":
        return why_not_returnable(order.status, order.delivered_at) is None
    return True


def _which_order_question(form: str | None, language: str) -> tuple[str, str, str]:
    """The question for `form`, and what it says of the orders it lists (several, or one)."""
    if form == "cancel_order_form":
        return pick(
            language,
            (
                "Which order shall I cancel?",
                "These can still be cancelled:",
                "Only this one can still be cancelled:",
            ),
            (
                "Welche Bestellung soll ich stornieren?",
                "Diese können noch storniert werden:",
                "Nur diese kann noch storniert werden:",
            ),
            ("要取消哪个订单？", "以下订单还可以取消：", "只有这一个还可以取消："),
        )
    if form == "return_form":
        return pick(
            language,
            (
                "Which order would you like to return?",
                "These can be returned:",
                "Only this one can be returned right now:",
            ),
            (
                "Welche Bestellung möchten Sie zurückschicken?",
                "Diese können zurückgeschickt werden:",
                "Nur diese kann gerade zurückgeschickt werden:",
            ),
            ("您要退哪个订单？", "以下订单可以退货：", "目前只有这一个可以退货："),
        )
    return pick(
        language,
        ("Which order is it about?", "Your latest orders:", "Your latest order:"),
        ("Um welche Bestellung geht es?", "Ihre letzten Bestellungen:", "Ihre letzte Bestellung:"),
        ("是哪个订单？", "您最近的订单：", "您最近的订单："),
    )  # fmt: skip


def which_order(orders: Sequence[OrderView], form: str | None, language: str) -> str:
    """The question with the orders that fit; one alone is offered for a "yes"."""
    question, several, one = _which_order_question(form, language)
    separator = "" if language == ZH else " "
    heading = f"{question}{separator}{one if len(orders) == 1 else several}"
    placed = pick(language, "placed", "bestellt am", "下单于")
    lines = [
        f"{order.order_number} — {order.item_summary} — {placed} {date(order.placed_at, language)}"
        for order in orders
    ]
    if len(orders) == 1:
        hint = pick(
            language,
            "Is it this one? Say yes, or give me another order number.",
            "Ist es diese? Sagen Sie ja, oder nennen Sie mir eine andere Bestellnummer.",
            "是这个吗？请回答“是”，或告诉我其他订单号。",
        )
    else:
        hint = pick(
            language,
            "Just tell me which one (like “the first one”) or its order number.",
            "Sagen Sie mir einfach, welche (z. B. „die erste“), oder die Bestellnummer.",
            "请告诉我是哪一个（例如“第一个”）或订单号。",
        )
    return f"{listing(heading, lines, '')}\n{hint}"


def none_fits(orders: Sequence[OrderView], form: str | None, language: str) -> str:
    """None of the customer's latest orders can be cancelled (or returned): they are listed with
    their status, so the customer sees why, and may still name one or another order."""
    if form == "cancel_order_form":
        heading = pick(
            language,
            "None of your latest orders can still be cancelled:",
            "Keine Ihrer letzten Bestellungen kann noch storniert werden:",
            "您最近的订单都已无法取消：",
        )
    else:
        heading = pick(
            language,
            "None of your latest orders can be returned right now:",
            "Keine Ihrer letzten Bestellungen kann gerade zurückgeschickt werden:",
            "您最近的订单目前都无法退货：",
        )
    lines = [
        f"{order.order_number} — {order.item_summary} — {status_name(order.status, language)}"
        for order in orders
    ]
    hint = pick(
        language,
        "Which order is it about? Pick one to hear why, or give me another order number.",
        "Um welche Bestellung geht es? Wählen Sie eine, um den Grund zu erfahren, oder nennen "
        "Sie mir eine andere Bestellnummer.",
        "是哪个订单？选一个可以看原因，或告诉我其他订单号。",
    )
    return f"{listing(heading, lines, '')}\n{hint}"


def order_named(
    orders: Sequence[OrderView], tracker: Tracker, form: str | None
) -> OrderView | None:
    """The one order whose items the request names ("can I return the garden hose?"), unless the
    bot has just asked about it (then the customer meant another, and gets the list)."""
    # The request that started the form, whose words may name the order's items.
    request = glossed_last_request(tracker, FORM_REQUESTS.get(form or "", ""))
    named = order_naming_items(orders, request)
    if named is None or orders_offered_last(tracker) == [named.order_number]:
        return None
    return named


def is_it(order: OrderView, language: str) -> str:
    """The question about the order the request named; "yes" takes it, a "no" stops the flow."""
    status = status_name(order.status, language)
    return pick(
        language,
        f"Do you mean order {order.order_number} — {order.item_summary} — {status}? "
        "Say yes, or give me another order number.",
        f"Meinen Sie Bestellung {order.order_number} — {order.item_summary} — {status}? "
        "Sagen Sie ja, oder nennen Sie mir eine andere Bestellnummer.",
        f"您是指订单 {order.order_number}（{order.item_summary}，{status}）吗？"
        "请回答“是”，或告诉我其他订单号。",
    )


class ActionAskOrderNumber(KefuAction):
    """Asks for order_number in the order forms: the orders that fit, or why none does; the plain
    question when the customer has no orders (or the CRM cannot say)."""

    action_name = "action_ask_order_number"

    async def act(self, dispatcher: Dispatcher, tracker: Tracker) -> Events:
        customer_id = verified_customer_id(tracker)
        form = (tracker.active_loop or {}).get("name")
        orders: list[OrderView] = []
        offered: list[OrderView] = []
        if customer_id is not None:
            try:
                orders = await run_unit_of_work(
                    lambda session: recent_orders(session, customer_id, limit=ORDERS_LOOKED_AT)
                )
            except CrmUnavailable:
                orders = []  # the plain question; the answer's check will say if the CRM is down
            offered = [order for order in orders if fits(order, form)][:ORDERS_OFFERED]
        language = localized.language_of(tracker)
        named = order_named(orders, tracker, form)
        if named is not None:
            offered, text = [named], is_it(named, language)
        elif offered:
            text = which_order(offered, form, language)
        elif orders and form in ("cancel_order_form", "return_form"):
            offered = orders[:ORDERS_OFFERED]
            text = none_fits(offered, form, language)
        else:
            dispatcher.utter_message(response="utter_ask_order_number")
            return []
        dispatcher.utter_message(
            text=text,
            buttons=[{"title": o.order_number, "payload": o.order_number} for o in offered],
        )
        return []
