"""Conversations found failing by probing the running bot (stop 27): what the customer left
open is taken up again. "Open a ticket" right after the overdue-parcel notice that suggested it,
an order number sent alone before identification, and the apology's offer of a ticket or a
colleague answered with who the customer is, or with "Ticket" by a verified customer. And
(stop 28) outrage in Chinese in words the sentiment lexicon did not know, and "yes" where an
address was asked again. And (stop 31) a bare "cancel" in the middle of a flow, which the bot
took for a switch to cancelling an order, or for the new address; and the shop's phone number,
asked for, which started an identification; "cancel it" after the status of the order the bot
picked, which asked which order; an order picked from a list by its item ("the keyboard"); and
more about the problem said when asked whether to open the ticket; and the "which order?"
question when no order fits."""

from __future__ import annotations

from tests.conversations.scenarios_chinese import ZH_ASK_CONTACT, ZH_ASK_FACT
from tests.conversations.scenarios_en import ASK_CONTACT, ASK_FACT
from tests.conversations.scenarios_german import DE_ASK_CONTACT, DE_ASK_FACT
from tests.conversations.support import Scenario, ticket_about_the_order, ticket_with

# "Open a ticket" right after the bot said a parcel is overdue and suggested just that.
AFTER_THE_LATE_NOTICE = [
    Scenario(
        "'open a ticket' right after the overdue notice: a delivery ticket about that parcel",
        "follow-up",
        [
            ("my order {order} never arrived", [ASK_CONTACT]),
            ("{email}", [ASK_FACT]),
            ("{postcode}", ["open a ticket"]),
            (
                "open a ticket",
                ["ticket (delivery) about order {order}", "not arrived", "!request about"],
            ),
            ("yes", ["I've opened ticket"]),
        ],
        needs="overdue",
        check=ticket_about_the_order("not arrived"),
    ),
    Scenario(
        "de: 'Ticket eröffnen' right after the overdue notice: about that parcel",
        "german",
        [
            ("Wo bleibt meine Bestellung {order}?", [DE_ASK_CONTACT]),
            ("{email}", [DE_ASK_FACT]),
            ("{postcode}", ["Ticket eröffnen"]),
            ("Ticket eröffnen", ["zur Bestellung {order}", "nicht angekommen", "!Worum geht"]),
            ("ja", ["eröffnet"]),
        ],
        needs="overdue",
        check=ticket_about_the_order("nicht angekommen"),
    ),
    Scenario(
        "zh: '开工单' right after the overdue notice: about that parcel",
        "chinese",
        [
            ("我的订单{order}到哪了", [ZH_ASK_CONTACT]),
            ("{email}", [ZH_ASK_FACT]),
            ("{postcode}", ["开工单"]),
            ("开工单", ["为订单 {order}", "还没有收到", "!哪一类"]),
            ("好的", ["已创建工单"]),
        ],
        needs="overdue",
        check=ticket_about_the_order("还没有收到"),
    ),
]


# An order number sent alone, then who the customer is: the order, once verified.
ORDER_SENT_ALONE = [
    Scenario(
        "'KF-…' alone, then the email and postcode: its status once verified",
        "identification",
        [
            ("{order}", ["What would you like me to do with that"]),
            ("{email}", [ASK_FACT]),
            ("{postcode}", ["verified", "Order {order}", "!What can I do for you"]),
        ],
        needs="shipped",
    ),
    Scenario(
        "de: 'Hallo, KF-…', then who: the order once verified",
        "german",
        [
            ("Hallo, {order}", ["Was soll ich damit machen"]),
            ("{email}", [DE_ASK_FACT]),
            ("{postcode}", ["bestätigt", "Bestellung {order}", "!Was kann ich"]),
        ],
        needs="shipped",
    ),
    Scenario(
        "zh: '你好，KF-…', then who: the order once verified",
        "chinese",
        [
            ("你好，{order}", ["用它做什么"]),
            ("{email}", [ZH_ASK_FACT]),
            ("{postcode}", ["身份已确认", "订单 {order}", "!有什么可以帮您"]),
        ],
        needs="shipped",
    ),
]

