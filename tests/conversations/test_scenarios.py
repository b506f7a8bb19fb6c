"""The conversation suite: every scenario through the REST channel of the real servers.

Each scenario gets its own conversation (sender id) and, when it changes records, its own
customer and order (support.fresh_customer). A failing scenario lists every reply that was not
as expected, then the CRM check runs.
"""

from __future__ import annotations

import pytest

from tests.conversations import (
    scenarios_chinese,
    scenarios_en,
    scenarios_follow_ups,
    scenarios_german,
    scenarios_languages,
    scenarios_left_open,
    scenarios_own_words,
    scenarios_probed,
    scenarios_probed_again,
    scenarios_probed_more,
    scenarios_probed_stop33,
    scenarios_probed_stop34,
    scenarios_probed_stop35,
    scenarios_probed_stop36,
    scenarios_probed_stop36_more,
    scenarios_probed_stop37,
    scenarios_probed_stop38,
)
from tests.conversations.support import Facts, Scenario, fresh_customer, play
from tests.integration.support import Databases, Stack

pytestmark = pytest.mark.integration

ALL = (
    scenarios_en.SCENARIOS
    + scenarios_follow_ups.SCENARIOS
    + scenarios_own_words.SCENARIOS
    + scenarios_chinese.SCENARIOS
    + scenarios_german.SCENARIOS
    + scenarios_languages.SCENARIOS
    + scenarios_probed.SCENARIOS
    + scenarios_probed_more.SCENARIOS
    + scenarios_left_open.SCENARIOS
    + scenarios_probed_again.SCENARIOS
    + scenarios_probed_stop33.SCENARIOS
    + scenarios_probed_stop34.SCENARIOS
    + scenarios_probed_stop35.SCENARIOS
    + scenarios_probed_stop36.SCENARIOS
    + scenarios_probed_stop36_more.SCENARIOS
    + scenarios_probed_stop37.SCENARIOS
    + scenarios_probed_stop38.SCENARIOS
)
# The guard's reply when a turn takes too long: the first turns after start-up may.
SLOW = "taking longer than it should"


@pytest.fixture(scope="module", autouse=True)
def warmed_up(stack: Stack) -> None:
    """One throw-away conversation first, so the first scenario is not the server's first turn
    (the sentence encoder and the action server's database connections start on first use)."""
    sender = stack.new_sender("warm-up")
    for text in ("hi", "where is my order?", "KF-500001", "stop"):
        for _attempt in range(3):
            if SLOW not in stack.say(sender, text).text:
                break


def test_the_suite_has_at_least_sixty_scenarios_in_every_category() -> None:
    categories = {s.category for s in ALL}
    assert len(ALL) >= 60
    assert {"carry", "digression", "two requests", "feelings", "chinese", "german"} <= categories
    assert len({s.name for s in ALL}) == len(ALL)


@pytest.mark.parametrize("scenario", ALL, ids=[s.name for s in ALL])
async def test_scenario(stack: Stack, databases: Databases, scenario: Scenario) -> None:
    facts = await fresh_customer(databases, scenario.needs) if scenario.needs else Facts()
    sender = stack.new_sender(scenario.category.replace(" ", "-"))
    problems = play(stack, sender, scenario, facts)
    assert not problems, "\n".join(problems)
    if scenario.check is not None:
        await scenario.check(databases, facts, sender)
