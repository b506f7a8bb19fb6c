"""Per-message costs of Rasa 3.6 that measure large under load and change no behaviour.

Applied once by `bot/server.py` before the server starts (bench/README.md, "Where the Rasa
server's time goes", says what each one cost):

- `RemoteAction._validate_action_result` calls `jsonschema.validate(result, schema)` on every
  action server reply, which checks the *schema* against the JSON Schema meta-schema each time
  before checking the reply: 20 % of the main thread at 10 conversations. The schema is a
  constant, so it is checked once and its validator kept; replies are validated exactly as
  before, and an invalid one raises the same ValidationError with the same message.
- `RemoteAction._action_call_format` sends the whole domain with every action call, and its
  responses (every reply's text in three languages) are 40 of the domain's 46 KB and more than
  half of a call's body; the action server serialises none of them (rasa-sdk only collects
  response names; the form validators read the domain's forms and slots). The domain goes
  without its responses, so each call is half the JSON to write, send and parse on the
  critical path of the turn (bench/README.md, "Load").
- `rasa.shared.utils.common.all_subclasses` walks the class tree on every event and slot
  deserialisation; the classes it finds are cached per class (refreshed when the tree of
  subclasses changes, e.g. a module imported later defines a new event).
- `EndpointConfig.request` opens a new aiohttp session, and so a new TCP connection to the
  action server, for every action call, and closes it after: one or two per message. The
  session is kept instead (one per endpoint and event loop), so calls reuse idle connections;
  the client drops an idle connection after 2 s, before the action server (Sanic: 5 s) does,
  so a call never goes out on a connection the server is closing.
- scikit-learn 1.1's `TfidfTransformer.transform` checks it is fitted by reading its `idf_`
  property, which sums the whole (n-grams x n-grams) diagonal matrix into a new array on every
  call: three times per message (one per TF-IDF view of the intent classifier), 1.3 ms for
  60,000 n-grams. The array is kept while the diagonal matrix it came from is the same
  object (fitting or setting `idf_` replaces it), and handed out read-only, as callers only
  read it.
- `RulePolicy._get_possible_keys` checks every rule key (280 in Kefu's model) against the
  newest state with `_is_rule_applicable`, then the survivors against each older state: 250
  checks per call, 29 % of a prediction's profiled time (bench/policy_predict.py). A check
  whose answer is known is skipped: a rule always applies to states older than it is long,
  and never to a state whose previous action differs from the one its state names. The sets
  hold the same keys, built in the same order, so they iterate alike and the same rule wins.
- `Domain.states_for_tracker_history` (the policies' `past_states`) replays every applied
  event of the conversation on a fresh tracker and builds the state before every action, two
  or three times per prediction and again at each prediction of a turn: 42 % of a
  prediction's profiled time, growing with the conversation. The replay and each action's
  state are kept on the tracker and extended when events are added (a turn's next
  prediction); each call builds its states from them with Rasa's own loop, on fresh copies.
  When the events are not the kept ones plus new ones (an undone message, a restart, a
  replaced event) it replays from scratch; training's trackers go Rasa's way.

And for the cold start (bench/README.md, "Cold start"), the first installed before Rasa is
imported (`defer_imports`):

- `rasa.utils.train_utils` imports TensorFlow (its Keras callbacks subclass TensorFlow classes),
  and every policy, entity extractor and the recipe validator import it, though only training
  and the TensorFlow models (DIET, TED) call it. Its body now runs on the first use of one of
  its names: Kefu's pipeline never uses them when serving, so TensorFlow (about 5 s of CPU and
  350 MB) is never imported; a model with DIET or TED still loads it, just later.
- spaCy's thinc imports TensorFlow when it is installed, to offer TensorFlow layers, which
  Kefu's tokenizer-only spaCy pipeline never uses: thinc is imported first with TensorFlow
  hidden, so it takes it for absent (TensorFlow itself stays importable for everything else).
- The predict graph has two SpacyNLP nodes (NLU, and the featurization of the dialogue's
  texts), each loading the same spaCy pipeline from disk (0.6 s of CPU each): one load serves
  both, since a tokenizer-only pipeline keeps no state between texts.
- Loading a model resolves every class of its *training* graph too (`ModelMetadata.from_dict`),
  among them Rasa's recipe validator, which imports DIET, TED and the ResponseSelector, hence
  TensorFlow. A server never runs the training graph (only `rasa train --finetune` reads it,
  from its own process), so the server resolves it on first use (`defer_train_schema`).
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import importlib.abc
import importlib.machinery
import sys
import threading
import types
from collections.abc import Iterator, Sequence
from typing import Any

# Modules whose body runs on first use of one of their names (see `defer_imports`).
DEFERRED_MODULES = ("rasa.utils.train_utils",)

_APPLIED: set[str] = set()


@functools.lru_cache(maxsize=1)
def _action_result_validator() -> Any:
    from jsonschema import validators
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    cls = validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def validate_action_result(_action: Any, result: dict[str, Any]) -> bool:
    """RemoteAction._validate_action_result with the schema's validator built once."""
    from jsonschema import ValidationError, exceptions
    from rasa.shared.constants import DOCS_BASE_URL

    error = exceptions.best_match(_action_result_validator().iter_errors(result))
    if error is None:
        return True
    assert isinstance(error, ValidationError)
    error.message += (
        f". Failed to validate Action server response from API, "
        f"make sure your response from the Action endpoint is valid. "
        f"For more information about the format visit "
        f"{DOCS_BASE_URL}/custom-actions"
    )
    raise error


