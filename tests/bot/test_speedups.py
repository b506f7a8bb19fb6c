"""The speed-ups change Rasa's costs, never its answers."""

from __future__ import annotations

import abc
import json
import os
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import rasa.shared.utils.common as common
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import Event, SlotSet, UserUttered

from bot import speedups

REPO = str(Path(__file__).resolve().parents[2])

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


def test_action_calls_send_the_domain_without_its_responses() -> None:
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.trackers import DialogueStateTracker

    domain = Domain.from_yaml(
        textwrap.dedent(
            """
            version: "3.1"
            intents: [greet]
            slots:
              contact:
                type: text
                mappings: [{type: custom}]
            forms:
              identify_form:
                required_slots: [contact]
            responses:
              utter_greet: [{text: "Hello!"}]
            """
        )
    )
    tracker = DialogueStateTracker.from_events("s1", [UserUttered("hi")], domain.slots)
    body = RemoteAction("validate_identify_form", None)._action_call_format(tracker, domain)
    assert "responses" not in body["domain"] and "responses" in domain.as_dict()
    assert body["domain"]["forms"] == {"identify_form": {"required_slots": ["contact"]}}
    assert body["domain"]["slots"]["contact"]["type"] == "text"
    assert body["tracker"]["sender_id"] == "s1" and body["next_action"] == "validate_identify_form"
    again = RemoteAction("action_x", None)._action_call_format(tracker, domain)
    assert again["domain"] is body["domain"]  # built once per loaded domain


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


