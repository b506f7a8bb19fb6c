"""Customers change their minds and ask for two things at once: switching flows and queued requests.

NLU gives one intent per message, so "change my email ... and also check order KF-500004" loses
one request, and "actually never mind, what's the status of KF-500004?" inside the return form
became its reason. Here the requests named in a message are spotted by their wording (English,
German, Chinese), a change of mind by its markers, and the request not served yet is kept in the
`pending_request` slot (its order number in `queued_order`) until the current flow is over.
"""

from __future__ import annotations

import re

from rasa_sdk import Tracker

from actions import slots
from actions.conversation import latest_entity_values, latest_intent, latest_text
from crm_store.normalize import normalize_order_number

# An order reported late: a status question of its own, unless the same message asks for a
# ticket or a return, whose problem it describes ("it is late, open a ticket").
_LATE = (
    r"\b(?:is|are|was|running|so|very) late\b"
    r"|\b(?:has ?n[o']?t|have ?n[o']?t|not|still not)\s+(?:yet\s+)?"
    r"(?:arrived|come|been delivered)\b"
    r"|\bnoch (?:immer )?nicht (?:angekommen|da|geliefert)\b|\bverspät\w*|还没到|还没收到"
)
_LATE_PATTERN = re.compile(_LATE, re.IGNORECASE)
_REPORTS_A_PROBLEM = frozenset({"open_ticket", "return_order", "human_handoff"})