# The apology's offer (a ticket or a colleague), answered with who the customer is, or with
# "Ticket" by a verified customer (NLU reads a status question in it).
THE_OFFER = [
    Scenario(
        "upset about KF-…, answers the offer with who they are: the offer again, its ticket",
        "feelings",
        [
            ("this is ridiculous, third time I write about {order}!!!", ["sorry", "ticket"]),
            ("{email}", [ASK_FACT]),
            ("{postcode}", ["verified", "open a ticket", "colleague", "!What can I do"]),
            ("ticket", ["about order {order}", "ridiculous", "!open tickets"]),
            ("yes", ["I've opened ticket"]),
        ],
        needs="shipped",
        check=ticket_about_the_order("ridiculous"),
    ),
    Scenario(
        "de: verified, upset, 'Ticket' answers the offer: a ticket, not the tickets' status",
        "german",
        [
            ("Wo ist {order}?", [DE_ASK_CONTACT]),
            ("{email}", [DE_ASK_FACT]),
            ("{postcode}", ["{order}"]),
            ("Das ist eine Frechheit, immer noch nicht da!!!", ["leid", "Ticket"]),
            ("Ticket", ["Ticket (Lieferung)", "Frechheit", "!offenen Support-Tickets"]),
            ("ja", ["eröffnet"]),
        ],
        needs="shipped",
        check=ticket_with("Frechheit"),
    ),
    Scenario(
        "verified, upset, 'ticket' answers the offer: a ticket, not the tickets' status",
        "feelings",
        [
            ("where is {order}?", [ASK_CONTACT]),
            ("{email}", [ASK_FACT]),
            ("{postcode}", ["{order}"]),
            ("this is ridiculous, still not here!!!", ["sorry", "ticket"]),
            ("ticket", ["I'll open a ticket (delivery)", "ridiculous", "!open support tickets"]),
            ("yes", ["I've opened ticket"]),
        ],
        needs="shipped",
        check=ticket_with("ridiculous"),
    ),
]

# Stop 28: outrage in Chinese without the words the sentiment lexicon knew (the order's status
# came back and no apology), and a bare "yes" to the address question after a foreign address
# (the same "no 5-digit postcode" error again).
OUTRAGE_IN_CHINESE = [
    Scenario(
        "zh: '太过分了，…到现在还没到！！！' gets an apology before identification",
        "chinese",
        [("太过分了，订单{order}到现在还没到！！！", ["抱歉", ZH_ASK_CONTACT])],
        needs="shipped",
    ),
    Scenario(
        "zh: '对' after a foreign address was refused: what is needed, not the same error",
        "chinese",
        [
            ("我搬家了，要改地址", [ZH_ASK_CONTACT]),
            ("{email}", ["邮编"]),
            ("{postcode}", ["新地址"]),
            ("北京市朝阳区建国路88号", ["5位数的邮编"]),
            ("对", ["只寄送到德国", "新地址", "!没有找到"]),
            ("算了", ["停止"]),
        ],
        needs="any",
    ),
    Scenario(
        "de: 'ja' after a foreign address was refused: what is needed, not the same error",
        "german",
        [
            ("Ich bin umgezogen, bitte Adresse ändern", [DE_ASK_CONTACT]),
            ("{email}", [DE_ASK_FACT]),
            ("{postcode}", ["neue Adresse"]),
            ("Bahnhofstrasse 1, 8001 Zürich", ["fünfstellige Postleitzahl"]),
            ("ja", ["nur an Adressen in Deutschland", "!keine fünfstellige"]),
            ("vergiss es", ["abgebrochen"]),
        ],
        needs="any",
    ),
    Scenario(
        "'yes' after a foreign address was refused: what is needed, not the same error",
        "follow-up",
        [
            ("I moved, please change my address", [ASK_CONTACT]),
            ("{email}", [ASK_FACT]),
            ("{postcode}", ["new address"]),
            ("221B Baker Street, London NW1 6XE", ["5-digit postcode"]),
            ("yes", ["only deliver to addresses in Germany", "new address", "!couldn't find"]),
            ("never mind", ["stopped there", "!new address"]),
        ],
        needs="any",
    ),
]

# Stop 31: "cancel" alone calls off the flow under way; it is no request to cancel an order.
A_BARE_CANCEL = [
    Scenario(
        "'cancel' asked for the new address: the change is called off, not read as an address",
        "follow-up",
        [
            ("I moved, please change my address", [ASK_CONTACT]),
            ("{email}", [ASK_FACT]),
            ("{postcode}", ["new address"]),
            ("cancel", ["stopped there", "!5-digit postcode", "!cancelling your order"]),
            ("what's the status of order {order}?", ["{order}", "!new address"]),
        ],
        needs="any",
    ),
    Scenario(
        "'cancel' asked what a new ticket is about: no ticket, and no order cancellation",
        "follow-up",
        [
            ("I want to open a ticket", [ASK_CONTACT]),
            ("{email}", [ASK_FACT]),
            ("{postcode}", ["What is your request about"]),
            ("cancel", ["stopped there", "!cancelling your order", "!Which order"]),
        ],
        needs="any",
    ),
    Scenario(
        "zh: '取消' asked for the new address: the change is called off",
        "chinese",
        [
            ("我搬家了，要改地址", [ZH_ASK_CONTACT]),
            ("{email}", ["邮编"]),
            ("{postcode}", ["新地址"]),
            ("取消", ["停止", "!5位数的邮编"]),
        ],
        needs="any",
    ),
]

