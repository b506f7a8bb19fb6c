"""Record details composed into the customer's language: orders, returns, contact details.

Fixed sentences live in domain.yml as responses; only text that carries record details is built
here. Values the customer typed are quoted back as plain text: the channels render text, not HTML.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any, TypeVar

from crm_store.views import CustomerView, OrderView, TicketView

# Every text below comes in the three languages of actions/localized.py: the English one is
# the default, so a customer whose language is unknown reads what the tests have always read.
EN, DE, ZH = "en", "de", "zh"
T = TypeVar("T")


def pick(language: str, en: T, de: T, zh: T) -> T:
    """The variant of a text (or of texts) for `language` (English for anything else)."""
    return {DE: de, ZH: zh}.get(language, en)


def yes_no_buttons(language: str = EN) -> list[dict[str, Any]]:
    """The yes/no buttons under every confirmation question; the payloads carry no language."""
    return [
        {"title": pick(language, "Yes", "Ja", "是"), "payload": "/affirm"},
        {"title": pick(language, "No", "Nein", "否"), "payload": "/deny"},
    ]


YES_NO_BUTTONS: list[dict[str, Any]] = yes_no_buttons(EN)

# Why an order cannot be returned, as crm_store's OrderNotReturnable names it (en, de, zh).
_RETURN_REFUSALS: dict[str, tuple[str, str, str]] = {
    "not_delivered": (
        "Order {number} hasn't been delivered yet, so it can't be returned. "
        "Once it arrives you have 30 days to return it.",
        "Die Bestellung {number} ist noch nicht zugestellt und kann daher nicht zurückgeschickt "
        "werden. Nach der Lieferung haben Sie 30 Tage Zeit für die Rücksendung.",
        "订单 {number} 尚未送达，因此还不能退货。收到货后，您有30天的退货期。",
    ),
    "return_window_closed": (
        "Order {number} was delivered more than 30 days ago, so the "
        "return period has ended. If something is wrong with it, I can open a support ticket.",
        "Die Bestellung {number} wurde vor mehr als 30 Tagen zugestellt, die Rückgabefrist ist "
        "abgelaufen. Wenn etwas nicht in Ordnung ist, kann ich ein Support-Ticket eröffnen.",
        "订单 {number} 送达已超过30天，退货期已过。如果商品有问题，我可以为您创建工单。",
    ),
    "cancelled": (
        "Order {number} was cancelled, so there's nothing to send back.",
        "Die Bestellung {number} wurde storniert, es gibt also nichts zurückzuschicken.",
        "订单 {number} 已取消，因此无需退货。",
    ),
    "already_returned": (
        "Order {number} has already been returned. We refund you within 5 working days after "
        "your parcel arrives back with us.",
        "Die Bestellung {number} wurde bereits zurückgeschickt. Die Erstattung erfolgt innerhalb "
        "von 5 Werktagen, nachdem Ihr Paket bei uns angekommen ist.",
        "订单 {number} 已经退货了。包裹退回到我们这里后，我们会在5个工作日内退款。",
    ),
    "return_already_requested": (
        "There is already a return request for order {number}; our team will be in touch about it.",
        "Für die Bestellung {number} gibt es bereits eine Rücksendeanfrage; unser Team meldet "
        "sich dazu bei Ihnen.",
        "订单 {number} 已有退货申请，我们的团队会就此与您联系。",
    ),
}
_RETURN_REFUSED_OTHERWISE = (
    "I'm afraid order {number} can't be returned. Our team can help if you ask.",
    "Die Bestellung {number} kann leider nicht zurückgeschickt werden. Unser Team hilft Ihnen "
    "gern weiter, wenn Sie danach fragen.",
    "很抱歉，订单 {number} 无法退货。如有需要，我们的团队可以帮您。",
)

# Record states as the German and Chinese texts name them (English uses the value itself).
_STATUS_NAMES: dict[str, tuple[str, str]] = {
    "placed": ("eingegangen", "已下单"),
    "paid": ("bezahlt", "已付款"),
    "shipped": ("versandt", "已发货"),
    "delivered": ("zugestellt", "已送达"),
    "cancelled": ("storniert", "已取消"),
    "returned": ("zurückgeschickt", "已退货"),
    # tickets
    "new": ("neu", "新建"),
    "open": ("offen", "处理中"),
    "pending": ("wartend", "等待中"),
    "resolved": ("gelöst", "已解决"),
    "closed": ("geschlossen", "已关闭"),
}
_GERMAN_MONTHS = (
    "Januar", "Februar", "März", "April", "Mai", "Juni",
    "Juli", "August", "September", "Oktober", "November", "Dezember",
)  # fmt: skip
_GERMAN_WEEKDAYS = (
    "Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag",
)  # fmt: skip
_CHINESE_WEEKDAYS = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")

# The longest piece of the customer's own text quoted back in a confirmation question.
_QUOTE_CHARS = 200


def named(table: dict[str, tuple[str, str]], value: str, language: str) -> str:
    names = table.get(value.lower())
    if names is None or language not in (DE, ZH):
        return value
    return names[0] if language == DE else names[1]


def status_name(status: str, language: str = EN) -> str:
    return named(_STATUS_NAMES, status, language)


def date(value: datetime, language: str = EN) -> str:
    return pick(
        language,
        f"{value.day} {value:%B %Y}",
        f"{value.day}. {_GERMAN_MONTHS[value.month - 1]} {value.year}",
        f"{value.year}年{value.month}月{value.day}日",
    )


def moment(value: datetime, language: str = EN) -> str:
    """A weekday, date and time of day: when the team is back, say."""
    clock = f"{value:%H:%M}"
    return pick(
        language,
        f"{value:%A}, {date(value, language)}, {clock}",
        f"{_GERMAN_WEEKDAYS[value.weekday()]}, {date(value, language)}, {clock} Uhr",
        f"{date(value, language)}（{_CHINESE_WEEKDAYS[value.weekday()]}）{clock}",
    )


def money(total: Decimal, currency: str, language: str = EN) -> str:
    amount = f"{total:.2f}"
    return f"{amount.replace('.', ',') if language == DE else amount} {currency}"


def quote(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _QUOTE_CHARS else text[: _QUOTE_CHARS - 1] + "…"


def listing(heading: str, lines: list[str], when_empty: str) -> str:
    return "\n".join([heading, *(f"• {line}" for line in lines)]) if lines else when_empty


def recent_orders(orders: Sequence[OrderView], language: str = EN) -> str:
    placed = pick(language, "placed", "bestellt am", "下单于")
    return listing(
        pick(language, "Your recent orders:", "Ihre letzten Bestellungen:", "您最近的订单："),
        [
            f"{o.order_number} — {status_name(o.status, language)} — {o.item_summary} — "
            f"{placed} {date(o.placed_at, language)}, {money(o.total, o.currency, language)}"
            for o in orders
        ],
        pick(
            language,
            "I can't see any orders on your account yet.",
            "In Ihrem Konto sehe ich noch keine Bestellungen.",
            "您的账户中还没有订单。",
        ),
    )


def cancel_question(order_number: str, order: OrderView | None = None, language: str = EN) -> str:
    if order is None:
        return pick(
            language,
            f"Shall I cancel order {order_number}?",
            f"Soll ich die Bestellung {order_number} stornieren?",
            f"要取消订单 {order_number} 吗？",
        )
    placed = pick(language, "placed on", "bestellt am", "下单于")
    details = ", ".join(
        part
        for part in (
            order.item_summary,
            money(order.total, order.currency, language),
            f"{placed} {date(order.placed_at, language)}",
        )
        if part  # an order without items has no summary
    )
    return pick(
        language,
        f"Shall I cancel order {order.order_number} ({details})?",
        f"Soll ich die Bestellung {order.order_number} ({details}) stornieren?",
        f"要取消订单 {order.order_number}（{details}）吗？",
    )


def order_cancelled(order: OrderView, language: str = EN) -> str:
    number = order.order_number
    return pick(
        language,
        f"Done — order {number} is cancelled. "
        "If you have already paid, the money will be refunded within a few days.",
        f"Erledigt — die Bestellung {number} ist storniert. Falls Sie schon bezahlt haben, "
        "wird das Geld in wenigen Tagen erstattet.",
        f"已完成——订单 {number} 已取消。如果您已付款，款项将在几天内退回。",
    )


def order_not_found(order_number: str, language: str = EN) -> str:
    """One of several orders asked about is not in the account (never whose it is)."""
    return pick(
        language,
        f"I couldn't find order {order_number} in your account.",
        f"Die Bestellung {order_number} konnte ich in Ihrem Konto nicht finden.",
        f"在您的账户中找不到订单 {order_number}。",
    )


def order_not_cancellable(order_number: str, status: str, language: str = EN) -> str:
    status = status.lower()
    n = order_number
    if status == "shipped":
        return pick(
            language,
            f"Order {n} has already shipped, so it can't be cancelled any more. "
            "Once it arrives you can return it within 30 days.",
            f"Die Bestellung {n} ist bereits versandt und kann nicht mehr storniert werden. "
            "Nach der Lieferung können Sie sie innerhalb von 30 Tagen zurückschicken.",
            f"订单 {n} 已经发货，无法再取消。收到后30天内可以退货。",
        )
    if status == "delivered":
        return pick(
            language,
            f"Order {n} has already been delivered, so it can't be cancelled. "
            "You can return it within 30 days of delivery instead.",
            f"Die Bestellung {n} ist bereits zugestellt und kann nicht storniert werden. "
            "Sie können sie stattdessen innerhalb von 30 Tagen zurückschicken.",
            f"订单 {n} 已经送达，无法取消。您可以在送达后30天内办理退货。",
        )
    if status == "cancelled":
        return pick(
            language,
            f"Order {n} is already cancelled.",
            f"Die Bestellung {n} ist bereits storniert.",
            f"订单 {n} 已经取消了。",
        )
    name = status_name(status, language)
    return pick(
        language,
        f"Order {n} is {status} and can no longer be cancelled.",
        f"Die Bestellung {n} ist {name} und kann nicht mehr storniert werden.",
        f"订单 {n} 的状态为{name}，无法再取消。",
    )


def return_refused(order_number: str, reason: str, language: str = EN) -> str:
    templates = _RETURN_REFUSALS.get(reason, _RETURN_REFUSED_OTHERWISE)
    return pick(language, *templates).format(number=order_number)


def return_requested(ticket: TicketView, order_number: str, language: str = EN) -> str:
    t = ticket.ticket_number
    return pick(
        language,
        f"I've registered your return request for order {order_number} as {t}. "
        "Our team will email you the return label and instructions.",
        f"Ich habe Ihre Rücksendung für die Bestellung {order_number} als {t} erfasst. "
        "Unser Team schickt Ihnen das Rücksendeetikett und die Anleitung per E-Mail.",
        f"已为订单 {order_number} 登记退货申请，编号 {t}。"
        "我们的团队会通过邮件把退货标签和说明发给您。",
    )


def masked_email(email: str) -> str:
    """`a•••@example.com`: enough to recognise, too little to learn from."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}•••@{domain}" if domain else "•••"