# The last domain dict seen and its copy without responses (Domain.as_dict returns the same
# dict for the life of a loaded domain, so this is one entry per loaded model).
_lean_domain: list[tuple[dict[str, Any], dict[str, Any]]] = []


def without_responses(domain: dict[str, Any]) -> dict[str, Any]:
    """`domain` without its `responses` section (a shallow copy, kept while it is the same)."""
    if _lean_domain and _lean_domain[0][0] is domain:
        return _lean_domain[0][1]
    lean = {key: value for key, value in domain.items() if key != "responses"}
    _lean_domain[:] = [(domain, lean)]
    return lean


def lean_action_call(original: Any) -> Any:
    """RemoteAction._action_call_format sending the domain without its responses."""

    @functools.wraps(original)
    def _action_call_format(action: Any, tracker: Any, domain: Any) -> dict[str, Any]:
        body = original(action, tracker, domain)
        if isinstance(body.get("domain"), dict):
            body["domain"] = without_responses(body["domain"])
        return body

    return _action_call_format


_subclass_cache: dict[type, tuple[tuple[type, ...], list[Any]]] = {}


def _subclass_tree(cls: type) -> tuple[type, ...]:
    """Every subclass below `cls`, abstract ones too: the cache's key of validity (a walk
    without the `inspect.isabstract` test per class that makes the original slow)."""
    found: list[type] = []
    stack = [cls]
    while stack:
        for sub in stack.pop().__subclasses__():
            found.append(sub)
            stack.append(sub)
    return tuple(found)


def cached_all_subclasses(original: Any) -> Any:
    @functools.wraps(original)
    def all_subclasses(cls: Any) -> list[Any]:
        tree = _subclass_tree(cls)
        cached = _subclass_cache.get(cls)
        if cached is not None and cached[0] == tree:
            return list(cached[1])
        result = original(cls)
        _subclass_cache[cls] = (tree, result)
        return list(result)

    return all_subclasses


class _DeferredModule(types.ModuleType):
    """A module whose body has not run yet: the first name looked up in it runs it.

    Only names missing from the module reach `__getattr__`; the import system's own (`__spec__`,
    `__name__`, `__path__`, ...) are set before, so importing the module again, or importing it
    under another name, runs nothing. (importlib's LazyLoader runs the body on any attribute
    access, `__spec__` included, which every later `import` of the module makes.)
    """

    def __getattr__(self, name: str) -> Any:
        with _DEFERRED_LOCK:
            if type(self) is _DeferredModule and not self.__dict__.get(_RUNNING):
                spec = self.__spec__
                self.__dict__[_RUNNING] = True
                try:
                    # The real body fills this very object, as a normal import would.
                    spec.loader_state.exec_module(self)
                except BaseException:
                    sys.modules.pop(spec.name, None)
                    raise
                finally:
                    del self.__dict__[_RUNNING]
                self.__class__ = types.ModuleType  # type: ignore[assignment]
        if type(self) is _DeferredModule:  # looked up while its own body runs (a cycle)
            raise AttributeError(f"partially initialised module {self.__name__!r} has no {name!r}")
        return getattr(self, name)


