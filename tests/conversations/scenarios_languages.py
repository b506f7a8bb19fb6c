"""Chinese and German customers, and customers who switch language mid-conversation."""

from __future__ import annotations

from tests.conversations.scenarios_en import (
    ANNA,
    ANNA_DHL,
    ANNA_POSTCODE,
    ASK_CONTACT,
    BEN,
    BEN_POSTCODE,
)
from tests.conversations.support import (
    Scenario,
    all_of,
    email_is,
    handed_off,
    order_is,
    ticket_with,
)

ZH_ASK_CONTACT = "确认您的身份"
ZH_ASK_FACT = "邮编"
DE_ASK_CONTACT = "sicherstellen, dass Sie es sind"
DE_ASK_FACT = "Postleitzahl"

CHINESE = [
    Scenario(
        "zh: identified in one message that also asks for an order",
        "chinese",
        [("我是C10001，邮编10115，帮我看看KF-500002", ["身份已确认", "KF-500002", ANNA_DHL])],
    ),
    Scenario(
        "zh: where is my order, answered in Chinese",
        "chinese",
        [
            ("你好，我的订单 KF-500002 到哪里了？", [ZH_ASK_CONTACT]),
            (ANNA, [ZH_ASK_FACT]),
            (ANNA_POSTCODE, ["KF-500002", ANNA_DHL, "已发货"]),
        ],
    ),
    Scenario(
        "zh: order number glued to Chinese characters",
        "chinese",
        [
            ("订单KF-500007到哪了", [ZH_ASK_CONTACT]),
            ("C10003", [ZH_ASK_FACT]),
            ("80331", ["KF-500007", "1Z999AA10123456784"]),
        ],
    ),
    Scenario("zh: greeting", "chinese", [("你好", ["您好", "Kefu"])]),
    Scenario(
        "zh: cancel an order",
        "chinese",
        [
            ("请取消订单 {order}", [ZH_ASK_CONTACT]),
            ("{email}", [ZH_ASK_FACT]),
            ("{postcode}", ["要取消订单 {order}", "吗？"]),
            ("是的", ["已取消"]),
        ],
        needs="cancellable",
        check=order_is("cancelled"),
    ),
    Scenario("zh: complaint", "chinese", [("服务太差了，浪费时间", ["抱歉", "工单"])]),
    Scenario("zh: a person", "chinese", [("转人工", ["同事"])], check=handed_off()),
    Scenario("zh: returns FAQ", "chinese", [("退货期限是多久？", ["30天"])]),
    Scenario("zh: bot challenge", "chinese", [("你是机器人吗？", ["机器人"])]),
    Scenario("zh: what can you do", "chinese", [("你能做什么？", ["我可以帮您"])]),
    Scenario(
        "zh: a late return is refused",
        "chinese",
        [
            ("我想退掉订单 KF-500004 ，东西坏了", [ZH_ASK_CONTACT]),
            (BEN, [ZH_ASK_FACT]),
            (BEN_POSTCODE, ["KF-500004"]),
        ],
    ),
    Scenario("zh: thanks", "chinese", [("谢谢", ["不客气"])]),
    Scenario(
        "zh: the return reason in the request is kept",
        "chinese",
        [
            ("{order}我想退货，尺码不对", [ZH_ASK_CONTACT]),
            ("{email}", [ZH_ASK_FACT]),
            ("{postcode}", ["身份已确认", "已为订单 {order} 登记退货申请", "!退货原因"]),
        ],
        needs="delivered",
        check=ticket_with("尺码不对", kind="return"),
    ),
    Scenario(
        "zh: 对 is no return reason",
        "chinese",
        [
            ("我想退货 {order}", [ZH_ASK_CONTACT]),
            ("{email}", [ZH_ASK_FACT]),
            ("{postcode}", ["退货原因"]),
            ("对", ["简单说一下原因", "退货原因", "!登记退货申请"]),
            ("颜色不一样", ["已为订单 {order} 登记退货申请"]),
        ],
        needs="delivered",
        check=ticket_with("颜色不一样", kind="return"),
    ),
    Scenario(
        "zh: a complaint about the courier becomes the ticket, only confirmed",
        "chinese",
        [
            ("快递员态度太差了，我要投诉", [ZH_ASK_CONTACT]),
            ("{email}", [ZH_ASK_FACT]),
            ("{postcode}", ["配送类工单", "快递员态度太差了", "要继续吗", "!属于哪一类"]),
            ("是的", ["已创建工单"]),
        ],
        needs="cancellable",  # a fresh customer; any order will do
        check=ticket_with("快递员", kind="problem"),
    ),
    Scenario(
        "zh: 是的 is no ticket category",
        "chinese",
        [
            ("我要投诉", [ZH_ASK_CONTACT]),
            (ANNA, [ZH_ASK_FACT]),
            (ANNA_POSTCODE, ["属于哪一类"]),
            ("是的", ["简单说一下是什么问题", "属于哪一类", "!描述您的问题"]),
        ],
    ),
]

