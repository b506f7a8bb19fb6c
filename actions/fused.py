"""A form's submit action run in the same request as the validation that completes the form.

When a form's last answer comes in, the Rasa server calls the action server twice: the form's
validation (`validate_<form>`), then, because the form completed, the submit action its rule
predicts (data/rules.yml, "X, submit" and "X, form has nothing to ask"), sending the whole
tracker again. The Rasa server (bot/fused_submit.py) asks for the submit with the validation
(`ASK_FIELD` in the request body); when the validation's events complete the form as Rasa's
FormAction decides it (`completes_form`), the executor runs the validator's `submit_action` on
the tracker the submit would have been sent: the validation's tracker with the validation's
events and the form's deactivation. Its events and responses come back under `RESULT_FIELD`,
and the Rasa server uses them when it predicts that action, instead of calling again.

The submit's tracker differs from the one the Rasa server would send in what no Kefu action
reads: the bot events of the validation's replies carry the response's name, not the text the
Rasa server renders from it (the responses are not sent to the action server), and the
events before the latest restart are missing (the validation's tracker starts there).

Anything unusual (an event other than a slot or loop change, a rejected validation, no slot
validated) is left to the two-call path, as is any error of the submit: the validation's
result is returned as it is, and the Rasa server calls the submit the normal way.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from rasa_sdk.executor import ActionExecutor
from rasa_sdk.forms import REQUESTED_SLOT

from actions.flow import FlowFormValidator

logger = logging.getLogger(__name__)

# In the request body: run the submit if this validation completes the form.
ASK_FIELD = "kefu_fuse_submit"
# In the reply: {"action": the submit's name, "events": [...], "responses": [...]}.
RESULT_FIELD = "kefu_submit"
# The only events a validation may return for its submit to run with it.
_FUSABLE_EVENTS = frozenset({"slot", "active_loop"})


def completes_form(
    events: list[dict[str, Any]], slots: dict[str, Any], required: list[str]
) -> bool:
    """Whether a validation's `events` end its form, as Rasa 3.6's FormAction decides.

    `slots` are the tracker's slots after the events, `required` the form's slots in the
    domain. FormAction rejects a run in which a slot was asked and none validated, and ends
    the form when the last `requested_slot` event sets None or the last loop event ends the
    loop; with no `requested_slot` event it asks for the first required slot still empty, and
    ends when there is none.
    """
    if not events or any(event.get("event") not in _FUSABLE_EVENTS for event in events):
        return False
    slot_events = [e for e in events if e.get("event") == "slot"]
    if not any(e.get("name") != REQUESTED_SLOT for e in slot_events):
        # Nothing validated: FormAction rejects (with a slot asked), or, at activation, it
        # validates again (with nothing returned): either way not a finished form.
        return False
    asks = [e for e in slot_events if e.get("name") == REQUESTED_SLOT]
    loops = [e for e in events if e.get("event") == "active_loop"]
    if (asks and asks[-1].get("value") is None) or (loops and loops[-1].get("name") is None):
        return True
    if asks:
        return False
    return all(slots.get(name) is not None for name in required)


def tracker_before(action_call: dict[str, Any]) -> dict[str, Any]:
    """The call's tracker state as sent, kept from the action's run: rasa-sdk's Tracker works
    on the state's own `events` list and `slots` dict (the validators add slots to it)."""
    state = action_call.get("tracker") or {}
    return {
        **state,
        "events": list(state.get("events") or []),
        "slots": dict(state.get("slots") or {}),
    }


def submit_call(
    action_call: dict[str, Any], before: dict[str, Any], result: dict[str, Any], submit_action: str
) -> dict[str, Any]:
    """The submit's action call: the validation's tracker (`before` it ran) after its replies,
    its events and the form's deactivation, as the Rasa server logs them before predicting the
    submit."""
    state = {**before, "slots": dict(before["slots"])}
    now = time.time()
    added: list[dict[str, Any]] = [
        {
            "event": "bot",
            "timestamp": now,
            "text": reply.get("text"),
            "data": {},
            "metadata": {"utter_action": reply["response"]} if reply.get("response") else {},
        }
        for reply in result.get("responses", [])
    ]
    added += [dict(event) for event in result.get("events", [])]
    added += [
        {"event": "slot", "timestamp": now, "name": REQUESTED_SLOT, "value": None},
        {"event": "active_loop", "timestamp": now, "name": None},
    ]
    for event in added:
        if event.get("event") == "slot":
            state["slots"][event["name"]] = event.get("value")
    state["events"] = [*before["events"], *added]
    state["active_loop"] = {}
    state["latest_event_time"] = now
    return {**action_call, "next_action": submit_action, "tracker": state}


class FusingExecutor(ActionExecutor):
    """rasa-sdk's executor that also runs a completed form's submit action when asked."""

    def form_validators(self) -> dict[str, FlowFormValidator]:
        """The registered form validators that name a submit action, by their action name."""
        found = {}
        for name, run in self.actions.items():
            validator = getattr(run, "__self__", None)
            if isinstance(validator, FlowFormValidator) and validator.submit_action:
                found[name] = validator
        return found

    async def run(self, action_call: dict[str, Any]) -> dict[str, Any] | None:
        if not action_call.get(ASK_FIELD):
            return await super().run(action_call)
        before = tracker_before(action_call)
        result = await super().run(action_call)
        if result is None:
            return result
        submit = await self._submit(action_call, before, result)
        if submit is not None:
            result[RESULT_FIELD] = submit
        return result

    async def _submit(
        self, action_call: dict[str, Any], before: dict[str, Any], result: dict[str, Any]
    ) -> dict[str, Any] | None:
        validator = self.form_validators().get(str(action_call.get("next_action")))
        if validator is None or validator.submit_action is None:
            return None
        slots = dict(before["slots"])
        for event in result.get("events", []):
            if event.get("event") == "slot":
                slots[event["name"]] = event.get("value")
        required = validator.domain_slots(action_call.get("domain") or {})
        if not completes_form(result.get("events", []), slots, required):
            return None
        call = submit_call(action_call, before, result, validator.submit_action)
        try:
            submitted = await super().run(call)
        except Exception:
            # The Rasa server calls the submit itself: the validation's result must not be lost.
            logger.exception("The fused %s failed; left to its own call.", validator.submit_action)
            return None
        if submitted is None:
            return None
        return {"action": validator.submit_action, **submitted}
