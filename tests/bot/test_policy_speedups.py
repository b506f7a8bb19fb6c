"""The dialogue speed-ups (bot/policy_speedups.py) give Rasa's own states and predictions."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from rasa.shared.core.events import Event, UserUttered

from bot import policy_speedups, speedups

REPO = str(Path(__file__).resolve().parents[2])


@pytest.fixture(scope="module", autouse=True)
def applied() -> None:
    speedups.apply()
    speedups.apply()  # idempotent: installed once


@dataclass
class _Dialogue:
    """Kefu's two policies trained in-process on the project's stories and rules."""

    domain: Any
    memoization: Any
    rules: Any
    rule_only_data: dict[str, Any]

    def predict(self, tracker: Any) -> Any:
        from rasa.core.policies.ensemble import DefaultPolicyPredictionEnsemble

        predictions = {
            name: policy.predict_action_probabilities(
                tracker, self.domain, rule_only_data=self.rule_only_data
            )
            for name, policy in (("memoization", self.memoization), ("rules", self.rules))
        }
        return DefaultPolicyPredictionEnsemble().combine_predictions_from_kwargs(
            tracker, self.domain, **predictions
        )


def _config_of(name: str) -> dict[str, Any]:
    import yaml

    config = yaml.safe_load((Path(REPO) / "config.yml").read_text())
    (entry,) = [policy for policy in config["policies"] if policy["name"] == name]
    return {key: value for key, value in entry.items() if key != "name"}


@pytest.fixture(scope="module")
def dialogue(tmp_path_factory: pytest.TempPathFactory) -> _Dialogue:
    from rasa.core.policies.memoization import MemoizationPolicy
    from rasa.core.policies.rule_policy import RulePolicy
    from rasa.engine.graph import ExecutionContext, GraphSchema
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource
    from rasa.shared.core.generator import TrainingDataGenerator
    from rasa.shared.importers.importer import TrainingDataImporter

    importer = TrainingDataImporter.load_from_config(
        f"{REPO}/config.yml", f"{REPO}/domain.yml", [f"{REPO}/data"]
    )
    domain = importer.get_domain()
    trackers = TrainingDataGenerator(importer.get_stories(), domain).generate()
    storage = LocalModelStorage(tmp_path_factory.mktemp("policies"))
    context = ExecutionContext(GraphSchema({}), "test")
    trained = []
    for cls in (MemoizationPolicy, RulePolicy):
        config = {**cls.get_default_config(), **_config_of(cls.__name__)}
        policy = cls.create(config, storage, Resource(cls.__name__), context)
        policy.train(trackers, domain)
        trained.append(policy)
    memoization, rules = trained
    return _Dialogue(domain, memoization, rules, rules._get_rule_only_data())


def _story_events(domain: Any) -> list[list[Any]]:
    """The events of every test story (tests/stories) and training story and rule (data/)."""
    from rasa.shared.core.generator import TrainingDataGenerator
    from rasa.shared.importers.importer import TrainingDataImporter

    found = []
    for paths, tests in ((["tests/stories"], True), (["data"], False)):
        importer = TrainingDataImporter.load_from_dict(
            domain_path=f"{REPO}/domain.yml",
            training_data_paths=[f"{REPO}/{path}" for path in paths],
        )
        graph = importer.get_conversation_tests() if tests else importer.get_stories()
        generator = TrainingDataGenerator(
            graph, domain, use_story_concatenation=False, augmentation_factor=0
        )
        found += [list(tracker.events) for tracker in generator.generate_story_trackers()]
    return found


def _recorded_events() -> list[list[Any]]:
    """The three load scripts' conversations as the running bot recorded them."""
    recorded = json.loads((Path(__file__).parent / "fixtures" / "kefu_trackers.json").read_text())
    return [[Event.from_parameters(event) for event in events] for events in recorded.values()]


def _predictions_along(dialogue: _Dialogue, events: list[Any]) -> tuple[list[Any], list[Any]]:
    """Predictions before each action, patched and Rasa's own, as the processor makes them:
    one tracker object that grows by the events of each action (the kept replay's case)."""
    from rasa.shared.core.events import ActionExecuted
    from rasa.shared.core.trackers import DialogueStateTracker

    tracker = DialogueStateTracker("s", dialogue.domain.slots)
    patched, original = [], []
    for event in events:
        if isinstance(event, ActionExecuted):
            patched.append(dialogue.predict(tracker))
            with policy_speedups.without_dialogue_speedups():
                original.append(dialogue.predict(tracker))
        tracker.update(event)
    return patched, original


def test_every_story_and_conversation_gets_the_same_predictions(dialogue: _Dialogue) -> None:
    conversations = _story_events(dialogue.domain) + _recorded_events()
    assert len(conversations) >= 50  # 40 test stories, 13 training stories, 3 recorded
    compared = 0
    for events in conversations:
        patched, original = _predictions_along(dialogue, events)
        # PolicyPrediction's equality: every action's probability, the policy, its events
        # (LoopInterrupted), end-to-end, no-user and hide-rule-turn flags.
        assert patched == original
        compared += len(patched)
    assert compared > 500


