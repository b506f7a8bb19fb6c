"""A completed form's submit comes back with its validation and replaces the submit's own call."""

from __future__ import annotations

import copy
import logging
from typing import Any, ClassVar

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.core.processor import MessageProcessor
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot import fused_submit
from bot.fused_submit import ASK_FIELD, RESULT_FIELD

DOMAIN = Domain.from_yaml(
    """
version: "3.1"
slots:
  done:
    type: any
    mappings: [{type: custom}]
responses:
  utter_done:
    - text: "Done: {done}."
actions: [validate_demo_form, action_submit_demo]
"""
)
VALIDATION = {
    "events": [{"event": "slot", "name": "requested_slot", "value": None}],
    "responses": [],
}
SUBMIT = {
    "events": [{"event": "slot", "name": "done", "value": "yes"}],
    "responses": [{"response": "utter_done"}, {"text": "Anything else?"}],
}


class FakeEndpoint:
    """An action server that answers from `replies` and records each call's body."""

    url = "http://actions/webhook"
    kwargs: ClassVar[dict[str, Any]] = {}

    def __init__(self, fused: bool = True) -> None:
        self.fused = fused
        self.calls: list[dict[str, Any]] = []

    async def request(self, **kwargs: Any) -> dict[str, Any]:
        body = kwargs["json"]
        self.calls.append(body)
        if body["next_action"] == "action_submit_demo":
            return copy.deepcopy(SUBMIT)
        reply = copy.deepcopy(VALIDATION)
        if self.fused and body.get(ASK_FIELD):
            reply[RESULT_FIELD] = {"action": "action_submit_demo", **copy.deepcopy(SUBMIT)}
        return reply


@pytest.fixture(autouse=True)
def applied() -> None:
    fused_submit.apply()
    fused_submit.apply()  # idempotent
    fused_submit._kept.clear()


def tracker(sender: str = "s1", message_id: str = "m1") -> DialogueStateTracker:
    return DialogueStateTracker.from_events(
        sender,
        [
            ActionExecuted("action_listen"),
            UserUttered("no", {"name": "deny"}, message_id=message_id, timestamp=1.0),
        ],
        slots=DOMAIN.slots,
    )


async def run(name: str, endpoint: FakeEndpoint, on: DialogueStateTracker) -> list[Any]:
    nlg = TemplatedNaturalLanguageGenerator(DOMAIN.responses)
    return await RemoteAction(name, endpoint).run(CollectingOutputChannel(), nlg, on, DOMAIN)


def comparable(events: list[Any]) -> list[Any]:
    return [
        (type(e).__name__, e.text, e.data, e.metadata)
        if isinstance(e, BotUttered)
        else (type(e).__name__, getattr(e, "key", None), getattr(e, "value", None))
        for e in events
    ]


async def test_the_submit_comes_with_the_validation_and_answers_as_its_own_call() -> None:
    fused, plain = FakeEndpoint(), FakeEndpoint(fused=False)
    validated = await run("validate_demo_form", fused, tracker())
    assert validated == [SlotSet("requested_slot", None)]  # the extra field is not an event
    assert fused.calls[0][ASK_FIELD] is True

    updated = tracker()
    updated.update(SlotSet("done", "soon"))
    submitted = await run("action_submit_demo", fused, updated)
    assert len(fused.calls) == 1  # no call for the submit

    await run("validate_demo_form", plain, tracker())
    expected = await run("action_submit_demo", plain, updated)
    assert len(plain.calls) == 2
    assert comparable(submitted) == comparable(expected)
    # Replies rendered by the Rasa server's NLG on the submit's tracker, as for a real call.
    assert [e.text for e in submitted if isinstance(e, BotUttered)] == [
        "Done: soon.",
        "Anything else?",
    ]


async def test_a_kept_submit_is_used_once() -> None:
    endpoint = FakeEndpoint()
    await run("validate_demo_form", endpoint, tracker())
    await run("action_submit_demo", endpoint, tracker())
    await run("action_submit_demo", endpoint, tracker())
    assert [call["next_action"] for call in endpoint.calls] == [
        "validate_demo_form",
        "action_submit_demo",
    ]


async def test_a_submit_kept_in_another_turn_or_conversation_is_not_used() -> None:
    endpoint = FakeEndpoint()
    await run("validate_demo_form", endpoint, tracker("s1", "m1"))
    await run("action_submit_demo", endpoint, tracker("s2", "m1"))
    await run("action_submit_demo", endpoint, tracker("s1", "m2"))
    assert [call["next_action"] for call in endpoint.calls] == [
        "validate_demo_form",
        "action_submit_demo",
        "action_submit_demo",
    ]


async def test_an_invalid_kept_result_fails_as_a_real_reply_would() -> None:
    class Broken(FakeEndpoint):
        async def request(self, **kwargs: Any) -> dict[str, Any]:
            reply = await super().request(**kwargs)
            if RESULT_FIELD in reply:
                reply[RESULT_FIELD]["events"] = [{"no_event_key": 1}]
            return reply

    endpoint = Broken()
    await run("validate_demo_form", endpoint, tracker())
    with pytest.raises(ValidationError):
        await run("action_submit_demo", endpoint, tracker())


async def test_another_prediction_drops_the_kept_submit(caplog: pytest.LogCaptureFixture) -> None:
    endpoint = FakeEndpoint()
    await run("validate_demo_form", endpoint, tracker())

    class Action:
        def name(self) -> str:
            return "action_listen"

    async def original(*_args: Any) -> bool:
        return False

    run_action = fused_submit.dropping_run_action(original)
    with caplog.at_level(logging.WARNING, logger="bot.fused_submit"):
        await run_action(None, Action(), tracker(), None, None, None)
    assert "action_submit_demo ran with its form's validation" in caplog.text
    await run("action_submit_demo", endpoint, tracker())
    assert len(endpoint.calls) == 2  # the submit went out after all


async def test_apply_installs_both_wrappers() -> None:
    assert MessageProcessor._run_action.__wrapped__ is not None  # type: ignore[attr-defined]
    assert RemoteAction.run.__wrapped__ is not None  # type: ignore[attr-defined]
