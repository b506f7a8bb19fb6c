"""Conversations found failing by probing the running bot (stop 33): "why do you need that?"
and "I don't know my postcode" asked back at the identification questions, which got the
clarifying question, a wrong-answer message, or a switch to another request ("I just moved"
read as an address change); a return asked for with its defect ("I want to return my headphones,
they stopped working"), which opened a ticket instead; the customer number and postcode typed
before the problem, which went into the ticket's description; and "hi" then "bye", which got
the rating question about a conversation with nothing in it; and the refund of a returned order
asked about, which started a return ("already returned") or got the fallback; two requests in a
message NLU could not place, which got the clarifying question; a phone number glued to Chinese
text, of which only the digits after the country code were read (and saved with +86); and an
order named by its item in a status question ("wo ist mein Toaster"), answered with the latest
order; "which order shall I cancel?" asked of a list of one; and a short follow-up to an FAQ
answer ("多久" after the warranty), which got the shipping times; and the delivery address of an
order asked to be changed, which changed the account's without a word about the order's; a name
given for "who are you?" ("That doesn't look like an email address"); and a rating with its
comment in one message, whose comment was asked for again; and "I need to talk to someone
about …", read as a ticket, which got an apology telling the customer to say "human"; and a
mistyped email ("anna.neu@gmail,com"), whose "neu" switched an English conversation to German."""

from __future__ import annotations

from tests.conversations.scenarios_chinese import ZH_ASK_CONTACT, ZH_ASK_FACT
from tests.conversations.scenarios_en import ASK_CONTACT, ASK_FACT
from tests.conversations.scenarios_german import DE_ASK_CONTACT, DE_ASK_FACT
from tests.conversations.support import Scenario, handed_off, phone_is, ticket_with

# Anna (anna.schmidt@example.com, postcode 10115, order KF-500001) and Ben (C10002): the demo
# customers, read only.
QUESTIONS_AT_IDENTIFICATION = [
    Scenario(
        "'why do you need that?' to 'who are you?': why, then the question again",
        "wording",
        [
            ("where is my parcel", [ASK_CONTACT]),
            ("why do you need that?", ["nobody else", ASK_CONTACT, "!not sure", "!doesn't look"]),
            ("anna.schmidt@example.com", [ASK_FACT]),
        ],
    ),
    Scenario(
        "'I don't know my postcode, I just moved': an order number will do, and the order request"
        " goes on",
        "wording",
        [
            ("where is my parcel", [ASK_CONTACT]),
            ("anna.schmidt@example.com", [ASK_FACT]),
            (
                "i dont know my postcode, i just moved",
                ["any of your orders", ASK_FACT, "!isn't a 5-digit", "!For your security"],
            ),
            ("why do you need that?", ["nobody else", ASK_FACT, "!not sure"]),
            ("the hoodie one", ["isn't a 5-digit postcode", ASK_FACT, "!Thanks!"]),
            ("KF-500001", ["verified", "KF-500001", "!new address"]),
        ],
    ),
    Scenario(
        "de: 'wozu brauchen Sie das?' and 'die weiß ich nicht' at the identification",
        "german",
        [
            ("Wo ist mein Paket?", [DE_ASK_CONTACT]),
            ("wozu brauchen Sie das?", ["niemand sonst", DE_ASK_CONTACT, "!nicht sicher"]),
            ("anna.schmidt@example.com", [DE_ASK_FACT]),
            ("die weiß ich nicht", ["Bestellbestätigung", DE_ASK_FACT, "!nicht sicher"]),
        ],
    ),
    Scenario(
        "zh: '为什么要这个？' and '我不记得邮编了' at the identification",
        "chinese",
        [
            ("我的包裹到哪了", [ZH_ASK_CONTACT]),
            ("为什么要这个？", ["不让别人", ZH_ASK_CONTACT, "!不确定"]),
            ("C10002", [ZH_ASK_FACT]),
            ("我不记得邮编了", ["订单确认邮件", ZH_ASK_FACT, "!不确定"]),
        ],
    ),
]