def masked_phone(phone: str) -> str:
    """`+49 ••• 567`: the country code and the last three digits."""
    digits = phone.lstrip("+")
    country = "+" + digits[:2] if phone.startswith("+") else digits[:2]
    return f"{country} ••• {digits[-3:]}" if len(digits) > 5 else "•••"


def email_on_file(customer: CustomerView, language: str = EN) -> str | None:
    masked = masked_email(customer.email)
    return pick(
        language,
        f"The email address we have for you is {masked}.",
        f"Bei uns ist die E-Mail-Adresse {masked} hinterlegt.",
        f"我们登记的邮箱是 {masked}。",
    )


def phone_on_file(customer: CustomerView, language: str = EN) -> str | None:
    if not customer.phone:
        return None
    masked = masked_phone(customer.phone)
    return pick(
        language,
        f"The phone number we have for you is {masked}.",
        f"Bei uns ist die Telefonnummer {masked} hinterlegt.",
        f"我们登记的电话号码是 {masked}。",
    )


def address_on_file(customer: CustomerView, language: str = EN) -> str | None:
    if not customer.city:
        return None
    return pick(  # the city alone, as in address_updated
        language,
        f"The address we have for you is in {customer.city}.",
        f"Ihre hinterlegte Adresse ist in {customer.city}.",
        f"我们登记的地址在 {customer.city}。",
    )


def email_updated(customer: CustomerView, language: str = EN) -> str:
    masked = masked_email(customer.email)
    return pick(
        language,
        f"Done — your email address is now {masked}.",
        f"Erledigt — Ihre E-Mail-Adresse lautet jetzt {masked}.",
        f"已完成——您的邮箱已改为 {masked}。",
    )


def phone_updated(customer: CustomerView, language: str = EN) -> str:
    masked = masked_phone(customer.phone or "")
    return pick(
        language,
        f"Done — your phone number is now {masked}.",
        f"Erledigt — Ihre Telefonnummer lautet jetzt {masked}.",
        f"已完成——您的电话号码已改为 {masked}。",
    )


def address_updated(customer: CustomerView, language: str = EN) -> str:
    # The city alone: the street and postcode are not repeated to whoever reads the chat.
    return pick(
        language,
        f"Done — your address is updated (in {customer.city or 'the new city'}).",
        f"Erledigt — Ihre Adresse ist aktualisiert ({customer.city or 'neuer Ort'}).",
        f"已完成——您的地址已更新（{customer.city or '新城市'}）。",
    )