def _fresh_python(code: str, tmp_path: Path | None = None) -> str:
    """Run `code` in a new interpreter of this environment (imports start empty); its stdout."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(tmp_path or ""), REPO]))}
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def test_a_deferred_module_runs_on_first_use_only_once(tmp_path: Path) -> None:
    (tmp_path / "kefu_probe_mod.py").write_text(
        "import builtins\nbuiltins.kefu_probe_runs = getattr(builtins, 'kefu_probe_runs', 0) + 1\n"
        "VALUE = 42\n"
    )
    out = _fresh_python(
        """
        import builtins, importlib, sys
        from bot import speedups
        speedups.defer_imports(("kefu_probe_mod",))
        import kefu_probe_mod
        import kefu_probe_mod as again  # a second import reads __spec__: runs nothing
        importlib.import_module("kefu_probe_mod")
        print(getattr(builtins, "kefu_probe_runs", 0))
        from kefu_probe_mod import VALUE
        print(VALUE, builtins.kefu_probe_runs, kefu_probe_mod.VALUE, builtins.kefu_probe_runs)
        print(type(sys.modules["kefu_probe_mod"]).__name__)
        """,
        tmp_path,
    )
    assert out.split("\n")[:3] == ["0", "42 1 42 1", "module"]


def test_a_deferred_module_that_fails_raises_its_error_on_use(tmp_path: Path) -> None:
    (tmp_path / "kefu_broken_mod.py").write_text("raise ImportError('needs something')\n")
    out = _fresh_python(
        """
        from bot import speedups
        speedups.defer_imports(("kefu_broken_mod",))
        import kefu_broken_mod
        try:
            kefu_broken_mod.anything
        except ImportError as error:
            print("raised:", error)
        """,
        tmp_path,
    )
    assert "raised: needs something" in out


def test_the_server_imports_no_tensorflow_yet_training_code_still_works() -> None:
    out = _fresh_python(
        """
        import sys
        from bot import speedups
        speedups.defer_imports()
        import rasa.__main__, spacy
        import rasa.core.policies.rule_policy, rasa.core.policies.memoization
        import rasa.nlu.extractors.crf_entity_extractor, rasa.core.actions.action
        speedups.apply()
        print("tensorflow" in sys.modules, sys.modules.get("thinc.compat").has_tensorflow)
        import rasa.utils.train_utils as train_utils
        print(train_utils.init_split_entities(False, True))
        print("tensorflow" in sys.modules)
        """
    )
    assert out.split("\n")[:3] == ["False False", "{'split_entities_by_comma': False}", "True"]


def _serialized_metadata(uses: str) -> dict:
    from rasa.engine.graph import GraphSchema, SchemaNode
    from rasa.engine.storage.storage import ModelMetadata
    from rasa.nlu.extractors.entity_synonyms import EntitySynonymMapper
    from rasa.shared.core.domain import Domain

    predict = GraphSchema({"synonyms": SchemaNode({}, EntitySynonymMapper, "load", "process", {})})
    metadata = ModelMetadata(
        trained_at=datetime(2026, 1, 1),
        rasa_open_source_version="3.6.21",
        model_id="m",
        assistant_id="kefu",
        domain=Domain.empty(),
        train_schema=predict,
        predict_schema=predict,
        project_fingerprint="f",
        core_target=None,
        nlu_target="synonyms",
        language="en",
    )
    serialized = json.loads(json.dumps(metadata.as_dict()))
    serialized["train_schema"]["nodes"]["synonyms"]["uses"] = uses
    return serialized


def test_the_training_graph_of_a_loaded_model_resolves_on_first_use() -> None:
    from rasa.engine.graph import GraphSchema, GraphSchemaException
    from rasa.engine.storage.storage import ModelMetadata

    good = _serialized_metadata("rasa.nlu.extractors.entity_synonyms.EntitySynonymMapper")
    loaded = ModelMetadata.from_dict(json.loads(json.dumps(good)))
    assert isinstance(loaded.train_schema, GraphSchema)
    assert loaded.train_schema.nodes == loaded.predict_schema.nodes
    assert loaded.as_dict()["train_schema"] == good["train_schema"]

    # A class that cannot be imported only matters once the training graph is used.
    broken = ModelMetadata.from_dict(_serialized_metadata("no_such_module.Component"))
    assert list(broken.predict_schema.nodes) == ["synonyms"]
    with pytest.raises(GraphSchemaException):
        _ = broken.train_schema.nodes


def test_both_spacy_nodes_share_one_loaded_pipeline(tmp_path: Path) -> None:
    from rasa.nlu.utils.spacy_utils import SpacyNLP

    from bot.spacy_pipeline import build

    build(tmp_path / "kefu_en")
    first = SpacyNLP.load_model(str(tmp_path / "kefu_en"))
    second = SpacyNLP.load_model(str(tmp_path / "kefu_en"))
    assert first is second
    assert [t.text for t in first.model("where is KF-500001?")] == [
        "where",
        "is",
        "KF-500001",
        "?",
    ]


def test_action_calls_reuse_one_connection_with_rasas_headers() -> None:
    import asyncio

    from aiohttp import web
    from rasa.utils.endpoints import EndpointConfig

    async def scenario() -> tuple[list[tuple[int, str]], bool]:
        seen: list[tuple[int, str]] = []

        async def webhook(request: web.Request) -> web.Response:
            peer = request.transport.get_extra_info("peername") if request.transport else None
            seen.append((peer[1] if peer else -1, request.headers.get("Authorization", "")))
            return web.json_response({"events": [], "responses": []})

        app = web.Application()
        app.router.add_post("/webhook", webhook)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        endpoint = EndpointConfig(
            f"http://127.0.0.1:{port}/webhook", headers={"Authorization": "Bearer t0ken"}
        )
        try:
            for _ in range(3):
                assert await endpoint.request(json={"next_action": "x"}) == {
                    "events": [],
                    "responses": [],
                }
            await speedups.close_kept_sessions()
            closed = endpoint.__dict__["_kefu_kept_session"].closed
        finally:
            await runner.cleanup()
        return seen, closed

    seen, closed = asyncio.run(scenario())
    assert [auth for _, auth in seen] == ["Bearer t0ken"] * 3
    assert len({port for port, _ in seen}) == 1  # one connection for the three calls
    assert closed


def test_tfidf_idf_is_kept_until_refitted() -> None:
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer().fit(["where is my order", "my order is late", "hello"])
    first = vectorizer.idf_
    assert vectorizer.idf_ is first  # kept: not summed again
    assert not first.flags.writeable
    # Document frequencies of hello, is, late, my, order, where.
    expected = np.log((1 + 3) / (1 + np.array([1, 2, 1, 2, 2, 1]))) + 1
    assert np.allclose(first, expected)
    texts = ["my order", "hello there"]
    assert np.allclose(vectorizer.transform(texts).toarray(), vectorizer.transform(texts).toarray())

    vectorizer.fit(["a new corpus entirely", "new words"])  # refitted: a new diagonal
    assert vectorizer.idf_ is not first and len(vectorizer.idf_) == 4
    vectorizer.idf_ = np.ones(4)  # the setter too
    assert np.allclose(vectorizer.idf_, 1.0)


# --- Dialogue predictions: the same with and without the speed-ups -------------------------


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
            with speedups.without_dialogue_speedups():
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
                with speedups.without_dialogue_speedups():
                    rasa = tracker.past_states(
                        dialogue.domain, False, ignore, dialogue.rule_only_data
                    )
                assert kept == again == rasa
                kept[-1].clear()  # a caller editing its states changes no later answer
            assert tracker.past_states(dialogue.domain) == rasa_states(dialogue, tracker)


def rasa_states(dialogue: _Dialogue, tracker: Any) -> list[Any]:
    with speedups.without_dialogue_speedups():
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
            with speedups.without_dialogue_speedups():
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
    with speedups.without_dialogue_speedups():
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
                keys = speedups.possible_rule_keys(policy, lookup, states)
                original = type(policy)._get_possible_keys.__wrapped__(policy, lookup, states)
                assert list(keys) == list(original)  # the same set, iterated alike
                found += len(keys)
    assert found > 0
