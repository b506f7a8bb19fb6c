"""The clarifying fallback: the two likeliest requests, and a handoff to a person after two
misses in a row."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import FollowupAction, SlotSet

from actions import localized, slots
from actions.base import Dispatcher, Events, KefuAction
from actions.context import ActionValueInContext, last_order_request
from actions.conversation import (
    CLARIFY_ACTION,
    consecutive_fallbacks,
    faq_answered_last,
    latest_intent,
    latest_text,
)
from actions.digression import requests_in
from actions.extraction import word_count
from actions.feelings import acknowledge_or_hand_off, is_upset
from actions.handoff import NOT_UNDERSTOOD_REASON, perform_handoff, waiting_for_agent
from actions.identification_state import questions_the_identification
from actions.listed_tickets import status_of_the_ticket_pointed_at
from actions.next_request import start_request
from actions.order_meant import asks_about_refund, says_the_other
from actions.replies import EN, pick

ACTION_LISTEN = "action_listen"
# A question after an FAQ answer that asks about the same topic: short, and it asks ("?", "呢"),
# or a little longer and opens like one ("and", "what about", "wie sieht es mit", "那"). The
# Rasa server's NLG reads the same openings (bot/follow_up.py); the two environments share no
# code.
FOLLOW_UP_MAX_WORDS = 4
OPENED_FOLLOW_UP_MAX_WORDS = 6
_ASKS = re.compile(r"[?？]\s*$|呢")
_OPENS = re.compile(
    r"^\s*(?:那|还有)|^\s*(?:and|also|what about|how about|und|auch|was ist mit|wie ist es mit"
    r"|wie sieht es (?:mit|bei))\b",
    re.IGNORECASE,
)
_PUNCTUATION = re.compile(r"[^\w\s]")
# Below this, the response selector's topic for such a question is a guess (bot/responses.py).
SURE_OF_THE_TOPIC = 0.9
# The records a request can be about: with one of them named, the wording decides the request.
_RECORDS = ("order_number", "ticket_number")

# Intents the clarifying fallback may offer, with the label shown on the button (en, de, zh).
_INTENT_LABELS: dict[str, tuple[str, str, str]] = {
    "order_status": ("Where is my order?", "Wo ist meine Bestellung?", "我的订单到哪了？"),
    "recent_orders": ("Show my recent orders", "Meine letzten Bestellungen", "查看最近的订单"),
    "cancel_order": ("Cancel an order", "Bestellung stornieren", "取消订单"),
    "return_order": (
        "Return an order or get a refund",
        "Rücksendung oder Erstattung",
        "退货或退款",
    ),
    "update_email": ("Change my email address", "E-Mail-Adresse ändern", "修改邮箱"),
    "update_phone": ("Change my phone number", "Telefonnummer ändern", "修改电话号码"),
    "update_address": ("Change my address", "Adresse ändern", "修改地址"),
    "open_ticket": ("Report a problem", "Ein Problem melden", "报告问题"),
    "ticket_status": ("Check a support ticket", "Ein Ticket prüfen", "查询工单"),
    "identify": ("Log in", "Anmelden", "验证身份"),
    "human_handoff": ("Talk to a person", "Mit einem Menschen sprechen", "转人工客服"),
    "rate": ("Rate this conversation", "Gespräch bewerten", "评价本次对话"),
    "what_can_you_do": ("What can you do?", "Was können Sie?", "你能做什么？"),
}
INTENT_LABELS: dict[str, str] = {name: labels[0] for name, labels in _INTENT_LABELS.items()}


def intent_label(intent: str, language: str = EN) -> str:
    return pick(language, *_INTENT_LABELS[intent])


def something_else_button(language: str = EN) -> dict[str, str]:
    title = pick(language, "Something else", "Etwas anderes", "其他问题")
    return {"title": title, "payload": "/what_can_you_do"}


def offer_human_buttons(language: str = EN) -> list[dict[str, Any]]:
    return [
        {
            "title": pick(
                language,
                "Yes, connect me with a person",
                "Ja, mit einem Menschen verbinden",
                "好的，转人工客服",
            ),
            "payload": "/human_handoff",
        },
        {
            "title": pick(
                language, "No, I'll rephrase", "Nein, ich formuliere es anders", "不用，我换个说法"
            ),
            "payload": "/what_can_you_do",
        },
    ]


SOMETHING_ELSE_BUTTON = something_else_button(EN)
OFFER_HUMAN_BUTTONS: list[dict[str, Any]] = offer_human_buttons(EN)

# Buttons offered besides "Something else".
OPTIONS_OFFERED = 2
# From this many unclear messages in a row on, the bot hands off to a person instead of guessing.
FALLBACKS_BEFORE_HUMAN = 2


def likely_requests(latest_message: dict[str, Any], limit: int = OPTIONS_OFFERED) -> list[str]:
    """The best-ranked intents the bot can act on, best first (greetings, "no", ... left out)."""
    ranking = latest_message.get("intent_ranking") or []
    ranked = sorted(ranking, key=lambda item: -float(item.get("confidence") or 0.0))
    names: list[str] = []
    for item in ranked:
        name = item.get("name")
        if name in INTENT_LABELS and name not in names:
            names.append(name)
        if len(names) == limit:
            break
    return names


class ActionClarify(KefuAction):
    """Runs for nlu_fallback: asks what the customer meant, counting misses in fallback_count."""

    action_name = CLARIFY_ACTION

    async def act(self, dispatcher: Dispatcher, tracker: Tracker) -> Events:
        events = await self.clarify(dispatcher, tracker)
        followed_up = any(event.get("event") == "followup" for event in events)
        if latest_intent(tracker) != slots.INTENT_NLU_FALLBACK and not followed_up:
            # Run as a follow-up (a bare "the latest one" named nothing): no rule knows this
            # state, and the policies' own fallback would answer a second time.
            events = [*events, FollowupAction(ACTION_LISTEN)]
        return events

    async def clarify(self, dispatcher: Dispatcher, tracker: Tracker) -> Events:
        if questions_the_identification(tracker):
            return []  # "why do you need that?" to "who are you?": the form answers it
        if is_upset(tracker):
            # "Useless", "Waste of time": no request to guess, a feeling to answer.
            return await acknowledge_or_hand_off(dispatcher, tracker)
        pointed = await status_of_the_ticket_pointed_at(dispatcher, tracker)
        if pointed is not None:
            return pointed  # "the one about the parcel" after the list of open tickets
        topic = faq_followed_up(tracker)
        if topic is not None:
            # "what about furniture?" right after the warranty: the same topic's answer.
            dispatcher.utter_message(response=topic)
            return []
        if asks_about_refund(latest_text(tracker)):
            # "did you refund me already?", "退款了吗": where the refund stands is part of the
            # order status (actions/order_meant.py).
            return await start_request(dispatcher, tracker, "order_status")
        if says_the_other(latest_text(tracker)) and (request := last_order_request(tracker)):
            # "and the other one?" after an order's status: the same for the other order.
            return await start_request(dispatcher, tracker, request)
        if names_its_requests(tracker):
            # "wheres KF500002", "2 things: where is my hose and change my phone to …": NLU is
            # unsure, but the wording names the requests; served as a value in context is, the
            # first now and the second queued (actions/context.py).
            return await ActionValueInContext().act(dispatcher, tracker)
        language = localized.language_of(tracker)
        if tracker.get_slot(slots.AGENT_REQUESTED):
            # "now please", "hello??" while waiting for a person: when the person comes, not a
            # menu of guesses nor a second hand-off.
            dispatcher.utter_message(text=waiting_for_agent(language))
            return []
        # Counted from the tracker's own events, so a clear message in between resets it
        # without every other action having to touch the slot.
        # This message is a miss (NLU's fallback, or a bare value that names nothing).
        misses = consecutive_fallbacks(tracker, skip_latest=True) + 1
        if misses >= FALLBACKS_BEFORE_HUMAN:
            # Two misses in a row: a third guess helps nobody; a person takes over.
            events: Events = [
                *await perform_handoff(dispatcher, tracker, NOT_UNDERSTOOD_REASON),
                SlotSet(slots.FALLBACK_COUNT, 0.0),
            ]
        else:
            options = likely_requests(tracker.latest_message)
            dispatcher.utter_message(
                text=clarify_question(bool(options), language),
                buttons=clarify_buttons(options, language),
            )
            events = [SlotSet(slots.FALLBACK_COUNT, float(misses))]
        return events


def faq_followed_up(tracker: Tracker) -> str | None:
    """The FAQ answer a short question NLU could not place follows up on ("what about
    furniture?", "und bei Laptops?", "那笔记本电脑呢？" right after the warranty): that answer's
    topic, or another one the response selector is sure of."""
    answered = faq_answered_last(tracker)
    text = latest_text(tracker)
    words = word_count(_PUNCTUATION.sub(" ", text))
    follows_up = (words <= OPENED_FOLLOW_UP_MAX_WORDS and _OPENS.search(text)) or (
        words <= FOLLOW_UP_MAX_WORDS and _ASKS.search(text)
    )
    if answered is None or not follows_up or requests_in(text):
        return None
    selected = (tracker.latest_message.get("response_selector") or {}).get("faq") or {}
    response = selected.get("response") or {}
    sure = float(response.get("confidence") or 0.0) >= SURE_OF_THE_TOPIC
    other = response.get("utter_action")
    return str(other) if sure and isinstance(other, str) and other else answered


def names_its_requests(tracker: Tracker) -> bool:
    """The latest message names two requests by their wording, or exactly one and the order or
    ticket it is about."""
    named = requests_in(latest_text(tracker))
    if len(named) >= 2:
        return True
    records = [
        e for e in tracker.latest_message.get("entities") or [] if e.get("entity") in _RECORDS
    ]
    return bool(records) and len(named) == 1


def clarify_question(has_options: bool, language: str = EN) -> str:
    if has_options:
        return pick(
            language,
            "Sorry, I'm not sure I understood. Did you mean one of these?",
            "Entschuldigung, ich bin nicht sicher, ob ich Sie verstanden habe. Meinten Sie eines "
            "davon?",
            "抱歉，我不确定是否理解了您的意思。您是指下面的哪一项吗？",
        )
    return pick(
        language,
        "Sorry, I'm not sure I understood. Could you say it in other words?",
        "Entschuldigung, ich bin nicht sicher, ob ich Sie verstanden habe. Können Sie es anders "
        "formulieren?",
        "抱歉，我不确定是否理解了您的意思。您能换个说法吗？",
    )


def offer_human(language: str = EN) -> str:
    return pick(
        language,
        "I'm sorry, I still don't understand. "
        "Would you like me to pass the conversation to a colleague from our team?",
        "Es tut mir leid, ich verstehe es immer noch nicht. Soll ich das Gespräch an einen "
        "Kollegen aus unserem Team weitergeben?",
        "抱歉，我还是没有理解。需要我为您转接我们团队的同事吗？",
    )


def clarify_buttons(intents: Sequence[str], language: str = EN) -> list[dict[str, Any]]:
    buttons = [{"title": intent_label(name, language), "payload": f"/{name}"} for name in intents]
    return [*buttons, something_else_button(language)]