# The requests a customer may name, the wording that names them, in the order they are checked
# (a cancel or a return mentions an order too, so they come before the status question).
_REQUEST_WORDING: tuple[tuple[str, tuple[str, ...]], ...] = (
    # A change verb and the detail, in either order (German puts the verb last).
    ("update_email", (
        r"\b(?:change|update|new)\b[^.?!,;]{0,20}\be-?mail\b",
        r"\be-?mail(?: address)? (?:to|is now)\b",
        r"\be-?mail\b[^.?!,;]{0,25}\b(?:chang|updat)",
        r"\b(?:änder\w*|aender\w*|aktualisier\w*|neue)\b[^.?!,;]{0,25}\be-?mail",
        r"\be-?mail\w*\b[^.?!,;]{0,25}\b(?:ge)?(?:änder|aender|aktualisier)",
        r"(?:改|换|更新)[^，。？！,]{0,6}邮箱", r"邮箱[^，。？！,]{0,8}(?:改|换|更新)",
    )),
    ("update_phone", (
        r"\b(?:change|update|new)\b[^.?!,;]{0,20}\b(?:phone|mobile)\b",
        r"\b(?:phone|mobile)(?: number)? (?:to|is now)\b",
        r"\b(?:handy|telefon)\w* (?:auf|ist jetzt)\b",
        r"\b(?:phone|mobile)\b[^.?!,;]{0,25}\b(?:chang|updat)",
        r"\b(?:änder\w*|aender\w*|aktualisier\w*|neue)\b[^.?!,;]{0,25}\b(?:telefon|handy|rufnummer)",
        r"\b(?:telefon|handy|rufnummer)\w*\b[^.?!,;]{0,25}\b(?:ge)?(?:änder|aender|aktualisier)",
        r"(?:改|换|更新)[^，。？！,]{0,6}(?:电话|手机)",
        r"(?:电话|手机)[^，。？！,]{0,8}(?:改|换|更新)",
    )),
    ("update_address", (
        r"\b(?:change|update|new)\b[^.?!,;]{0,20}\baddress\b",
        r"\b(?:änder\w*|aender\w*|aktualisier\w*|neue)\b[^.?!,;]{0,25}\b(?:\w*adresse|anschrift)",
        r"\b(?:\w*adresse|anschrift)\b[^.?!,;]{0,25}\b(?:ge)?(?:änder|aender|aktualisier)",
        "umgezogen",
        r"(?:改|换|更新)[^，。？！,]{0,6}地址", r"地址[^，。？！,]{0,8}(?:改|换|更新)",
    )),
    ("cancel_order", (
        r"\b(?:cancel|cancle|cansel)\w*\b(?!\s+(?:that|it|this)\b)", r"\bstorn\w*", "取消",
    )),
    ("return_order", (
        r"\bretu?rn\w*\b", r"send (?:it )?back", r"zurück ?(?:schick|send|geb)\w*", "rücksendung",
        "retoure", "退货", "退回", "退掉", r"(?:要|想)退(?!款)",
    )),
    ("ticket_status", (
        r"\bticket\b[^.?!]{0,20}\b(?:status|update)", r"\bT-?\d{5}\b",
        r"\b(?:status|update|news)\b[^.?!]{0,20}\btickets?\b",
        # "my open tickets", "meine offenen Tickets": the ones they have, not a new one.
        r"\b(?:my|meine\w*)\s+(?:open\s+|offene\w*\s+)?tickets?\b(?!\s+(?:about|for|wegen|zu)\b)",
        r"\bticket\w*\b[^.?!]{0,25}\b(?:stand|bearbeitet)",
        r"工单[^，。？！,]{0,6}(?:状态|进度|进展|怎么样|处理|回复)",
        r"(?:我的|查[^，。？！,]{0,3}|之前[^，。？！,]{0,4})工单",
    )),
    ("open_ticket", (
        r"\b(?:open|create|raise|file)\b[^.?!]{0,10}\b(?:ticket|complaint)\b",
        # A complaint about someone or something is filed as a ticket ("beschweren", "投诉").
        r"\bcomplain\w*\s+about\b", r"\bbeschwer\w*",
        r"ticket (?:öffnen|eröffnen)", "投诉", "工单",
        # "Ticket bitte", "a ticket please": the whole message asks for one.
        r"^\W*(?:an? |new |ein(?:en)? |neues )?ticket (?:please|pls|bitte)\W*$",
        # An invoice asked for: the team sends it (a ticket), as NLU data says too.
        r"\b(?:need|want|send|get)\b[^.?!]{0,25}\b(?:invoice|receipt)\b",
        r"\b(?:brauch|bräucht|benötig|benoetig|schick|send|hätte|haette)\w*\b[^.?!]{0,30}"
        r"\brechnung\b",
        r"(?:开|要|补|发|寄)[^，。？！,]{0,3}发票",
    )),
    ("recent_orders", (
        r"\b(?:recent|last|latest|previous|past)\s+(?:few\s+)?orders\b",
        r"\b(?:show|list|see|view)\b[^.?!,]{0,20}\borders\b",
        r"\bzeig\w*\b[^.?!,]{0,15}\bbestellungen\b", r"(?:查看|看看|列出)[^，。？！,]{0,4}订单",
        r"\ball (?:of )?my orders\b",
        r"\b(?:letzten|bisherigen|vorherigen)\s+bestellungen\b",
        r"\balle\s+(?:meine\s+)?bestellungen\b",
        r"最近的?(?:几个)?订单", r"(?:所有|全部)的?订单", "历史订单",
    )),
    ("order_status", (
        _LATE,
        r"\b(?:status|track\w*|where(?:'?s| is| are)?|when will)\b",
        r"\bcheck\b[^.?!]{0,15}\border\b",
        r"\bwo (?:ist|sind|bleibt)\b", r"\bwann kommt\b",
        # "when KF-500002 will arrive", "wann KF-500002 ankommt": the number between.
        r"\bwhen\b[^.?!,;]{0,30}\b(?:arriv\w*|get here|be delivered)\b",
        r"\bwann\b[^.?!,;]{0,30}\b(?:ankommt|kommt|geliefert wird)\b", "什么时候能到", "多久能到",
        # A subordinate clause puts the verb last: "sagen Sie mir, wo KF-500002 ist".
        r"\bwo\b[^.?!,;]{0,30}\b(?:ist|sind|bleibt)\W*$", "sendungsverfolgung", "到哪", "物流",
        r"\b(?:schon|noch) (?:unterwegs|verschickt|versendet|versandt)\b",
        "状态", "什么时候到", "发货了吗",
        r"(?:查|看)(?:一下|一查|查|看)?\s*(?:我的)?(?:订单|包裹|kf)",
    )),
    ("human_handoff", (
        r"\b(?:human|real person|agent|call me|customer care)\b", "mitarbeiter",
        r"\b(?:talk|speak|chat) (?:to|with) (?:someone|somebody|a person|a human)\b",
        r"\b(?:echten|richtigen) menschen\b", r"\bmit jemandem (?:sprechen|reden)\b", "人工",
        "客服人员", "找人",
    )),
)  # fmt: skip
_REQUEST_PATTERNS = tuple(
    (intent, re.compile("|".join(wording), re.IGNORECASE)) for intent, wording in _REQUEST_WORDING
)
# Questions the FAQ answers, by their wording: a clause asking one is no request ("cancel
# KF-500001, oh and what's your return policy" asks for no return), and it is answered at once.
_FAQ_WORDING: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("faq/returns_policy", (
        r"\breturns? (?:policy|policies|rules|window|period|conditions)\b",
        r"\bhow (?:long|many days) (?:do i have )?to (?:return|send)",
        r"\b(?:rückgabe|rueckgabe|umtausch|widerruf)\w*(?:recht|frist|bedingung|regel)\w*",
        "退货政策", "退货规则", r"几天内(?:可以|能)?退",
    )),
    ("faq/shipping", (
        r"\b(?:shipping|delivery) (?:costs?|fees?|times?|charges?)\b",
        r"\bhow long (?:does|do) (?:shipping|delivery)\b",
        r"\bversandkosten\b", r"\blieferzeit\w*",
        r"\bwie lange dauert (?:der versand|die lieferung)",
        "运费", "邮费", r"发货(?:要|需要)?多久",
    )),
    ("faq/payment", (
        r"\bpayment (?:methods?|options?)\b", r"\bhow can i pay\b",
        r"\bzahlungs(?:arten|methoden|möglichkeiten)\b", r"\bwie kann ich (?:be)?zahlen\b",
        "支付方式", "付款方式",
    )),
    ("faq/opening_hours", (
        r"\b(?:opening|business) hours\b", r"\böffnungszeiten\b", "营业时间",
    )),
    ("faq/warranty", (r"\bwarranty\b", r"\bgarantie\w*", "保修", "质保")),
    ("faq/contact", (
        r"\byour (?:tele)?phone number\b", r"\bhotline\b", r"\b(?:ihre|eure) telefonnummer\b",
        r"\byour e-?mail address\b", r"\bget hold of you\b", r"\b(?:ihre|eure) e-?mail-adresse\b",
        "客服电话", "热线", "客服邮箱",
    )),
)  # fmt: skip
_FAQ_PATTERNS = tuple(
    (key, re.compile("|".join(wording), re.IGNORECASE)) for key, wording in _FAQ_WORDING
)
REQUEST_INTENTS = frozenset(intent for intent, _ in _REQUEST_WORDING)
# "and also", "then", ... join two requests; each part is read on its own.
_JOINERS = re.compile(
    r"\b(?:and also|and then|and|also|as well as|plus|then|after that|und auch|und|außerdem|"
    r"sowie|dann)\b|[;？?。，]|还有|另外|然后|并且|顺便|以及|同时",
    re.IGNORECASE,
)
# A change of mind: what follows replaces the request the form is working on.
# A leading "oh", "ach", "嗯" does not hide it.
_CHANGE_OF_MIND = re.compile(
    r"^\W*(?:(?:oh|ah|hmm+|ok(?:ay)?|well|ach|na|nee|äh|ähm)\b\W*|[嗯哦啊]\W*)?"
    r"(?:actually|never ?mind|forget (?:it|that)|scratch that|wait|no,? (?:instead|rather)|"
    r"doch nicht|vergiss es|lieber|egal|schon gut|算了|不用了|等一下)"
    r"|\binstead\b|\bstattdessen\b|改成",
    re.IGNORECASE,
)
# Where each request goes next: a form, or an action that needs nothing but a verified customer.
_FORMS = {
    "order_status": "order_status_form",
    "recent_orders": "recent_orders_form",
    "ticket_status": "ticket_status_form",
    "cancel_order": "cancel_order_form",
    "return_order": "return_form",
    "update_email": "update_email_form",
    "update_phone": "update_phone_form",
    "update_address": "update_address_form",
    "open_ticket": "open_ticket_form",
}
_DIRECT = {
    "order_status": "action_order_status",
    "recent_orders": "action_recent_orders",
    "ticket_status": "action_ticket_status",
    "human_handoff": "action_handoff",
}
# A form's own request: what a switch or a queued request must differ from.
FORM_REQUESTS = {form: intent for intent, form in _FORMS.items()}


