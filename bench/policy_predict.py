"""The cost of one dialogue prediction (MemoizationPolicy + RulePolicy), measured in-process.

    .venv-rasa/bin/python -m bench.policy_predict [--model models/kefu-....tar.gz]
        [--repeat 200] [--profile 30] [--unpatched]

Loads the trained model as the server does (`bot/speedups.py` applied; `--unpatched` leaves
out the dialogue speed-ups, to compare) and predicts, many times, at every prediction of the
recorded conversations in tests/bot/fixtures/kefu_trackers.json (the three scripts of
bench/load_scripts.py, 9 turns each), each turn as the server meets it: a fresh tracker with
the turn's first events, then one prediction per action, the action's events added between
them. Reports CPU ms per prediction over all of them and over the last turn's (three
predictions: the form, its submit action, listen: the longest trackers); `--profile N` prints
cProfile's top N functions of the whole run.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import importlib
import json
import logging
import pstats
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
TRACKERS = REPO_ROOT / "tests" / "bot" / "fixtures" / "kefu_trackers.json"


def prediction_points(events: list[dict[str, Any]]) -> list[int]:
    """How many events precede each action the bot predicted (not the session's first)."""
    points = []
    for index, event in enumerate(events):
        if event.get("event") == "action" and event.get("name") != "action_session_start":
            points.append(index)
    return points


def recorded_turns() -> list[tuple[list[Any], list[list[Any]], bool]]:
    """Each turn of the recorded conversations as the server meets it: the events before the
    turn's first prediction (a fresh tracker from the store), the events each action adds
    before the next prediction, and whether it is a conversation's last turn."""
    from rasa.shared.core.events import Event

    turns = []
    for recorded in json.loads(TRACKERS.read_text()).values():
        events = [Event.from_parameters(event) for event in recorded]
        points = prediction_points(recorded)
        users = [i for i, event in enumerate(recorded) if event["event"] == "user"]
        for number, user in enumerate(users):
            end = users[number + 1] if number + 1 < len(users) else len(events)
            in_turn = [point for point in points if user < point < end]
            steps = [events[a:b] for a, b in zip([in_turn[0], *in_turn[:-1]], in_turn, strict=True)]
            turns.append((events[: in_turn[0]], steps, number == len(users) - 1))
    return turns


def newest_model() -> Path:
    models = sorted((REPO_ROOT / "models").glob("kefu-*.tar.gz"), key=lambda p: p.stat().st_mtime)
    if not models:
        raise SystemExit("no trained model under models/: run `python -m kefu train` first")
    return models[-1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", type=Path, default=None)
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--profile", type=int, default=0, metavar="N")
    parser.add_argument("--unpatched", action="store_true")
    args = parser.parse_args(argv)

    # By name, as bench/turn_trace.py does: bench runs the bot's code, it does not import it.
    speedups = importlib.import_module("bot.speedups")
    speedups.defer_imports()
    from rasa.core.agent import Agent
    from rasa.shared.core.trackers import DialogueStateTracker
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog

    speedups.apply()
    # As `rasa run` logs by default: INFO, so the policies' debug lines are formatted, not shown.
    configure_logging_and_warnings(logging.INFO, warn_only_once=True, filter_repeated_logs=True)
    configure_structlog(logging.INFO)
    agent = Agent.load(str(args.model or newest_model()))
    processor = agent.processor
    assert processor is not None
    domain = processor.domain

    turns = recorded_turns()

    def run_all() -> tuple[list[float], list[float]]:
        every, last = [], []
        for before, steps, is_last in turns:
            tracker = DialogueStateTracker.from_events("bench", before, domain.slots)
            for added in steps:
                for event in added:
                    tracker.update(event)
                # CPU time of this process: on a shared machine, waiting for a core is not
                # the prediction's cost.
                started = time.process_time()
                processor._predict_next_with_tracker(tracker)
                elapsed = (time.process_time() - started) * 1000
                every.append(elapsed)
                if is_last:
                    last.append(elapsed)
        return every, last

    predictions = sum(len(steps) for _, steps, _ in turns)
    with contextlib.ExitStack() as stack:
        if args.unpatched:
            policy_speedups = importlib.import_module("bot.policy_speedups")
            stack.enter_context(policy_speedups.without_dialogue_speedups())
        per_every, per_last = measure(run_all, args.repeat, args.profile)
    label = "unpatched" if args.unpatched else "patched"
    print(
        f"{label}: {predictions} predictions x {args.repeat}; CPU ms per prediction, median of "
        f"runs: all {statistics.median(per_every):.2f}, last turn's "
        f"{statistics.median(per_last):.2f} (min {min(per_every):.2f} / {min(per_last):.2f})"
    )
    return 0


def measure(
    run_all: Callable[[], tuple[list[float], list[float]]], repeat: int, profile: int
) -> tuple[list[float], list[float]]:
    """Mean ms per prediction of each of `repeat` runs (all, last turn's), after one warm-up."""
    run_all()  # warm-up: first calls fill Rasa's own caches
    profiler = cProfile.Profile() if profile else None
    per_every: list[float] = []
    per_last: list[float] = []
    if profiler:
        profiler.enable()
    for _ in range(repeat):
        every, last = run_all()
        per_every.append(statistics.fmean(every))
        per_last.append(statistics.fmean(last))
    if profiler:
        profiler.disable()
        pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative").print_stats(profile)
    return per_every, per_last


if __name__ == "__main__":
    raise SystemExit(main())