A_RETURN_WITH_ITS_DEFECT = [
    Scenario(
        "'I want to return my headphones, they stopped working': a return, not a ticket",
        "wording",
        [
            ("hi i want to return my headphones they stopped working after a week", [ASK_CONTACT]),
            ("{email}", [ASK_FACT]),
            ("{postcode}", ["{order}", "!open a ticket", "!I've opened"]),
        ],
        needs="delivered",
    ),
]

DETAILS_BEFORE_THE_PROBLEM = [
    Scenario(
        "email and postcode typed before the problem stay out of the ticket's description",
        "carry",
        [
            (
                "{email} {postcode} my kettle doesnt heat anymore, please open a ticket",
                ["description: “my kettle doesnt heat anymore", "!description: “{email}"],
            ),
            ("yes", ["I've opened ticket"]),
        ],
        needs="any",
        check=ticket_with("my kettle doesnt heat anymore"),
    ),
]

NOTHING_TO_RATE = [
    Scenario(
        "'hi' then 'thanks bye': goodbye, no rating asked",
        "wording",
        [("hi", ["Kefu"]), ("thanks bye", ["Goodbye", "!rate this conversation"])],
    ),
    Scenario(
        "de: 'Hallo' then 'tschüss': goodbye, no rating asked",
        "german",
        [("Hallo", ["Kefu"]), ("tschüss", ["Auf Wiedersehen", "!bewerten"])],
    ),
]

THE_REFUND_OF_A_RETURN = [
    Scenario(
        "'what happened to my refund for KF-…': the order was returned, when the money comes",
        "wording",
        [
            ("what happened to my refund for {order}", [ASK_CONTACT]),
            ("{email}", [ASK_FACT]),
            ("{postcode}", ["{order}", "was returned", "5 working days"]),
        ],
        needs="returned",
    ),
    Scenario(
        "de: 'Ist die Erstattung für KF-… schon raus?': returned, when the money comes",
        "german",
        [
            ("Ist die Erstattung für {order} schon raus?", [DE_ASK_CONTACT]),
            ("{email}", [DE_ASK_FACT]),
            ("{postcode}", ["{order}", "zurückgeschickt", "5 Werktagen"]),
        ],
        needs="returned",
    ),
]

TWO_REQUESTS_NLU_COULD_NOT_PLACE = [
    Scenario(
        "'2 things: where is my order and change my phone to …' with who it is: both served",
        "wording",
        [
            (
                "hi, {email} here, postcode {postcode}. 2 things: where is my order and can you"
                " change my phone to +49 151 23456789",
                ["verified", "phone number is now", "!not sure"],
            ),
        ],
        needs="any",
        check=phone_is("+4915123456789"),
    ),
]

A_PHONE_GLUED_TO_CHINESE = [
    Scenario(
        "zh: '…帮我把手机号改成+44 20 7946 0999': the whole number, with its country code",
        "chinese",
        [
            (
                "你好，我的邮箱是{email}，邮编{postcode}。帮我把手机号改成+44 20 7946 0999",
                ["+44", "!+86"],
            ),
        ],
        needs="any",
        check=phone_is("+442079460999"),
    ),
]

AN_ORDER_ASKED_ABOUT_BY_ITS_ITEM = [
    Scenario(
        "de: 'Wo ist mein Toaster?': the order with the toaster, not the latest",
        "german",
        [
            ("Wo ist mein Toaster?", [DE_ASK_CONTACT]),
            ("C10002", [DE_ASK_FACT]),
            ("20095", ["KF-500004", "!KF-500005"]),
        ],
    ),
]

ONE_ORDER_THAT_FITS = [
    Scenario(
        "'cancel both of my orders' when only one can be: that one is offered for a yes",
        "wording",
        [
            ("I want to cancel both of my orders", [ASK_CONTACT]),
            ("anna.schmidt@example.com", [ASK_FACT]),
            (
                "10115",
                ["Only this one can still be cancelled", "KF-500001", "Say yes", "!These can"],
            ),
            ("no", ["!Shall I cancel"]),
        ],
    ),
]

