"""Which of the customer's orders a status question without an order number is about.

"Wo ist mein Toaster?" names an item; "my package never arrived" is about a parcel on its way,
not the order placed yesterday; "has my refund come through?" is about the money of a return or
a cancellation. Each reads the customer's recent orders (newest first) and, for a refund, the
returns still open.
"""

from __future__ import annotations

import re

from actions.list_choice import order_naming_items
from actions.order_replies import REFUND_AFTER_RETURN, order_status
from actions.replies import EN, pick
from crm_store.views import OrderView

# Refund wording; "Geld" alone is not enough ("wo ist mein Geld" may be a payment).
_REFUND = re.compile(
    r"refund|reimburs|money back|\berstatt|rückerstatt|zurückerstatt|rückzahlung|geld zurück"
    r"|zurücküberw|退款|退钱|钱退",
    re.IGNORECASE,
)
# A parcel that should be here by now: the order on its way is meant, not the newest one.
_NOT_ARRIVED = re.compile(
    r"(?:\bnot|\bnever|\b(?:is|was|has|have|had|did|do|does|are|were|ca|wo)n'?t|\byet\s+to"
    r"|\bno(?:thing)?)\s+(?:\w+\s+){0,3}?"
    r"(?:arriv\w*|c[ao]me|received?|receiving|deliver\w*|here|show\w*\s+up|turn\w*\s+up"
    r"|reach\w*)"
    # "got" only after a past negation: "can't get the app to work" is about no parcel.
    r"|\b(?:(?:have|has|had|did)(?:n'?t|\s+not)|never|not\s+yet)\s+(?:\w+\s+){0,2}?g[eo]t(?:ten)?\b"
    r"|\b(?:got|received|have)\s+nothing\b|\bno\s+(?:sign|trace)\s+of\b"
    r"|\bno\s+(?:package|parcel|delivery|order)\s+yet\b"
    r"|\b(?:package|parcel|order|delivery|shipment)\s+(?:is\s+|was\s+|went\s+|got\s+)?"
    r"(?:missing|lost)\b|\bstill\s+(?:not|no|waiting)"
    r"|\b(?:noch\s+)?(?:nicht|nie|kein\w*)\s+(?:\w+\s+){0,2}?"
    r"(?:da\b|an(?:ge)?kommen|gekommen|bekommen|erhalten|geliefert|zugestellt|eingetroffen)"
    r"|\bwo\s+bleibt|\b(?:verschwunden|verloren(?:gegangen)?)\b"
    r"|还没(?:有)?(?:到|收到|送到|送来|来)|没(?:有)?(?:收到|送到)|未(?:收到|送达)|一直没(?:到|来)"
    r"|(?:包裹|快递|订单|东西)\S{0,2}丢了?",
    re.IGNORECASE,
)


# "my last order", "meine letzte Bestellung", "上一个订单": the newest order, not a list to pick
# from. The plural ("my last orders", "letzten Bestellungen") asks for the list.
_LATEST_ORDER = re.compile(
    r"\b(?:last|latest|newest|most\s+recent)\s+(?:order|purchase|parcel|package)\b"
    r"|\b(?:order|one)\s+(?:that\s+)?i\s+(?:just|recently)\s+(?:placed|made|ordered|bought)\b"
    r"|\b(?:letzte|neueste|jüngste)[nrs]?\s+(?:bestellung|paket|lieferung)\b"
    r"|\bgerade\s+(?:erst\s+)?(?:bestellt|aufgegeben)"
    r"|(?:最近|最新|最后)(?:一|个|次|笔|的)*(?:订单|单|包裹)|上(?:一|个|次|笔)+的?(?:订单|单|包裹)"
    r"|刚(?:才|刚)?下的(?:订单|单)",
    re.IGNORECASE,
)
# What a form's request carries for "my last order" until the CRM says which order that is.
LATEST_ORDER = "<the latest order>"


def says_latest_order(text: str) -> bool:
    return bool(_LATEST_ORDER.search(text))


# "and the other one?", "und die andere?", "另一个订单呢": the order besides the one just talked
# about, when the customer has one other order.
_THE_OTHER = re.compile(
    r"\bthe\s+other\s+(?:one|order|parcel|package)\b|\bthe\s+other\W*$"
    r"|\b(?:die|der|das)\s+andere[nr]?\b|\bandere[nr]?\s+(?:bestellung|paket|lieferung)"
    r"|另(?:外)?一(?:个|笔)|另一(?:个)?(?:订单|包裹)",
    re.IGNORECASE,
)
# What a form's request carries for "the other one" until the CRM says which order that is.
_OTHER_ORDER = "<the order other than {}>"


def says_the_other(text: str) -> bool:
    return bool(_THE_OTHER.search(text))


def other_order(number: str) -> str:
    """The value a form's order slot carries for "the other one" than `number`."""
    return _OTHER_ORDER.format(number)


