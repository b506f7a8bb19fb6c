"""Conversations found failing by probing the running bot (stop 32): the shop's e-mail address
and "how do I get hold of you", which got an identification or the fallback; an order named by
its item in the request ("can I return the garden hose?"), which got the whole list; "why not"
to the list, taken for a "no" that stopped the flow; a reply that is none of the listed orders,
answered "That doesn't look like an order number"; a return of a cancelled order, refused as
"not delivered yet"; the opening hours, which the FAQ named as fixed text; and a ticket picked
from the list of open tickets, which got the clarifying question; and the greeting before a
problem, which went into the ticket's description."""

from __future__ import annotations

from tests.conversations.scenarios_chinese import ZH_ASK_CONTACT, ZH_ASK_FACT
from tests.conversations.scenarios_en import ASK_CONTACT, ASK_FACT
from tests.conversations.scenarios_german import DE_ASK_CONTACT, DE_ASK_FACT
from tests.conversations.support import Scenario

HOW_TO_REACH_THE_SHOP = [
    Scenario(
        "'how do I get hold of you': how to reach the shop",
        "wording",
        [("how do I get hold of you", ["phone line", "!make sure it's you", "!not sure"])],
    ),
    Scenario(
        "'is there an email address I can write to?': there is none, the chat is the way",
        "wording",
        [("is there an email address I can write to?", ["e-mail address", "!make sure it's you"])],
    ),
    Scenario(
        "de: 'Kann ich euch eine Mail schicken?': how to reach the shop",
        "german",
        [("Kann ich euch eine Mail schicken?", ["E-Mail-Adresse haben", "!sicherstellen"])],
    ),
    Scenario(
        "zh: '有客服邮箱吗': how to reach the shop",
        "chinese",
        [("有客服邮箱吗", ["没有客服邮箱", "!确认您的身份"])],
    ),
]

# Anna's KF-500001 has a toaster, Chloé's KF-500007 a garden hose (shipped) and KF-500006 a bird
# feeder (cancelled): the demo customers, read only.
AN_ORDER_NAMED_BY_ITS_ITEM = [
    Scenario(
        "'can I return the garden hose?': that order is asked about, then why it cannot go back",
        "follow-up",
        [
            ("can i return the garden hose?", [ASK_CONTACT]),
            ("chloe.martin@example.com", [ASK_FACT]),
            ("80331", ["Do you mean order KF-500007", "!None of your latest orders"]),
            ("yes", ["KF-500007", "hasn't been delivered yet"]),
        ],
    ),
    Scenario(
        "'I'd like to cancel the toaster': that order is asked about, then confirmed",
        "follow-up",
        [
            ("I'd like to cancel the toaster", [ASK_CONTACT]),
            ("anna.schmidt@example.com", [ASK_FACT]),
            ("10115", ["Do you mean order KF-500001", "Toaster"]),
            ("yes", ["Shall I cancel order KF-500001"]),
        ],
    ),
    Scenario(
        "'the other one' to the order the request named: the list of orders",
        "follow-up",
        [
            ("can i return the garden hose?", [ASK_CONTACT]),
            ("chloe.martin@example.com", [ASK_FACT]),
            ("80331", ["Do you mean order KF-500007"]),
            ("the other one", ["couldn't match", "None of your latest orders", "KF-500006"]),
        ],
    ),
]

# The item named in German or Chinese: the catalogue names its items in English, so the words
# only matched through the English gloss the NLU now hands on ("Tastatur", "键盘": keyboard).
AN_ITEM_NAMED_IN_GERMAN_OR_CHINESE = [
    Scenario(
        "de: 'Ich möchte die Tastatur zurückgeben': that order is asked about",
        "german",
        [
            ("Ich möchte die Tastatur zurückgeben", [DE_ASK_CONTACT]),
            ("anna.schmidt@example.com", [DE_ASK_FACT]),
            ("10115", ["Meinen Sie Bestellung KF-500003"]),
        ],
    ),
    Scenario(
        "zh: '我想退那个键盘': that order is asked about",
        "chinese",
        [
            ("我想退那个键盘", [ZH_ASK_CONTACT]),
            ("anna.schmidt@example.com", [ZH_ASK_FACT]),
            ("10115", ["您是指订单 KF-500003"]),
        ],
    ),
    Scenario(
        "de: 'die Tastatur' to the list of returnable orders: that order",
        "german",
        [
            ("Ich möchte etwas zurückschicken", [DE_ASK_CONTACT]),
            ("anna.schmidt@example.com", [DE_ASK_FACT]),
            ("10115", ["KF-500003"]),
            ("die Tastatur", ["KF-500003", "!nicht wie eine Bestellnummer", "!keiner dieser"]),
        ],
    ),
]

ANSWERS_TO_THE_LIST = [
    Scenario(
        "'why not' to the list of orders none of which can be returned: no 'no', the list again",
        "follow-up",
        [
            ("I want to return something", [ASK_CONTACT]),
            ("chloe.martin@example.com", [ASK_FACT]),
            ("80331", ["None of your latest orders can be returned"]),
            ("why not", ["couldn't match", "KF-500007", "!I've stopped there"]),
        ],
    ),
    Scenario(
        "a cancelled order picked for a return: it was cancelled, not 'not delivered yet'",
        "follow-up",
        [
            ("I want to return something", [ASK_CONTACT]),
            ("chloe.martin@example.com", [ASK_FACT]),
            ("80331", ["None of your latest orders can be returned"]),
            ("the bird feeder", ["KF-500006", "was cancelled", "!hasn't been delivered"]),
        ],
    ),
]

