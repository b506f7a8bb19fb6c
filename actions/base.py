"""What every Kefu action is built on: a name from its class, and `act` for rasa-sdk's `run`.

rasa-sdk asks each action for `name()` and `run(dispatcher, tracker, domain)`; none of Kefu's
actions reads the domain, so they implement `act(dispatcher, tracker)` and say their name once,
as `action_name`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, TypeAlias

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

Dispatcher = CollectingDispatcher
# Aliases for annotations only (strings at run time, so no module seems to define a class).
Events: TypeAlias = "list[EventType]"
# What a form validator's hooks return: slot names and their values.
SlotValues: TypeAlias = "dict[str, Any]"


class Named(ABC):
    """Named by the class attribute `action_name`; a class that sets none stays abstract, so
    rasa-sdk, which registers every concrete Action subclass, skips the base classes."""

    @property
    @abstractmethod
    def action_name(self) -> str: ...

    def name(self) -> str:
        return self.action_name


class KefuAction(Named, Action):
    """A rasa-sdk action named by its `action_name`."""

    async def run(self, dispatcher: Dispatcher, tracker: Tracker, domain: DomainDict) -> Events:
        return await self.act(dispatcher, tracker)

    @abstractmethod
    async def act(self, dispatcher: Dispatcher, tracker: Tracker) -> Events:
        """Do the action's work: say things through `dispatcher`, return the events."""
