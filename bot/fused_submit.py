"""One action-server call fewer when a form completes: its submit comes back with its validation.

A form's last answer costs two calls to the action server: the form's validation
(`validate_<form>`), then the submit action the form's rule predicts once the form is done
(data/rules.yml, "X, submit" and "X, form has nothing to ask"), with the whole tracker again.
Installed by `apply()` from bot/server.py, this asks for the submit with every validation
(`ASK_FIELD`); the action server runs it when the validation completes the form
(actions/fused.py) and returns its result in `RESULT_FIELD`. The result is kept for the
conversation and the turn (sender id and the latest user message, so a stale one is never
used), and when the processor's next action in that turn is that submit, its call returns the
kept result instead of going out: the same response handling as a real call (replies rendered
into bot messages, the result and its events validated), the same events on the tracker.

If the next action is another one, the kept result is dropped with a warning. The rules make
that not happen: the form completing is exactly the condition of its submit rule (the form
ran, the loop ended, `requested_slot` None), and the action server fuses only when the
validation's events end the form the way Rasa's FormAction decides it. If it happened, the
submit would have run on the action server without the conversation hearing of it:
`action_open_ticket` and `action_request_return` file with the conversation's request key and
`action_cancel_order` cancels with it, so running them again later does nothing twice;
`action_update_*` write the same value again; `action_save_feedback` would find the rating
saved (the customer is told so); the identification and status submits only read. A flow
the customer ended by asking for a human would have marked the conversation for an agent,
without the customer being told.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import logging
from collections.abc import Awaitable, Callable
from typing import Any

logger = logging.getLogger(__name__)

# Must match actions/fused.py (the Rasa server's environment cannot import the actions).
ASK_FIELD = "kefu_fuse_submit"
RESULT_FIELD = "kefu_submit"
VALIDATE_PREFIX = "validate_"

_APPLIED: set[str] = set()


@dataclasses.dataclass(frozen=True)
class KeptSubmit:
    """A submit's result, run with the validation of the turn `turn` of a conversation."""

    turn: tuple[Any, ...]
    action: str
    result: dict[str, Any]


# By sender id; an entry lives from a form's validation to the next action of the turn.
_kept: dict[str, KeptSubmit] = {}


def turn_of(tracker: Any) -> tuple[Any, ...]:
    """The turn of `tracker`: its latest user message (its id and when it came)."""
    message = tracker.latest_message
    return (getattr(message, "message_id", None), getattr(message, "timestamp", None))


def keep(sender_id: str, turn: tuple[Any, ...], submit: Any) -> None:
    """Keep the submit's result an action server returned with a validation, if well formed."""
    if not isinstance(submit, dict) or not isinstance(submit.get("action"), str):
        return
    result = {key: submit[key] for key in ("events", "responses") if key in submit}
    _kept[sender_id] = KeptSubmit(turn, submit["action"], result)


def take(sender_id: str, turn: tuple[Any, ...], action: str) -> dict[str, Any] | None:
    """The kept result for `action` in this turn (used once), or None."""
    kept = _kept.get(sender_id)
    if kept is None or kept.turn != turn or kept.action != action:
        return None
    del _kept[sender_id]
    return kept.result


def drop_unless_next(sender_id: str, turn: tuple[Any, ...], action: str) -> None:
    """Before an action runs: a kept result that is not for it in this turn goes (logged)."""
    kept = _kept.get(sender_id)
    if kept is None or (kept.turn == turn and kept.action == action):
        return
    del _kept[sender_id]
    logger.warning(
        "The submit %s ran with its form's validation, but %s came next; its result is dropped.",
        kept.action,
        action,
    )


class _AskingEndpoint:
    """A validation call's endpoint: asks for the fused submit and keeps what comes back."""

    def __init__(self, endpoint: Any, sender_id: str, turn: tuple[Any, ...]) -> None:
        self._endpoint = endpoint
        self._sender_id = sender_id
        self._turn = turn

    def __getattr__(self, name: str) -> Any:
        return getattr(self._endpoint, name)

    async def request(self, **kwargs: Any) -> Any:
        kwargs["json"] = {**kwargs["json"], ASK_FIELD: True}
        reply = await self._endpoint.request(**kwargs)
        if isinstance(reply, dict) and RESULT_FIELD in reply:
            keep(self._sender_id, self._turn, reply.pop(RESULT_FIELD))
        return reply


class _KeptEndpoint:
    """A submit call's endpoint when its result came with the validation: no request goes out."""

    def __init__(self, endpoint: Any, result: dict[str, Any]) -> None:
        self._endpoint = endpoint
        self._result = result

    def __getattr__(self, name: str) -> Any:
        return getattr(self._endpoint, name)

    async def request(self, **_kwargs: Any) -> Any:
        return self._result


RemoteRun = Callable[..., Awaitable[list[Any]]]


def fusing_run(original: RemoteRun) -> RemoteRun:
    """`RemoteAction.run` asking for the submit with validations and using a kept one."""

    @functools.wraps(original)
    async def run(self: Any, output_channel: Any, nlg: Any, tracker: Any, domain: Any) -> Any:
        if self.action_endpoint is None:
            return await original(self, output_channel, nlg, tracker, domain)
        turn = turn_of(tracker)
        call = copy.copy(self)
        if self.name().startswith(VALIDATE_PREFIX):
            _kept.pop(tracker.sender_id, None)
            call.action_endpoint = _AskingEndpoint(self.action_endpoint, tracker.sender_id, turn)
        else:
            result = take(tracker.sender_id, turn, self.name())
            if result is None:
                return await original(self, output_channel, nlg, tracker, domain)
            call.action_endpoint = _KeptEndpoint(self.action_endpoint, result)
        return await original(call, output_channel, nlg, tracker, domain)

    return run


def dropping_run_action(original: Callable[..., Awaitable[bool]]) -> Callable[..., Awaitable[bool]]:
    """`MessageProcessor._run_action` dropping a kept submit the prediction did not pick."""

    @functools.wraps(original)
    async def run_action(
        self: Any, action: Any, tracker: Any, output_channel: Any, nlg: Any, prediction: Any
    ) -> bool:
        drop_unless_next(tracker.sender_id, turn_of(tracker), action.name())
        return await original(self, action, tracker, output_channel, nlg, prediction)

    return run_action


def apply() -> None:
    """Install the fused submit (idempotent)."""
    if "fused_submit" in _APPLIED:
        return
    from rasa.core.actions.action import RemoteAction
    from rasa.core.processor import MessageProcessor

    RemoteAction.run = fusing_run(RemoteAction.run)  # type: ignore[method-assign]
    MessageProcessor._run_action = dropping_run_action(  # type: ignore[method-assign]
        MessageProcessor._run_action
    )
    _APPLIED.add("fused_submit")
