"""What the tracker says about the conversation: its CRM key, the customer, the latest message."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from typing import Any

from rasa_sdk import Tracker

from actions import slots
from crm_store.services.conversations import UNKNOWN_CHANNEL, ConversationKey


def conversation_key(tracker: Tracker) -> ConversationKey:
    started_at = 0.0
    for event in reversed(tracker.events):
        if event.get("event") == "session_started":
            started_at = float(event.get("timestamp") or 0.0)
            break
    return ConversationKey(
        sender_id=tracker.sender_id,
        session_started_at=started_at,
        channel=tracker.get_latest_input_channel() or UNKNOWN_CHANNEL,
    )


def request_key(tracker: Tracker, action: str, *parts: Any) -> str:
    """The key of a request that changes records: the same request in the same conversation
    session (a retry after "this is taking longer") gets the same key, so it is done once."""
    key = conversation_key(tracker)
    material = json.dumps(
        [key.sender_id, key.session_started_at, action, *map(str, parts)], ensure_ascii=False
    )
    return hashlib.sha256(material.encode("utf-8", "replace")).hexdigest()


def verified_customer_id(tracker: Tracker) -> int | None:
    """The CRM id of the customer, only once verify_identity has said who they are."""
    if tracker.get_slot(slots.IS_VERIFIED) is not True:
        return None
    try:
        return int(str(tracker.get_slot(slots.CUSTOMER_ID)))
    except ValueError:
        return None


def latest_intent(tracker: Tracker) -> str | None:
    return (tracker.latest_message.get("intent") or {}).get("name")


def latest_text(tracker: Tracker) -> str:
    return str(tracker.latest_message.get("text") or "")


def with_gloss(parse_data: dict[str, Any]) -> str:
    """A message's text and, for German or Chinese, its English gloss (the NLU adds it,
    bot/svm_intent_classifier.py): "den Wasserkocher the kettle" names the catalogue's kettle."""
    text = str(parse_data.get("text") or "")
    gloss = parse_data.get("gloss")
    return f"{text} {gloss}" if isinstance(gloss, str) and gloss else text


def is_button_payload(text: str) -> bool:
    """`/inform{"rating":5}` and the like: what a button sends, not what the customer typed."""
    return text.lstrip().startswith("/")


def entity_values(parse_data: dict[str, Any], entity: str) -> list[Any]:
    """The non-empty values of `entity` in one message's parse data."""
    return [
        item.get("value")
        for item in parse_data.get("entities") or []
        if item.get("entity") == entity and item.get("value") not in (None, "")
    ]


def intent_of(event: dict[str, Any]) -> Any:
    """The intent NLU gave a `user` event."""
    return ((event.get("parse_data") or {}).get("intent") or {}).get("name")


def latest_entity_values(tracker: Tracker, entity: str) -> list[Any]:
    return entity_values(tracker.latest_message, entity)


def session_messages(tracker: Tracker) -> Iterator[dict[str, Any]]:
    """The customer's messages of the current session, newest first."""
    for event in reversed(tracker.events):
        if event.get("event") == "session_started":
            return
        if event.get("event") == "user":
            yield event


# A message that points back at the order just talked about ("return it", "wann kommt es an?",
# "把它退了"), and one that says "my order", which may be any of them.
_REFERS_BACK = re.compile(
    r"\b(?:it|that|this|that one|this one|the same one|es|ihn|sie|diese[nrs]?|dieselbe)\b"
    # "kann ich die noch stornieren?": "die" as a pronoun, before no noun.
    r"|\b(?:die|den|das)\s+(?:noch|bitte|auch|doch|jetzt|gleich|sofort|schon|mal|dann)\b"
    r"|\b(?:die|den|das)\s+(?:stornieren|zurückgeben|zurückschicken|zurücksenden|umtauschen)\b"
    r"|它|这个|那个|这单|这笔|刚才",
    re.IGNORECASE,
)
_ANY_OWN_ORDER = re.compile(
    r"\bmy (?:order|parcel|package|delivery|stuff)\b"
    r"|\bmeine?[nrs]? (?:bestellung|paket|lieferung|sendung)\b|我的(?:订单|包裹|快递)",
    re.IGNORECASE,
)


def refers_back(text: str) -> bool:
    return bool(_REFERS_BACK.search(text))


def names_own_order(text: str) -> bool:
    """ "where is my order?": any of the customer's orders, unless the message also points back."""
    return bool(_ANY_OWN_ORDER.search(text)) and not refers_back(text)


