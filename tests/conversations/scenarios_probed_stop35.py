"""Conversations found failing by probing the running bot (stop 35): "cancel my most recent
order", "storniere bitte meine letzte Bestellung", "帮我取消最近一笔订单" name one order, the newest
(to return: the newest that has arrived), but got the list of orders to pick from, or a "Which
order? … Is it this one?" before the confirmation; the refusal of a shipped order came only after
picking it."""

from __future__ import annotations

from tests.conversations.scenarios_chinese import ZH_ASK_CONTACT, ZH_ASK_FACT
from tests.conversations.scenarios_en import (
    ASK_CONTACT,
    ASK_FACT,
    BEN,
    BEN_POSTCODE,
)
from tests.conversations.scenarios_german import DE_ASK_CONTACT, DE_ASK_FACT
from tests.conversations.scenarios_probed_stop34 import CHLOE, CHLOE_POSTCODE
from tests.conversations.support import Scenario

# Demo customers, read only: Chloé's newest order KF-500007 has shipped; Ben's newest KF-500005
# is placed, and his KF-500004 was delivered 60 days ago.

THE_LATEST_ORDER = [
    Scenario(
        "'cancel my most recent order' that has shipped: refused at once, no list",
        "wording",
        [
            ("I'd like to cancel my most recent order please", [ASK_CONTACT]),
            (CHLOE, [ASK_FACT]),
            (CHLOE_POSTCODE, ["KF-500007", "can't be cancelled", "!Which order"]),
        ],
    ),
    Scenario(
        "de: 'storniere bitte meine letzte Bestellung': its confirmation, no 'Ist es diese?'",
        "german",
        [
            ("storniere bitte meine letzte Bestellung", [DE_ASK_CONTACT]),
            (BEN, [DE_ASK_FACT]),
            (BEN_POSTCODE, ["Soll ich die Bestellung KF-500005", "!Ist es diese"]),
            ("nein", ["nichts storniert"]),
        ],
    ),
    Scenario(
        "zh: '帮我取消最近一笔订单' that has shipped: refused at once, no list",
        "chinese",
        [
            ("帮我取消最近一笔订单", [ZH_ASK_CONTACT]),
            (CHLOE, [ZH_ASK_FACT]),
            (CHLOE_POSTCODE, ["KF-500007", "无法再取消", "!是哪个订单"]),
        ],
    ),
    Scenario(
        "'I want to return my last order', delivered 60 days ago: too late, said at once",
        "wording",
        [
            ("hi, I want to send back my last order", [ASK_CONTACT]),
            (BEN, [ASK_FACT]),
            (BEN_POSTCODE, ["KF-500004", "30 days", "!Which order"]),
        ],
    ),
]

SCENARIOS = THE_LATEST_ORDER
