"""Tickets in the customer's language: the confirmation, the new ticket, its status."""

from __future__ import annotations

from collections.abc import Sequence

from actions.replies import EN, date, listing, named, pick, quote, status_name
from crm_store.views import TicketView

# Ticket categories as the German and Chinese texts name them (English uses the key itself).
CATEGORY_NAMES: dict[str, tuple[str, str]] = {
    "delivery": ("Lieferung", "配送"),
    "payment": ("Zahlung", "付款"),
    "product": ("Produkt", "商品"),
    "account": ("Konto", "账户"),
    "other": ("Sonstiges", "其他"),
}


# What a customer types instead of pressing a category button: the keys, the names above and
# the buttons' titles (domain.yml, utter_ask_ticket_category), in any of the three languages.
_TYPED_CATEGORIES: dict[str, str] = {
    **{key: key for key in CATEGORY_NAMES},
    **{name.lower(): key for key, names in CATEGORY_NAMES.items() for name in names},
    "a product": "product", "my account": "account", "something else": "other",
    "ein produkt": "product", "mein konto": "account", "etwas anderes": "other",
    "我的账户": "account",
}  # fmt: skip


def typed_category(text: str) -> str | None:
    """The category a typed answer names on its own ("Zahlung", "my account", "配送"), or None."""
    return _TYPED_CATEGORIES.get(text.strip(" .!?。！？\n\t").lower())


def late_parcel(order: str, language: str = EN) -> str:
    """The description of a ticket asked for right after the notice that a parcel is overdue."""
    return pick(
        language,
        f"Order {order} was shipped but has not arrived.",
        f"Bestellung {order} wurde versandt, ist aber nicht angekommen.",
        f"订单{order}已发货，但还没有收到。",
    )


def category_name(category: str, language: str = EN) -> str:
    return named(CATEGORY_NAMES, category, language)


def ticket_question(
    category: str, description: str, language: str = EN, order: str | None = None
) -> str:
    name = category_name(category, language)
    said = quote(description)
    if order:
        return pick(
            language,
            f"I'll open a ticket ({category}) about order {order} with this description: "
            f"“{said}”. Shall I go ahead?",
            f"Ich eröffne ein Ticket ({name}) zur Bestellung {order} mit dieser Beschreibung: "
            f"„{said}“. Soll ich das tun?",
            f"我将为订单 {order} 创建一个{name}类工单，描述为：“{said}”。要继续吗？",
        )
    return pick(
        language,
        f"I'll open a ticket ({category}) with this description: “{said}”. Shall I go ahead?",
        f"Ich eröffne ein Ticket ({name}) mit dieser Beschreibung: „{said}“. Soll ich das tun?",
        f"我将创建一个{name}类工单，描述为：“{said}”。要继续吗？",
    )


def ticket_opened(
    ticket: TicketView, typical_hours: float | None = None, language: str = EN
) -> str:
    t, name = ticket.ticket_number, category_name(ticket.category, language)
    text = pick(
        language,
        f"I've opened ticket {t} ({ticket.category}). "
        "Our team will get back to you; you can ask me about its status any time.",
        f"Ich habe das Ticket {t} ({name}) eröffnet. Unser Team meldet sich bei Ihnen; "
        "Sie können mich jederzeit nach dem Stand fragen.",
        f"已创建工单 {t}（{name}）。我们的团队会联系您，您随时可以问我处理进度。",
    )
    if typical_hours is not None:
        usual = duration(typical_hours, language)
        text += pick(
            language,
            f" Similar requests were usually resolved within {usual}.",
            f" Ähnliche Anfragen waren meist innerhalb von {usual} gelöst.",
            f"类似的问题通常在{usual}内解决。",
        )
    return text


def duration(hours: float, language: str = EN) -> str:
    """Round hours to what a customer wants to hear: "about 2 days", not "52.7 h"."""
    if hours < 1.5:
        return pick(language, "an hour", "einer Stunde", "一小时")
    if hours < 36:
        n = round(hours)
        return pick(language, f"about {n} hours", f"etwa {n} Stunden", f"大约{n}小时")
    n = round(hours / 24)
    return pick(language, f"about {n} days", f"etwa {n} Tagen", f"大约{n}天")


def ticket_status(ticket: TicketView, language: str = EN) -> str:
    t, subject = ticket.ticket_number, ticket.subject
    name, status = category_name(ticket.category, language), status_name(ticket.status, language)
    updated = date(ticket.updated_at, language)
    return pick(
        language,
        f"Ticket {t} “{subject}” ({ticket.category}) is {ticket.status}; "
        f"last updated on {updated}.",
        f"Ticket {t} „{subject}“ ({name}) ist {status}; zuletzt aktualisiert am {updated}.",
        f"工单 {t}“{subject}”（{name}）状态：{status}，最后更新于{updated}。",
    )


def open_tickets(tickets: Sequence[TicketView], language: str = EN) -> str:
    updated = pick(language, "updated", "aktualisiert am", "更新于")
    return listing(
        pick(language, "Your open tickets:", "Ihre offenen Tickets:", "您未关闭的工单："),
        [f"{t.ticket_number} — {status_name(t.status, language)} — {t.subject} "
         f"({updated} {date(t.updated_at, language)})"
         for t in tickets],
        pick(
            language,
            "You have no open support tickets at the moment.",
            "Sie haben zurzeit keine offenen Support-Tickets.",
            "您目前没有未关闭的工单。",
        ),
    )  # fmt: skip
