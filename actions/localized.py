"""Texts the actions compose themselves, in the customer's language (the `language` slot).

The bot's fixed responses are translated in domain.yml by a response condition on the
`language` slot; the sentences about records (orders, tickets, contact details) are composed in
actions/replies.py; the ones kept here are the flow's own words.
"""

from __future__ import annotations

from rasa_sdk import Tracker

LANGUAGES = ("en", "de", "zh")
DEFAULT_LANGUAGE = "en"
LANGUAGE_SLOT = "language"

# Each request named in English, German and Chinese (in LANGUAGES order).
_REQUEST_NAMES: dict[str, tuple[str, str, str]] = {
    "order_status": (
        "the status of your order",
        "den Status Ihrer Bestellung",
        "查询订单状态",
    ),
    "recent_orders": (
        "your recent orders",
        "Ihre letzten Bestellungen",
        "查看最近的订单",
    ),
    "cancel_order": (
        "cancelling your order",
        "die Stornierung Ihrer Bestellung",
        "取消订单",
    ),
    "return_order": (
        "your return",
        "Ihre Rücksendung",
        "退货",
    ),
    "update_email": (
        "changing your email address",
        "die Änderung Ihrer E-Mail-Adresse",
        "修改邮箱",
    ),
    "update_phone": (
        "changing your phone number",
        "die Änderung Ihrer Telefonnummer",
        "修改电话号码",
    ),
    "update_address": (
        "changing your address",
        "die Änderung Ihrer Adresse",
        "修改地址",
    ),
    "open_ticket": (
        "opening a ticket",
        "ein Support-Ticket",
        "创建工单",
    ),
    "ticket_status": (
        "your ticket",
        "Ihr Ticket",
        "查询工单",
    ),
    "human_handoff": (
        "a colleague from our team",
        "einen Kollegen aus unserem Team",
        "人工客服",
    ),
}

