"""Going on with a request: served at once when it needs only a verified customer, else its
form (identification first)."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, FollowupAction

from actions.base import Dispatcher, Events, KefuAction
from actions.conversation import verified_customer_id
from actions.digression import next_step


async def start_request(
    dispatcher: Dispatcher, tracker: Tracker, request: str, events: list[EventType] | None = None
) -> Events:
    """Go on with `request` after `events`: served in this turn when it needs nothing but a
    verified customer (a FollowupAction would leave the rules with a state they never saw),
    else its form (identification first when it needs it) follows."""
    events = list(events or [])
    step = next_step(request, verified_customer_id(tracker) is not None)
    direct = find_action(step) if step else None
    if direct is None:
        return [*events, FollowupAction(str(step))]
    tracker.add_slots(events)
    return events + await direct.act(dispatcher, tracker)


def find_action(name: str) -> KefuAction | None:
    """The concrete Kefu action called `name`, found among the loaded action classes."""
    stack: list[type] = [KefuAction]
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if vars(cls).get("action_name") == name and not getattr(cls, "__abstractmethods__", None):
            return cls()
    return None
