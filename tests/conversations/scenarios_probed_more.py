"""Conversations found failing by probing the running bot (stop 26): a question the FAQ answers
asked beside a request, a late order beside a change of contact details, and a customer
waiting for the agent the bot called."""

from __future__ import annotations

from tests.conversations.scenarios_chinese import ZH_ASK_CONTACT, ZH_ASK_FACT
from tests.conversations.scenarios_en import ASK_CONTACT, ASK_FACT
from tests.conversations.scenarios_german import DE_ASK_CONTACT, DE_ASK_FACT
from tests.conversations.support import (
    Scenario,
    email_is,
    handed_off,
    no_ticket_for_the_order,
    order_is,
    order_is_not,
    ticket_with,
)

# A question the FAQ answers beside a request, and a late order beside a change.
SIDE_QUESTIONS = [
    Scenario(
        "'cancel KF-... pls. oh and whats ur return policy': the policy now, then the cancel",
        "two requests",
        [
            (
                "cancel {order} pls. oh and whats ur return policy",
                ["30 days", ASK_CONTACT, "!come back to your return"],
            ),
            ("{email}", [ASK_FACT]),
            ("{postcode}", ["Shall I cancel"]),
            ("yes", ["is cancelled", "!which order"]),
        ],
        needs="cancellable",
        check=order_is("cancelled"),
    ),
    Scenario(
        "de: 'Wie sind die Versandkosten? Und storniere bitte ...': both",
        "german",
        [
            (
                "Wie hoch sind die Versandkosten? Und bitte stornieren Sie {order}",
                ["4,90", DE_ASK_CONTACT],
            ),
            ("{email}", [DE_ASK_FACT]),
            ("{postcode}", ["stornieren"]),
            ("ja", ["storniert"]),
        ],
        needs="cancellable",
        check=order_is("cancelled"),
    ),
    Scenario(
        "'my order is late and i also want to update my email': the email, then the order",
        "two requests",
        [
            (
                "i have two problems: my order {order} is late and i also want to update my "
                "email to late.{id}@example.com",
                [ASK_CONTACT],
            ),
            ("{email}", [ASK_FACT]),
            ("{postcode}", ["email address is now", "{order}", "shipped"]),
        ],
        needs="shipped",
        check=email_is("late.{id}@example.com"),
    ),
    Scenario(
        "de: '… E-Mail auf … und sagen Sie mir, wo KF-… ist': the email, then the order",
        "german",
        [
            (
                "Ändern Sie bitte meine E-Mail auf de.two.{id}@example.de und sagen Sie mir, "
                "wo {order} ist",
                [DE_ASK_CONTACT],
            ),
            ("{email}", [DE_ASK_FACT]),
            ("{postcode}", ["E-Mail-Adresse lautet jetzt", "{order}", "versandt"]),
        ],
        needs="shipped",
        check=email_is("de.two.{id}@example.de"),
    ),
    Scenario(
        "zh: '查一下KF-…，另外我想投诉一下快递员': the status, then a ticket about that order",
        "chinese",
        [
            ("帮我查一下{order}，另外我想投诉一下快递员", [ZH_ASK_CONTACT]),
            ("{email}", [ZH_ASK_FACT]),
            ("{postcode}", ["{order}", "已发货", "!找不到这个订单"]),
        ],
        needs="shipped",
    ),
    Scenario(
        "zh: '快递还没到，另外我要改邮箱': the email, then the order",
        "chinese",
        [
            (
                "我的快递 {order} 还没到，另外我要改邮箱为 zh.late.{id}@example.com",
                [ZH_ASK_CONTACT, "!邮编"],
            ),
            ("{email}", [ZH_ASK_FACT]),
            ("{postcode}", ["邮箱", "{order}", "已发货"]),
        ],
        needs="shipped",
        check=email_is("zh.late.{id}@example.com"),
    ),
]

# Waiting for the agent the bot called: a "hello?" is no new customer to introduce itself to.
WAITING_FOR_AN_AGENT = [
    Scenario(
        "'can i talk to a real person', then 'hello?': the colleague is coming",
        "follow-up",
        [
            ("can i talk to a real person", ["colleague"]),
            ("hello?", ["still here", "colleague", "!I'm Kefu"]),
        ],
        check=handed_off(),
    ),
    Scenario(
        "zh: '转人工', then '你好？': the colleague is coming",
        "chinese",
        [("转人工", ["同事"]), ("你好？", ["我还在", "同事"])],
        check=handed_off(),
    ),
]

# A thumb typed on a phone is a yes or a no (the encoder had read both as one unknown token).
THUMBS = [
    Scenario(
        "'👍' to 'Shall I cancel?' cancels",
        "wording",
        [
            ("cancel {order} please", [ASK_CONTACT]),
            ("{email}", [ASK_FACT]),
            ("{postcode}", ["Shall I cancel"]),
            ("👍", ["is cancelled"]),
        ],
        needs="cancellable",
        check=order_is("cancelled"),
    ),
    Scenario(
        "zh: '👎' to the cancel question keeps the order",
        "chinese",
        [
            ("取消订单 {order}", [ZH_ASK_CONTACT]),
            ("{email}", [ZH_ASK_FACT]),
            ("{postcode}", ["要取消订单"]),
            ("👎", ["没有取消", "!已取消"]),
        ],
        needs="cancellable",
        check=order_is_not("cancelled"),
    ),
]