def other_than(value: str) -> str | None:
    """The order number an `other_order` value excludes; None for any other value."""
    head, _, tail = _OTHER_ORDER.partition("{}")
    if value.startswith(head) and value.endswith(tail) and len(value) > len(head + tail):
        return value[len(head) : len(value) - len(tail)]
    return None


def besides(orders: list[OrderView], numbers: list[str]) -> list[OrderView]:
    """The customer's orders other than `numbers`, in the order given."""
    return [order for order in orders if order.order_number not in numbers]


def the_other(orders: list[OrderView], number: str) -> OrderView | None:
    """The customer's one order besides `number`; None when there are several (or none)."""
    others = besides(orders, [number])
    return others[0] if len(others) == 1 else None


def latest_order(orders: list[OrderView], returning: bool = False) -> OrderView | None:
    """The order "my last order" means: the newest; to return, the newest that has arrived
    (one still on its way is not in the customer's hands), else the newest."""
    if returning:
        arrived = next((order for order in orders if order.status.lower() == "delivered"), None)
        if arrived is not None:
            return arrived
    return orders[0] if orders else None


def asks_about_refund(text: str) -> bool:
    return bool(_REFUND.search(text))


def waits_for_parcel(text: str) -> bool:
    return bool(_NOT_ARRIVED.search(text))


# "check on my orders", "wo sind meine Bestellungen", "我所有的订单": each order still to come,
# not the newest alone.
_SEVERAL_ORDERS = re.compile(
    r"\b(?:my|our|the|all|both)\s+(?:\w+\s+)?(?:orders|parcels|packages|deliveries)\b"
    r"|\b(?:meine|unsere|die|alle|beide)[nr]?\s+(?:\w+\s+)?(?:bestellungen|pakete|lieferungen)\b"
    r"|所有(?:的)?(?:订单|包裹)|(?:两|几)(?:个|笔)(?:订单|包裹)",
    re.IGNORECASE,
)
_STILL_TO_COME = ("placed", "paid", "shipped")


def orders_meant(orders: list[OrderView], request: str) -> list[OrderView]:
    """The orders a status question is about: each still to come when it asks about several
    ("where are my orders?"), else the one `order_meant` finds."""
    if _SEVERAL_ORDERS.search(request) and not says_latest_order(request):
        coming = [order for order in orders if order.status.lower() in _STILL_TO_COME]
        if coming:
            return coming
    order = order_meant(orders, request)
    return [order] if order is not None else []


def order_meant(orders: list[OrderView], request: str) -> OrderView | None:
    """The one recent order whose items the request names, else the newest parcel still on its
    way when the request says it has not come, else the newest order."""
    named = order_naming_items(orders, request)
    if named is not None:
        return named
    if waits_for_parcel(request):
        on_its_way = [order for order in orders if order.status.lower() == "shipped"]
        if on_its_way:
            return on_its_way[0]
    return orders[0] if orders else None


def refund_reply(
    orders: list[OrderView],
    open_returns: list[tuple[str, str]],
    language: str = EN,
    one_order: bool = False,
) -> str:
    """The refund a question is about: a return still open, else the newest returned order, else
    the newest cancelled one; or that no refund is due (for the one order asked about, with its
    status)."""
    if open_returns:
        number, ticket = open_returns[0]
        registered = pick(
            language,
            f"Your return of order {number} is registered (ticket {ticket}).",
            f"Ihre Rücksendung der Bestellung {number} ist angemeldet (Ticket {ticket}).",
            f"您的订单 {number} 的退货已登记（工单 {ticket}）。",
        )
        return registered + pick(language, *REFUND_AFTER_RETURN)
    for status in ("returned", "cancelled"):
        order = next((o for o in orders if o.status.lower() == status), None)
        if order is not None:
            # Both status lines say when the money comes back.
            return order_status(order, language)
    if one_order and orders:
        return order_status(orders[0], language) + pick(
            language,
            " No return or cancellation is registered for it, so no refund is due.",
            " Für sie ist weder eine Rücksendung noch eine Stornierung erfasst, also steht keine"
            " Erstattung aus.",
            "该订单没有退货或取消记录，因此没有待退的款项。",
        )
    return pick(
        language,
        "I can't see a refund due on your account: none of your recent orders was returned or"
        " cancelled, and no return is open. To send something back, say “return an order”; if"
        " a refund is missing, say “open a ticket”.",
        "Ich sehe keine offene Erstattung: Keine Ihrer letzten Bestellungen wurde zurückgeschickt"
        " oder storniert, und keine Rücksendung ist offen. Für eine Rücksendung schreiben Sie"
        " „Bestellung zurückgeben“; fehlt eine Erstattung, schreiben Sie „Ticket eröffnen“.",
        "您的账户目前没有待退的款项：最近的订单都没有退货或取消，也没有进行中的退货。"
        "如需退货，请说“退货”；如果有退款没收到，请说“开工单”。",
    )
