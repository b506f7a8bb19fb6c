"""When a parcel on its way should arrive, in the status answer (actions/order_replies.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

from actions.order_question import which_order
from actions.order_replies import arrival, order_status, working_days_after
from crm_store.views import OrderView

# A Thursday: four working days later is the next Wednesday, over the weekend.
THURSDAY = datetime(2026, 11, 26, 10, 0, tzinfo=timezone.utc)


def shipped(on: datetime = THURSDAY, status: str = "shipped") -> OrderView:
    return OrderView(
        order_number="KF-500002", status=status, placed_at=on, total=Decimal("9.90"),
        currency="EUR", carrier="DHL", tracking_number="0034", shipped_at=on,
        delivered_at=None, cancelled_at=None, item_summary="1 × Lamp",
    )  # fmt: skip


def test_working_days_skip_the_weekend() -> None:
    assert working_days_after(THURSDAY, 4).date() == date(2026, 12, 2)
    assert working_days_after(THURSDAY, 1).date() == date(2026, 11, 27)


def test_a_parcel_on_its_way_gets_the_date_it_should_arrive_by() -> None:
    text = arrival(shipped(), "en", today=date(2026, 11, 30))
    assert "by 2 December 2026" in text and "open a ticket" not in text
    assert "bis 2. Dezember 2026" in arrival(shipped(), "de", today=date(2026, 11, 30))
    assert "2026年12月2日前到" in arrival(shipped(), "zh", today=date(2026, 11, 30))


def test_a_late_parcel_gets_the_way_to_a_ticket() -> None:
    late = arrival(shipped(), "en", today=date(2026, 12, 3))
    assert "should have arrived by 2 December 2026" in late and "open a ticket" in late
    assert "Ticket eröffnen" in arrival(shipped(), "de", today=date(2026, 12, 3))
    assert "开工单" in arrival(shipped(), "zh", today=date(2026, 12, 3))


def test_only_parcels_on_their_way_get_an_estimate() -> None:
    assert arrival(shipped(status="delivered"), "en", today=date(2026, 11, 30)) == ""
    assert "Parcels usually arrive" not in order_status(shipped(status="delivered"))
    assert "DHL" in order_status(shipped()) and "0034" in order_status(shipped())


def test_an_order_without_items_gets_no_empty_brackets() -> None:
    bare = replace(shipped(status="paid"), item_summary="")
    assert order_status(bare, "en").startswith("Order KF-500002, placed on")
    assert order_status(bare, "de").startswith("Bestellung KF-500002 vom")
    assert order_status(bare, "zh").startswith("订单 KF-500002，下单日期")
    assert "(1 × Lamp)" in order_status(shipped(status="paid"), "en")


def test_a_returned_order_says_when_the_money_comes_back() -> None:
    returned = shipped(status="returned")
    assert "was returned. We refund you within 5 working days" in order_status(returned, "en")
    assert "zurückgeschickt; die Erstattung erfolgt" in order_status(returned, "de")
    assert "已退货，包裹退回到我们这里后" in order_status(returned, "zh")


def test_a_refund_long_due_after_a_cancellation_gets_the_way_to_a_ticket() -> None:
    cancelled = replace(shipped(status="cancelled"), shipped_at=None, cancelled_at=THURSDAY)
    days_after = {n: THURSDAY.date() + timedelta(days=n) for n in (3, 20)}
    for language, soon, due in (
        ("en", "within a few days", "open a ticket"),
        ("de", "innerhalb weniger Tage", "Ticket zu eröffnen"),
        ("zh", "几天内退回", "开工单"),
    ):
        recent = order_status(cancelled, language, today=days_after[3])
        long_ago = order_status(cancelled, language, today=days_after[20])
        assert soon in recent and due not in recent, recent
        assert due in long_ago and soon not in long_ago, long_ago


def test_which_order_offers_one_order_alone_for_a_yes() -> None:
    one = which_order([shipped(status="paid")], "cancel_order_form", "en")
    assert "Which order shall I cancel? Only this one can still be cancelled:" in one
    assert "KF-500002" in one and "Say yes" in one
    two = which_order([shipped(status="paid"), shipped(status="placed")], "cancel_order_form", "en")
    assert "These can still be cancelled:" in two and "the first one" in two
    assert "只有这一个可以退货" in which_order([shipped(status="delivered")], "return_form", "zh")