def test_the_same_states_for_each_policy_and_a_fresh_tracker(dialogue: _Dialogue) -> None:
    from rasa.shared.core.trackers import DialogueStateTracker

    for events in _recorded_events():
        for end in range(1, len(events) + 1):
            tracker = DialogueStateTracker.from_events("s", events[:end], dialogue.domain.slots)
            for ignore in (False, True):
                kept = tracker.past_states(dialogue.domain, False, ignore, dialogue.rule_only_data)
                again = tracker.past_states(dialogue.domain, False, ignore, dialogue.rule_only_data)
                with policy_speedups.without_dialogue_speedups():
                    rasa = tracker.past_states(
                        dialogue.domain, False, ignore, dialogue.rule_only_data
                    )
                assert kept == again == rasa
                kept[-1].clear()  # a caller editing its states changes no later answer
            assert tracker.past_states(dialogue.domain) == rasa_states(dialogue, tracker)


def rasa_states(dialogue: _Dialogue, tracker: Any) -> list[Any]:
    with policy_speedups.without_dialogue_speedups():
        return tracker.past_states(dialogue.domain)


def test_a_kept_replay_follows_new_and_undone_events(dialogue: _Dialogue) -> None:
    from rasa.shared.core.events import (
        ActionExecuted,
        ActionReverted,
        ActiveLoop,
        Restarted,
        SlotSet,
        UserUtteranceReverted,
    )
    from rasa.shared.core.trackers import DialogueStateTracker

    domain = dialogue.domain
    tracker = DialogueStateTracker("s", domain.slots)
    steps = [
        ActionExecuted("action_listen"),
        UserUttered("where is my order?", {"name": "order_status", "confidence": 1.0}),
        ActionExecuted("order_status_form"),
        ActiveLoop("order_status_form"),
        SlotSet("requested_slot", "contact"),
        ActionExecuted("action_listen"),
        UserUttered("hi", {"name": "greet", "confidence": 1.0}),
        UserUtteranceReverted(),  # undoes the last message: the applied events shrink
        UserUttered("anna@example.com", {"name": "inform", "confidence": 1.0}),
        ActionExecuted("order_status_form"),
        ActionReverted(),
        SlotSet("is_verified", True),
        ActionExecuted("order_status_form"),
        ActiveLoop(None),
        Restarted(),  # forgets everything before
        ActionExecuted("action_listen"),
        UserUttered("hello", {"name": "greet", "confidence": 1.0}),
    ]
    for event in steps:
        tracker.update(event)
        for ignore in (False, True):
            kept = tracker.past_states(domain, False, ignore, dialogue.rule_only_data)
            with policy_speedups.without_dialogue_speedups():
                rasa = tracker.past_states(domain, False, ignore, dialogue.rule_only_data)
            assert kept == rasa, event
        assert dialogue.predict(tracker) == _unpatched_prediction(dialogue, tracker)
    # The same tracker object, its events replaced by others of the same count.
    replaced = DialogueStateTracker.from_events("t", list(tracker.events), domain.slots)
    replaced.past_states(domain)
    replaced.events[-1] = UserUttered("bye", {"name": "goodbye", "confidence": 1.0})
    assert replaced.past_states(domain) == rasa_states(dialogue, replaced)
    assert replaced.past_states(domain)[-1]["user"]["intent"] == "goodbye"


def _unpatched_prediction(dialogue: _Dialogue, tracker: Any) -> Any:
    with policy_speedups.without_dialogue_speedups():
        return dialogue.predict(tracker)


def test_rule_keys_are_found_in_rasas_order(dialogue: _Dialogue) -> None:
    from rasa.core.policies.rule_policy import RULES, RULES_FOR_LOOP_UNHAPPY_PATH
    from rasa.shared.core.trackers import DialogueStateTracker

    policy = dialogue.rules
    found = 0
    for events in _recorded_events():
        for end in range(1, len(events) + 1):
            tracker = DialogueStateTracker.from_events("s", events[:end], dialogue.domain.slots)
            states = policy._prediction_states(
                tracker, dialogue.domain, rule_only_data=dialogue.rule_only_data
            )
            for lookup in (policy.lookup[RULES], policy.lookup[RULES_FOR_LOOP_UNHAPPY_PATH]):
                keys = policy_speedups.possible_rule_keys(policy, lookup, states)
                original = type(policy)._get_possible_keys.__wrapped__(policy, lookup, states)
                assert list(keys) == list(original)  # the same set, iterated alike
                found += len(keys)
    assert found > 0


def test_apply_installs_each_dialogue_speedup_once() -> None:
    from rasa.core.policies.rule_policy import RulePolicy
    from rasa.shared.core.domain import Domain

    for function in (RulePolicy._get_possible_keys, Domain.states_for_tracker_history):
        assert function.__code__.co_filename == policy_speedups.__file__
        assert not hasattr(function.__wrapped__, "__wrapped__")  # not wrapped twice