# Stop 31: "cancel it" right after the status of the order the bot picked (the customer named
# none) is about that order; it asked "which order?" (Chloé's KF-500007 has shipped: refused).
CANCEL_IT_AFTER_THE_STATUS = [
    Scenario(
        "'can u just cancel it' after the status of the order the bot picked: that order",
        "follow-up",
        [
            ("hi where is my order", [ASK_CONTACT]),
            ("chloe.martin@example.com", [ASK_FACT]),
            ("80331", ["KF-500007", "shipped"]),
            ("ok can u just cancel it then", ["KF-500007", "can't be cancelled", "!Which order"]),
        ],
    ),
    Scenario(
        "zh: '那帮我把它取消吧' after the status of the order the bot picked: that order",
        "chinese",
        [
            ("我的订单到哪了", [ZH_ASK_CONTACT]),
            ("chloe.martin@example.com", [ZH_ASK_FACT]),
            ("80331", ["KF-500007"]),
            ("那帮我把它取消吧", ["KF-500007", "无法再取消", "!哪个订单"]),
        ],
    ),
]

# Stop 31: an order picked from the list by what is in it.
AN_ORDER_BY_ITS_ITEM = [
    Scenario(
        "'the keyboard' to 'which order would you like to return?': the listed order with it",
        "follow-up",
        [
            ("I want to return something", [ASK_CONTACT]),
            ("anna.schmidt@example.com", [ASK_FACT]),
            ("10115", ["Which order would you like to return", "Mechanical keyboard"]),
            ("the keyboard", ["KF-500003", "why", "!doesn't look like an order number"]),
        ],
    ),
]

# Stop 31: when none of the customer's latest orders can be returned (or cancelled), the question
# says so and lists them with their status; it asked for an order number and refused "the garden
# hose" (Chloé's KF-500007 has shipped, KF-500006 was cancelled).
WHEN_NO_ORDER_FITS = [
    Scenario(
        "a return when no order can be returned: the orders and their status, then why",
        "follow-up",
        [
            ("I want to return something", [ASK_CONTACT]),
            ("chloe.martin@example.com", [ASK_FACT]),
            ("80331", ["None of your latest orders can be returned", "KF-500007", "shipped"]),
            ("the garden hose", ["KF-500007", "hasn't been delivered yet"]),
        ],
    ),
    Scenario(
        "zh: a cancellation when no order can be cancelled: the orders, then why",
        "chinese",
        [
            ("我想取消订单", [ZH_ASK_CONTACT]),
            ("chloe.martin@example.com", [ZH_ASK_FACT]),
            ("80331", ["都已无法取消", "KF-500007"]),
            ("第一个", ["KF-500007", "无法再取消"]),
        ],
    ),
]

# Stop 31: more about the problem, said at "Shall I open it?", goes into the ticket; it was "Could
# you say it in other words?".
MORE_DETAIL_AT_THE_TICKET_QUESTION = [
    Scenario(
        "de: the problem told at 'Soll ich das tun?': added to the ticket, then opened",
        "german",
        [
            ("hab ne frage zu meiner rechnung", [DE_ASK_CONTACT]),
            ("{email}", [DE_ASK_FACT]),
            ("{postcode}", ["Soll ich das tun"]),
            (
                "die rechnung hat die falsche adresse",
                ["falsche adresse", "Soll ich das tun", "!anders formulieren"],
            ),
            ("ja", ["Ticket T-"]),
        ],
        needs="any",
        check=ticket_with("rechnung", "falsche adresse"),
    ),
    Scenario(
        "zh: the problem told at '要继续吗？': added to the ticket, then opened",
        "chinese",
        [
            ("我的发票有问题", [ZH_ASK_CONTACT]),
            ("{email}", ["邮编"]),
            ("{postcode}", ["要继续吗"]),
            ("发票上的地址写错了", ["地址写错了", "要继续吗"]),
            ("好的", ["工单 T-"]),
        ],
        needs="any",
        check=ticket_with("地址写错了"),
    ),
]

# Stop 31: the shop's phone number is an FAQ (there is none: the chat, and a colleague in it).
THE_SHOPS_PHONE = [
    Scenario(
        "'what number can I phone you on?': how to reach the shop, no identification",
        "wording",
        [("hey what number can I phone you on?", ["don't have a phone line", "!make sure"])],
    ),
    Scenario(
        "de: 'Kann man euch auch telefonisch erreichen?': how to reach the shop",
        "german",
        [("Kann man euch auch telefonisch erreichen?", ["Telefon-Hotline", "!sicherstellen"])],
    ),
    Scenario(
        "zh: '能打电话联系你们吗': how to reach the shop",
        "chinese",
        [("能打电话联系你们吗", ["没有电话热线", "!确认您的身份"])],
    ),
    Scenario(
        "'I want to change my phone number' is still the customer's own number",
        "wording",
        [("I want to change my phone number", [ASK_CONTACT, "!phone line"])],
    ),
]

SCENARIOS = (
    THE_OFFER
    + ORDER_SENT_ALONE
    + AFTER_THE_LATE_NOTICE
    + OUTRAGE_IN_CHINESE
    + A_BARE_CANCEL
    + CANCEL_IT_AFTER_THE_STATUS
    + AN_ORDER_BY_ITS_ITEM
    + MORE_DETAIL_AT_THE_TICKET_QUESTION
    + WHEN_NO_ORDER_FITS
    + THE_SHOPS_PHONE
)