def requests_in(text: str) -> list[str]:
    """The requests named in `text`, in the order they appear, each once."""
    found: list[str] = []
    for part in _JOINERS.split(text):
        intent = _request_of(part)
        if intent is not None and intent not in found:
            found.append(intent)
    return found


def _request_of(part: str | None) -> str | None:
    """The request a clause names (the first in _REQUEST_WORDING's order), if any."""
    if not part or _faq_asked(part):
        return None
    return next((intent for intent, pattern in _REQUEST_PATTERNS if pattern.search(part)), None)


# An order number as typed; NLU's entity may be any of these shapes.
_ORDER_NUMBER = re.compile(r"(?<![A-Za-z0-9-])(?:[Kk][Ff][- ]?)?\d{6}(?!\d)")


def order_for_request(text: str, request: str) -> str | None:
    """The order number in the clause of `text` that names `request`: in "tell me when KF-500002
    will arrive and also cancel KF-500001" the cancellation's is KF-500001, whatever NLU saw
    first. None when no clause names the request with a number."""
    for part in _JOINERS.split(text):
        numbers = _ORDER_NUMBER.findall(part or "")
        if numbers and _request_of(part) == request:
            return numbers[0]
    return None


def _faq_asked(part: str) -> str | None:
    return next((key for key, pattern in _FAQ_PATTERNS if pattern.search(part)), None)


