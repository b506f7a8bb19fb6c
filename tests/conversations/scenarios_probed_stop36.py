"""Conversations found failing by probing the running bot (stop 36): a parcel that "never showed
up", that one "hasn't got", "nicht bekommen" or "还没送来", answered with the newest order (paid,
not yet sent) instead of the one on its way; a ticket whose description names an item of one
order ("the lid of my kettle is broken"), filed about no order; a message the bot cannot place
while the customer waits for a person ("now please", "jetzt bitte", "快点"), answered with a menu
of guesses and then a second hand-off, or ("Ich warte immer noch") read as a parcel awaited and
asked who one is; "when do I get my money back?" answered with the returns' refund alone, though
a cancelled order's money comes back too; "check on my orders" answered with the newest order
alone; "can I still cancel it?" answered with an apology first, as if the customer were upset
(the sentiment lexicon scores "cancel" and "still" as negative); "which one can I return?" at the
which-order question, answered "I couldn't match that"; "Ich weiß meine Kundennummer nicht" when
asked who one is, answered "that doesn't look like an email address" instead of the other ways
to answer; and "and cancel KF-500002 too" when asked to confirm the cancellation of KF-500001,
answered "Sorry, I didn't quite get that"."""

from __future__ import annotations

from tests.conversations.scenarios_chinese import ZH_ASK_CONTACT, ZH_ASK_FACT
from tests.conversations.scenarios_en import (
    ANNA,
    ANNA_POSTCODE,
    ASK_CONTACT,
    ASK_FACT,
    BEN,
    BEN_POSTCODE,
)
from tests.conversations.scenarios_german import DE_ASK_CONTACT, DE_ASK_FACT
from tests.conversations.support import Scenario, handed_off

# Demo customers, read only: Anna's newest order KF-500001 is paid, her KF-500002 (a kettle and
# fountain pens) shipped with DHL.

A_PARCEL_THAT_HAS_NOT_COME = [
    Scenario(
        "'my package never showed up': the order on its way, not the newest one",
        "wording",
        [
            ("hi there, my package never showed up and its been 2 weeks", [ASK_CONTACT]),
            (ANNA, [ASK_FACT]),
            (ANNA_POSTCODE, ["KF-500002", "DHL", "!KF-500001"]),
        ],
    ),
    Scenario(
        "'still havent got my parcel', all lower case: the order on its way",
        "wording",
        [
            ("still havent got my parcel", [ASK_CONTACT]),
            (ANNA, [ASK_FACT]),
            (ANNA_POSTCODE, ["KF-500002", "!KF-500001"]),
        ],
    ),
    Scenario(
        "de: 'ich habe meine Bestellung immer noch nicht bekommen': the order on its way",
        "german",
        [
            ("ich habe meine Bestellung immer noch nicht bekommen", [DE_ASK_CONTACT]),
            (ANNA, [DE_ASK_FACT]),
            (ANNA_POSTCODE, ["KF-500002", "DHL", "!KF-500001"]),
        ],
    ),
    Scenario(
        "zh: '我的东西还没送来': the order on its way",
        "chinese",
        [
            ("我的东西还没送来", [ZH_ASK_CONTACT]),
            (ANNA, [ZH_ASK_FACT]),
            (ANNA_POSTCODE, ["KF-500002", "DHL", "!KF-500001"]),
        ],
    ),
]

# The ticket is not filed ("no"), so the demo customer stays as it was.
A_TICKET_ABOUT_AN_ITEM = [
    Scenario(
        "a broken kettle lid: the ticket is about the order with the kettle",
        "wording",
        [
            (
                "hello i ordered a kettle last week and the lid is broken, what can i do?",
                [ASK_CONTACT],
            ),
            (ANNA, [ASK_FACT]),
            (ANNA_POSTCODE, ["ticket", "about order KF-500002", "lid is broken"]),
            ("no", ["!opened ticket"]),
        ],
    ),
]

WAITING_FOR_A_PERSON = [
    Scenario(
        "'now please' after asking for a person: when the colleague replies, no menu",
        "wording",
        [
            ("I want to speak to a real person", ["colleague"]),
            ("now please", ["Your conversation is with our team", "!Did you mean"]),
            ("ugh come on", ["Your conversation is with our team", "!Did you mean"]),
            ("still waiting", ["Your conversation is with our team", "!email"]),
            ("where is my order", [ASK_CONTACT]),
        ],
        check=handed_off(),
    ),
    Scenario(
        "de: 'jetzt bitte' after asking for a colleague: when the colleague replies",
        "german",
        [
            ("Ich möchte mit einem Mitarbeiter sprechen", ["Team"]),
            ("jetzt bitte", ["Ihr Anliegen liegt bei unserem Team", "!Meinten Sie"]),
            ("Ich warte immer noch", ["Ihr Anliegen liegt bei unserem Team", "!E-Mail"]),
        ],
        check=handed_off(),
    ),
    Scenario(
        "zh: '快点' after asking for a person: when the colleague replies",
        "chinese",
        [
            ("转人工", ["团队"]),
            ("快点", ["您的对话已转给我们的团队", "!您是指"]),
            ("我还在等", ["您的对话已转给我们的团队", "!邮箱"]),
        ],
        check=handed_off(),
    ),
]

