"""Conversations found failing by probing the running bot with wording nobody scripted (stop
25): typed answers to the apology's offer, side questions where a reason is asked, addresses,
run-on messages that name an email without asking to change it."""

from __future__ import annotations

from tests.conversations.scenarios_chinese import ZH_ASK_CONTACT, ZH_ASK_FACT
from tests.conversations.scenarios_en import (
    ANGRY,
    ANNA,
    ANNA_DHL,
    ANNA_POSTCODE,
    ASK_CONTACT,
    ASK_FACT,
    SORRY,
)
from tests.conversations.scenarios_german import DE_ASK_CONTACT, DE_ASK_FACT
from tests.conversations.support import (
    Scenario,
    email_is,
    handed_off,
    no_ticket_for_the_order,
    order_is,
    phone_is,
    ticket_with,
)

PROBED: list[Scenario] = []

# Typed answers to the apology's offer of a ticket or a person.
ANSWERS_TO_THE_APOLOGY = [
    Scenario(
        "anger, then 'yes open a ticket' typed: the ticket, with the complaint",
        "feelings",
        [
            (ANGRY, [SORRY]),
            ("yes open a ticket", [ASK_CONTACT, "!anything else"]),
            ("{email}", [ASK_FACT]),
            ("{postcode}", ["third time", "go ahead"]),
            ("yes", ["opened ticket"]),
        ],
        needs="shipped",
        check=ticket_with("third time", "terrible service"),
    ),
    Scenario(
        "anger, then 'ticket' typed (NLU: a ticket's status): the ticket it offered",
        "feelings",
        [
            (ANGRY, [SORRY]),
            ("ticket", [ASK_CONTACT]),
            ("{email}", [ASK_FACT]),
            ("{postcode}", ["third time", "go ahead", "!no open support tickets"]),
            ("yes", ["opened ticket"]),
        ],
        needs="shipped",
        check=ticket_with("third time"),
    ),
    Scenario(
        "anger, then a bare 'yes': which of the two, then 'the second one' is a person",
        "feelings",
        [
            (ANGRY, [SORRY]),
            ("yes", ["open a ticket", "colleague", "!anything else"]),
            ("the second one", ["colleague", "!not sure I understood"]),
        ],
        check=handed_off(),
    ),
]

PROBED.append(
    Scenario(
        "'the tracking doesn't update, my email is ...' changes no email",
        "carry",
        [
            (
                "hello I ordered a kettle two weeks ago and I still haven't got it and the "
                "tracking doesn't update, my email is {email} and I live in {postcode}, can you "
                "check what's going on with {order} please",
                ["{order}", "!your email address is now", "!come back to"],
            ),
        ],
        needs="shipped",
        check=email_is("{email}"),
    )
)
PROBED.append(
    Scenario(
        "'how long do refunds take?' asked for the return reason is answered, not the reason",
        "digression",
        [
            ("i want to return {order}", [ASK_CONTACT]),
            ("{email}", [ASK_FACT]),
            ("{postcode}", ["why"]),
            ("how long do refunds take?", ["5 working days", "why", "!registered"]),
            ("it's too small", ["registered"]),
        ],
        needs="delivered",
        check=ticket_with("too small", kind="return"),
    )
)
PROBED.append(
    Scenario(
        "zh: the new address is no reason to answer in German",
        "chinese",
        [
            ("我搬家了，要改地址", [ZH_ASK_CONTACT]),
            ("{email}", ["邮编"]),
            ("{postcode}", ["新地址"]),
            ("Lindenstraße 3, 80331 München", ["地址", "München", "!Adresse"]),
        ],
        needs="any",
    )
)
PROBED.append(
    Scenario(
        "de: 'Meine Kundennummer ist C10001, wo ist meine letzte Bestellung?' is answered",
        "german",
        [
            ("Meine Kundennummer ist C10001, wo ist meine letzte Bestellung?", [DE_ASK_FACT]),
            (ANNA_POSTCODE, ["KF-500001", "!Was kann ich für Sie tun"]),
        ],
    )
)
PROBED.append(
    Scenario(
        "an order number typed for 'who are you?' is noted, not 'doesn't look like an email'",
        "identification",
        [
            ("i want to return something", [ASK_CONTACT]),
            ("KF-500003", ["noted order KF-500003", ASK_CONTACT, "!doesn't look like"]),
            (ANNA, [ASK_FACT]),
            (ANNA_POSTCODE, ["KF-500003"]),
        ],
    )
)
PROBED.append(
    Scenario(
        "'you sent me the wrong item!!' is a ticket about the product",
        "wording",
        [
            ("you sent me the wrong item!! order {order}", [ASK_CONTACT]),
            ("{email}", [ASK_FACT]),
            ("{postcode}", ["ticket (product)", "{order}"]),
        ],
        needs="delivered",
    )
)
PROBED.append(
    Scenario(
        "zh: '我需要开发票' names the kind of ticket: no question which kind",
        "chinese",
        [
            ("我需要开发票", [ZH_ASK_CONTACT]),
            ("{email}", [ZH_ASK_FACT]),
            ("{postcode}", ["!属于哪一类"]),
        ],
        needs="any",
    )
)
PROBED.append(
    Scenario(
        "a vague 'the most recent one' after an answer gets one clarifying question",
        "follow-up",
        [
            ("where is my order KF-500002", [ASK_CONTACT]),
            (ANNA, [ASK_FACT]),
            (ANNA_POSTCODE, [ANNA_DHL]),
            ("the most recent one", ["not sure I understood", "!to reach our team"]),
        ],
    )
)

