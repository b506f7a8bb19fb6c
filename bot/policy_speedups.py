"""The dialogue policies' speed-ups of `bot/speedups.py` (its docstring says what each cost):
Rasa's rule matching and state history without the repeated work, predictions unchanged."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator
from typing import Any

# Per rule key (the JSON of the rule's states): its length and, newest state first, the
# previous action each of its states requires (None: no action name required).
_rule_shapes: dict[str, tuple[int, tuple[Any, ...]]] = {}


def _rule_shape(key: str) -> tuple[int, tuple[Any, ...]]:
    shape = _rule_shapes.get(key)
    if shape is None:
        from rasa.core.policies.rule_policy import RulePolicy
        from rasa.shared.core.constants import PREVIOUS_ACTION, SHOULD_NOT_BE_SET
        from rasa.shared.nlu.constants import ACTION_NAME

        required = []
        for rule_state in reversed(RulePolicy._rule_key_to_state(key)):
            name = (rule_state.get(PREVIOUS_ACTION) or {}).get(ACTION_NAME)
            if isinstance(name, list):  # as `_does_rule_match_state` reads it
                name = tuple(name)
            required.append(name if name and name != SHOULD_NOT_BE_SET else None)
        shape = _rule_shapes[key] = (len(required), tuple(required))
    return shape


class _RuleIndex:
    """A rule lookup's keys in the order `set(lookup.keys())` iterates them (the same in every
    call of a process: the same strings inserted in the same order), and per previous action
    those of them whose newest state allows it."""

    def __init__(self, lookup: dict[str, str]) -> None:
        self.keys = tuple(lookup)
        self.order = list(set(lookup.keys()))
        self.by_action: dict[Any, list[str]] = {}

    def candidates(self, action: Any) -> list[str]:
        found = self.by_action.get(action)
        if found is None:
            found = [key for key in self.order if _rule_shape(key)[1][0] in (None, action)]
            self.by_action[action] = found
        return found


# Per rule lookup (a policy's `lookup[RULES]`, ...): the lookup and its index.
_rule_indexes: dict[int, tuple[dict[str, str], _RuleIndex]] = {}


def _rule_index(lookup: dict[str, str]) -> _RuleIndex:
    kept = _rule_indexes.get(id(lookup))
    if kept is None or kept[0] is not lookup or kept[1].keys != tuple(lookup):
        kept = _rule_indexes[id(lookup)] = (lookup, _RuleIndex(lookup))
    return kept[1]


def possible_rule_keys(policy: Any, lookup: dict[str, str], states: list[Any]) -> set[str]:
    """RulePolicy._get_possible_keys, skipping the checks whose answer is known.

    Rasa checks every rule key (280 in Kefu's model) against the newest state, then the
    survivors against each older state, with `_is_rule_applicable`. Its answer is known
    without the check when the state is older than the rule is long (True), or when the rule's
    state names a previous action other than the conversation's (False: `_does_rule_match_state`
    compares it, and a missing previous action on either side fails earlier). The sets are
    built from the same keys inserted in the same order, so they iterate in the same order
    too (the caller's `max(rule_keys, key=len)` keeps the first of equal lengths).
    """
    from rasa.shared.core.constants import PREVIOUS_ACTION
    from rasa.shared.nlu.constants import ACTION_NAME

    def applicable(key: str, index: int, state: Any, action: Any) -> bool:
        length, required = _rule_shape(key)
        if index >= length:
            return True
        if required[index] is not None and required[index] != action:
            return False
        return bool(policy._is_rule_applicable(key, index, state))

    if not states:
        return set(lookup.keys())
    newest = states[-1]
    action = (newest.get(PREVIOUS_ACTION) or {}).get(ACTION_NAME)
    # The newest state: only the keys its previous action allows are checked, in the order
    # Rasa's filter over `set(lookup.keys())` meets them.
    possible_keys = set(
        filter(
            lambda key: policy._is_rule_applicable(key, 0, newest),
            _rule_index(lookup).candidates(action),
        )
    )
    for index, state in enumerate(reversed(states[:-1]), start=1):
        if not possible_keys:
            break
        action = (state.get(PREVIOUS_ACTION) or {}).get(ACTION_NAME)
        possible_keys = set(
            filter(lambda key: applicable(key, index, state, action), possible_keys)
        )
    return possible_keys


def short_rule_matching(original: Any) -> Any:
    """RulePolicy._get_possible_keys as `possible_rule_keys` does it."""

    @functools.wraps(original)
    def _get_possible_keys(policy: Any, lookup: dict[str, str], states: list[Any]) -> set[str]:
        return possible_rule_keys(policy, lookup, states)

    return _get_possible_keys


class _Replay:
    """A tracker's applied events replayed once, as `generate_all_prior_trackers` does, with
    what `Domain.states_for_tracker_history` reads of each prior tracker; extended in place
    when events are added to the tracker (the next prediction of the same turn)."""

    def __init__(self, domain: Any, tracker: Any) -> None:
        self.domain = domain
        self.event_ids: list[int] = []
        self.events: list[Any] = []  # keeps `event_ids` unambiguous (the objects stay alive)
        self.applied: list[Any] = []
        self.tracker = tracker.init_copy()
        # Per ActionExecuted: (the active state, hide_rule_turn, the previous action's
        # sub-state, whether the turn keeps the hidden flag: followup action or loop's turn).
        self.turns: list[tuple[dict[str, Any], bool, Any, bool]] = []
        self.current = self._turn(False)  # the same for the tracker after the last event

    def sync(self, tracker: Any) -> bool:
        """Catch up with `tracker`'s events; False when they are not an extension."""
        from rasa.shared.core.events import ActionExecuted

        event_ids = list(map(id, tracker.events))
        if event_ids == self.event_ids:
            return True
        applied = tracker.applied_events()
        done = len(self.applied)
        if len(applied) < done or any(
            new is not old for new, old in zip(applied[:done], self.applied, strict=True)
        ):
            return False
        for event in applied[done:]:
            if isinstance(event, ActionExecuted):
                self.turns.append(self._turn(event.hide_rule_turn))
            self.tracker.update(event)
        self.current = self._turn(False)
        self.applied = applied
        self.events = list(tracker.events)
        self.event_ids = event_ids
        return True

    def _turn(self, hide_rule_turn: bool) -> tuple[dict[str, Any], bool, Any, bool]:
        prior = self.tracker
        return (
            self.domain.get_active_state(prior),
            hide_rule_turn,
            self.domain._get_prev_action_sub_state(prior),
            bool(prior.followup_action) or prior.latest_action_name == prior.active_loop_name,
        )

    def states(self, ignore_rule_only_turns: bool, rule_only_data: Any) -> list[Any]:
        """`Domain.states_for_tracker_history`'s loop over the kept turns and the current
        state, on fresh copies (callers edit the states they get)."""
        from rasa.shared.core.constants import PREVIOUS_ACTION

        domain = self.domain
        states: list[Any] = []
        last_ml_action_sub_state = None
        turn_was_hidden = False
        for state, hide_rule_turn, prev_action, keeps_hidden in [*self.turns, self.current]:
            if ignore_rule_only_turns:
                if not turn_was_hidden:
                    last_ml_action_sub_state = _copy(prev_action)
                if not keeps_hidden:
                    turn_was_hidden = hide_rule_turn
                if turn_was_hidden:
                    continue
            state = {kind: dict(sub_state) for kind, sub_state in state.items()}
            if ignore_rule_only_turns:
                domain._remove_rule_only_features(state, rule_only_data)
                if states:
                    domain._substitute_rule_only_user_input(state, states[-1])
                if last_ml_action_sub_state:
                    state[PREVIOUS_ACTION] = last_ml_action_sub_state
            states.append(domain._clean_state(state))
        return states


def _copy(sub_state: Any) -> Any:
    return dict(sub_state) if sub_state is not None else None


_REPLAY = "_kefu_replay"


def replayed_state_history(original: Any) -> Any:
    """Domain.states_for_tracker_history from a replay kept on the tracker (`_Replay`)."""

    @functools.wraps(original)
    def states_for_tracker_history(
        domain: Any,
        tracker: Any,
        omit_unset_slots: bool = False,
        ignore_rule_only_turns: bool = False,
        rule_only_data: dict[str, Any] | None = None,
    ) -> list[Any]:
        from rasa.shared.core.trackers import DialogueStateTracker

        # Training's trackers (TrackerWithCachedStates) and the omitted slots of training's
        # featurisation go Rasa's way.
        if omit_unset_slots or type(tracker) is not DialogueStateTracker:
            return original(
                domain, tracker, omit_unset_slots, ignore_rule_only_turns, rule_only_data
            )
        replay = tracker.__dict__.get(_REPLAY)
        if replay is None or replay.domain is not domain or not replay.sync(tracker):
            replay = _Replay(domain, tracker)
            replay.sync(tracker)
            tracker.__dict__[_REPLAY] = replay
        return replay.states(ignore_rule_only_turns, rule_only_data)

    return states_for_tracker_history


def install() -> None:
    """Install both (once: `bot.speedups.apply` keeps track)."""
    from rasa.core.policies.rule_policy import RulePolicy
    from rasa.shared.core.domain import Domain

    RulePolicy._get_possible_keys = short_rule_matching(  # type: ignore[method-assign]
        RulePolicy._get_possible_keys
    )
    Domain.states_for_tracker_history = replayed_state_history(  # type: ignore[method-assign]
        Domain.states_for_tracker_history
    )


@contextlib.contextmanager
def without_dialogue_speedups() -> Iterator[None]:
    """Rasa's own dialogue state and rule matching while inside (to compare predictions)."""
    from rasa.core.policies.rule_policy import RulePolicy
    from rasa.shared.core.domain import Domain

    patched = [(RulePolicy, "_get_possible_keys"), (Domain, "states_for_tracker_history")]
    kept = [(owner, name, getattr(owner, name)) for owner, name in patched]
    for owner, name, function in kept:
        setattr(owner, name, getattr(function, "__wrapped__", function))
    try:
        yield
    finally:
        for owner, name, function in kept:
            setattr(owner, name, function)
