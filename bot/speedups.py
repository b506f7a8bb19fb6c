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
- Dialogue (`bot/policy_speedups.py`): RulePolicy checks its 280 rule keys one by one (29 % of
  a prediction's profile, bench/policy_predict.py); each policy's `past_states` replays the
  conversation and rebuilds every state (42 %), at each of a turn's predictions. Checks whose
  answer is known are skipped (the same keys in the same order: the same rule wins); the
  replay is kept on the tracker and extended by new events (else redone); Rasa's own loop
  builds the states from it, on fresh copies.

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

import functools
import importlib
import importlib.abc
import importlib.machinery
import sys
import threading
import types
from collections.abc import Sequence
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
        importlib.import_module("bot.policy_speedups").install()
        _APPLIED.add("dialogue")