PROBED.append(
    Scenario(
        "de: 'ach nee, doch nicht' asked for the return reason ends the return",
        "german",
        [
            ("Ich möchte {order} zurückschicken", [DE_ASK_CONTACT]),
            ("{email}", [DE_ASK_FACT]),
            ("{postcode}", ["Warum"]),
            ("ach nee, doch nicht", ["abgebrochen", "!Grund"]),
        ],
        needs="delivered",
        check=no_ticket_for_the_order(),
    )
)
PROBED.append(
    Scenario(
        "de: 'Which order?' lists the ones that can be cancelled, 'die erste' picks one",
        "german",
        [
            ("Ich will eine Bestellung stornieren", [DE_ASK_CONTACT]),
            ("{email}", [DE_ASK_FACT]),
            ("{postcode}", ["Welche Bestellung soll ich stornieren", "{order}"]),
            ("die erste", ["{order}", "stornieren?"]),
            ("ja", ["storniert"]),
        ],
        needs="cancellable",
        check=order_is("cancelled"),
    )
)
PROBED.append(
    Scenario(
        "zh: '第一个' answers which order to return",
        "chinese",
        [
            ("我要退货", [ZH_ASK_CONTACT]),
            ("{email}", [ZH_ASK_FACT]),
            ("{postcode}", ["您要退哪个订单", "{order}"]),
            ("第一个", ["{order}", "!不像订单号"]),
        ],
        needs="delivered",
    )
)
PROBED.append(
    Scenario(
        "'email ... postcode ... show me my orders' shows them",
        "facts",
        [
            (
                "email {email} postcode {postcode} show me my orders",
                ["recent orders", "!What can I do"],
            )
        ],
        needs="any",
    )
)
PROBED.append(
    Scenario(
        "'yes' to the one order 'Which order shall I cancel?' offers",
        "follow-up",
        [
            ("cancel my order", [ASK_CONTACT]),
            ("{email}", [ASK_FACT]),
            ("{postcode}", ["Which order shall I cancel", "{order}"]),
            ("yes", ["Shall I cancel order {order}", "!doesn't look like"]),
        ],
        needs="cancellable",
    )
)
PROBED.append(
    Scenario(
        "'update my phone number to ..., email ..., postcode ...' in one message",
        "facts",
        [
            (
                "please update my phone number to 0176 98765432, email {email}, postcode "
                "{postcode}",
                ["phone number is now", "!make sure it's you"],
            ),
        ],
        needs="any",
        check=phone_is("+4917698765432"),
    )
)
PROBED.append(
    Scenario(
        "de: 'wo ist die zweite?' after the list of orders",
        "german",
        [
            ("Zeig mir meine Bestellungen", [DE_ASK_CONTACT]),
            (ANNA, [DE_ASK_FACT]),
            (ANNA_POSTCODE, ["KF-500002"]),
            ("wo ist die zweite?", [ANNA_DHL]),
        ],
    )
)
PROBED.append(
    Scenario(
        "'cancel KF-... and show me my other orders': both",
        "two requests",
        [
            ("cancel {order} and show me my other orders", [ASK_CONTACT]),
            ("{email}", [ASK_FACT]),
            ("{postcode}", ["Shall I cancel order {order}"]),
            ("yes", ["is cancelled", "recent orders"]),
        ],
        needs="cancellable",
        check=order_is("cancelled"),
    )
)
PROBED.append(
    Scenario(
        "de: 'Guten Morgen! Ich hätte gerne eine Rechnung für KF-...' is a request, not a hello",
        "german",
        [
            ("Guten Morgen! Ich hätte gerne eine Rechnung für KF-500003", [DE_ASK_CONTACT]),
            (ANNA, [DE_ASK_FACT]),
            (ANNA_POSTCODE, ["Ticket", "KF-500003"]),
        ],
    )
)
PROBED.append(
    Scenario(
        "zh: an upset '不喜欢' after the return gets the apology once, no second reply",
        "chinese",
        [
            ("东西不喜欢，想退", [ZH_ASK_CONTACT]),
            ("{email}", [ZH_ASK_FACT]),
            ("{postcode}", ["您要退哪个订单"]),
            ("第一个", ["退货申请"]),
            ("不喜欢", ["!换个说法"]),
        ],
        needs="delivered",
    )
)
PROBED.append(
    Scenario(
        "de: 'Ticket bitte' while asked who they are switches to a ticket",
        "german",
        [
            ("Mein Paket ist seit 2 Wochen überfällig!!", [DE_ASK_CONTACT]),
            ("Ticket bitte", [DE_ASK_CONTACT, "Ticket"]),
            (ANNA, [DE_ASK_FACT]),
            (ANNA_POSTCODE, ["!Status bezahlt"]),
        ],
    )
)
PROBED.append(
    Scenario(
        "de: 'Neue E-Mail: ... und neue Nummer ...': the new number is no contact to check",
        "german",
        [("Neue E-Mail: neu.neu@example.de und neue Nummer 0151 11122233", [DE_ASK_CONTACT])],
        needs="any",
    )
)

SCENARIOS = ANSWERS_TO_THE_APOLOGY + PROBED
