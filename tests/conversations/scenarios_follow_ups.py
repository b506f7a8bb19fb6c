"""Customers who refer back to what was just said ("when will it arrive?", "the second one",
"return it"), and customers who get identification wrong the first time."""

from __future__ import annotations

from tests.conversations.scenarios_chinese import ZH_ASK_FACT
from tests.conversations.scenarios_en import (
    ANNA,
    ANNA_DHL,
    ANNA_POSTCODE,
    ASK_CONTACT,
    ASK_FACT,
)
from tests.conversations.scenarios_german import DE_ASK_CONTACT, DE_ASK_FACT
from tests.conversations.support import (
    Scenario,
    no_ticket_for_the_order,
    order_is,
    phone_is,
    ticket_about_the_order,
    ticket_with,
)

# Follow-ups that refer back to what was just said.
FOLLOW_UPS = [
    Scenario(
        "'when will it arrive' is about the order just shown",
        "follow-up",
        [
            ("wher is my ordr KF-500002", [ASK_CONTACT]),
            (ANNA, [ASK_FACT]),
            (ANNA_POSTCODE, [ANNA_DHL]),
            ("and when will it arrive", ["KF-500002", ANNA_DHL, "!KF-500001"]),
        ],
    ),
    Scenario(
        "'return it' after a refused cancel is about the same order",
        "follow-up",
        [
            ("cancel KF-500002", [ASK_CONTACT]),
            (ANNA, [ASK_FACT]),
            (ANNA_POSTCODE, ["already shipped"]),
            ("ok then I want to return it", ["KF-500002", "!Which order"]),
        ],
    ),
    Scenario(
        "'cancel my order' after a status answer still asks which order",
        "follow-up",
        [
            ("where is KF-500002", [ASK_CONTACT]),
            (ANNA, [ASK_FACT]),
            (ANNA_POSTCODE, [ANNA_DHL]),
            ("I want to cancel my order", ["Which order", "!already shipped"]),
            ("stop", ["stopped"]),
        ],
    ),
    Scenario(
        "'the second one' after the list of orders",
        "follow-up",
        [
            ("show me my last orders", [ASK_CONTACT]),
            (ANNA, [ASK_FACT]),
            (ANNA_POSTCODE, ["KF-500001", "KF-500002", "KF-500003"]),
            ("the second one, where is it?", [ANNA_DHL, "!Laptop sleeve"]),
        ],
    ),
    Scenario(
        "an email sent after an apology starts the identification",
        "follow-up",
        [
            ("this is the worst shop ever, my order is 3 weeks late!!!", ["sorry"]),
            (ANNA, [ASK_FACT, "!What would you like me to do"]),
            # The apology's offer is still open: asked again rather than "What can I do?".
            (ANNA_POSTCODE, ["Anna", "verified", "open a ticket", "!What can I do for you?"]),
        ],
    ),
    Scenario(
        "a status question about two orders answers both",
        "follow-up",
        [
            ("where are KF-500001 and KF-500002", [ASK_CONTACT]),
            (ANNA, [ASK_FACT]),
            (ANNA_POSTCODE, ["KF-500001", "Laptop sleeve", "KF-500002", ANNA_DHL]),
        ],
    ),
]

# Customers who get identification wrong the first time.
IDENTIFICATION = [
    Scenario(
        "a corrected postcode after a wrong one is tried with the same email",
        "identification",
        [
            ("where's my stuff", [ASK_CONTACT]),
            (ANNA, [ASK_FACT]),
            ("99999", ["couldn't verify"]),
            ("oh sorry 10115", ["Anna", "verified", "KF-500001"]),
        ],
    ),
    Scenario(
        "another contact given at the proof question replaces the first",
        "identification",
        [
            ("track order KF-500002", [ASK_CONTACT]),
            ("nobody@nowhere.example.com", [ASK_FACT]),
            ("ok then C10001", [ASK_FACT, "!5-digit"]),
            (ANNA_POSTCODE, ["Anna", ANNA_DHL]),
        ],
    ),
]


