"""Inside any form: stop, a human, leftovers of an earlier flow; every hook is really called."""

from __future__ import annotations

import inspect
from typing import Any
from unittest.mock import AsyncMock

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

import actions.feedback
import actions.identification
import actions.orders
import actions.profile
import actions.tickets
from actions.answers import is_acknowledgement
from actions.flow import FlowFormValidator
from actions.orders import ActionCancelOrder, ValidateCancelOrderForm
from actions.profile import ValidateUpdateEmailForm
from crm_store.models import Conversation
from tests.actions.support import FORMS, SENDER, make_tracker, run_action, user_event, verified

VALIDATORS: dict[str, type[FlowFormValidator]] = {
    cls().name(): cls
    for module in (
        actions.identification,
        actions.orders,
        actions.tickets,
        actions.profile,
        actions.feedback,
    )
    for _, cls in inspect.getmembers(module, inspect.isclass)
    if issubclass(cls, FlowFormValidator) and not inspect.isabstract(cls)
}


def test_every_form_has_its_validator() -> None:
    assert sorted(VALIDATORS) == sorted(f"validate_{form}" for form in FORMS)


HOOKS = [
    (form, slot, kind)
    for form, required in FORMS.items()
    for slot in required
    for kind in ("extract", "validate")
]


@pytest.mark.parametrize(("form", "slot", "kind"), HOOKS)
async def test_every_hook_exists_and_run_calls_it(form: str, slot: str, kind: str) -> None:
    """A renamed hook would silently never run (rasa-sdk looks them up by name)."""
    validator = VALIDATORS[f"validate_{form}"]()
    name = f"{kind}_{slot}"
    assert callable(getattr(validator, name, None)), f"{type(validator).__name__}.{name}"
    spy = AsyncMock(return_value={slot: "spy"})
    setattr(validator, name, spy)
    if kind == "validate":  # feed the slot in, as the extract hook would
        setattr(validator, f"extract_{slot}", AsyncMock(return_value={slot: "candidate"}))
    identified = slot not in ("contact", "verification_fact") and form != "csat_form"
    tracker = make_tracker(
        "some answer",
        intent="inform",
        form=form,
        requested_slot=slot,
        slots=verified() if identified else {},
    )
    await run_action(validator, tracker)
    spy.assert_awaited_once()


@pytest.mark.parametrize("form", sorted(FORMS))
async def test_stop_inside_any_form_ends_it(form: str) -> None:
    tracker = make_tracker(
        "never mind", "stop", form=form, requested_slot=FORMS[form][-1], slots=verified()
    )
    outcome = await run_action(VALIDATORS[f"validate_{form}"](), tracker)
    assert outcome.slots == {"flow_aborted": True, "requested_slot": None}
    assert outcome.messages == []


@pytest.mark.parametrize("form", sorted(set(FORMS) - {"csat_form"}))
async def test_goodbye_inside_a_customer_form_ends_it(form: str) -> None:
    tracker = make_tracker("bye", "goodbye", form=form, requested_slot=FORMS[form][0])
    outcome = await run_action(VALIDATORS[f"validate_{form}"](), tracker)
    assert outcome.slots == {"flow_aborted": True, "requested_slot": None}


async def test_goodbye_starting_the_rating_form_does_not_end_it() -> None:
    asked = [user_event("where is KF-500001", "order_status")]
    tracker = make_tracker("bye", "goodbye", form="csat_form", requested_slot=None, history=asked)
    outcome = await run_action(VALIDATORS["validate_csat_form"](), tracker)
    assert outcome.slots.get("flow_aborted") is not True


async def test_goodbye_then_the_submit_action_says_goodbye_and_resets() -> None:
    slots = {"flow_aborted": True, "contact": "C10001"}
    outcome = await run_action(ActionCancelOrder(), make_tracker("bye", "goodbye", slots=slots))
    assert outcome.responses == ["utter_goodbye"]
    assert outcome.slots == {"contact": None, "flow_aborted": False}


async def test_stop_then_the_submit_action_says_stopped_and_resets() -> None:
    slots = {"flow_aborted": True, "contact": "C10001", "order_number": "KF-500001"}
    outcome = await run_action(ActionCancelOrder(), make_tracker("forget it", "stop", slots=slots))
    assert outcome.responses == ["utter_flow_stopped"]
    assert outcome.slots == {"order_number": None, "contact": None, "flow_aborted": False}


async def test_human_inside_a_form_hands_off_through_the_submit_action(
    crm_db: async_sessionmaker[AsyncSession],
) -> None:
    tracker = make_tracker(
        "let me talk to a person",
        "human_handoff",
        form="cancel_order_form",
        requested_slot="confirm_cancel",
        slots={**verified(), "order_number": "KF-500001"},
    )
    outcome = await run_action(ValidateCancelOrderForm(), tracker)
    assert outcome.slots == {
        "flow_aborted": True,
        "handoff_requested": True,
        "requested_slot": None,
    }

    slots: dict[str, Any] = {**verified(), "order_number": "KF-500001", **outcome.slots}
    submit = make_tracker("let me talk to a person", "human_handoff", slots=slots)
    outcome = await run_action(ActionCancelOrder(), submit)
    assert outcome.responses == ["utter_handoff"]
    assert outcome.slots == {
        "order_number": None,
        "flow_aborted": False,
        "handoff_requested": False,
        "agent_requested": True,
    }
    async with crm_db() as session:
        status = await session.scalar(
            select(Conversation.status).where(Conversation.sender_id == SENDER)
        )
    assert str(getattr(status, "value", status)) == "handoff"


async def test_leftover_flags_of_an_earlier_flow_do_not_end_a_new_form() -> None:
    tracker = make_tracker(
        "change my email",
        "update_email",
        form="update_email_form",
        slots={**verified(), "flow_aborted": True, "handoff_requested": True},
    )
    outcome = await run_action(ValidateUpdateEmailForm(), tracker)
    assert outcome.slots["flow_aborted"] is False
    assert outcome.slots["handoff_requested"] is False
    assert outcome.slots["requested_slot"] == "new_email"


@pytest.mark.parametrize(
    ("text", "intent", "expected"),
    [
        ("ok thanks", "thanks", True),
        ("thank you very much", "thanks", True),
        ("ja", "affirm", True),
        ("对", "affirm", True),
        ("谢谢", "thanks", True),
        ("是的", "affirm", True),
        ("no", "deny", True),
        ("hallo", "greet", True),
        # NLU reads it as a yes, but it says why.
        ("ja, passt nicht", "affirm", False),
        ("yes, the parcel is late", "affirm", False),
        # Longer than an acknowledgement, or not read as one.
        ("yes, I would like to explain it to you properly", "affirm", False),
        ("KF-502998", "inform", False),
        ("too small", "inform", False),
    ],
)
def test_is_acknowledgement(text: str, intent: str, expected: bool) -> None:
    assert is_acknowledgement(make_tracker(text, intent)) is expected
