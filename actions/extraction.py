"""Turning the latest message into slot candidates: entities first, the raw text when asked."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.forms import REQUESTED_SLOT

from actions import slots
from actions.conversation import (
    is_button_payload,
    latest_entity_values,
    latest_intent,
    latest_text,
    verified_customer_id,
)
from actions.language import requested_language
from crm_store.services.tickets import TICKET_CATEGORIES

# Questions a customer may ask in the middle of a form; their text is not an answer, so the
# extractors leave it alone, the form rejects the turn and the rules answer the question.
DIGRESSION_INTENTS = frozenset(
    {"faq", "chitchat", "bot_challenge", "what_can_you_do", "complain", "switch_language"}
)

# A side question NLU is sure of, asked where a form wants the customer's own words ("how long
# do refunds take?" when asked why the item goes back): answered by the rules, then asked again.
_QUESTION_INTENTS = frozenset({"faq", "chitchat", "bot_challenge", "what_can_you_do"})
_QUESTION = re.compile(
    r"[?？]\s*$|吗\s*$|^\s*(?:怎么|怎样|多久|多长时间|什么|为什么|哪|能不能|可不可以|可以|是否)|"
    r"^\s*(?:how|what|when|where|why|which|who|can|could|do|does|is|are|will|"
    r"wie|was|wann|wo|warum|wieso|welche\w*|kann|können|koennen|gibt|ist|sind)\b",
    re.IGNORECASE,
)

# The longest free text kept in a slot; the input guard already refuses much longer messages.
MAX_FREE_TEXT_CHARS = 2000

_CATEGORY_KEYWORDS: dict[str, tuple[str, ...]] = {
    "delivery": (
        "deliver", "parcel", "package", "shipping", "shipment", "courier", "driver", "arrive",
        "tracking", "dhl", "ups", "dpd", "late", "lost", "missing", "hasn't come", "has not come",
        "didn't come", "never came", "not come", "not here", "isn't here", "supposed to be here",
    ),
    "payment": (
        "pay", "charge", "invoice", "bill", "card", "refund", "money", "price", "paypal",
    ),
    "product": (
        "product", "broke", "damaged", "defect", "faulty", "quality", "size", "scratch",
        "not working", "doesn't work", "does not work", "stopped working", "stops working",
        "leak", "crack", "shatter", "won't turn on", "doesn't turn on", "wrong item",
        "wrong product", "wrong colour", "wrong color", "no sound", "won't charge",
        "doesn't charge", "not charging", "malfunction",
    ),
    "account": (
        "account", "login", "log in", "password", "sign in", "email", "address", "profile",
        "my name", "surname", "last name", "my data", "personal data", "privacy", "gdpr",
        "newsletter", "unsubscribe",
    ),
    "other": ("other", "something else"),
}  # fmt: skip
# The same in German (typed instead of pressing a button), matched at the start of a word too.
_CATEGORY_KEYWORDS_DE: dict[str, tuple[str, ...]] = {
    "delivery": (
        "liefer", "geliefert", "paket", "versand", "sendung", "zustell", "zugestellt", "fahrer",
        "kurier", "bote", "angekommen", "verspät", "noch nicht da", "wo bleibt",
    ),
    "payment": (
        "zahl", "bezahl", "rechnung", "abbuch", "abgebucht", "karte", "erstatt", "geld", "preis",
    ),
    "product": (
        "produkt", "artikel", "kaputt", "beschädigt", "defekt", "funktioniert nicht", "undicht",
        "tropf", "zerkratzt", "gerissen", "geht nicht", "aufgehört zu funktionieren", "kein ton",
        "keinen ton", "lädt nicht", "reagiert nicht",
    ),
    "account": (
        "konto", "passwort", "anmeld", "login", "e-mail", "adresse", "profil", "nachname",
        "meine daten", "daten lösch", "datenschutz", "dsgvo", "newsletter", "abmelden",
    ),
    "other": ("sonstig", "etwas anderes", "anderes"),
}  # fmt: skip
# And in Chinese, where words have no boundary: matched anywhere in the text.
_CATEGORY_KEYWORDS_ZH: dict[str, tuple[str, ...]] = {
    "delivery": ("配送", "快递", "物流", "包裹", "送货", "发货", "司机", "没收到", "没到"),
    "payment": ("付款", "支付", "扣款", "发票", "退款", "价格", "钱"),
    "product": (
        "商品", "产品", "坏", "破损", "碎", "质量", "尺寸", "漏", "裂", "不能用", "用不了", "发错",
        "不亮", "不工作", "没声音", "没有声音", "没反应", "开不了机", "充不进电", "失灵", "故障",
    ),
    "account": (
        "账户", "账号", "密码", "登录", "邮箱", "地址", "姓名", "名字", "个人信息", "我的数据",
        "隐私", "退订",
    ),
    "other": ("其他", "别的"),
}  # fmt: skip
# Keywords match at the start of a word, so "deliver" finds "delivered" but "late" not "plate".
_CATEGORY_PATTERNS = {
    category: re.compile(
        r"\b(?:"
        + "|".join(re.escape(k) for k in (*keywords, *_CATEGORY_KEYWORDS_DE[category]))
        + ")|"
        + "|".join(re.escape(k) for k in _CATEGORY_KEYWORDS_ZH[category])
    )
    for category, keywords in _CATEGORY_KEYWORDS.items()
}

# "doesnt work", "wont turn on": the keywords' "doesn't", "won't" typed without the apostrophe.
_MISSING_APOSTROPHE = re.compile(r"\b(doesn|don|isn|won|didn|hasn|wasn|aren|can)(t)\b")

_RATING_WORDS = {
    **{"one": 1, "two": 2, "three": 3, "four": 4, "five": 5},
    **{"eins": 1, "zwei": 2, "drei": 3, "vier": 4, "fünf": 5, "fuenf": 5},
    **{"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5},
}
# A lone digit 1-5 ("4", "4 stars", "4/5"), not part of "10", "4.5" or "4,5".
_RATING_IN_TEXT = re.compile(r"(?<!\d)(?<!\d[.,])([1-5])(?:\s*(?:/|out of)\s*5)?(?!\d|[.,]\d)")
# Star emoji typed as the rating ("⭐⭐⭐⭐"), one to five of them, and a mark out of ten.
_STARS = re.compile(r"\s*(?:[\u2b50\u2605\U0001f31f]\ufe0f?\s*){1,5}")
_OUT_OF_TEN = re.compile(r"(?<![\d.,])(10|[1-9])\s*(?:/|out of|von)\s*10(?!\d)")
# "four", "vier Sterne", "五星", "打五分", "一颗星" (a Chinese numeral counts next to 星 or 分, or
# alone, not inside other words).
_RATING_WORD_IN_TEXT = re.compile(
    r"\b(one|two|three|four|five|eins|zwei|drei|vier|fünf|fuenf)\b"
    r"|([一二两三四五])(?=\s*(?:颗|个)?\s*(?:星|分))|^\W*([一二两三四五])\W*$"
)
# The ends of the scale as the question names them, and the usual satisfaction anchors; "good"
# or "sehr gut" (a German school's best grade is 1) say no number.
_RATING_ANCHORS = {
    **dict.fromkeys(("excellent", "very satisfied", "ausgezeichnet", "sehr zufrieden"), 5),
    **dict.fromkeys(("非常好", "很满意", "非常满意"), 5),
    **dict.fromkeys(("poor", "very dissatisfied", "schlecht", "sehr unzufrieden"), 1),
    **dict.fromkeys(("差", "很不满意", "非常不满意"), 1),
}

_YES = re.compile(r"^(yes|yeah|yep|yup|ja|sure|ok|okay|correct|right|please do|go ahead|do it|y)\b")
_NO = re.compile(r"^(no|nope|nah|nein|don't|do not|not now|cancel that|n)\b")
# German words that need a word boundary, and Chinese ones, which have none ("是的", "不要").
_YES_OTHER = re.compile(
    r"^(?:(?:genau|gerne|klar|jawohl|richtig|einverstanden)\b|是|好|对|可以|确定|嗯|行)"
)
_NO_OTHER = re.compile(r"^(?:(?:nee|lieber nicht|auf keinen fall)\b|不|没有|别|算了)")
# A whole message made only of "no thanks"-like words ("no, all good"), not "no complaints!".
_DECLINE = re.compile(
    r"^(?:(?:no|nope|nah|nothing|none|not really|no thanks?|no thank you|no comments?|all good"
    r"|that'?s all|i'?m good|i'?m fine|thanks?|thank you|bye|goodbye)(?:[\s,.!]+|$))+$"
)
# Up to this many words, a message NLU reads as `deny` is a "no" too.
_SHORT_ANSWER_WORDS = 3
# "why not?", "warum nicht", "为什么不行": a question about the answer, never a "no".
_ASKS_WHY = re.compile(
    r"^(?:why|how come|what for|what do you need (?:it|that|this|them) for"
    r"|warum|wieso|weshalb|wozu|für was|为什么|为啥|怎么|干嘛|干什么)",
    re.IGNORECASE,
)
# A typed answer to "what is it about?" this long is already the description.
MIN_DESCRIPTION_WORDS = 4
# Chinese has no spaces between words: about two characters make a word.
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_CHARACTERS_PER_CHINESE_WORD = 2


def word_count(text: str) -> float:
    """Words in `text`, whatever its script ("我的发票上的地址写错了" has about five)."""
    han = len(_HAN.findall(text))
    return len(_HAN.sub(" ", text).split()) + han / _CHARACTERS_PER_CHINESE_WORD


def requested_slot(tracker: Tracker) -> str | None:
    value = tracker.get_slot(REQUESTED_SLOT)
    return str(value) if value else None


def first_entity(tracker: Tracker, *entities: str) -> Any | None:
    """The value of the first of `entities` found in the latest message, in the order given."""
    for entity in entities:
        values = latest_entity_values(tracker, entity)
        if values:
            return values[0]
    return None


def answer_text(tracker: Tracker, free_text: bool = False) -> str | None:
    """The latest message as a typed answer (never a button payload).

    For a value with a shape (an email, a number, yes/no) a side question is not an answer. Free
    text (a description, a reason, a comment) is taken whatever intent NLU saw in it: "it arrived
    scratched" may well look like a returns question.
    """
    text = latest_text(tracker).strip()
    if not text or is_button_payload(text):
        return None
    if not free_text and latest_intent(tracker) in DIGRESSION_INTENTS:
        return None
    if asks_for_a_language(tracker):  # "Sprechen Sie Englisch?" is no return reason
        return None
    return text[:MAX_FREE_TEXT_CHARS]


def is_side_question(tracker: Tracker) -> bool:
    """The latest message is a question NLU reads as an FAQ or small talk."""
    return latest_intent(tracker) in _QUESTION_INTENTS and bool(
        _QUESTION.search(latest_text(tracker))
    )


def asks_for_a_language(tracker: Tracker) -> bool:
    """The latest message asks for a language it names: no answer to any question."""
    return (
        latest_intent(tracker) == "switch_language"
        and requested_language(latest_text(tracker)) is not None
    )


def flow_candidate(
    tracker: Tracker, slot: str, entities: tuple[str, ...] = (), free_text: bool = False
) -> Any | None:
    """A candidate for a slot asked after identification (order number, new email, ...).

    Only for a verified customer. Entities count in the request that starts the form ("cancel
    KF-500001") and when the slot is asked for; the raw text only when the slot is asked for.
    """
    if verified_customer_id(tracker) is None:
        return None
    requested = requested_slot(tracker)
    if requested not in (None, slot):
        return None
    value = first_entity(tracker, *entities) if entities else None
    if value is None and requested == slot:
        value = answer_text(tracker, free_text=free_text)
    return value


def free_text_answer(tracker: Tracker, slot: str) -> dict[str, Any]:
    """`slot` from a verified customer's typed answer when the form asks for it, else nothing."""
    if verified_customer_id(tracker) is None or requested_slot(tracker) != slot:
        return {}
    value = answer_text(tracker, free_text=True)
    return {} if value is None else {slot: value}


def parse_rating(value: Any) -> int | None:
    """1..5 from a button value, "4", "4 stars", "4/5", "I'd give you a four", "vier Sterne",
    "五星", "excellent", "⭐⭐⭐⭐", "8/10"; None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return int(value) if float(value).is_integer() and 1 <= value <= 5 else None
    text = str(value).strip().lower()
    stars = _STARS.fullmatch(text)
    if stars:
        return len(re.sub(r"\s", "", stars.group(0)))  # "⭐⭐⭐⭐": as many as there are
    out_of_ten = _OUT_OF_TEN.search(text)
    if out_of_ten:
        return (int(out_of_ten.group(1)) + 1) // 2  # "10/10" 5, "7/10" 4, "1/10" 1
    digits = _RATING_IN_TEXT.findall(text)
    words = [
        next(group for group in match if group) for match in _RATING_WORD_IN_TEXT.findall(text)
    ]
    if len(digits) == 1 and not words:
        return int(digits[0])
    if len(words) == 1 and not digits:
        return _RATING_WORDS[words[0]]
    if not digits and not words:
        return _RATING_ANCHORS.get(re.sub(r"[\W_]+", " ", text).strip())
    return None  # nothing, "10", "4.5", or two different numbers: ask again


# What gives the rating in a message ("5 stars", "4/5", "vier Sterne", "五星"): the rest of it
# may be a comment ("5 stars but it was a bit slow").
_RATING_WORDING = re.compile(
    r"\d+(?:\s*(?:/|out of|von)\s*\d+)?|\b(?:stars?|sterne?|points?|punkte?)\b|[星分颗⭐★🌟]"
    rf"|\b(?:{'|'.join(w for w in _RATING_WORDS if not _HAN.match(w))})\b"
    rf"|[{''.join(w for w in _RATING_WORDS if _HAN.match(w))}]"
    r"|\b(?:i'?d|i|would|give|gave|you|a|an|rate|rating|my|is|it|ich|gebe|würde|ihnen|euch"
    r"|eine?n?|bewertung)\b|给|打",
    re.IGNORECASE,
)
# Words besides the rating that make a comment of the message.
MIN_COMMENT_WORDS = 2


def comment_with_rating(text: str) -> str | None:
    """The whole message as the rating's comment, when it says more than the rating."""
    rest = re.sub(r"[^\w\s]", " ", _RATING_WORDING.sub(" ", text))
    return text.strip() if word_count(rest) >= MIN_COMMENT_WORDS else None


def parse_confirmation(value: Any) -> bool | None:
    """True for yes, False for no, None when the answer is neither."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if _YES.match(text) or _YES_OTHER.match(text):
        return True
    if _NO.match(text) or _NO_OTHER.match(text):
        return False
    return None


def confirmation_candidate(tracker: Tracker) -> bool | str | None:
    """The affirm/deny intents decide; otherwise the typed text is judged by the validator."""
    intent = latest_intent(tracker)
    if intent == slots.INTENT_AFFIRM:
        return True
    if intent == slots.INTENT_DENY:
        return False
    return answer_text(tracker)


# "I don't remember my email", "hab ich vergessen", "忘了": the customer lacks what was asked.
_LACKS_IT = re.compile(
    r"\b(?:don'?t|do not|can'?t|cannot|didn'?t)\s+(?:\w+\s+){0,2}?"
    r"(?:remember|recall|know|find|have)\b"
    r"|\bforg[eo]t|\bno (?:idea|clue)\b|\bnot sure\b"
    r"|\bvergessen\b|\b(?:weiß|weiss|kenne|finde)\s+(?:ich\s+)?(?:\w+\s+){0,3}?(?:nicht|keine)\b"
    r"|\bkeine ahnung\b|\bhabe? (?:ich )?(?:\w+ ){0,3}?(?:keine|nicht)\b|\bnicht (?:mehr )?sicher\b"
    r"|忘了|忘记|不记得|记不得|记不清|不知道|没有|不清楚|找不到",
    re.IGNORECASE,
)


def lacks_it(text: str) -> bool:
    """The answer says the customer does not know or have what the question asked for."""
    return _LACKS_IT.search(text) is not None


def asks_why(text: str) -> bool:
    """The answer is a question why ("why do you need that?", "wozu?", "为什么要这个")."""
    return _ASKS_WHY.match(text.strip()) is not None


def is_decline(tracker: Tracker) -> bool:
    """The customer answers "no" / "nothing" rather than giving a value."""
    text = latest_text(tracker).strip().lower()
    if _DECLINE.match(text):
        return True
    if asks_why(text):
        return False
    return latest_intent(tracker) == slots.INTENT_DENY and len(text.split()) <= _SHORT_ANSWER_WORDS


def guess_ticket_category(text: str) -> str | None:
    """The category whose keywords `text` names most often (on a tie the first: delivery before
    payment, ...): "the jar is cracked and leaks, I want a refund" is about the product."""
    lowered = _MISSING_APOSTROPHE.sub(r"\1'\2", text.strip().lower().replace("’", "'"))
    if lowered in TICKET_CATEGORIES:
        return lowered
    hits = {
        category: len(pattern.findall(lowered)) for category, pattern in _CATEGORY_PATTERNS.items()
    }
    best = max(hits, key=lambda category: hits[category])  # the first of the most named
    if hits[best]:
        return best
    return None
