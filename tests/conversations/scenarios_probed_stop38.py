"""Conversations found failing by probing the running bot (stop 38): "and the other one?" after
the status of the order the bot picked itself ("where is my order?" from a customer with one
order still to come) gave every recent order, the one just shown among them."""

from __future__ import annotations

from tests.conversations.scenarios_chinese import ZH_ASK_CONTACT, ZH_ASK_FACT
from tests.conversations.scenarios_en import ASK_CONTACT, ASK_FACT, BEN, BEN_POSTCODE
from tests.conversations.scenarios_german import DE_ASK_CONTACT, DE_ASK_FACT
from tests.conversations.support import Scenario

THE_OTHER_THAN_THE_ONE_SHOWN = [
    Scenario(
        "Ben: 'and the other one?' after the status of the order the bot picked is the other's",
        "wording",
        [
            ("where is my order?", [ASK_CONTACT]),
            (BEN, [ASK_FACT]),
            (BEN_POSTCODE, ["KF-500005", "!KF-500004"]),
            ("and the other one?", ["KF-500004", "delivered", "!KF-500005"]),
        ],
    ),
    Scenario(
        "de: Ben, 'und die andere?' after the order the bot picked is the other one",
        "german",
        [
            ("Wo ist meine Bestellung?", [DE_ASK_CONTACT]),
            (BEN, [DE_ASK_FACT]),
            (BEN_POSTCODE, ["KF-500005", "!KF-500004"]),
            ("und die andere?", ["KF-500004", "!KF-500005"]),
        ],
    ),
    Scenario(
        "zh: Ben, '另一个呢?' after the order the bot picked is the other one",
        "chinese",
        [
            ("我的订单在哪里?", [ZH_ASK_CONTACT]),
            (BEN, [ZH_ASK_FACT]),
            (BEN_POSTCODE, ["KF-500005", "!KF-500004"]),
            ("另一个呢?", ["KF-500004", "!KF-500005"]),
        ],
    ),
]

SCENARIOS = THE_OTHER_THAN_THE_ONE_SHOWN