def faq_questions(text: str) -> list[str]:
    """The FAQ answers (`faq/<key>`) that the questions in `text` ask for, each once."""
    found: list[str] = []
    for part in _JOINERS.split(text):
        key = _faq_asked(part) if part else None
        if key and key not in found:
            found.append(key)
    return found


def side_questions(tracker: Tracker, first: str | None) -> list[str]:
    """The FAQ questions asked beside `first`, the request NLU read in the latest message
    ("cancel KF-500001, oh and what's your return policy"); none on a message that is no longer
    the customer's own request (a flow started for a queued request sees it again)."""
    if first is None or latest_intent(tracker) != first:
        return []
    return faq_questions(latest_text(tracker))


def changes_mind(text: str) -> bool:
    return bool(_CHANGE_OF_MIND.search(text))


# A short message that gives up on the request ("ach nee, doch nicht", "nah forget it", "算了吧"),
# whatever NLU made of it ("deny" as often as "stop").
_GIVES_UP = re.compile(
    r"^\W*(?:(?:oh|ah|hmm+|ok(?:ay)?|well|no|nah|nope|ach|na|nee|nein|äh|ähm)\b\W*|[嗯哦啊]\W*)*"
    r"(?:never ?mind|forget (?:it|that|about it)|scratch that|doch nicht|vergiss es|lass (?:es|mal)"
    r"|算了|不用了)\W*(?:then|dann|吧|了)?\W*$",
    re.IGNORECASE,
)


def gives_up(text: str) -> bool:
    return bool(_GIVES_UP.match(text.strip()))


# "cancel" (or "abbrechen", "取消", "I changed my mind") and nothing else, said in the middle of
# a flow, ends that flow: with no order named it is no new request. NLU reads a bare "cancel" as
# a cancellation, and a free-text question (a new address) took "取消" for the answer.
_CANCELS_THIS = re.compile(
    r"^\W*(?:(?:oh|ah|ok(?:ay)?|well|no|nah|ach|nein|nee)\b\W*|[嗯哦啊]\W*)*"
    r"(?:(?:please )?(?:cancel|abort|stop)(?: (?:this|that|everything|please))?"
    r"|(?:i(?:'ve| have)? )?changed my mind|abbrechen|abbruch|stopp"
    r"|(?:ich )?(?:habe |hab |hab's |habs )(?:es )?mir (?:es )?anders überlegt"
    r"|取消|取消吧|不改了|不要了|(?:我)?改主意了)"
    r"\W*(?:please|bitte|吧|了)?\W*$",
    re.IGNORECASE,
)


def cancels_this(text: str) -> bool:
    """Whether the whole message only calls off what is under way ("cancel", "取消")."""
    return bool(_CANCELS_THIS.match(text.strip()))


def switch_request(tracker: Tracker, form: str, free_text: bool) -> str | None:
    """The other request the customer switches to inside `form` ("actually, check KF-500004").

    Besides the wording, a change-of-mind marker is needed, or (unless the form asks for free
    text, where "the status light is broken" is a reason) NLU's own reading of that request.
    """
    own = FORM_REQUESTS.get(form)
    if own is None:
        return None  # the rating form: a comment may name anything
    text = latest_text(tracker)
    # A person asked for ends the flow with the handoff (FlowFormValidator.abort_events).
    named = [r for r in requests_in(text) if r not in (own, slots.INTENT_HUMAN_HANDOFF)]
    if not named:
        return None
    asks = text.rstrip().endswith(("?", "？"))  # a question is no reason: "wie ist der Status …?"
    if changes_mind(text) or ((asks or not free_text) and latest_intent(tracker) in named):
        return named[-1]
    return None