_TEXTS: dict[str, dict[str, str]] = {
    "languages_offered": {
        "en": "I can help you in English, German and Chinese — just write in the one you prefer.",
        "de": "Ich helfe Ihnen auf Deutsch, Englisch und Chinesisch — schreiben Sie einfach in der "
        "Sprache, die Ihnen lieber ist.",
        "zh": "我可以用中文、英文和德文为您服务——用您喜欢的语言写就可以。",
    },
    "language_switched": {
        "en": "Of course — let's continue in English. What can I do for you?",
        "de": "Gern — machen wir auf Deutsch weiter. Was kann ich für Sie tun?",
        "zh": "好的，我们用中文继续。请问有什么可以帮您？",
    },
    "language_switched_in_form": {
        "en": "Of course — let's continue in English.",
        "de": "Gern — machen wir auf Deutsch weiter.",
        "zh": "好的，我们用中文继续。",
    },
    "request_queued": {
        "en": "Sure! I'll do this first, then I'll come back to {request}.",
        "de": "Gern! Ich erledige zuerst das, danach kümmere ich mich um {request}.",
        "zh": "好的！我先处理这个，然后再帮您{request}。",
    },
    "email_slip": {
        "en": "Did you mean {meant}? If {typed} is right, just send it again.",
        "de": "Meinten Sie {meant}? Wenn {typed} stimmt, schicken Sie sie einfach noch einmal.",
        "zh": "您是想输入 {meant} 吗？如果 {typed} 没错，请再发送一次。",
    },
    "order_queued": {
        "en": "Sure, I'll see to {order} right after this one.",
        "de": "Gern, um {order} kümmere ich mich gleich danach.",
        "zh": "好的，处理完这个就帮您处理 {order}。",
    },
    "request_switched": {
        "en": "No problem, I'll leave that — let's look at {request} instead.",
        "de": "Kein Problem, das lasse ich — kümmern wir uns stattdessen um {request}.",
        "zh": "没问题，先不处理那个了——我们来{request}。",
    },
    "feelings_acknowledged": {
        "en": (
            "I'm really sorry — that's frustrating, and you shouldn't have to write again. "
            "I can open a ticket for our team with what you've told me, or pass you to a "
            "colleague right now. Which would you prefer?"
        ),
        "de": (
            "Das tut mir wirklich leid — das ist ärgerlich, und Sie sollten nicht noch einmal "
            "schreiben müssen. Ich kann mit Ihrer Nachricht ein Ticket für unser Team eröffnen "
            "oder Sie sofort an einen Kollegen weitergeben. Was ist Ihnen lieber?"
        ),
        "zh": (
            "非常抱歉给您带来不便，您不应该一再来信。我可以把您说的情况建成工单交给我们的团队，"
            "或者现在就为您转接人工客服。您希望怎么处理？"
        ),
    },
    "order_noted": {
        "en": "Thanks, I've noted order {order}.",
        "de": "Danke, ich habe mir die Bestellung {order} notiert.",
        "zh": "谢谢，我已记下订单 {order}。",
    },
    "feelings_which": {
        "en": "Shall I open a ticket for our team, or would you rather talk to a colleague?",
        "de": (
            "Soll ich ein Ticket für unser Team eröffnen, oder möchten Sie lieber mit einem "
            "Kollegen sprechen?"
        ),
        "zh": "需要我为您创建工单，还是为您转接人工客服？",
    },
    # A message the bot cannot place while the customer waits for a person ("now please",
    # "hello??"): no guesses and no second hand-off, but when the person comes.
    "waiting_for_agent": {
        "en": (
            "Your conversation is with our team: a colleague will reply right here {when}. "
            "Until then I'm happy to help with your orders, returns, account details or tickets."
        ),
        "de": (
            "Ihr Anliegen liegt bei unserem Team: Ein Kollege antwortet hier {when}. Bis dahin "
            "helfe ich Ihnen gern mit Bestellungen, Rücksendungen, Kontodaten oder Tickets."
        ),
        "zh": (
            "您的对话已转给我们的团队，同事会{when}在这里回复您。"
            "在此之前，我也可以帮您处理订单、退货、账户信息或工单。"
        ),
    },
    "agent_soon": {"en": "as soon as they can", "de": "so bald wie möglich", "zh": "尽快"},
    "agent_from": {"en": "from {opens}", "de": "ab {opens}", "zh": "从 {opens} 起"},
    "sorry_short": {
        "en": (
            "I'm sorry about the trouble — let's sort it out right away. (If you'd rather "
            'talk to a person, just say "human".)'
        ),
        "de": (
            "Das tut mir leid — lassen Sie uns das gleich klären. (Wenn Sie lieber mit "
            'einem Menschen sprechen möchten, schreiben Sie einfach "Mitarbeiter".)'
        ),
        "zh": "很抱歉给您带来麻烦，我们马上处理。（如果您想找人工客服，请直接说“人工”。）",
    },
    "handoff_closed": {
        "en": (
            "I've passed your conversation to our team. They're not in right now (we're here "
            "{hours}, {zone} time); a colleague will reply right here from {opens}."
        ),
        "de": (
            "Ich habe Ihr Anliegen an unser Team weitergegeben. Gerade ist niemand da (wir sind "
            "{hours} für Sie da, Zeitzone {zone}); einer unserer Kollegen antwortet hier ab "
            "{opens}."
        ),
        "zh": (
            "我已将您的对话转给我们的团队。现在不在工作时间（工作时间：{hours}，{zone} 时间），"
            "同事会从 {opens} 起在这里回复您。"
        ),
    },
    "which_order_request": {
        "en": "Thanks! Is {order} about its status, a cancellation or a return?",
        "de": "Danke! Geht es bei {order} um den Status, eine Stornierung oder eine Rücksendung?",
        "zh": "谢谢！关于订单 {order}，您是想查询状态、取消订单还是退货？",
    },
}
# The buttons offered with the acknowledgement of an upset customer.
FEELINGS_BUTTONS: dict[str, list[tuple[str, str]]] = {
    "en": [("Open a ticket", "/open_ticket"), ("Talk to a person", "/human_handoff")],
    "de": [("Ticket eröffnen", "/open_ticket"), ("Mit einem Menschen sprechen", "/human_handoff")],
    "zh": [("创建工单", "/open_ticket"), ("转人工客服", "/human_handoff")],
}


def language_of(tracker: Tracker) -> str:
    """The language of the conversation as the NLU component last saw it (English by default)."""
    value = tracker.get_slot(LANGUAGE_SLOT)
    return value if value in LANGUAGES else DEFAULT_LANGUAGE


def request_name(request: str, language: str) -> str:
    names = _REQUEST_NAMES.get(request)
    if names is None:
        return request
    return names[LANGUAGES.index(language)] if language in LANGUAGES else names[0]


def text(key: str, language: str, **values: str) -> str:
    """The text `key` in `language`, its {placeholders} filled."""
    variants = _TEXTS[key]
    return (variants.get(language) or variants[DEFAULT_LANGUAGE]).format(**values)


def texts_of(key: str) -> set[str]:
    """The text `key` in every language (to recognise it among the bot's earlier messages)."""
    return set(_TEXTS[key].values())


def buttons(choices: list[tuple[str, str]]) -> list[dict[str, str]]:
    return [{"title": title, "payload": payload} for title, payload in choices]
