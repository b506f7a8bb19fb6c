"""More conversations found failing by probing the running bot (stop 36): a name alone ("Anna
Schmidt") for who one is, answered "that doesn't look like an email address"; an email typed with a
slip ("anna.schmidt@exmaple.com"), which with the right postcode got "I couldn't verify those
details"; a new email address at "gmial.com", taken without a question; "what's the status of my
ticket" from a customer whose ticket was resolved, answered only "You have no open support
tickets"; "und kann ich die noch stornieren?" right after an order's status, where "die" is that
order, answered with the list to pick from; and a ticket written as a letter, whose salutation
and sign-off became part of its description; and a message in French or Spanish ("Bonjour, où est
ma commande?"), answered as English: "that's outside what I can help with", or the payment FAQ;
and a message the input guard stops (too long, another language) while a form asks a question,
which the form took as its answer ("That doesn't look like an email address")."""

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
from tests.conversations.scenarios_probed_stop34 import CHLOE, CHLOE_POSTCODE
from tests.conversations.support import Scenario, email_is

A_NAME_ALONE = [
    Scenario(
        "'Anna Schmidt' alone for who one is: a name is not enough, not 'no email'",
        "wording",
        [
            ("where is my order", [ASK_CONTACT]),
            ("Anna Schmidt", ["name alone", "!doesn't look like"]),
            (ANNA, [ASK_FACT]),
        ],
    ),
    Scenario(
        "de: 'Anna Schmidt' alone for who one is: a name is not enough",
        "german",
        [
            ("Wo ist meine Bestellung?", [DE_ASK_CONTACT]),
            ("Anna Schmidt", ["Namen allein", "!sieht nicht wie"]),
        ],
    ),
]

AN_EMAIL_WITH_A_SLIP = [
    Scenario(
        "'anna.schmidt@exmaple.com' with her postcode: verified, the slip forgiven",
        "wording",
        [
            ("where is my order", [ASK_CONTACT]),
            ("anna.schmidt@exmaple.com", [ASK_FACT]),
            (ANNA_POSTCODE, ["verified", "KF-500001"]),
        ],
    ),
    Scenario(
        "de: 'anna.schmdit@example.com' with her order number: verified",
        "german",
        [
            ("Wo ist meine Bestellung?", [DE_ASK_CONTACT]),
            ("anna.schmdit@example.com", [DE_ASK_FACT]),
            ("KF-500002", ["bestätigt", "KF-500001"]),
        ],
    ),
    Scenario(
        "'anna.schmidt@exmaple.com' with Ben's postcode: not verified",
        "wording",
        [
            ("where is my order", [ASK_CONTACT]),
            ("anna.schmidt@exmaple.com", [ASK_FACT]),
            (BEN_POSTCODE, ["couldn't verify", "!verified"]),
        ],
    ),
]

A_NEW_EMAIL_WITH_A_SLIP = [
    Scenario(
        "a new email at 'gmial.com': 'Did you mean … gmail.com?', and yes takes it",
        "wording",
        [
            ("change my email to kefu.slip.{id}@gmial.com", [ASK_CONTACT]),
            ("{email}", ["confirm"]),
            ("{postcode}", ["Did you mean kefu.slip.{id}@gmail.com", "!email address is now"]),
            ("yes", ["email address is now", "!valid email"]),
        ],
        needs="any",
        check=email_is("kefu.slip.{id}@gmail.com"),
    ),
    Scenario(
        "a new email at 'gmial.com' typed again after 'Did you mean': taken as typed",
        "wording",
        [
            ("change my email to kefu.again.{id}@gmial.com", [ASK_CONTACT]),
            ("{email}", ["confirm"]),
            ("{postcode}", ["Did you mean kefu.again.{id}@gmail.com"]),
            ("kefu.again.{id}@gmial.com", ["email address is now"]),
        ],
        needs="any",
        check=email_is("kefu.again.{id}@gmial.com"),
    ),
    Scenario(
        "de: a new email at 'gmx.dee': 'Meinten Sie … gmx.de?', the corrected one taken",
        "german",
        [
            ("Ich möchte meine E-Mail-Adresse ändern", [DE_ASK_CONTACT]),
            ("{email}", ["bestätigen"]),
            ("{postcode}", ["neue E-Mail-Adresse"]),
            ("kefu.de.{id}@gmx.dee", ["Meinten Sie kefu.de.{id}@gmx.de"]),
            ("kefu.de.{id}@gmx.de", ["E-Mail-Adresse lautet jetzt"]),
        ],
        needs="any",
        check=email_is("kefu.de.{id}@gmx.de"),
    ),
]