GERMAN = [
    Scenario(
        "de: the new address in the request is not asked again",
        "german",
        [
            ("Ich bin umgezogen, neue Adresse: Hauptstraße 5, 80331 München", [DE_ASK_CONTACT]),
            ("{email}", ["bestätigen Sie bitte"]),
            ("{postcode}", ["Sie sind bestätigt", "Adresse ist aktualisiert (München)"]),
        ],
        needs="cancellable",
    ),
    Scenario(
        "de: identified in one message that also asks for an order",
        "german",
        [
            (
                "Hallo! Meine Kundennummer ist C10001, PLZ 10115. Wo ist KF-500002?",
                ["Sie sind bestätigt", "KF-500002", ANNA_DHL],
            ),
        ],
    ),
    Scenario(
        "de: two requests, the detail before its verb",
        "german",
        [
            (
                "ändere meine E-Mail auf kefu.zwei.{id}@example.org und wo bleibt {order}?",
                ["danach kümmere ich mich", DE_ASK_CONTACT],
            ),
            ("{email}", ["bestätigen Sie bitte"]),
            ("{postcode}", ["E-Mail-Adresse lautet jetzt", "{order}"]),
        ],
        needs="shipped",
        check=email_is("kefu.zwei.{id}@example.org"),
    ),
    Scenario(
        "de: the order number sent instead of the contact is the order meant",
        "german",
        [
            ("wo bleibt meine lieferung", [DE_ASK_CONTACT]),
            ("KF-500002", [DE_ASK_CONTACT]),
            (ANNA, [DE_ASK_FACT]),
            (ANNA_POSTCODE, ["KF-500002", ANNA_DHL, "!KF-500001"]),
        ],
    ),
    Scenario(
        "de: where is my order, answered in German",
        "german",
        [
            ("Hallo, wo ist meine Bestellung KF-500002?", [DE_ASK_CONTACT]),
            (ANNA, [DE_ASK_FACT]),
            (ANNA_POSTCODE, ["KF-500002", "versandt", ANNA_DHL]),
        ],
    ),
    Scenario("de: greeting", "german", [("Guten Tag", ["Hallo, ich bin Kefu"])]),
    Scenario(
        "de: cancel an order",
        "german",
        [
            ("Bitte storniere {order}", [DE_ASK_CONTACT]),
            ("{email}", [DE_ASK_FACT]),
            ("{postcode}", ["Soll ich die Bestellung {order}", "stornieren?"]),
            ("Ja", ["storniert"]),
        ],
        needs="cancellable",
        check=order_is("cancelled"),
    ),
    Scenario("de: complaint", "german", [("Reine Zeitverschwendung!", ["tut mir wirklich leid"])]),
    Scenario(
        "de: a person",
        "german",
        [
            ("Ich möchte mit einem Menschen sprechen", ["Kollegen"]),
        ],
        check=handed_off(),
    ),
    Scenario(
        "de: the return reason in the request is kept",
        "german",
        [
            ("Ich möchte {order} zurückgeben, passt leider nicht", [DE_ASK_CONTACT]),
            ("{email}", [DE_ASK_FACT]),
            (
                "{postcode}",
                ["Sie sind bestätigt", "Rücksendung für die Bestellung {order}", "!Warum"],
            ),
        ],
        needs="delivered",
        check=ticket_with("passt leider nicht", kind="return"),
    ),
    Scenario(
        "de: ja is no return reason",
        "german",
        [
            ("Ich möchte {order} zurückgeben", [DE_ASK_CONTACT]),
            ("{email}", [DE_ASK_FACT]),
            ("{postcode}", ["Warum schicken Sie"]),
            ("ja", ["ein paar Worte zum Grund", "Warum schicken Sie", "!erfasst"]),
            ("zu eng", ["Rücksendung für die Bestellung {order}"]),
        ],
        needs="delivered",
        check=ticket_with("zu eng", kind="return"),
    ),
    Scenario(
        "de: a complaint about the driver becomes the ticket, only confirmed",
        "german",
        [
            ("Ich will mich beschweren, der Fahrer war total unfreundlich", [DE_ASK_CONTACT]),
            ("{email}", [DE_ASK_FACT]),
            (
                "{postcode}",
                ["Ticket (Lieferung)", "Fahrer war total unfreundlich", "Soll ich", "!Worum"],
            ),
            ("Ja", ["Ich habe das Ticket"]),
        ],
        needs="cancellable",  # a fresh customer; any order will do
        check=ticket_with("Fahrer", "unfreundlich", kind="problem"),
    ),
    Scenario(
        "de: ja is no ticket category",
        "german",
        [
            ("Ich will mich beschweren", [DE_ASK_CONTACT]),
            (ANNA, [DE_ASK_FACT]),
            (ANNA_POSTCODE, ["Worum geht es"]),
            ("ja", ["in ein paar Worten, worum es geht", "Worum geht es", "!beschreiben"]),
        ],
    ),
    Scenario("de: payment FAQ", "german", [("Welche Zahlungsarten gibt es?", ["PayPal"])]),
    Scenario("de: thanks", "german", [("Vielen Dank", ["Gern geschehen"])]),
    Scenario(
        "de: stop inside a form",
        "german",
        [
            ("Ich möchte meine Adresse ändern", [DE_ASK_CONTACT]),
            ("Vergiss es", ["abgebrochen"]),
        ],
    ),
]

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

SCENARIOS = CHINESE + GERMAN + DEMO + SWITCHING