A_CANCELLED_ORDERS_MONEY = [
    Scenario(
        "'how long til i get the money back': a return's refund and a cancellation's",
        "wording",
        [("how long til i get the money back", ["5 working days", "cancel", "a few days"])],
    ),
    Scenario(
        "de: 'wann bekomme ich mein Geld zurück': a return's refund and a cancellation's",
        "german",
        [("wann bekomme ich mein Geld zurück", ["5 Werktagen", "Stornieren", "weniger Tage"])],
    ),
]

SEVERAL_ORDERS = [
    Scenario(
        "'check on my orders': each order still to come, not the newest alone",
        "wording",
        [
            ("hey can you check on my orders", [ASK_CONTACT]),
            (ANNA, [ASK_FACT]),
            (ANNA_POSTCODE, ["KF-500001", "KF-500002", "DHL"]),
        ],
    ),
    Scenario(
        "de: 'wo sind meine Bestellungen?': each order still to come",
        "german",
        [
            ("wo sind meine Bestellungen?", [DE_ASK_CONTACT]),
            (ANNA, [DE_ASK_FACT]),
            (ANNA_POSTCODE, ["KF-500001", "KF-500002"]),
        ],
    ),
]

NO_ANGER_IN_A_REQUEST = [
    Scenario(
        "'can i still cancel my order?' is a request, not anger: no apology",
        "wording",
        [
            ("can i still cancel my order?", [ASK_CONTACT, "!sorry"]),
            (BEN, [ASK_FACT]),
            (BEN_POSTCODE, ["KF-500005", "!sorry"]),
            ("no", ["!is cancelled"]),
        ],
    ),
    Scenario(
        "'the first one, can i still cancel it?' after the status: its confirmation, no apology",
        "wording",
        [
            ("where is my order", [ASK_CONTACT]),
            (BEN, [ASK_FACT]),
            (BEN_POSTCODE, ["KF-500005"]),
            ("the first one, can i still cancel it?", ["Shall I cancel order KF-500005", "!sorry"]),
            ("no", ["stays as it is"]),
        ],
    ),
    Scenario(
        "'which one can i return' at the which-order question: the list again, no 'couldn't match'",
        "wording",
        [
            ("I'd like to return something", [ASK_CONTACT]),
            (ANNA, [ASK_FACT]),
            (ANNA_POSTCODE, ["Which order", "KF-500003"]),
            ("which one can i return", ["Which order", "KF-500003", "!couldn't match"]),
        ],
    ),
]

NOT_AT_HAND = [
    Scenario(
        "de: 'Ich weiß meine Kundennummer nicht': the other ways, not 'keine E-Mail-Adresse'",
        "german",
        [
            ("Wo ist mein Paket?", [DE_ASK_CONTACT]),
            ("Ich weiß meine Kundennummer nicht", ["Kein Problem", "!sieht nicht wie"]),
            (ANNA, [DE_ASK_FACT]),
            ("ich habe meine Bestellnummer nicht zur Hand", ["Kein Problem", "!sieht nicht"]),
            (ANNA_POSTCODE, ["KF-500001"]),
        ],
    ),
    Scenario(
        "'I can't find my order number' when asked for the proof: the other ways",
        "wording",
        [
            ("where is my order", [ASK_CONTACT]),
            (ANNA, [ASK_FACT]),
            ("I can't find my order number", ["No problem", "!couldn't verify"]),
            (ANNA_POSTCODE, ["KF-500001"]),
        ],
    ),
]

ANOTHER_ORDER_TOO = [
    Scenario(
        "'and cancel KF-500002 too' at the confirmation: queued, the question again, then served",
        "wording",
        [
            ("cancel KF-500001", [ASK_CONTACT]),
            (ANNA, [ASK_FACT]),
            (ANNA_POSTCODE, ["Shall I cancel order KF-500001"]),
            (
                "and cancel KF-500002 too",
                ["KF-500002 right after", "Shall I cancel order KF-500001", "!didn't quite get"],
            ),
            ("no", ["haven't cancelled", "KF-500002", "can't be cancelled"]),
        ],
    ),
    Scenario(
        "de: 'bitte auch KF-500002 stornieren' at the confirmation: queued, the question again",
        "german",
        [
            ("storniere KF-500001", [DE_ASK_CONTACT]),
            (ANNA, [DE_ASK_FACT]),
            (ANNA_POSTCODE, ["Soll ich die Bestellung KF-500001"]),
            (
                "bitte auch KF-500002 stornieren",
                ["um KF-500002 kümmere ich mich", "Soll ich die Bestellung KF-500001"],
            ),
            ("nein", ["KF-500002"]),
        ],
    ),
]

SCENARIOS = (
    A_PARCEL_THAT_HAS_NOT_COME
    + A_TICKET_ABOUT_AN_ITEM
    + WAITING_FOR_A_PERSON
    + A_CANCELLED_ORDERS_MONEY
    + SEVERAL_ORDERS
    + NO_ANGER_IN_A_REQUEST
    + NOT_AT_HAND
    + ANOTHER_ORDER_TOO
)