A_FOLLOW_UP_TO_AN_FAQ = [
    Scenario(
        "'is there a warranty?' then 'how long?': the warranty's length, not shipping",
        "follow-up",
        [
            ("is there a warranty?", ["warranty"]),
            ("how long?", ["warranty", "!working days"]),
        ],
    ),
    Scenario(
        "de: 'Gibt es eine Garantie?' then 'wie lange?': the warranty again",
        "german",
        [
            ("Gibt es eine Garantie?", ["Gewährleistung"]),
            ("wie lange?", ["Gewährleistung", "!Werktage"]),
        ],
    ),
    Scenario(
        "zh: '有没有保修' then '多久': the warranty again",
        "chinese",
        [("有没有保修", ["保修"]), ("多久", ["保修", "!工作日"])],
    ),
]

THE_ADDRESS_OF_AN_ORDER = [
    Scenario(
        "'change the delivery address of my order': what changes, before the new address",
        "wording",
        [
            ("can you change the delivery address of my order?", [ASK_CONTACT]),
            ("anna.schmidt@example.com", [ASK_FACT]),
            ("10115", ["address on your account", "already placed keeps", "new address"]),
            ("never mind", ["stopped there"]),
        ],
    ),
    Scenario(
        "de: 'Lieferadresse meiner Bestellung ändern': what changes, before the new address",
        "german",
        [
            ("Ich möchte die Lieferadresse meiner Bestellung ändern", [DE_ASK_CONTACT]),
            ("anna.schmidt@example.com", [DE_ASK_FACT]),
            ("10115", ["Kundenkonto", "behält ihre Lieferadresse"]),
        ],
    ),
]

A_NAME_FOR_WHO_ARE_YOU = [
    Scenario(
        "'I'm Anna Schmidt' to 'who are you?': a name alone finds nobody",
        "wording",
        [
            ("where is my order", [ASK_CONTACT]),
            ("I'm Anna Schmidt", ["by your name alone", ASK_CONTACT, "!doesn't look like"]),
        ],
    ),
    Scenario(
        "zh: '我叫陈静' to 'who are you?': a name alone finds nobody",
        "chinese",
        [
            ("我的订单到哪了", [ZH_ASK_CONTACT]),
            ("我叫陈静", ["仅凭姓名", ZH_ASK_CONTACT, "!看起来不像"]),
        ],
    ),
]

A_RATING_WITH_ITS_COMMENT = [
    Scenario(
        "'5 stars but it was a bit slow': rating and comment saved, no question for the comment",
        "wording",
        [
            ("how long does shipping take", ["working days"]),
            ("bye", ["rate"]),
            (
                "5 stars but it was a bit slow",
                ["Thank you for your feedback", "!anything you'd like to tell us"],
            ),
        ],
    ),
]

A_PERSON_ASKED_FOR_WITH_THE_TOPIC = [
    Scenario(
        "'I need to talk to someone about a missing refund, …third time': a person, at once",
        "wording",
        [
            (
                "I need to talk to someone about a missing refund, this is the third time I'm"
                " writing",
                ["our team", "!just say", "!make sure it's you", "!open a ticket"],
            ),
        ],
        check=handed_off(),
    ),
]

A_MISTYPED_EMAIL = [
    Scenario(
        "'anna.neu@gmail,com' for the new email: told so in English, not switched to German",
        "wording",
        [
            ("I want to change my email", [ASK_CONTACT]),
            ("C10001", ["postcode or the number"]),
            ("10115", ["new email address"]),
            (
                "anna.neu@gmail,com",
                ["doesn't look like a valid email", "!Das sieht", "!we have for you"],
            ),
            ("never mind", ["stopped there"]),
        ],
    ),
]

SCENARIOS = (
    QUESTIONS_AT_IDENTIFICATION
    + A_RETURN_WITH_ITS_DEFECT
    + DETAILS_BEFORE_THE_PROBLEM
    + NOTHING_TO_RATE
    + THE_REFUND_OF_A_RETURN
    + TWO_REQUESTS_NLU_COULD_NOT_PLACE
    + A_PHONE_GLUED_TO_CHINESE
    + AN_ORDER_ASKED_ABOUT_BY_ITS_ITEM
    + ONE_ORDER_THAT_FITS
    + A_FOLLOW_UP_TO_AN_FAQ
    + THE_ADDRESS_OF_AN_ORDER
    + A_NAME_FOR_WHO_ARE_YOU
    + A_RATING_WITH_ITS_COMMENT
    + A_PERSON_ASKED_FOR_WITH_THE_TOPIC
    + A_MISTYPED_EMAIL
)
