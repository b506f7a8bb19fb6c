"""Which order a status question without a number is about, and where a refund stands
(actions/order_meant.py)."""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

import pytest

from actions.order_meant import (
    asks_about_refund,
    latest_order,
    order_meant,
    orders_meant,
    other_order,
    other_than,
    refund_reply,
    says_latest_order,
    says_the_other,
    the_other,
    waits_for_parcel,
)
from crm_store.views import OrderView

PLACED = datetime(2026, 11, 20, 10, 0, tzinfo=timezone.utc)


def order(number: str, status: str, items: str = "1 × Lamp") -> OrderView:
    return OrderView(
        order_number=number, status=status, placed_at=PLACED, total=Decimal("9.90"),
        currency="EUR", carrier=None, tracking_number=None, shipped_at=None, delivered_at=None,
        cancelled_at=PLACED if status == "cancelled" else None, item_summary=items,
    )  # fmt: skip


# Newest first, as recent_orders returns them.
ORDERS = [
    order("KF-1", "paid", "1 × Toaster"),
    order("KF-2", "shipped", "1 × Kettle"),
    order("KF-3", "cancelled", "1 × Bird feeder"),
    order("KF-4", "returned", "1 × Garden hose"),
]


@pytest.mark.parametrize(
    "text",
    [
        "my package never arrived",
        "it still hasn't come",
        "parcel not here yet",
        "mein Paket ist immer noch nicht da",
        "wo bleibt meine Lieferung",
        "我的快递还没收到",
        "包裹一直没到",
        "my package never showed up and its been 2 weeks",
        "still havent got my parcel",
        "I didn't get my order",
        "nothing has arrived",
        "tracking says delivered but i got nothing",
        "my parcel is missing",
        "ich habe meine Bestellung nicht bekommen",
        "Sendung wurde nicht zugestellt",
        "Paket ist verschwunden",
        "东西还没送来",
        "包裹丢了",
    ],
)
def test_a_parcel_that_has_not_come_is_the_one_on_its_way(text: str) -> None:
    assert waits_for_parcel(text)
    assert order_meant(ORDERS, text) == ORDERS[1]


@pytest.mark.parametrize(
    "text",
    [
        "where is my order",
        "wo ist meine Bestellung",
        "我的订单到哪了",
        "I want to get my order faster",
        "when will it arrive",
    ],
)
def test_a_plain_status_question_is_about_the_newest_order(text: str) -> None:
    assert not waits_for_parcel(text)
    assert order_meant(ORDERS, text) == ORDERS[0]


def test_an_item_named_comes_before_the_parcel_on_its_way() -> None:
    assert order_meant(ORDERS, "my toaster still hasn't arrived") == ORDERS[0]


def test_nothing_on_its_way_leaves_the_newest_order() -> None:
    assert order_meant([ORDERS[0], ORDERS[2]], "my parcel never arrived") == ORDERS[0]
    assert order_meant([], "my parcel never arrived") is None


@pytest.mark.parametrize(
    ("text", "refund"),
    [
        ("has my refund come through yet?", True),
        ("Ist meine Rückerstattung schon da?", True),
        ("wann wird mir das erstattet", True),
        ("我的退款到账了吗", True),
        ("where is my order", False),
        ("wo ist mein Geld", False),
    ],
)
def test_refund_wording(text: str, refund: bool) -> None:
    assert asks_about_refund(text) is refund


def test_an_open_return_comes_first() -> None:
    text = refund_reply(ORDERS, [("KF-9", "T-10900")])
    assert "KF-9" in text and "T-10900" in text and "5 working days" in text


def test_a_returned_order_before_a_cancelled_one() -> None:
    assert "KF-4" in refund_reply(ORDERS, []) and "5 working days" in refund_reply(ORDERS, [])
    cancelled = refund_reply(ORDERS[:3], [], "de")
    assert "KF-3" in cancelled and "Geld" in cancelled


def test_no_refund_due_says_so_and_how_to_go_on() -> None:
    text = refund_reply(ORDERS[:2], [])
    assert "can't see a refund due" in text and "open a ticket" in text
    assert "没有待退的款项" in refund_reply([], [], "zh")


def test_one_order_asked_about_gets_its_status_and_no_refund_due() -> None:
    text = refund_reply([ORDERS[0]], [], one_order=True)
    assert text.startswith("Order KF-1") and "no refund is due" in text


@pytest.mark.parametrize(
    ("text", "latest"),
    [
        ("cancel my last order", True),
        ("I'd like to cancel my most recent order please", True),
        ("return the order I just placed", True),
        ("storniere bitte meine letzte Bestellung", True),
        ("ich will meine neueste Bestellung zurückgeben", True),
        ("帮我取消最近一笔订单", True),
        ("我想退掉上一个订单", True),
        ("刚下的单能取消吗", True),
        # The plural asks for the list; an order without "last" is any of them.
        ("show my last orders", False),
        ("meine letzten Bestellungen", False),
        ("cancel my order", False),
        ("我在网上订单里看不到", False),
    ],
)
def test_latest_order_wording(text: str, latest: bool) -> None:
    assert says_latest_order(text) is latest


def test_the_latest_order_is_the_newest_and_to_return_the_newest_delivered() -> None:
    delivered = order("KF-5", "delivered", "1 × Lamp")
    orders = [*ORDERS, delivered]
    assert latest_order(orders) == ORDERS[0]
    assert latest_order(orders, returning=True) == delivered
    assert latest_order(ORDERS, returning=True) == ORDERS[0]  # nothing arrived: the newest
    assert latest_order([]) is None


@pytest.mark.parametrize(
    "text",
    ["hey can you check on my orders", "wo sind meine Bestellungen?", "查一下我所有的订单"],
)
def test_several_orders_asked_about_are_each_still_to_come(text: str) -> None:
    still_to_come = order("KF-0", "placed", "1 × Lamp")
    assert orders_meant([still_to_come, *ORDERS], text) == [still_to_come, *ORDERS[:2]]


def test_several_orders_with_one_still_to_come_is_that_one() -> None:
    assert orders_meant(ORDERS[1:], "where are my orders") == [ORDERS[1]]
    assert orders_meant(ORDERS[2:] + ORDERS[1:2], "where are my orders") == [ORDERS[1]]
    assert orders_meant(ORDERS[2:], "where are my orders") == [ORDERS[2]]
    assert orders_meant([], "where are my orders") == []


def test_one_order_asked_about_is_one() -> None:
    assert orders_meant(ORDERS, "where is my order") == [ORDERS[0]]
    assert orders_meant(ORDERS, "my last orders? no, just the latest order") == [ORDERS[0]]


@pytest.mark.parametrize(
    ("text", "other"),
    [
        ("and the other one?", True),
        ("what about the other order", True),
        ("ok and the other?", True),
        ("und die andere?", True),
        ("und was ist mit der anderen Bestellung", True),
        ("另一个呢", True),
        ("另外一个订单到哪了", True),
        ("one other thing", False),
        ("the order", False),
        ("andere Frage", False),
        ("其他问题", False),
    ],
)
def test_the_other_order_wording(text: str, other: bool) -> None:
    assert says_the_other(text) is other


def test_the_other_order_is_the_one_besides_and_only_when_there_is_one() -> None:
    assert other_than(other_order("KF-2")) == "KF-2"
    assert other_than("KF-2") is None and other_than(other_order("")) is None
    assert the_other(ORDERS[:2], "KF-1") == ORDERS[1]
    assert the_other(ORDERS[:3], "KF-1") is None  # two others: which one is asked
    assert the_other(ORDERS[:1], "KF-1") is None
