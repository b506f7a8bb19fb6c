"""The loaded model is frozen out of the garbage collector (bot/heap.py)."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from bot import heap


@pytest.fixture
def unfrozen() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()


async def test_what_the_load_leaves_alive_is_frozen_and_its_result_returned(unfrozen: None) -> None:
    kept: list[object] = []

    async def load(size: int) -> str:
        kept.extend({"n": n} for n in range(size))
        return "agent"

    assert await heap.freeze_after(load)(1000) == "agent"
    assert gc.get_freeze_count() >= 1000
    collectable = {id(item) for item in gc.get_objects()}  # the permanent generation aside
    assert id(kept[0]) not in collectable and id(kept[-1]) not in collectable


def test_apply_wraps_rasas_model_loading(unfrozen: None, monkeypatch: pytest.MonkeyPatch) -> None:
    import rasa.core.run

    original = rasa.core.run.load_agent_on_start
    monkeypatch.setattr(rasa.core.run, "load_agent_on_start", original)
    heap.apply()
    assert rasa.core.run.load_agent_on_start is not original
    assert rasa.core.run.load_agent_on_start.__wrapped__ is original
