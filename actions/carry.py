"""Facts the customer gave before a form could use them, carried through the identification detour.

"Please cancel my order KF-500005" starts the cancel form of a customer who is not verified yet:
the form asks for the contact and a proof first, and only then for the order. The order number
was in the request all along; this module finds it (and the return reason, the problem a ticket
request describes, the new email or phone, the ticket number) in the messages of the running
form, so the form uses it instead of asking again. The facts are read from the tracker's history
rather than copied into slots: the history is already kept per conversation session, and it
cannot go stale when a form ends.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from rasa_sdk import Tracker

from actions import slots
from actions.addresses import address_in
from actions.conversation import (
    entity_values,
    is_button_payload,
    last_named,
    order_of_the_reply,
    refers_back,
    session_messages,
)
from actions.digression import FORM_REQUESTS, order_for_request, requests_in
from actions.extraction import MAX_FREE_TEXT_CHARS, guess_ticket_category, word_count
from actions.list_choice import (
    order_at_position,
)
from actions.order_meant import LATEST_ORDER, other_order, says_latest_order, says_the_other

# Which entity carries each slot's value, when it was said before the form asked for it.
CARRIED_ENTITIES: dict[str, str] = {
    slots.ORDER_NUMBER: "order_number",
    slots.TICKET_NUMBER: "ticket_number",
    slots.NEW_EMAIL: "email",
    slots.NEW_PHONE: "phone",
}
# An email or a phone number said in answer to "who are you?" is the contact, not a new one.
_CONTACT_ENTITIES = frozenset({"email", "phone"})

# Words that make a clause a reason for sending something back ("it arrived broken", "passt mir
# leider nicht", "尺码不对"). Grouped by what they say rather than by the wording of one message:
# damage, the wrong or a different item, a size or a feel ("too" / "zu" and an adjective), a
# negated verb with up to three words in between ("doesn't really fit", "gefällt mir gar nicht"),
# and a change of mind. The apostrophe may be typed or typographic ("doesn’t").
_NOT = r"(?:not|never|(?:does|do|did|is|are|was|were|wo|ca)n['’]?t|cannot|no longer)"
_REASON = re.compile(
    r"\b(?:"
    # English: damage, the wrong or a different item, a size, a negated verb, a change of mind
    r"broken|broke|breaks|damaged|defect\w*|faulty|scratch\w*|crack\w*|dent\w*|ripped|torn|"
    r"stain\w*|dirty|leak\w*|shatter\w*|smashed|bent|fake|wrong|incorrect|missing|late|"
    r"different (?:colou?r|size|item|product|model|one)|(?:colou?r|size) (?:is |was )?(?:off|"
    r"different)|looks? different|not as (?:described|pictured|shown|advertised)|"
    r"(?:poor|bad|low|cheap) quality|quality|disappoint\w*|unhappy|uncomfortable|itch\w*|"
    r"stopped working|smaller than|bigger than|larger than|(?:bigger|smaller|larger) size|"
    # a part that misbehaves: "a sticky key", "the zip is stuck", "it rattles", "overheats"
    r"sticky|stuck|jammed|wobbl\w*|rattl\w*|squeak\w*|flicker\w*|overheat\w*|dead pixels?|"
    r"too (?:\w+ )?(?:small|big|large|short|long|tight|loose|"
    r"narrow|wide|heavy|thin|thick|bright|dark|loud|slow|expensive|flimsy)|"
    + _NOT
    + r"(?:\s+\w+){0,3}?\s+(?:fit\w*|work\w*|suit\w*|match\w*|like|want|need|charg\w*|"
    r"turn on|right|comfortable|happy|satisfied|what i (?:ordered|expected|wanted))|"
    r"changed my mind|by mistake|ordered (?:twice|two)|duplicate|"
    # German: beschädigt, zu eng, passt leider nicht, gefällt mir nicht, Farbe anders
    r"kaputt\w*|beschädigt|defekt|gebrochen|zerbrochen|zerkratzt|kratzer|riss|gerissen|"
    r"klemmt|hakt|wackelt|klappert|quietscht|flackert|überhitzt|"
    r"fleck\w*|undicht|ausgelaufen|schmutzig|mangelhaft|fehlerhaft|falsch\w*|anders|andere[nrs]?"
    r" (?:farbe|größe|artikel)|fehlt|qualität|verspätet|zu spät|doppelt|versehentlich|"
    r"aus versehen|nummer (?:größer|groesser|kleiner)|"
    r"zu (?:\w+ )?(?:klein|groß|gross|eng|weit|lang|kurz|"
    r"schwer|dünn|dick|hell|dunkel|laut|teuer)|"
    r"(?:passt|passen|passte|sitzt|gefällt|gefallen|gefiel|funktioniert|geht|hält|lädt|mag)"
    r"(?:\s+\w+){0,3}?\s+(?:nicht|kaum)|nicht (?:\w+ )?(?:gepasst|gefallen|funktioniert|"
    r"angekommen|richtig|gut|wie (?:beschrieben|abgebildet|bestellt|erwartet))|"
    r"(?:brauche|will|möchte|mag)(?:\s+\w+){0,2}?\s+nicht mehr"
    r")\b",
    re.IGNORECASE,
)
# Chinese has no spaces; these words name a reason wherever they are: damage, "not right / not
# the same / not as described", too big or small, not wanted, wrong, quality.
_REASON_ZH = re.compile(
    r"坏|破|损|裂|划痕|脏|污|漏|瑕疵|不合适|不合身|不对|不一样|不符|不像|不满意|不喜欢|不想要|不要了|"
    r"不需要|不能用|用不了|不好用|有问题|太[大小紧松长短肥瘦宽窄重薄厚贵慢]|偏[大小紧松长短肥瘦]|"
    r"错|质量|色差|颜色|尺码|尺寸|大一号|小一号|假货|买多了|重复|卡住|卡键|松动|异响|发烫|闪屏"
)
_CLAUSE_SPLIT = re.compile(r"[,;.!?，。；！？]|\b(?:because|since|as|weil|da)\b", re.IGNORECASE)
# The words of a request for a ticket itself, and the small words around them ("Hi, I'd like to
# file a complaint please", "Ich will mich beschweren", "我要投诉"): what is left is the problem.
_TICKET_REQUEST_WORDING = re.compile(
    r"\b(?:hi|hello|hey|please|pls|thanks|i|i'?d|i'?m|me|my|you|want|wanna|would|like|need|to|"
    r"can|could|have|got|a|an|the|about|with|regarding|new|support|open|create|raise|file|"
    r"submit|lodge|log|report|make|ticket|complaint|complain|case|issue|problem|request|"
    r"hallo|bitte|danke|ich|mich|mir|mein(?:e[mnrs]?)?|will|möchte|würde|gerne?|habe?|"
    r"ein(?:e[mnrs]?)?|der|die|"
    r"das|den|dem|über|wegen|mit|neues?|beschwerde|beschweren|reklamation|reklamieren|anliegen|"
    r"eröffnen|erstellen|aufmachen|anlegen|melden|einreichen)\b"
    r"|你好|您好|我|的|想|要|请|帮|一下|一个|个|关于|开|建|创建|提交|工单|投诉|问题",
    re.IGNORECASE,
)
# A request with this many words besides the request wording describes its problem.
MIN_PROBLEM_WORDS = 2
# Order numbers are dropped from a reason: they are the order, not why it goes back.
_ORDER_NUMBER = re.compile(r"(?<![A-Za-z0-9-])[Kk][Ff][- ]?\d{6}(?!\d)")
# The order number in a reason, with the word that led to it ("the lamp from KF-…").
_ORDER_REFERENCE = re.compile(
    r"(?:\b(?:from|for|in|of|with|aus|für|von|bei|mit|der|des)\s+)?" + _ORDER_NUMBER.pattern,
    re.IGNORECASE,
)
# A request for an invoice or a receipt: short, and still the whole description of the ticket.
_INVOICE = re.compile(r"\b(?:invoice|receipt|rechnung|quittung)\b|发票|收据", re.IGNORECASE)


@dataclass(frozen=True)
class Turn:
    """One customer message of the running form, and the slot the form had asked for."""

    parse_data: dict[str, Any]
    asked: str | None

    @property
    def text(self) -> str:
        return str(self.parse_data.get("text") or "")

    def entity_values(self, entity: str) -> list[Any]:
        return entity_values(self.parse_data, entity)


def _current_form_events(tracker: Tracker) -> list[dict[str, Any]]:
    """The session's events from the request that started the active form to now."""
    form = (tracker.active_loop or {}).get("name")
    events = list(tracker.events)
    start = 0
    activation: int | None = None
    for index, event in enumerate(events):
        kind = event.get("event")
        if kind == "session_started":
            start, activation = index, None
        elif kind == "active_loop":
            if event.get("name") == form and form:
                if activation is None:
                    activation = index
            else:
                start, activation = index, None
    if activation is None:
        # The form's first run: its activation event is not in the tracker yet.
        activation = len(events)
    request = next(
        (i for i in range(activation - 1, start - 1, -1) if events[i].get("event") == "user"),
        activation,
    )
    return events[request:]