_RUNNING = "__kefu_deferred_body_running__"
_DEFERRED_LOCK = threading.RLock()


class _DeferringLoader(importlib.abc.Loader):
    """Creates the module as the real loader would, and leaves its body for later."""

    def __init__(self, real: importlib.abc.Loader) -> None:
        self.real = real

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType | None:
        return self.real.create_module(spec)

    def exec_module(self, module: types.ModuleType) -> None:
        module.__spec__.loader_state = self.real  # type: ignore[union-attr]
        module.__class__ = _DeferredModule


class _DeferringFinder(importlib.abc.MetaPathFinder):
    def __init__(self, names: Sequence[str]) -> None:
        self.names = frozenset(names)

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: types.ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname not in self.names:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path, target)
        if spec is None or spec.loader is None or spec.submodule_search_locations is not None:
            return None  # packages and odd loaders are imported as usual
        spec.loader = _DeferringLoader(spec.loader)
        return spec


def defer_imports(names: Sequence[str] = DEFERRED_MODULES) -> None:
    """Install the deferring import hook for `names` (before they are first imported)."""
    if "defer_imports" in _APPLIED:
        return
    sys.meta_path.insert(0, _DeferringFinder(names))
    _import_without("thinc.compat", "tensorflow")
    _APPLIED.add("defer_imports")


def _import_without(module: str, hidden: str) -> None:
    """Import `module` while `hidden` cannot be imported (None in sys.modules means absent)."""
    if hidden in sys.modules or module in sys.modules:
        return
    sys.modules[hidden] = None  # type: ignore[assignment]
    try:
        importlib.import_module(module)
    except ImportError:
        pass  # not installed here: nothing to hide it from
    finally:
        del sys.modules[hidden]


# Idle connections to an endpoint are dropped after this (Sanic, rasa-sdk's server, keeps them 5 s).
KEEPALIVE_SECONDS = 2.0


class _KeptSession:
    """What `async with endpoint.session()` enters: the endpoint's kept session, left open."""

    def __init__(self, session: Any) -> None:
        self.session = session

    async def __aenter__(self) -> Any:
        return self.session

    async def __aexit__(self, *_: object) -> None:
        return None


# Every kept session, to close them when the server stops.
_kept_sessions: list[Any] = []


def kept_session(original: Any) -> Any:
    """EndpointConfig.session returning one kept session per endpoint and running loop."""

    @functools.wraps(original)
    def session(endpoint: Any) -> Any:
        import asyncio

        import aiohttp
        from rasa.core.constants import DEFAULT_REQUEST_TIMEOUT

        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no loop: the caller manages the session (as before)
            return original(endpoint)
        kept = endpoint.__dict__.get("_kefu_kept_session")
        if kept is None or kept.closed or kept._loop is not loop:
            # Headers, auth and timeout as Rasa's own session() sets them.
            auth = None
            if endpoint.basic_auth:
                auth = aiohttp.BasicAuth(
                    endpoint.basic_auth["username"], endpoint.basic_auth["password"]
                )
            kept = aiohttp.ClientSession(
                headers=endpoint.headers,
                auth=auth,
                timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
                connector=aiohttp.TCPConnector(keepalive_timeout=KEEPALIVE_SECONDS),
            )
            endpoint.__dict__["_kefu_kept_session"] = kept
            _kept_sessions.append(kept)
        return _KeptSession(kept)

    return session


async def close_kept_sessions() -> None:
    """Close the kept sessions of the running loop (when the server stops)."""
    import asyncio

    loop = asyncio.get_running_loop()
    for session in list(_kept_sessions):
        if session._loop is loop or session.closed:
            _kept_sessions.remove(session)
            await session.close()


