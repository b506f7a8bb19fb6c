"""The README's demo conversations in Chinese and German are the ones the suite plays.

test_scenarios.py plays DEMO_ZH and DEMO_DE against the real servers and checks each reply;
here the README's transcripts must hold the same customer messages (filled with the demo
customers' facts) and, in each reply, what the suite checks the bot really says.
"""

from __future__ import annotations

import re

import pytest

from tests.conversations.scenarios_en import ANNA, ANNA_POSTCODE, BEN, BEN_POSTCODE
from tests.conversations.scenarios_languages import DEMO_DE, DEMO_ZH
from tests.conversations.support import Facts
from tests.conversations.test_scenarios import ALL
from tests.integration.support import REPO_ROOT

DEMOS = {
    "demo-zh": (DEMO_ZH, Facts(email=ANNA, postcode=ANNA_POSTCODE, order="KF-500001")),
    "demo-de": (DEMO_DE, Facts(email=BEN, postcode=BEN_POSTCODE, order="KF-500005")),
}


def transcript(marker: str) -> list[tuple[str, str]]:
    """(customer message, bot reply) pairs of the README block between the marker's comments."""
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(f"<!-- {marker}:start -->(.*?)<!-- {marker}:end -->", readme, re.DOTALL)
    assert found, f"README.md has no {marker} block"
    lines = [line for line in found.group(1).splitlines() if not line.startswith("```")]
    pairs: list[tuple[str, str]] = []
    for line in lines:
        if line.startswith("> "):
            pairs.append((line[2:], ""))
        elif line.strip() and pairs:
            said, reply = pairs[-1]
            pairs[-1] = (said, f"{reply} {line}".strip())
    return pairs


@pytest.mark.parametrize("marker", sorted(DEMOS))
def test_the_readme_quotes_the_demo_the_suite_plays(marker: str) -> None:
    turns, facts = DEMOS[marker]
    shown = transcript(marker)
    assert [said for said, _ in shown] == [facts.fill(said) for said, _ in turns]
    for (said, reply), (_, expected) in zip(shown, turns, strict=True):
        for item in expected:
            item = facts.fill(item)
            if item.startswith("!"):
                assert item[1:] not in reply, (said, item)
            else:
                assert item in reply, (said, item, reply)


def test_the_readme_says_how_many_conversations_the_suite_plays() -> None:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    said = re.search(r"`tests/conversations/` plays (\d+) such conversations", readme)
    assert said, "README.md no longer says how many conversations the suite plays"
    assert int(said.group(1)) == len(ALL)