def last_named(tracker: Tracker, entity: str) -> list[Any]:
    """The values of `entity` in the latest message of this session that names any, proofs of
    identity aside.

    "and when will it arrive?" right after the status of KF-500002 is about KF-500002, not about
    whichever order is newest; an order number given to prove who one is names no order.
    """
    named: list[tuple[Any, list[Any]]] = []  # (what the bot had asked, the values named)
    asked: Any = None
    for event in session_events(tracker):
        if event.get("event") == "slot" and event.get("name") == "requested_slot":
            asked = event.get("value")
        elif event.get("event") == "user":
            named.append((asked, entity_values(event.get("parse_data") or {}, entity)))
    if named and tracker.get_slot("requested_slot") == slots.VERIFICATION_FACT:
        # Inside a form's validation the latest message answers what it asks now.
        named[-1] = (slots.VERIFICATION_FACT, named[-1][1])
    for asked, values in reversed(named):
        if values and asked != slots.VERIFICATION_FACT:
            return values
    return []


ORDER_NUMBER_IN_TEXT = re.compile(r"\bKF-\d{6}\b")
# The example order number the identity questions give ("like KF-500001", "z. B.", "例如").
_EXAMPLE_ORDER_NUMBER = re.compile(r"(?:like|z\. ?B\.|例如)\s*KF-\d{6}", re.IGNORECASE)


def order_of_the_reply(events: list[dict[str, Any]]) -> str | None:
    """The one order the bot's last reply in `events` (its messages after the last customer
    message) was about: "Order KF-500005 … is waiting for payment". None if it named none or
    several, or gave one only as an example ("like KF-500001")."""
    named: set[str] = set()
    for event in reversed(events):
        kind = event.get("event")
        if kind in ("user", "session_started"):
            break
        if kind == "bot":
            text = _EXAMPLE_ORDER_NUMBER.sub("", str(event.get("text") or ""))
            named.update(ORDER_NUMBER_IN_TEXT.findall(text))
    return named.pop() if len(named) == 1 else None


def order_just_shown(tracker: Tracker) -> str | None:
    """The one order the bot's latest replies were about, if exactly one: this turn's (a request
    queued behind a status answer, "查一下KF-…，另外我想投诉"), else the reply to the customer's
    previous message ("open a ticket" right after the status of a late parcel is about that
    parcel). The example in a question ("like KF-500001") is no order shown."""
    users_passed, shown = 0, [[], []]
    for event in reversed(session_events(tracker)):
        if event.get("event") == "user":
            users_passed += 1
            if users_passed == 2:
                break
        elif event.get("event") == "bot":
            text = _EXAMPLE_ORDER_NUMBER.sub("", str(event.get("text") or ""))
            shown[users_passed] += ORDER_NUMBER_IN_TEXT.findall(text)
    for replies in shown:
        distinct = set(replies)
        if distinct:
            return distinct.pop() if len(distinct) == 1 else None
    return None


# The bot's "What would you like me to do with that?" to a value sent alone (actions/context.py).
VALUE_WITHOUT_REQUEST = "utter_value_without_request"


def orders_named_in(text: str) -> set[str]:
    """The order numbers written in a text ("KF-500002", "kf-500002")."""
    return set(ORDER_NUMBER_IN_TEXT.findall(text.upper()))


def order_sent_alone(tracker: Tracker) -> str | None:
    """The order number the customer sent on its own in this session, before saying what to do
    with it: the message the bot last answered "What would you like me to do with that?"."""
    events = session_events(tracker)
    asked = [
        i
        for i, event in enumerate(events)
        if event.get("event") == "bot"
        and (event.get("metadata") or {}).get("utter_action") == VALUE_WITHOUT_REQUEST
    ]
    if not asked:
        return None
    before = [e for e in events[: asked[-1]] if e.get("event") == "user"]
    numbers = entity_values(before[-1].get("parse_data") or {}, "order_number") if before else []
    return str(numbers[0]) if len(set(numbers)) == 1 else None


# The retrieval responses of the FAQ ("utter_faq/warranty"), as a bot message's metadata names
# the one it gave: the NLG's own key when a follow-up kept the topic (bot/responses.py), else
# Rasa's.
FAQ_ANSWER = "utter_faq/"
_ANSWER_KEYS = ("faq_answered", "utter_action")


def _faq_answer(event: dict[str, Any]) -> str | None:
    if event.get("event") != "bot":
        return None
    metadata = event.get("metadata") or {}
    answered = next((metadata[key] for key in _ANSWER_KEYS if metadata.get(key)), None)
    return answered if isinstance(answered, str) and answered.startswith(FAQ_ANSWER) else None