def starts_by_asking_for_a_person(tracker: Tracker) -> bool:
    """The message that starts a flow asks for a person in so many words, whatever NLU read
    ("I need to talk to someone about a missing refund" reads as a ticket)."""
    return tracker.get_slot("requested_slot") is None and (
        slots.INTENT_HUMAN_HANDOFF in requests_in(latest_text(tracker))
    )


def second_request(tracker: Tracker, first: str | None) -> str | None:
    """A request named in the latest message besides `first`, which NLU read in it.

    Only on the customer's own message with that intent: a flow started for a queued request
    sees the same message again, and must not queue the first request back.
    """
    if first is None or latest_intent(tracker) != first:
        return None
    text = latest_text(tracker)
    # A second request has a clause of its own ("cancel KF-500001 and check KF-500004"): in one
    # clause, "the tracking number you sent doesn't work" reports a problem, it asks no status.
    # The identifying message is the exception ("我是C10001，邮编10115，帮我看看KF-500002").
    if first != "identify" and len([p for p in _JOINERS.split(text) if p and p.strip()]) < 2:
        return None
    others = [r for r in requests_in(text) if r != first]
    if first in _REPORTS_A_PROBLEM and _LATE_PATTERN.search(text):
        others = [r for r in others if r != "order_status"]
    return others[0] if others else None


def queued_order_number(tracker: Tracker, request: str, serving_orders: bool) -> str | None:
    """The order number of the latest message that belongs to the queued `request`.

    The one in the request's own clause; else, when the flow being served also works on an
    order, its number is the first one named and the queued request's the last ("cancel
    KF-500001 and check KF-500004").
    """
    numbers = [str(n) for n in latest_entity_values(tracker, "order_number")]
    if not numbers or (serving_orders and len(numbers) < 2):
        return None
    return order_for_request(latest_text(tracker), request) or numbers[-1]


def next_step(request: str, verified: bool) -> str | None:
    """The action that serves `request`: the direct action once verified, else its form."""
    if verified and request in _DIRECT:
        return _DIRECT[request]
    return _FORMS.get(request) or _DIRECT.get(request)


def pending_events(request: str, order_number: str | None) -> dict[str, str | None]:
    return {slots.PENDING_REQUEST: request, slots.QUEUED_ORDER: order_number}


# Free text that says why (a return's reason, a ticket's problem): a side question with no
# reason in it is no answer. A rating comment or an address may be anything.
WHY_SLOTS = frozenset({slots.RETURN_REASON, slots.TICKET_DESCRIPTION})
# Forms where a bare "cancel" answers the question: the cancellation itself, and the rating
# (which reads it as declining the survey).
_CANCEL_ANSWERS = frozenset({"cancel_order_form", "csat_form"})


def called_off(tracker: Tracker, form: str) -> bool:
    """Whether the customer's answer stops the flow though NLU read no `stop` in it."""
    asked = tracker.get_slot("requested_slot")
    text = latest_text(tracker)
    if asked in WHY_SLOTS and gives_up(text):
        return True  # "ach nee, doch nicht" asked why: NLU reads a "no", no reason either
    # "cancel" alone: NLU reads a cancellation (or, asked for an address, it was taken as one).
    return asked is not None and form not in _CANCEL_ANSWERS and cancels_this(text)


# "and cancel KF-500002 too", "KF-500002 bitte auch stornieren", "KF-500002也取消".
_ONE_ORDER_EACH = frozenset({"cancel_order", "return_order"})
_TOO = re.compile(r"\b(?:too|also|as well|auch|ebenfalls|außerdem)\b|也|还有|另外", re.IGNORECASE)


def another_order_too(tracker: Tracker, form: str) -> str | None:
    """The other order a cancellation or return names for the same request while it asks about
    its own order: queued for after this one, not an answer to the question."""
    own = FORM_REQUESTS.get(form)
    current = tracker.get_slot(slots.ORDER_NUMBER)
    if own not in _ONE_ORDER_EACH or not current or tracker.get_slot("requested_slot") is None:
        return None
    text = latest_text(tracker)
    if not _TOO.search(text) or (own not in requests_in(text) and latest_intent(tracker) != own):
        return None
    numbers = [
        normalize_order_number(str(n)) for n in latest_entity_values(tracker, "order_number")
    ]
    others = [n for n in numbers if n is not None and n != normalize_order_number(str(current))]
    return others[0] if others else None
