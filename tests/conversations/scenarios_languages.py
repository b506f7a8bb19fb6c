"""The README's demo in Chinese and German, and customers who switch language mid-conversation."""

from __future__ import annotations

from tests.conversations.scenarios_chinese import ZH_ASK_CONTACT, ZH_ASK_FACT
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
    all_of,
    no_ticket_for_the_order,
    order_is,
    ticket_with,
)

# The README's demo conversation ("Chat with it") in Chinese and in German. The README shows it
# played by the demo customers (Anna in Chinese, Ben in German); here a fresh customer plays it,
# and tests/conversations/test_readme.py checks that the README quotes these very messages and
# replies, so the README cannot drift from what the bot answers.
DEMO_ZH: list[tuple[str, list[str]]] = [
    ("你好，我的订单到哪里了？", [ZH_ASK_CONTACT]),
    ("{email}", [ZH_ASK_FACT]),
    ("{postcode}", ["身份已确认", "状态："]),
    ("请取消订单 {order}", ["要取消订单 {order}"]),
    ("是的", ["订单 {order} 已取消"]),
    ("我想开一个工单", ["您的问题属于哪一类？"]),
    ("我的发票上的地址写错了", ["付款类工单", "要继续吗？"]),
    ("是的", ["已创建工单"]),
    ("再见", ["请为本次对话评分"]),
    ("5", ["您还有什么想告诉我们的吗？"]),
    ("不用了", ["感谢您的反馈"]),
]
DEMO_DE: list[tuple[str, list[str]]] = [
    ("Hallo, wo ist meine Bestellung?", [DE_ASK_CONTACT]),
    ("{email}", [DE_ASK_FACT]),
    ("{postcode}", ["Sie sind bestätigt", ": Status"]),
    ("Bitte storniere die Bestellung {order}", ["Soll ich die Bestellung {order}"]),
    ("Ja", ["die Bestellung {order} ist storniert"]),
    ("Ich möchte ein Ticket eröffnen", ["Worum geht es bei Ihrem Anliegen?"]),
    ("Auf meiner Rechnung steht die falsche Adresse", ["Ticket (Zahlung)", "Soll ich das tun?"]),
    ("Ja", ["Ich habe das Ticket"]),
    ("Tschüss", ["Wie bewerten Sie dieses Gespräch"]),
    ("5", ["Möchten Sie uns noch etwas sagen?"]),
    ("Nein", ["Danke für Ihr Feedback"]),
]

DEMO = [
    Scenario(
        "zh: the README demo conversation",
        "chinese",
        DEMO_ZH,
        needs="cancellable",
        check=all_of(order_is("cancelled"), ticket_with("发票", kind="problem")),
    ),
    Scenario(
        "de: the README demo conversation",
        "german",
        DEMO_DE,
        needs="cancellable",
        check=all_of(order_is("cancelled"), ticket_with("Rechnung", kind="problem")),
    ),
]

SWITCHING = [
    Scenario(
        "asked in German for English, the bot goes on in English",
        "language switch",
        [
            ("Hallo", ["Kefu"]),
            ("Sprechen Sie Englisch?", ["continue in English", "!Entschuldigung"]),
            ("10115", ["!Sie", "!Postleitzahl"]),
        ],
    ),
    Scenario(
        "'can you speak English?' after German is no out-of-scope question",
        "language switch",
        [
            ("Hallo", ["Kefu"]),
            ("Can you speak English?", ["continue in English", "!outside what I can help"]),
        ],
    ),
    Scenario(
        "asked in Chinese for Chinese",
        "language switch",
        [("Hello", ["Kefu"]), ("可以说中文吗", ["用中文继续"])],
    ),
    Scenario(
        "switch en -> de -> zh",
        "language switch",
        [
            ("hi", ["I'm Kefu"]),
            ("Hallo, was kannst du?", ["Ich kann Ihnen helfen"]),
            ("你好", ["您好"]),
        ],
    ),
    Scenario(
        "switch en -> de -> zh inside the identification questions",
        "language switch",
        [
            ("where is my order?", [ASK_CONTACT]),
            ("Wo ist meine Bestellung?", [DE_ASK_CONTACT, "!make sure"]),
            ("我的订单呢？", [ZH_ASK_CONTACT, "!Sie"]),
            (ANNA, [ZH_ASK_FACT]),
            (ANNA_POSTCODE, ["订单 KF-500001"]),
            ("thanks a lot", ["welcome", "!不客气"]),
        ],
    ),
    Scenario(
        # The input guard answers it before NLU, from the language it reads in the message.
        "an over-long German message is refused in German, then English again",
        "language switch",
        [
            ("Hallo, meine Bestellung ist immer noch nicht angekommen. " * 25, ["zu lang"]),
            ("sorry, where is my order?", [ASK_CONTACT]),
        ],
    ),
    Scenario(
        "switch de -> en",
        "language switch",
        [
            ("Hallo", ["Hallo, ich bin Kefu"]),
            ("where is my order?", [ASK_CONTACT]),
        ],
    ),
    Scenario(
        "zh request, language-free answers keep Chinese",
        "language switch",
        [
            ("我的订单到哪里了", [ZH_ASK_CONTACT]),
            (ANNA, [ZH_ASK_FACT]),
            (ANNA_POSTCODE, ["KF-500001"]),
        ],
    ),
    Scenario(
        "en identification, then a German question",
        "language switch",
        [
            ("where is my order", [ASK_CONTACT]),
            (ANNA, ["postcode"]),
            (ANNA_POSTCODE, ["KF-500001"]),
            ("Danke! Wo ist meine Bestellung KF-500002?", ["versandt", ANNA_DHL]),
        ],
    ),
]

# A form's question, asked again in the language asked for; the request is not dropped and the
# request for a language is no answer to the question.
INSIDE_FORMS = [
    Scenario(
        "asked for German at the return reason: the question again in German, then filed",
        "language switch",
        [
            ("I want to return {order}", [ASK_CONTACT]),
            ("{email}", [ASK_FACT]),
            ("{postcode}", ["sending back order {order}"]),
            (
                "Können Sie auch Deutsch?",
                ["auf Deutsch weiter", "Warum schicken Sie die Bestellung {order} zurück?"],
            ),
            ("Die Jacke ist mir zu klein", ["Rücksendung", "{order}"]),
        ],
        needs="delivered",
        check=ticket_with("zu klein", kind="return"),
    ),
    Scenario(
        "asked for Chinese at the cancel confirmation: asked again in Chinese, then cancelled",
        "language switch",
        [
            ("please cancel {order}", [ASK_CONTACT]),
            ("{email}", [ASK_FACT]),
            ("{postcode}", ["cancel order {order}"]),
            ("可以说中文吗", ["用中文继续", "取消订单 {order}", "!What can I do"]),
            ("是的", ["订单 {order} 已取消"]),
        ],
        needs="cancellable",
        check=order_is("cancelled"),
    ),
    Scenario(
        "'Sprechen Sie Englisch?' at a German return reason is not the reason",
        "language switch",
        [
            ("Ich möchte {order} zurückgeben", [DE_ASK_CONTACT]),
            ("{email}", [DE_ASK_FACT]),
            ("{postcode}", ["Warum schicken Sie die Bestellung {order} zurück?"]),
            ("Sprechen Sie Englisch?", ["continue in English", "sending back order {order}"]),
        ],
        needs="delivered",
        check=no_ticket_for_the_order(),
    ),
]

SCENARIOS = DEMO + SWITCHING + INSIDE_FORMS
