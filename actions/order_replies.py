"""An order's status in the customer's language, with when a parcel on its way should arrive."""

from __future__ import annotations

from datetime import date as calendar_date
from datetime import datetime, timedelta, timezone

from actions.replies import DE, EN, ZH, date, pick, status_name
from crm_store.views import OrderView

# The shipping FAQ's promise within Germany: 2-4 working days from shipping.
WORKING_DAYS_TO_ARRIVE = (2, 4)


def working_days_after(start: datetime, days: int) -> datetime:
    """`days` working days (Monday to Friday) after `start`; public holidays are not counted."""
    moment = start
    while days > 0:
        moment += timedelta(days=1)
        if moment.weekday() < 5:
            days -= 1
    return moment


# What the notice for an overdue parcel tells the customer to write: a ticket asked for right
# after it is about that delivery (actions/tickets.py).
LATE_HINTS = ("write “open a ticket”", "schreiben Sie „Ticket eröffnen“", "请回复“开工单”")


def arrival(order: OrderView, language: str = EN, today: calendar_date | None = None) -> str:
    """For a shipped order: by when it should arrive, or, once that is past, what to do."""
    if order.status.lower() != "shipped" or order.shipped_at is None:
        return ""
    latest = working_days_after(order.shipped_at, WORKING_DAYS_TO_ARRIVE[1])
    today = today or datetime.now(timezone.utc).date()
    by = date(latest, language)
    if latest.date() >= today:
        return pick(
            language,
            f" Parcels usually arrive 2–4 working days after shipping, so it should be with you"
            f" by {by}.",
            f" Pakete kommen meist 2–4 Werktage nach dem Versand an, also bis {by}.",
            f"包裹通常在发货后2–4个工作日送达，预计{by}前到。",
        )
    hint = pick(language, *LATE_HINTS)
    return pick(
        language,
        f" It should have arrived by {by}. If it hasn't, {hint} and our team will look into it.",
        f" Es hätte bis {by} ankommen sollen. Falls nicht, {hint}, dann kümmert sich unser Team"
        " darum.",
        f"按理应在{by}前送达。如果还没收到，{hint}，我们的团队会跟进。",
    )


def _items(order: OrderView, language: str = EN) -> str:
    """What the order holds, in brackets after its number; nothing for an order without items
    (one the shop's own systems created), rather than empty brackets."""
    if not order.item_summary:
        return ""
    return f"（{order.item_summary}）" if language == ZH else f" ({order.item_summary})"


def order_status(order: OrderView, language: str = EN, today: calendar_date | None = None) -> str:
    if language in (DE, ZH):
        return _order_status_translated(order, language, today)
    head = f"Order {order.order_number}{_items(order)}, placed on {date(order.placed_at)}"
    status = order.status.lower()
    if status == "shipped":
        line = f"{head}, was shipped"
        if order.shipped_at:
            line += f" on {date(order.shipped_at)}"
        if order.carrier:
            line += f" with {order.carrier}"
        line += "."
        if order.tracking_number:
            line += f" Tracking number: {order.tracking_number}."
        return line + arrival(order, language)
    if status == "delivered":
        when = f" on {date(order.delivered_at)}" if order.delivered_at else ""
        return f"{head}, was delivered{when}."
    if status == "cancelled":
        when = f" on {date(order.cancelled_at)}" if order.cancelled_at else ""
        return f"{head}, was cancelled{when}.{refund_after_cancelling(order, EN, today)}"
    if status == "paid":
        return f"{head}, is paid and being prepared for shipping."
    if status == "placed":
        return f"{head}, has been received and is waiting for payment."
    if status == "returned":
        return f"{head}, was returned.{REFUND_AFTER_RETURN[0]}"
    return f"{head}, has the status “{order.status}”."


# When the money of a returned order comes back, as the returns FAQ says.
REFUND_AFTER_RETURN = (
    " We refund you within 5 working days after your parcel arrives back with us.",
    " Die Erstattung erfolgt innerhalb von 5 Werktagen, nachdem Ihr Paket bei uns angekommen ist.",
    "包裹退回到我们这里后，我们会在5个工作日内退款。",
)


# A cancelled order's money, as the cancellation's confirmation says.
_CANCELLED_REFUND = (
    " If you had already paid, the money goes back to you within a few days.",
    " Falls Sie schon bezahlt hatten, geht das Geld innerhalb weniger Tage an Sie zurück.",
    "如果您已经付款，款项会在几天内退回。",
)
# Past this, "within a few days" is a promise already due: say where to turn if it never came.
REFUND_DUE_DAYS = 14
_CANCELLED_REFUND_DUE = (
    " If you had paid, the money went back to you after the cancellation; if you can't find it,"
    " ask me to open a ticket and our team will look into it.",
    " Falls Sie bezahlt hatten, ging das Geld nach der Stornierung an Sie zurück; falls Sie es"
    " nicht finden, bitten Sie mich, ein Ticket zu eröffnen, dann kümmert sich unser Team darum.",
    "如果您已付款，款项已在取消后退回；如果没有收到，请让我开工单，我们的团队会跟进。",
)


def refund_after_cancelling(
    order: OrderView, language: str = EN, today: calendar_date | None = None
) -> str:
    """When a cancelled order's money comes back, or, long after, what to do if it did not."""
    today = today or datetime.now(timezone.utc).date()
    cancelled = order.cancelled_at
    if cancelled is not None and (today - cancelled.date()).days > REFUND_DUE_DAYS:
        return pick(language, *_CANCELLED_REFUND_DUE)
    return pick(language, *_CANCELLED_REFUND)


# What the German and Chinese status lines add after the status name.
_STATUS_DETAIL: dict[str, tuple[str, str]] = {
    "placed": (", wartet auf Zahlung", "，等待付款"),
    "paid": (", wird für den Versand vorbereitet", "，正在备货"),
    "returned": (
        "; die Erstattung erfolgt innerhalb von 5 Werktagen, nachdem Ihr Paket bei uns angekommen"
        " ist",
        "，包裹退回到我们这里后，我们会在5个工作日内退款",
    ),
}


# What the German and Chinese status lines say of a parcel on its way.
_SHIPPED_DETAIL: dict[str, tuple[str, str]] = {
    DE: (" Versand mit {}.", " Sendungsnummer: {}."),
    ZH: ("承运商：{}。", "运单号：{}。"),
}


def _order_status_translated(
    order: OrderView, language: str, today: calendar_date | None = None
) -> str:
    status = order.status.lower()
    detail = _STATUS_DETAIL.get(status)
    name = status_name(status, language) + (detail[language == ZH] if detail else "")
    placed = date(order.placed_at, language)
    when = {
        "shipped": order.shipped_at,
        "delivered": order.delivered_at,
        "cancelled": order.cancelled_at,
    }.get(status)
    if language == DE:
        line = f"Bestellung {order.order_number}{_items(order)} vom {placed}: Status {name}"
        line += f" am {date(when, DE)}." if when else "."
    else:
        line = f"订单 {order.order_number}{_items(order, ZH)}，下单日期 {placed}，状态：{name}"
        line += f"（{date(when, ZH)}）。" if when else "。"
    if status == "shipped":
        carrier, tracking = _SHIPPED_DETAIL[language]
        line += carrier.format(order.carrier) if order.carrier else ""
        line += tracking.format(order.tracking_number) if order.tracking_number else ""
    if status == "cancelled":
        line += refund_after_cancelling(order, language, today)
    return line + arrival(order, language, today)
