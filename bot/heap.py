"""The loaded model's objects kept out of the garbage collector's full collections.

A Rasa server holds about 280,000 long-lived objects once its model is loaded
(spaCy, the policies' lookups, the SVMs and their vocabularies). CPython's full collection
walks all of them, about 0.15–0.25 s here, with every turn of the process waiting. Those
objects live as long as the process, so after the model is loaded they are moved to the
permanent generation (`gc.freeze()`), which full collections skip; what turns allocate is
collected as before. A model replaced at run time (Rasa's `PUT /model`, which Kefu does not
use) would stay frozen: its memory would not be returned.
"""

from __future__ import annotations

import functools
import gc
import logging
from collections.abc import Awaitable, Callable
from typing import Any

logger = logging.getLogger(__name__)


def freeze_after(load: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    """`load`, then everything alive frozen out of later collections."""

    @functools.wraps(load)
    async def loaded_and_frozen(*args: Any, **kwargs: Any) -> Any:
        result = await load(*args, **kwargs)
        gc.collect()  # what loading left as garbage goes first, not into the frozen heap
        gc.freeze()
        logger.debug("Froze %d objects out of the garbage collector.", gc.get_freeze_count())
        return result

    return loaded_and_frozen


def apply() -> None:
    """Wraps `rasa run`'s model loading (before Rasa registers it as a start-up listener)."""
    import rasa.core.run

    rasa.core.run.load_agent_on_start = freeze_after(rasa.core.run.load_agent_on_start)