def _events_before_the_request(tracker: Tracker) -> list[dict[str, Any]]:
    """The session's events before the message that started the active form."""
    events = list(tracker.events)
    return events[: len(events) - len(_current_form_events(tracker))]


def form_turns(tracker: Tracker) -> list[Turn]:
    """The customer's messages since the active form's request, oldest first."""
    turns: list[Turn] = []
    asked: str | None = None
    for event in _current_form_events(tracker):
        kind = event.get("event")
        if kind == "slot" and event.get("name") == "requested_slot":
            asked = event.get("value")
        elif kind == "user":
            text = str(event.get("text") or "")
            if not is_button_payload(text):
                turns.append(Turn(event.get("parse_data") or {"text": text}, asked))
    # The latest message answers what the form asks now, whatever events follow it.
    latest = tracker.latest_message or {}
    if turns and turns[-1].text == str(latest.get("text") or ""):
        turns[-1] = Turn(turns[-1].parse_data, tracker.get_slot("requested_slot"))
    return turns


def _usable(turn: Turn, entity: str) -> bool:
    """Whether an entity of this turn may fill a flow slot (it was not an identification answer)."""
    if turn.asked == slots.VERIFICATION_FACT:
        return False  # an order number given as proof is not the order to act on
    return not (turn.asked == slots.CONTACT and entity in _CONTACT_ENTITIES)


