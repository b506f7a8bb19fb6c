"""The speed-ups change Rasa's costs, never its answers."""

from __future__ import annotations

import abc
import json
import os
import subprocess
import sys
import textwrap
from datetime import datetime
from pathlib import Path

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
