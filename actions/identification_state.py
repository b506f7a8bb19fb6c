"""Where the customer stands in proving who they are, read from the conversation: the
contact and fact entities, failed attempts, the freshness of the proof, this turn's outcome, and
what an answer to its questions says besides a contact (a question back, a name)."""

from __future__ import annotations

import re
import time
from datetime import timedelta

from rasa_sdk import Tracker
from rasa_sdk.events import EventType

from actions import slots
from actions.conversation import latest_intent, latest_text, verified_customer_id
from actions.digression import REQUEST_INTENTS, requests_in
from actions.extraction import asks_why, first_entity, lacks_it, requested_slot

# The entities that say who a customer is, and those that prove it.
CONTACT_ENTITIES = ("email", "customer_number", "phone")
FACT_ENTITIES = ("postcode", "order_number")
# Contact details change only with a proof of identity at most this old (configured by the
# action server's entry point from KEFU_REVERIFY_MINUTES).
FRESH_PROOF = {"window": timedelta(minutes=5)}


def configure(fresh_proof: timedelta) -> None:
    FRESH_PROOF["window"] = fresh_proof


def client_of(tracker: Tracker) -> str | None:
    """The one-way key of the customer's connection, which the input guard adds."""
    metadata = tracker.latest_message.get("metadata") or {}
    value = metadata.get("kefu_client") if isinstance(metadata, dict) else None
    return value if isinstance(value, str) and value else None


def same_customer(tracker: Tracker, customer_id: int) -> bool:
    """A renewed proof must be the verified customer's own, not someone else's."""
    if not tracker.get_slot(slots.REVERIFYING):
        return True
    return str(customer_id) == str(tracker.get_slot(slots.CUSTOMER_ID))


def proof_is_stale(tracker: Tracker) -> bool:
    """Whether the customer proved who they are longer ago than FRESH_PROOF allows."""
    verified_at = tracker.get_slot(slots.VERIFIED_AT)
    if not isinstance(verified_at, (int, float)):
        return True
    return time.time() - float(verified_at) > FRESH_PROOF["window"].total_seconds()


def failed_attempts(tracker: Tracker) -> int:
    return int(tracker.get_slot(slots.IDENTIFICATION_ATTEMPTS) or 0)


def contact_to_retry(tracker: Tracker) -> str | None:
    """The contact of a failed attempt, when the answer to "who are you?" is only a new fact.

    "99999" fails, the bot asks for the contact again, and the customer corrects the postcode
    ("oh sorry 10115"): that is a second try with the same contact, counted like any attempt.
    """
    if failed_attempts(tracker) == 0 or requested_slot(tracker) != slots.CONTACT:
        return None
    if first_entity(tracker, *CONTACT_ENTITIES) is not None:
        return None
    if first_entity(tracker, *FACT_ENTITIES) is None:
        return None
    for event in reversed(tracker.events):
        if event.get("event") == "session_started":
            return None
        if (
            event.get("event") == "slot"
            and event.get("name") == slots.CONTACT
            and event.get("value")
        ):
            return str(event["value"])
    return None


def names_a_request(tracker: Tracker) -> bool:
    """The latest message asks for something the bot does (NLU's reading or its wording)."""
    return latest_intent(tracker) in REQUEST_INTENTS or bool(requests_in(latest_text(tracker)))


def verified_by(events: list[EventType]) -> bool:
    """Whether these validation events verify the customer (this turn's proof was right)."""
    return any(
        event.get("name") == slots.IS_VERIFIED and event.get("value") is True for event in events
    )


def identification_refused(tracker: Tracker) -> bool:
    """Too many wrong guesses in this session: no more lookups until the session ends."""
    return (
        verified_customer_id(tracker) is None
        and failed_attempts(tracker) >= slots.MAX_IDENTIFICATION_ATTEMPTS
    )


def verified_this_turn(tracker: Tracker) -> bool:
    """Whether is_verified became true after the customer's latest message."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return False
        if event.get("event") == "slot" and event.get("name") == slots.IS_VERIFIED:
            return event.get("value") is True
    return False


def questions_the_identification(tracker: Tracker) -> bool:
    """Asked who they are or for the proof, the customer asks why or says they lack it: the
    form answers that (answered_with_question), whatever NLU made of the message."""
    if requested_slot(tracker) not in (slots.CONTACT, slots.VERIFICATION_FACT):
        return False
    text = latest_text(tracker)
    return asks_why(text) or lacks_it(text)


# "I'm Anna Schmidt", "mein Name ist Ben Okafor", "我叫陈静": a name given for "who are you?",
# one to three words that are no state of mind ("I'm not sure", "ich bin sauer").
_NAME_GIVEN = re.compile(
    r"^\W*(?:(?:hi|hello|hey|hallo)\W+)?(?:i'?m|i am|my name is|this is|it'?s|ich bin|mein name ist"
    r"|ich hei(?:ß|ss)e|hier ist|hier spricht)\s+([^\W\d_]+(?:[ -][^\W\d_]+){0,2})\W*$"
    r"|^\W*(?:我是|我叫)([\u4e00-\u9fff]{2,4})\W*$",
    re.IGNORECASE,
)
_NOT_A_NAME = frozenset((
    "not", "no", "so", "very", "really", "just", "still", "already", "sure", "sorry", "angry",
    "upset", "here", "back", "fine", "ok", "okay", "good", "waiting", "looking", "trying",
    "confused", "frustrated", "new", "a", "an", "the", "customer", "nicht", "sehr", "sauer",
    "wütend", "hier", "zurück", "sicher", "neu", "kunde", "kundin",
))  # fmt: skip
_NOT_A_NAME_ZH = re.compile(r"客户|顾客|会员|新|老|谁")


# "Anna Schmidt", "Chloé Martin", "Ben Okafor-Smith" alone: two or three capitalised words.
_BARE_NAME = re.compile(r"^\W*([^\W\d_a-z][^\W\d_]+(?:[ -][^\W\d_a-z][^\W\d_]+){1,2})\W*$")
# Greetings and the shop's words are no name ("Thank You", "Order Status").
_NOT_IN_A_BARE_NAME = frozenset((
    "hi", "hello", "hey", "thanks", "thank", "you", "yes", "please", "hallo", "danke", "bitte",
    "guten", "tag", "morgen", "good", "morning", "evening", "dear", "sir", "madam", "my", "mein",
    "name", "is", "ist", "there", "order", "orders", "status", "return", "cancel", "ticket",
    "refund", "help", "support", "service", "email", "phone", "address", "bestellung", "hilfe",
))  # fmt: skip


def gives_a_name(text: str) -> bool:
    """Whether `text` only says the customer's name ("I'm Anna Schmidt", "Anna Schmidt",
    "我叫陈静")."""
    bare = _BARE_NAME.match(text.strip())
    if bare is not None:
        words = bare.group(1).lower().replace("-", " ").split()
        return not any(word in _NOT_A_NAME or word in _NOT_IN_A_BARE_NAME for word in words)
    match = _NAME_GIVEN.match(text.strip())
    if match is None:
        return False
    if match.group(2):
        return _NOT_A_NAME_ZH.search(match.group(2)) is None
    return not any(word in _NOT_A_NAME for word in match.group(1).lower().replace("-", " ").split())