def faq_answered_last(tracker: Tracker) -> str | None:
    """The FAQ answer ("utter_faq/warranty") the bot gave to the customer's previous message,
    when it was the bot's last reply before the latest message."""
    users_passed = 0
    for event in reversed(session_events(tracker)):
        if event.get("event") == "user":
            users_passed += 1
            if users_passed == 2:
                return None
        elif event.get("event") == "bot" and users_passed == 1:
            return _faq_answer(event)
    return None


def button_payloads(bot_event: dict[str, Any]) -> list[str]:
    """The payloads of the buttons a bot message offered, in order."""
    buttons = (bot_event.get("data") or {}).get("buttons") or []
    return [str(button.get("payload") or "") for button in buttons]


def previous_replies(tracker: Tracker) -> list[str]:
    """What the bot answered to the customer's previous message (not to the latest one)."""
    users_passed, replies = 0, []
    for event in reversed(session_events(tracker)):
        if event.get("event") == "user":
            users_passed += 1
            if users_passed == 2:
                break
        elif event.get("event") == "bot" and users_passed == 1:
            replies.append(str(event.get("text") or ""))
    return replies


def last_typed_text(tracker: Tracker) -> str | None:
    """The last thing the customer typed (button payloads skipped)."""
    for event in session_messages(tracker):
        text = str(event.get("text") or "").strip()
        if text and not is_button_payload(text):
            return text
    return None


def entities_of_last_request(tracker: Tracker, intent: str, entity: str) -> list[Any]:
    """Values of `entity` in the customer's latest message with `intent` in this session, or
    else in their answer to "who are you?" right after it.

    Submit actions run after identification, when the latest message is a postcode or an order
    number given as proof; the request itself ("where is KF-500002?") came earlier. A customer
    asked for their contact may send the order number instead ("wo bleibt meine lieferung" ->
    "KF-500002"): the form says that is no contact, but it is the order they mean.
    """
    session = session_events(tracker)
    request = _last_request(session, intent)
    if request is None:
        return []
    found = entity_values(session[request].get("parse_data") or {}, entity)
    asked: Any = None
    for event in session[request + 1 :]:
        if found:
            return found
        if event.get("event") == "slot" and event.get("name") == "requested_slot":
            asked = event.get("value")
        elif event.get("event") == "user" and asked == slots.CONTACT:
            found = entity_values(event.get("parse_data") or {}, entity)
    return found


def text_of_last_request(tracker: Tracker, intent: str) -> str:
    """What the customer typed in their latest message with `intent` in this session."""
    return str(_last_request_event(tracker, intent).get("text") or "")


def glossed_last_request(tracker: Tracker, *intents: str) -> str:
    """The latest message with one of `intents` in this session, with its English gloss
    (`with_gloss`)."""
    event = _last_request_event(tracker, *intents)
    return with_gloss({**(event.get("parse_data") or {}), "text": event.get("text")})


def _last_request_event(tracker: Tracker, *intents: str) -> dict[str, Any]:
    """The latest `user` event with one of `intents` in this session ({} if there is none)."""
    session = session_events(tracker)
    request = _last_request(session, *intents)
    return {} if request is None else session[request]


def _last_request(session: list[dict[str, Any]], *intents: str) -> int | None:
    """The index of the latest `user` event with one of `intents` among the session's events."""
    for index in range(len(session) - 1, -1, -1):
        event = session[index]
        if event.get("event") == "user" and intent_of(event) in intents:
            return index
    return None


def session_events(tracker: Tracker) -> list[dict[str, Any]]:
    """The events of the current session (all of them before any session started)."""
    events = list(tracker.events)
    starts = [i for i, event in enumerate(events) if event.get("event") == "session_started"]
    return events[starts[-1] :] if starts else events


# The bot's clarifying question (actions/fallback.py).
CLARIFY_ACTION = "action_clarify"


def consecutive_fallbacks(tracker: Tracker, skip_latest: bool = False) -> int:
    """How many of the customer's latest messages in a row the bot could not understand: NLU
    could not classify them, or the bot answered them with its clarifying question ("asdf").

    `skip_latest` counts the ones before the latest message (e.g. before a "/human_handoff" click).
    """
    misses: list[bool] = []  # newest first
    clarified = answered = False
    for event in reversed(session_events(tracker)):
        if event.get("event") == "action" and event.get("name") == CLARIFY_ACTION:
            clarified = True
        elif _faq_answer(event) is not None:
            answered = True  # "what about furniture?" after the warranty: a follow-up, answered
        elif event.get("event") == "user":
            unclear = clarified or intent_of(event) == slots.INTENT_NLU_FALLBACK
            misses.append(unclear and not answered)
            clarified = answered = False
    count = 0
    for missed in misses[1:] if skip_latest else misses:
        if not missed:
            break
        count += 1
    return count