# Customers who say who they are unasked, or ask again while being asked who they are.
UNASKED = [
    Scenario(
        "a greeting with the email starts the identification",
        "identification",
        [
            ("hi, {email}", [ASK_FACT]),
            ("postcode {postcode}", ["verified"]),
            ("what did I order recently?", ["!make sure it's you"]),
        ],
        needs="any",
    ),
    Scenario(
        "de: a greeting with the email starts the identification",
        "identification",
        [("Hallo, hier ist {email}", [DE_ASK_FACT]), ("{postcode}", ["Sie sind bestätigt"])],
        needs="any",
    ),
    Scenario(
        "zh: a greeting with the email starts the identification",
        "identification",
        [("你好，我的邮箱是{email}", [ZH_ASK_FACT]), ("{postcode}", ["身份已确认"])],
        needs="any",
    ),
    Scenario(
        "the request again, with its order, while asked who they are",
        "identification",
        [
            ("How do I return something?", [ASK_CONTACT]),
            ("ok I want to return {order}", [ASK_CONTACT, "!doesn't look like"]),
            ("{email}", [ASK_FACT]),
            ("{postcode}", ["sending back order {order}"]),
        ],
        needs="delivered",
    ),
    Scenario(
        "a parcel on its way: the status says by when it should arrive",
        "follow-up",
        [
            (
                "hey i ordered {order} like 2 weeks ago and it still hasnt arrived whats going on",
                [ASK_CONTACT],
            ),
            ("{email}", [ASK_FACT]),
            ("{postcode}", ["{order}", "arrive"]),
        ],
        needs="shipped",
    ),
    Scenario(
        "'cancle my ordr' is a cancel request",
        "follow-up",
        [
            ("cancle my ordr {order} plz", [ASK_CONTACT]),
            ("{email}", [ASK_FACT]),
            ("{postcode}", ["cancel order {order}"]),
            ("ya", ["{order} is cancelled"]),
        ],
        needs="cancellable",
        check=order_is("cancelled"),
    ),
    Scenario(
        "a name change goes to the team as an account ticket",
        "follow-up",
        [
            ("I got married, please change my last name to Miller", [ASK_CONTACT]),
            ("{email}", [ASK_FACT]),
            ("{postcode}", ["ticket (account)", "Miller"]),
        ],
        needs="any",
    ),
    Scenario(
        "a cracked, leaking jar with a refund asked for is a product problem",
        "follow-up",
        [
            (
                "Hello, I got {order} yesterday but the blender jar is cracked and it leaks "
                "everywhere. I would like a replacement or refund please.",
                [ASK_CONTACT],
            ),
            ("{email}", [ASK_FACT]),
            ("{postcode}", ["ticket (product) about order {order}"]),
        ],
        needs="delivered",
    ),
    Scenario(
        "'it hasn't come, open a ticket' right after the status is about that order",
        "follow-up",
        [
            ("where is {order}", [ASK_CONTACT]),
            ("{email}", [ASK_FACT]),
            ("{postcode}", ["{order}"]),
            ("it hasn't come, open a ticket", ["ticket (delivery) about order {order}"]),
            ("yes", ["I've opened ticket"]),
        ],
        needs="shipped",
        check=ticket_about_the_order(),
    ),
    Scenario(
        "'and my phone to …' after an email change changes the phone too",
        "follow-up",
        [
            ("change my email to fresh.{id}@example.org", [ASK_CONTACT]),
            ("{email}", ["confirm"]),
            ("{postcode}", ["email address is now"]),
            ("and my phone to +49 170 1234567", ["phone number is now", "!what would you like"]),
        ],
        needs="any",
        check=phone_is("+491701234567"),
    ),
    Scenario(
        "'and to austria?' after the shipping answer asks it again",
        "follow-up",
        [("how much is shipping", ["working days"]), ("and to austria?", ["working days"])],
    ),
    Scenario(
        "adding an item to an order, or undoing a cancel, gets why not and what instead",
        "follow-up",
        [
            ("can I add an item to my order", ["can't change an order", "cancel it for you"]),
            ("i cancelled by mistake, can you undo that", ["bring back one that was cancelled"]),
        ],
    ),
    Scenario(
        "'nvm' at the contact question ends the flow",
        "follow-up",
        [("track my package pls", [ASK_CONTACT]), ("nvm", ["!doesn't look like", "!make sure"])],
    ),
    Scenario(
        "'when do i get my money' after sending back is the returns policy, no new return",
        "follow-up",
        [("hi i sent back my order {order} last week, when do i get my money", ["refund"])],
        needs="delivered",
        check=no_ticket_for_the_order(),
    ),
    Scenario(
        "'for a bigger size' is the reason of an exchange",
        "follow-up",
        [
            ("can I exchange {order} for a bigger size?", [ASK_CONTACT]),
            ("{email}", [ASK_FACT]),
            ("{postcode}", ["return request for order {order}", "!why you're sending"]),
        ],
        needs="delivered",
        check=ticket_with("bigger size", kind="return"),
    ),
    Scenario(
        "de: 'Danke, und wann ungefähr?' after a status is about the same order",
        "follow-up",
        [
            ("Hallo, wo bleibt mein Paket? Bestellnummer {order}", [DE_ASK_CONTACT]),
            ("{email}", [DE_ASK_FACT]),
            ("{postcode}", ["{order}"]),
            ("Danke, und wann ungefähr?", ["{order}", "!nicht sicher"]),
        ],
        needs="shipped",
    ),
    Scenario(
        "'thank you, that's all' ends the conversation with the rating question",
        "follow-up",
        [
            ("where is {order}", [ASK_CONTACT]),
            ("{email}", [ASK_FACT]),
            ("{postcode}", ["{order}"]),
            ("perfect thank you, that's all", ["rate this conversation"]),
        ],
        needs="any",
    ),
]


SCENARIOS = FOLLOW_UPS + IDENTIFICATION + UNASKED
