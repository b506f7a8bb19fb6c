"""Another order named while an order form asks about the one it has (order_correction.py)."""

from __future__ import annotations

from typing import Any

from rasa_sdk.events import SlotSet

from actions.order_correction import corrected_order
from tests.actions.support import make_tracker

VERIFIED = {"customer_id": "1", "is_verified": True, "order_number": "KF-500001"}


def asked(text: str, numbers: tuple[str, ...], requested: str = "confirm_cancel") -> Any:
    """`text` naming `numbers`, while the cancel form asks `requested` about KF-500001."""
    return make_tracker(
        text,
        "inform",
        entities=[("order_number", number) for number in numbers],
        slots=VERIFIED,
        form="cancel_order_form",
        requested_slot=requested,
        history=[SlotSet("order_number", "KF-500001")],
    )


def test_another_order_named_at_the_confirmation_is_the_one_meant() -> None:
    assert corrected_order(asked("sorry I meant KF-500002", ("KF-500002",)), "cancel_order") == (
        "KF-500002"
    )
    assert corrected_order(asked("不是这个，是kf500002", ("kf500002",)), "cancel_order") == (
        "KF-500002"
    )
    # The form's own request named again with a correction word.
    instead = asked("cancel KF-500002 instead", ("KF-500002",))
    assert corrected_order(instead, "cancel_order") == "KF-500002"


def test_the_same_order_two_orders_or_another_request_are_no_correction() -> None:
    assert corrected_order(asked("yes KF-500001", ("KF-500001",)), "cancel_order") is None
    both = asked("KF-500002 or KF-500003", ("KF-500002", "KF-500003"))
    assert corrected_order(both, "cancel_order") is None
    also = asked("and cancel KF-500002 too", ("KF-500002",))
    assert corrected_order(also, "cancel_order") is None
    status = asked("where is KF-500002?", ("KF-500002",))
    assert corrected_order(status, "cancel_order") is None


def test_only_after_the_form_has_its_order() -> None:
    """While it asks who the customer is or which order, a number is an answer, not a fix."""
    for requested in ("order_number", "contact", "verification_fact"):
        tracker = asked("KF-500002", ("KF-500002",), requested)
        assert corrected_order(tracker, "cancel_order") is None
