"""Conversations found failing by probing the running bot (stop 37): an order number asked about
with no request named ("what about KF-500006?", "Was ist mit KF-500002?", "KF-500007怎么样了"),
answered "What would you like me to do with that?", and the next one ("ok and KF-500007") the
same; an order cancelled weeks ago, whose status still promised the money "within a few
days"; "and the other one?" after one order's status, from a customer with two, answered with
the clarifying question; and "hello?" while waiting for a person at night, told a colleague
replies "as soon as they can" right after being told they start on Monday."""

from __future__ import annotations

from tests.conversations.scenarios_en import (
    ANNA,
    ANNA_POSTCODE,
    ASK_CONTACT,
    ASK_FACT,
    BEN,
    BEN_POSTCODE,
)
from tests.conversations.scenarios_german import DE_ASK_CONTACT, DE_ASK_FACT
from tests.conversations.scenarios_probed_stop34 import CHLOE, CHLOE_POSTCODE
from tests.conversations.support import Scenario

# The bot's question for a value sent with no request (actions/context.py).
WHAT_TO_DO = "do with that"

AN_ORDER_ASKED_ABOUT = [
    Scenario(
        "verified: 'what about KF-500006?' is its status; 'ok and KF-500007' the next one's",
        "wording",
        [
            ("hi", []),
            (CHLOE, [ASK_FACT]),
            (CHLOE_POSTCODE, ["verified"]),
            ("what about KF-500006?", ["KF-500006", "cancelled", f"!{WHAT_TO_DO}"]),
            ("ok and KF-500007", ["KF-500007", "UPS", f"!{WHAT_TO_DO}"]),
        ],
    ),
    Scenario(
        "verified: a bare 'KF-500007' with nothing asked before still gets the question",
        "wording",
        [
            ("hi", []),
            (CHLOE, [ASK_FACT]),
            (CHLOE_POSTCODE, ["verified"]),
            ("KF-500007", [WHAT_TO_DO, "!UPS"]),
        ],
    ),
    Scenario(
        "'KF-500002?' from a stranger: who are you, then that order's status",
        "wording",
        [
            ("KF-500002?", [ASK_CONTACT]),
            (ANNA, [ASK_FACT]),
            (ANNA_POSTCODE, ["verified", "KF-500002", "DHL"]),
        ],
    ),
    Scenario(
        "de: 'Was ist mit KF-500002' from a stranger: who are you, then its status",
        "german",
        [
            ("hallo", []),
            ("Was ist mit KF-500002", [DE_ASK_CONTACT]),
            (ANNA, [DE_ASK_FACT]),
            (ANNA_POSTCODE, ["KF-500002", "DHL", "!Was soll ich"]),
        ],
    ),
    Scenario(
        "zh: verified, 'KF-500007怎么样了' is its status",
        "chinese",
        [
            ("hi", []),
            (CHLOE, [ASK_FACT]),
            (CHLOE_POSTCODE, ["verified"]),
            ("KF-500007怎么样了", ["KF-500007", "UPS"]),
        ],
    ),
]

A_REFUND_LONG_DUE = [
    Scenario(
        "an order cancelled weeks ago: where to turn if the money never came, not 'a few days'",
        "wording",
        [
            ("where is my order", [ASK_CONTACT]),
            (CHLOE, [ASK_FACT]),
            (CHLOE_POSTCODE, ["verified"]),
            ("what's the status of KF-500006", ["cancelled", "open a ticket", "!a few days"]),
            ("I can't find the refund", ["ticket", "payment"]),
        ],
    ),
]

A_GREETING_WHILE_WAITING = [
    Scenario(
        "'hello?' while waiting for a person: no promise of a reply 'as soon as they can'",
        "wording",
        [
            ("I want to talk to a human", ["our team"]),
            ("hello?", ["still here", "opening hours", "!as soon as they can"]),
        ],
    ),
    Scenario(
        "de: 'Hallo??' while waiting for a person: no 'sobald er kann'",
        "german",
        [
            ("Ich möchte mit einem Menschen sprechen", ["Team"]),
            ("Hallo??", ["noch da", "Öffnungszeiten", "!sobald er kann"]),
        ],
    ),
]

THE_OTHER_ORDER = [
    Scenario(
        "Ben, two orders: 'and the other one?' after KF-500004's status is KF-500005's",
        "wording",
        [
            ("where is KF-500004", [ASK_CONTACT]),
            (BEN, [ASK_FACT]),
            (BEN_POSTCODE, ["KF-500004", "delivered"]),
            ("and the other one?", ["KF-500005", "waiting for payment", "!not sure"]),
        ],
    ),
    Scenario(
        "de: Ben, 'und die andere?' after KF-500004's status is KF-500005's",
        "german",
        [
            ("Wo ist KF-500004?", [DE_ASK_CONTACT]),
            (BEN, [DE_ASK_FACT]),
            (BEN_POSTCODE, ["KF-500004"]),
            ("und die andere?", ["KF-500005", "!KF-500004"]),
        ],
    ),
    Scenario(
        "Ben, two orders: 'can you cancel the other one' after KF-500004's status: KF-500005",
        "wording",
        [
            ("where is KF-500004", [ASK_CONTACT]),
            (BEN, [ASK_FACT]),
            (BEN_POSTCODE, ["KF-500004", "delivered"]),
            ("can you cancel the other one", ["KF-500005", "!KF-500004", "!Which order"]),
        ],
    ),
    Scenario(
        "Anna, three orders: 'and the other one?' is asked which, not guessed",
        "wording",
        [
            ("hi", []),
            (ANNA, [ASK_FACT]),
            (ANNA_POSTCODE, ["verified"]),
            ("what's the status of KF-500002?", ["DHL"]),
            ("and the other one?", ["KF-500001", "KF-500003", "!Tracking number"]),
        ],
    ),
]

SCENARIOS = AN_ORDER_ASKED_ABOUT + A_REFUND_LONG_DUE + A_GREETING_WHILE_WAITING + THE_OTHER_ORDER