def reason_in(text: str) -> str | None:
    """The clauses of `text` that say why an item goes back, or None when none does."""
    clauses = [c.strip() for c in _CLAUSE_SPLIT.split(text) if c and c.strip()]
    found = [c for c in clauses if _REASON.search(c) or _REASON_ZH.search(c)]
    if not found:
        return None
    reason = re.sub(r"\s{2,}", " ", _ORDER_REFERENCE.sub("", ", ".join(found))).strip(" ,")
    return reason or None


# A sentence that says who the customer is: their email, customer number, phone or postcode.
_IDENTIFYING = re.compile(
    r"[\w.+-]+@[\w-]+\.[\w.-]+|\bC\d{5}\b|\+\d[\d /-]{7,}\d|\b0\d{2,4}[ /-]?\d{5,8}\b|"
    r"\b(?:plz|postcode|post code|zip(?: code)?|postleitzahl)\b\W{0,3}\d{4,5}|邮编\W{0,2}\d",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|(?<=[。！？；])")


# "Hallo, ich habe …", "hi there! my …": a greeting before the problem is not part of it.
_GREETING = re.compile(
    r"^\s*(?:(?:hi|hello|hey|hallo|moin|servus|guten (?:tag|morgen|abend)"
    r"|good (?:morning|afternoon|evening))\b(?:\s+(?:there|zusammen))?|你好|您好|嗨"
    r"|sehr geehrte (?:damen und herren|frau \w+|herr \w+)|dear (?:sir or madam|[\w-]+(?: team)?)"
    r"|liebes? [\w-]+(?:[ -]team)?)"
    r"[\s,.!:;，。！：；]*",
    re.IGNORECASE,
)
# "… Mit freundlichen Grüßen, Anna Schmidt", "… Thanks, Anna": a sign-off (and the name after
# it) is not part of the problem either.
_SIGN_OFF = re.compile(
    r"[\s,.!;]*(?i:mit freundlichen grüßen|freundliche grüße|viele grüße|beste grüße"
    r"|liebe grüße|mfg|lg|kind regards|best regards|regards|best wishes|best(?=,)|cheers|thanks"
    r"|thank you|many thanks|vielen dank|danke)\b[\s,.!]*(?:[A-ZÄÖÜ][\w-]*(?:\s+[A-ZÄÖÜ][\w-]*)?)?"
    r"[\s.!]*$|[\s,，。！]*(?:谢谢|多谢)[\s,，。！!]*$"
)


# The details a sentence starts or ends with when the customer types them before or after the
# problem ("C10002 20095 my toaster is broken", "… bitte, ich bin C10001, PLZ 10115"): the
# identifying details, a bare postcode next to them, and "I'm" or "ich bin" before them.
_DETAIL = (
    r"(?:(?:i'?m|i am|this is|ich bin|hier ist|我是)\s*)?"
    rf"(?:(?:{_IDENTIFYING.pattern})\d*|\b\d{{5}}\b)"
)
_LEADING_DETAILS = re.compile(
    rf"^(?:\s*{_DETAIL}[\s,;:.，。；：]*)+(?:(?:and|und|also|so)\b\s*)?", re.IGNORECASE
)
_TRAILING_DETAILS = re.compile(rf"(?:[\s,;:，；：]*{_DETAIL})+[\s.!。！]*$", re.IGNORECASE)
# What must be left of such a sentence for it to be more than the details.
_MIN_WORDS_LEFT = 3


def _without_details(sentence: str) -> str | None:
    """`sentence` without the identifying details it starts or ends with, or None when they are
    in the middle or nothing much is left."""
    rest = _TRAILING_DETAILS.sub("", _LEADING_DETAILS.sub("", sentence)).strip(" ,;:，；：")
    if _IDENTIFYING.search(rest) or word_count(rest) < _MIN_WORDS_LEFT:
        return None
    return rest


def without_identification(text: str) -> str:
    """`text` without what identifies the customer: the sentences that say who they are
    ("Meine Email: …, PLZ 01294. Ich brauche die Rechnung" -> "Ich brauche die Rechnung"), and
    the details a sentence starts or ends with ("C10002 20095 my toaster is broken" -> "my
    toaster is broken"); all of it if nothing else is left."""
    sentences = [s for s in _SENTENCE_END.split(text) if s.strip()]
    kept = [
        rest
        for s in sentences
        if (rest := s if not _IDENTIFYING.search(s) else _without_details(s)) is not None
    ]
    return " ".join(kept).strip() if kept else text.strip()


def problem_in(text: str) -> str | None:
    """`text` when a request for a ticket also describes the problem ("I want to complain, the
    driver was rude"), None when it only asks for one ("I'd like to open a ticket"). Sentences
    that only say who the customer is are left out of it."""
    text = without_identification(_SIGN_OFF.sub("", _GREETING.sub("", text, count=1))) or text
    rest = _TICKET_REQUEST_WORDING.sub(" ", _ORDER_NUMBER.sub(" ", text))
    asks_for_an_invoice = _INVOICE.search(text) is not None  # "KF-… 能开发票吗" says it all
    if word_count(re.sub(r"[^\w\s]", " ", rest)) < MIN_PROBLEM_WORDS and not asks_for_an_invoice:
        return None
    return text.strip()[:MAX_FREE_TEXT_CHARS]


def category_named(turns: list[Turn]) -> str | None:
    """The ticket category the customer's request for the ticket names, if it names one."""
    return next(
        (
            category
            for turn in turns
            if turn.asked is None
            and (category := guess_ticket_category(without_identification(turn.text)))
        ),
        None,
    )


def carried_value(tracker: Tracker, slot: str) -> Any | None:
    """The latest value the customer gave for `slot` in the running form, wherever it was asked."""
    turns = form_turns(tracker)
    if slot == slots.RETURN_REASON:
        return next(
            (
                reason
                for turn in reversed(turns)
                if turn.asked not in slots.IDENTIFICATION_SLOTS and (reason := reason_in(turn.text))
            ),
            None,
        )
    if slot == slots.NEW_ADDRESS:
        return next(
            (
                address
                for turn in reversed(turns)
                if turn.asked not in slots.IDENTIFICATION_SLOTS
                and (address := address_in(turn.text))
            ),
            None,
        )
    if slot in (slots.TICKET_DESCRIPTION, slots.TICKET_CATEGORY):
        # The complaint of an upset customer who was offered a ticket (actions/feelings.py),
        # else the problem the request for the ticket described.
        problem = tracker.get_slot(slots.COMPLAINT) or next(
            (found for turn in turns if turn.asked is None and (found := problem_in(turn.text))),
            None,
        )
        if not problem:
            # "我需要开发票": too short to describe the problem, but it names its kind.
            return None if slot == slots.TICKET_DESCRIPTION else category_named(turns)
        if slot == slots.TICKET_DESCRIPTION:
            return str(problem)
        return guess_ticket_category(str(problem)) or "other"
    entity = CARRIED_ENTITIES.get(slot)
    if entity is None:
        return None
    for turn in reversed(turns):
        if _usable(turn, entity):
            values = turn.entity_values(entity)
            if slot == slots.ORDER_NUMBER and len(values) > 1:
                # "tell me when KF-500002 will arrive and cancel KF-500001": the form's own.
                form = FORM_REQUESTS.get(str(tracker.active_loop_name or ""), "")
                values = [order_for_request(turn.text, form) or values[0]]
            if values:
                # "I'm x@…, change my email to y@…": the new detail is named last.
                return values[-1] if entity in _CONTACT_ENTITIES else values[0]
    return _order_meant(tracker, turns) if slot == slots.ORDER_NUMBER else None


def _order_meant(tracker: Tracker, turns: list[Turn]) -> str | None:
    """The order a form's request means without naming its number.

    A flow started for a queued request has no messages of its own yet; "cancel the second one"
    points into the list just shown; "ok then I want to return it" right after "KF-500002 has
    already shipped" is about KF-500002 ("cancel my order" may mean another one: asked), and
    "can you just cancel it" right after the status of the order the bot picked (the customer
    named none) is about that order; "cancel my last order" is about the newest, which the
    validator looks up. The cancel form confirms the order it names, and the return form names
    it when asking why.
    """
    known = tracker.get_slot(slots.QUEUED_ORDER) or order_at_position(tracker)
    if known:
        return known
    requests = [turn.text for turn in turns if turn.asked is None]
    if any(says_latest_order(text) for text in requests):
        return LATEST_ORDER  # "cancel my last order": which one that is, the validator asks the CRM
    the_other = any(says_the_other(text) for text in requests)
    if not the_other and not any(refers_back(text) for text in requests):
        return None
    earlier = last_named(tracker, "order_number")
    number = earlier[-1] if earlier else order_of_the_reply(_events_before_the_request(tracker))
    if the_other:
        # "and the other one?" after KF-500004's status: which that is, the validator asks the CRM
        return other_order(number) if number else None
    return number


def carried_values(tracker: Tracker, needed: list[str]) -> Iterator[tuple[str, Any]]:
    """(slot, value) for each of the `needed` slots that is still empty and was already said."""
    for slot in needed:
        if tracker.get_slot(slot) is None:
            value = carried_value(tracker, slot)
            if value is not None:
                yield slot, value


def queued_detail(tracker: Tracker, request: str, entities: tuple[str, ...]) -> Any | None:
    """The new detail named with a request that waited for another one ("where is KF-500002,
    and change my email to x@example.com"): the message that named the request is earlier
    than the form that now serves it."""
    for event in session_messages(tracker):
        parse_data = event.get("parse_data") or {}
        if request in requests_in(str(event.get("text") or "")):
            values = [v for entity in entities for v in entity_values(parse_data, entity)]
            return values[-1] if values else None
    return None