# The FAQ named fixed hours ("Monday to Friday 8:00–20:00 (CET)") whatever KEFU_OPENING_HOURS
# said; it names the configured ones now, as the handoff does (the test stack's are the default).
THE_CONFIGURED_HOURS = [
    Scenario(
        "'when are you open?': the configured hours and their time zone",
        "wording",
        [("when are you open?", ["Mon–Fri 08:00–20:00, Sat 09:00–16:00 (Europe/Berlin time)"])],
    ),
    Scenario(
        "de: 'Wann habt ihr geöffnet?': the configured hours",
        "german",
        [("Wann habt ihr geöffnet?", ["Mo–Fr 08:00–20:00", "Zeitzone Europe/Berlin"])],
    ),
    Scenario(
        "zh: '你们的营业时间是什么时候': the configured hours",
        "chinese",
        [("你们的营业时间是什么时候", ["周一至周五 08:00–20:00"])],
    ),
    Scenario(
        "the opening hours asked in the middle of an identification: the configured hours",
        "follow-up",
        [
            ("I want to cancel my order", [ASK_CONTACT]),
            ("what are your opening hours?", ["Mon–Fri 08:00–20:00", ASK_CONTACT]),
        ],
    ),
]

# Anna's one open ticket, T-10001 "Parcel has not arrived", picked from the list of open tickets
# by its subject or its place: the reply named no request and got the clarifying question.
A_TICKET_FROM_THE_LIST = [
    Scenario(
        "'the one about the parcel' after the list of open tickets: that ticket's status",
        "follow-up",
        [
            ("I want to check on my support ticket", [ASK_CONTACT]),
            ("anna.schmidt@example.com", [ASK_FACT]),
            ("10115", ["Your open tickets", "Parcel has not arrived"]),
            (
                "the one about the parcel",
                ["“Parcel has not arrived”", "last updated", "!not sure I understood"],
            ),
        ],
    ),
    Scenario(
        "de: 'das erste' after the list of open tickets: that ticket's status",
        "german",
        [
            ("Wie ist der Stand meines Tickets?", [DE_ASK_CONTACT]),
            ("anna.schmidt@example.com", [DE_ASK_FACT]),
            ("10115", ["Ihre offenen Tickets"]),
            ("das erste", ["„Parcel has not arrived“", "zuletzt aktualisiert"]),
        ],
    ),
    Scenario(
        "zh: '第一个' after the list of open tickets: that ticket's status",
        "chinese",
        [
            ("我想查一下我的工单", [ZH_ASK_CONTACT]),
            ("anna.schmidt@example.com", [ZH_ASK_FACT]),
            ("10115", ["您未关闭的工单"]),
            ("第一个", ["Parcel has not arrived", "最后更新于"]),
        ],
    ),
]

# The greeting before a problem went into the ticket's description ("hi, my kettle …").
A_GREETING_BEFORE_THE_PROBLEM = [
    Scenario(
        "'hi, my kettle is broken': the description is the problem, without the greeting",
        "wording",
        [
            ("hi, my kettle is broken", [ASK_CONTACT]),
            ("ben.okafor@example.com", [ASK_FACT]),
            ("20095", ["“my kettle is broken”", "!“hi"]),
        ],
    ),
    Scenario(
        "de: 'Hallo, ich habe eine falsche Lieferung bekommen': without the greeting",
        "german",
        [
            ("Hallo, ich habe eine falsche Lieferung bekommen", [DE_ASK_CONTACT]),
            ("ben.okafor@example.com", [DE_ASK_FACT]),
            ("20095", ["„ich habe eine falsche Lieferung bekommen“"]),
        ],
    ),
]

# "I don't remember my email" to "who are you?": the same question came again, as if unheard.
A_FORGOTTEN_CONTACT = [
    Scenario(
        "'i don't remember my email': the other ways to say who one is",
        "wording",
        [
            ("where's my order", [ASK_CONTACT]),
            ("i don't remember my email", ["your customer number", "order confirmation"]),
            ("C10002", [ASK_FACT]),
        ],
    ),
    Scenario(
        "de: 'weiß ich nicht mehr': the other ways",
        "german",
        [
            ("Wo ist meine Bestellung?", [DE_ASK_CONTACT]),
            ("weiß ich nicht mehr", ["Kundennummer", "Bestellbestätigung"]),
        ],
    ),
    Scenario(
        "zh: '我忘了邮箱': the other ways",
        "chinese",
        [("我的订单到哪了", [ZH_ASK_CONTACT]), ("我忘了邮箱", ["客户号", "订单确认邮件"])],
    ),
]

SCENARIOS = (
    HOW_TO_REACH_THE_SHOP
    + AN_ORDER_NAMED_BY_ITS_ITEM
    + AN_ITEM_NAMED_IN_GERMAN_OR_CHINESE
    + ANSWERS_TO_THE_LIST
    + THE_CONFIGURED_HOURS
    + A_TICKET_FROM_THE_LIST
    + A_GREETING_BEFORE_THE_PROBLEM
    + A_FORGOTTEN_CONTACT
)