# A misspelt German cancel, and an order picked from the list by its place alone.
GERMAN_WORDING = [
    Scenario(
        "de: 'bitte stornirn sie meine bestelung KF-…' (NLU unsure) is still the cancel",
        "german",
        [
            ("bitte stornirn sie meine bestelung {order}", [DE_ASK_CONTACT]),
            ("{email}", [DE_ASK_FACT]),
            ("{postcode}", ["{order}", "stornieren?"]),
            ("ja", ["ist storniert"]),
        ],
        needs="cancellable",
        check=order_is("cancelled"),
    ),
    Scenario(
        "de: 'die zweite' after the recent orders is that order's status",
        "german",
        [
            ("Zeig mir meine letzten Bestellungen", [DE_ASK_CONTACT]),
            ("{email}", [DE_ASK_FACT]),
            ("{postcode}", ["Ihre letzten Bestellungen"]),
            ("die zweite", ["Status", "!nicht sicher", "!Ihre letzten Bestellungen"]),
        ],
        needs="any",
    ),
]

# Ratings typed as stars or as a mark out of ten.
RATINGS = [
    Scenario(
        "'⭐⭐⭐⭐' answers the rating question",
        "wording",
        [
            ("how long does delivery take", ["working days"]),
            ("bye", ["rate"]),
            ("⭐⭐⭐⭐", ["anything you'd like to tell us", "!pick a rating"]),
        ],
    ),
    Scenario(
        "de: '10/10' answers the rating question",
        "german",
        [
            ("Was kostet der Versand?", ["Werktage"]),
            ("tschüss", ["bewerten"]),
            ("10/10", ["noch etwas sagen", "!Bitte wählen Sie"]),
        ],
    ),
]

# Who asks and what they want, all in the first message.
FACTS_AND_REQUEST = [
    Scenario(
        "'I'm x@…, postcode …, please change my email to y@…': done at once, to the new one",
        "facts",
        [
            (
                "I'm {email}, postcode {postcode}, please change my email to fx.{id}@example.com",
                ["you're verified", "email address is now"],
            ),
        ],
        needs="any",
        check=email_is("fx.{id}@example.com"),
    ),
    Scenario(
        "zh: '我的邮箱是…，邮编…，我要退KF-…，质量有问题': the return, with its reason",
        "chinese",
        [("我的邮箱是{email}，邮编{postcode}，我要退{order}，质量有问题", ["身份已确认", "退货"])],
        needs="delivered",
        check=ticket_with("质量有问题"),
    ),
    Scenario(
        "de: 'Wo ist KF-…? Außerdem möchte ich mich über den Kurier beschweren': both",
        "german",
        [
            (
                "Wo ist {order}? Außerdem möchte ich mich über den Kurier beschweren",
                ["danach kümmere ich mich um ein Support-Ticket"],
            ),
            ("{email}", [DE_ASK_FACT]),
            ("{postcode}", ["{order}", "versandt", "Worum geht es"]),
        ],
        needs="shipped",
    ),
]

# A short invoice request is the whole ticket (it had to be described again in Chinese).
INVOICES = [
    Scenario(
        "zh: 'KF-… 能开发票吗' is confirmed as the ticket, not asked to be described",
        "chinese",
        [
            ("{order} 能开发票吗", [ZH_ASK_CONTACT]),
            ("{email}", [ZH_ASK_FACT]),
            ("{postcode}", ["能开发票吗", "要继续吗", "!请用几句话描述"]),
            ("是", ["已创建工单"]),
        ],
        needs="any",
        check=ticket_with("发票"),
    ),
]

# A status question where the return form asks why: no reason, the other request.
NOT_A_REASON = [
    Scenario(
        "de: 'ach egal, wie ist der Status von KF-…?' asked why: the status, no return filed",
        "german",
        [
            ("Ich will {order} zurückgeben", [DE_ASK_CONTACT]),
            ("{email}", [DE_ASK_FACT]),
            ("{postcode}", ["Warum"]),
            ("ach egal, wie ist der Status von {order}?", ["Status", "!Rücksendung für"]),
        ],
        needs="delivered",
        check=no_ticket_for_the_order(),
    ),
    Scenario(
        "'what's the status of KF-… then?' asked why: the status, no return filed",
        "digression",
        [
            ("I want to return {order}", [ASK_CONTACT]),
            ("{email}", [ASK_FACT]),
            ("{postcode}", ["why"]),
            ("hmm what's the status of {order} then?", ["delivered", "!return request for"]),
        ],
        needs="delivered",
        check=no_ticket_for_the_order(),
    ),
]

SCENARIOS = (
    NOT_A_REASON
    + SIDE_QUESTIONS
    + WAITING_FOR_AN_AGENT
    + THUMBS
    + GERMAN_WORDING
    + RATINGS
    + FACTS_AND_REQUEST
    + INVOICES
)