A_RESOLVED_TICKET = [
    Scenario(
        "'what's the status of my ticket' with none open: the latest one, resolved",
        "wording",
        [
            ("what's the status of my ticket", [ASK_CONTACT]),
            (CHLOE, [ASK_FACT]),
            (CHLOE_POSTCODE, ["no open support tickets", "T-10002", "resolved"]),
        ],
    ),
    Scenario(
        "zh: '我想查询一下我的工单进度' with none open: the latest one",
        "chinese",
        [
            ("我想查询一下我的工单进度", [ZH_ASK_CONTACT]),
            (CHLOE, [ZH_ASK_FACT]),
            (CHLOE_POSTCODE, ["没有未关闭的工单", "T-10002"]),
        ],
    ),
]

A_GERMAN_PRONOUN = [
    Scenario(
        "de: 'und kann ich die noch stornieren?' after the status: that order, no 'Ist es diese?'",
        "german",
        [
            ("wann kommt meine bestellung an", [DE_ASK_CONTACT]),
            (BEN, [DE_ASK_FACT]),
            (BEN_POSTCODE, ["KF-500005"]),
            (
                "und kann ich die noch stornieren?",
                ["Soll ich die Bestellung KF-500005", "!Ist es diese"],
            ),
            ("nein", ["nichts storniert"]),
        ],
    ),
]

A_LETTER = [
    Scenario(
        "de: a letter with 'Sehr geehrte …' and 'Mit freundlichen Grüßen': the problem alone",
        "german",
        [
            (
                "Sehr geehrte Damen und Herren, leider ist meine Bestellung KF-500003 "
                "nicht vollständig angekommen, das Notizbuch fehlt. "
                "Mit freundlichen Grüßen, Anna Schmidt",
                [DE_ASK_CONTACT],
            ),
            (ANNA, [DE_ASK_FACT]),
            (
                ANNA_POSTCODE,
                ["KF-500003", "das Notizbuch fehlt", "!Sehr geehrte", "!Grüßen"],
            ),
            ("nein", ["!Ticket T-"]),
        ],
    ),
]

ANOTHER_LANGUAGE = [
    Scenario(
        "fr: 'Bonjour, où est ma commande?': the languages the bot speaks, then English works",
        "language switch",
        [
            (
                "Bonjour, où est ma commande?",
                ["English, German or Chinese", "Deutsch", "中文", "!outside what I can help"],
            ),
            ("where is my order", [ASK_CONTACT]),
        ],
    ),
    Scenario(
        "es: 'Hola, ¿dónde está mi pedido?': the languages the bot speaks",
        "language switch",
        [("Hola, ¿dónde está mi pedido?", ["English, German or Chinese"])],
    ),
    Scenario(
        "fr: 'Je ne parle pas anglais' when asked who one is: the languages, the question again",
        "language switch",
        [
            ("where is my order", [ASK_CONTACT]),
            ("Je ne parle pas anglais", ["English, German or Chinese", ASK_CONTACT, "!pay by"]),
            (ANNA, [ASK_FACT]),
        ],
    ),
    Scenario(
        "an over-long message when asked who one is: too long, the question again, no 'email'",
        "language switch",
        [
            ("where is my order", [ASK_CONTACT]),
            ("my email is somewhere in here " * 60, ["too long", ASK_CONTACT, "!look like"]),
            (ANNA, [ASK_FACT]),
        ],
    ),
]

SCENARIOS = (
    A_NAME_ALONE
    + AN_EMAIL_WITH_A_SLIP
    + A_NEW_EMAIL_WITH_A_SLIP
    + A_RESOLVED_TICKET
    + A_GERMAN_PRONOUN
    + A_LETTER
    + ANOTHER_LANGUAGE
)
