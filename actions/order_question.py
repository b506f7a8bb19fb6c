"""Which order? The question lists the customer's orders that fit the request (the ones that can
still be cancelled, the returnable ones, the latest), so that "the first one", "die zweite",
"第一个" or a click on one answers it."""

from __future__ import annotations

from collections.abc import Sequence

from rasa_sdk import Tracker

from actions import localized
from actions.base import Dispatcher, Events, KefuAction
from actions.conversation import verified_customer_id
from actions.crm import CrmUnavailable, run_unit_of_work
from actions.replies import date, listing, pick
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


def which_order(orders: Sequence[OrderView], form: str | None, language: str) -> str:
    if form == "cancel_order_form":
        heading = pick(
            language,
            "Which order shall I cancel? These can still be cancelled:",
            "Welche Bestellung soll ich stornieren? Diese können noch storniert werden:",
            "要取消哪个订单？以下订单还可以取消：",
        )
    elif form == "return_form":
        heading = pick(
            language,
            "Which order would you like to return? These can be returned:",
            "Welche Bestellung möchten Sie zurückschicken? Diese können zurückgeschickt werden:",
            "您要退哪个订单？以下订单可以退货：",
        )
    else:
        heading = pick(
            language,
            "Which order is it about? Your latest orders:",
            "Um welche Bestellung geht es? Ihre letzten Bestellungen:",
            "是哪个订单？您最近的订单：",
        )
    placed = pick(language, "placed", "bestellt am", "下单于")
    lines = [
        f"{order.order_number} — {order.item_summary} — {placed} {date(order.placed_at, language)}"
        for order in orders
    ]
    hint = pick(
        language,
        "Just tell me which one (like “the first one”) or its order number.",
        "Sagen Sie mir einfach, welche (z. B. „die erste“), oder die Bestellnummer.",
        "请告诉我是哪一个（例如“第一个”）或订单号。",
    )
    return f"{listing(heading, lines, '')}\n{hint}"


class ActionAskOrderNumber(KefuAction):
    """Asks for order_number in the order forms; the plain question when nothing fits."""

    action_name = "action_ask_order_number"

    async def act(self, dispatcher: Dispatcher, tracker: Tracker) -> Events:
        customer_id = verified_customer_id(tracker)
        form = (tracker.active_loop or {}).get("name")
        offered: list[OrderView] = []
        if customer_id is not None:
            try:
                orders = await run_unit_of_work(
                    lambda session: recent_orders(session, customer_id, limit=ORDERS_LOOKED_AT)
                )
            except CrmUnavailable:
                orders = []  # the plain question; the answer's check will say if the CRM is down
            offered = [order for order in orders if fits(order, form)][:ORDERS_OFFERED]
        if not offered:
            dispatcher.utter_message(response="utter_ask_order_number")
            return []
        language = localized.language_of(tracker)
        dispatcher.utter_message(
            text=which_order(offered, form, language),
            buttons=[{"title": o.order_number, "payload": o.order_number} for o in offered],
        )
        return []
