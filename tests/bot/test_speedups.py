"""The speed-ups change Rasa's costs, never its answers."""

from __future__ import annotations

import abc

import pytest
import rasa.shared.utils.common as common
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import Event, SlotSet, UserUttered

from bot import speedups

VALID = {
    "events": [{"event": "slot", "name": "x", "value": 1}],
    "responses": [{"text": "hello"}],
}


@pytest.fixture(scope="module", autouse=True)
def applied() -> None:
    speedups.apply()
    speedups.apply()  # idempotent


def test_a_valid_action_result_passes() -> None:
    action = RemoteAction("action_x", None)
    assert action._validate_action_result(VALID) is True
    assert action._validate_action_result({}) is True


@pytest.mark.parametrize(
    "result",
    [
        {"events": "not a list"},
        {"events": [{"no_event_key": 1}]},
        {"responses": [{"text": "hi"}], "events": [{"event": 3}]},
    ],
)
def test_an_invalid_action_result_raises_as_rasa_would(result: dict) -> None:
    action = RemoteAction("action_x", None)
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        action._validate_action_result(result)


def test_all_subclasses_is_cached_and_sees_new_subclasses() -> None:
    first = common.all_subclasses(Event)
    assert UserUttered in first and SlotSet in first
    assert common.all_subclasses(Event) == first

    class Base(abc.ABC):  # noqa: B024 - the tree under test
        pass

    class Child(Base):
        pass

    assert common.all_subclasses(Base) == [Child]

    class GrandChild(Child):
        pass

    class Abstract(Child, abc.ABC):
        @abc.abstractmethod
        def f(self) -> None: ...

    found = common.all_subclasses(Base)
    assert set(found) == {Child, GrandChild}


def test_events_still_deserialise() -> None:
    event = Event.from_parameters(
        {"event": "user", "text": "hi", "timestamp": 1.0, "parse_data": {"intent": {}}}
    )
    assert isinstance(event, UserUttered) and event.text == "hi"
