"""Per-message costs of Rasa 3.6 that measure large under load and change no behaviour.

Applied once by `bot/server.py` before the server starts (bench/README.md, "Where the Rasa
server's time goes", says what each one cost):

- `RemoteAction._validate_action_result` calls `jsonschema.validate(result, schema)` on every
  action server reply, which checks the *schema* against the JSON Schema meta-schema each time
  before checking the reply: 20 % of the main thread at 10 conversations. The schema is a
  constant, so it is checked once and its validator kept; replies are validated exactly as
  before, and an invalid one raises the same ValidationError with the same message.
- `rasa.shared.utils.common.all_subclasses` walks the class tree on every event and slot
  deserialisation; the classes it finds are cached per class (refreshed when the tree of
  subclasses changes, e.g. a module imported later defines a new event).
"""

from __future__ import annotations

import functools
from typing import Any

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


def apply() -> None:
    """Install the speed-ups (idempotent)."""
    if "action_result" not in _APPLIED:
        from rasa.core.actions.action import RemoteAction

        RemoteAction._validate_action_result = validate_action_result  # type: ignore[method-assign]
        _APPLIED.add("action_result")
    if "all_subclasses" not in _APPLIED:
        import rasa.shared.utils.common as common

        common.all_subclasses = cached_all_subclasses(common.all_subclasses)
        _APPLIED.add("all_subclasses")