def cached_idf(original: property) -> property:
    """TfidfTransformer.idf_ computed once per fitted diagonal matrix."""

    def idf_(transformer: Any) -> Any:
        diagonal = transformer._idf_diag  # AttributeError while not fitted, as before
        kept = transformer.__dict__.get("_kefu_idf")
        if kept is not None and kept[0] is diagonal:
            return kept[1]
        value = original.fget(transformer)  # type: ignore[misc]
        value.setflags(write=False)
        transformer.__dict__["_kefu_idf"] = (diagonal, value)
        return value

    return property(idf_, original.fset, doc=original.__doc__)


def _deferred_schema(serialized: dict[str, Any]) -> Any:
    """A GraphSchema whose nodes (and so their classes) are resolved on first use."""
    from rasa.engine.graph import GraphSchema

    class DeferredGraphSchema(GraphSchema):
        def __init__(self, serialized: dict[str, Any]) -> None:  # no nodes yet
            self.__dict__["_serialized"] = serialized

        def __getattr__(self, name: str) -> Any:
            # Only reached while `nodes` is missing from the instance, i.e. not resolved yet.
            if name != "nodes" or "_serialized" not in self.__dict__:
                raise AttributeError(name)
            nodes = GraphSchema.from_dict(self.__dict__.pop("_serialized")).nodes
            self.__dict__["nodes"] = nodes
            return nodes

    return DeferredGraphSchema(serialized)


def defer_train_schema(original: Any) -> Any:
    """ModelMetadata.from_dict, with the training graph resolved on first use."""

    @functools.wraps(original)
    def from_dict(cls: Any, serialized: dict[str, Any]) -> Any:
        metadata = original.__func__(cls, {**serialized, "train_schema": {"nodes": {}}})
        metadata.train_schema = _deferred_schema(serialized["train_schema"])
        return metadata

    return classmethod(from_dict)


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


def apply() -> None:
    """Install the speed-ups (idempotent)."""
    if "action_result" not in _APPLIED:
        from rasa.core.actions.action import RemoteAction

        RemoteAction._validate_action_result = validate_action_result  # type: ignore[method-assign]
        _APPLIED.add("action_result")
    if "lean_action_call" not in _APPLIED:
        from rasa.core.actions.action import RemoteAction

        RemoteAction._action_call_format = lean_action_call(  # type: ignore[method-assign]
            RemoteAction._action_call_format
        )
        _APPLIED.add("lean_action_call")
    if "all_subclasses" not in _APPLIED:
        import rasa.shared.utils.common as common

        common.all_subclasses = cached_all_subclasses(common.all_subclasses)
        _APPLIED.add("all_subclasses")
    if "spacy_model" not in _APPLIED:
        from rasa.nlu.utils.spacy_utils import SpacyNLP

        SpacyNLP.load_model = staticmethod(functools.lru_cache(maxsize=4)(SpacyNLP.load_model))
        _APPLIED.add("spacy_model")
    if "kept_sessions" not in _APPLIED:
        from rasa.utils.endpoints import EndpointConfig

        EndpointConfig.session = kept_session(EndpointConfig.session)  # type: ignore[method-assign]
        _APPLIED.add("kept_sessions")
    if "idf" not in _APPLIED:
        from sklearn.feature_extraction.text import TfidfTransformer

        TfidfTransformer.idf_ = cached_idf(TfidfTransformer.idf_)  # type: ignore[method-assign]
        _APPLIED.add("idf")
    if "train_schema" not in _APPLIED:
        from rasa.engine.storage.storage import ModelMetadata

        ModelMetadata.from_dict = defer_train_schema(ModelMetadata.from_dict)
        _APPLIED.add("train_schema")
    if "dialogue" not in _APPLIED:
        from rasa.core.policies.rule_policy import RulePolicy
        from rasa.shared.core.domain import Domain

        RulePolicy._get_possible_keys = short_rule_matching(  # type: ignore[method-assign]
            RulePolicy._get_possible_keys
        )
        Domain.states_for_tracker_history = replayed_state_history(  # type: ignore[method-assign]
            Domain.states_for_tracker_history
        )
        _APPLIED.add("dialogue")


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
