"""Where one turn's time goes, per script step: timed phases of the Rasa and action servers.

    .venv/bin/python -m bench.turn_trace [--conversations 1] [--seconds 30] [--json OUT]

Starts Kefu as `python -m kefu run` does (the launcher, its exchange logger and scorer, both
servers) on the load suite's benchmark CRM, but with the Rasa server and the action server run
through `bench.turn_trace wrap`, which times chosen functions (`RASA_PHASES`, `ACTION_PHASES`)
and appends one line per call to a file. Then it drives the load driver's Kefu customers and,
per script step, prints the mean milliseconds of each phase inside the step's turns (a phase
belongs to a turn when it starts inside the turn's window, on the same monotonic clock). Phases
nest (an action call contains the action server's work, which contains its database calls).
Stdlib only in `wrap`, which runs in either environment.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import importlib
import inspect
import json
import os
import runpy
import shutil
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

# (module, attribute path, phase name): what `wrap` times in each server.
RASA_PHASES = (
    ("bot.channels", "run_guarded_turn", "turn"),
    ("rasa.core.processor", "MessageProcessor.parse_message", "nlu"),
    ("rasa.core.processor", "MessageProcessor._predict_next_with_tracker", "policies"),
    ("rasa.core.processor", "MessageProcessor._run_action", "run action"),
    ("rasa.core.actions.action", "RemoteAction.run", "action call"),
    ("bot.tracker_store", "KefuSQLTrackerStore.retrieve", "tracker read"),
    ("bot.tracker_store", "KefuSQLTrackerStore.save", "tracker save"),
)
ACTION_PHASES = (
    ("rasa_sdk.executor", "ActionExecutor.run", "action server"),
    ("sqlalchemy.engine.base", "Connection._execute_context", "db statement"),
    ("sqlalchemy.orm.session", "SessionTransaction.commit", "db commit"),
)
# The launcher's workers, which share the CRM (and the cores) with the action server.
LAUNCHER_PHASES = (
    ("kefu.workers.exchange_logger", "ExchangeLogger.consume", "logger batch"),
    ("kefu.workers.conversation_scorer", "ConversationScorer.consume", "scorer batch"),
)


class _Trace:
    """One JSON line per timed call: phase, conversation (when known), start, milliseconds."""

    def __init__(self, path: Path) -> None:
        self.out = open(path, "a", buffering=1)  # noqa: SIM115 - open for the process's life
        self.lock = threading.Lock()

    def write(self, phase: str, who: str | None, started: float) -> None:
        line = json.dumps(
            {"phase": phase, "who": who, "t0": started, "ms": (time.monotonic() - started) * 1e3}
        )
        with self.lock:
            self.out.write(line + "\n")


def _who(args: tuple[Any, ...]) -> str | None:
    """The conversation a call is about: a sender id on an argument, or in an action call, or
    the tracker store's `retrieve(sender_id)`."""
    if len(args) == 2 and isinstance(args[1], str):
        return args[1]
    for arg in args:
        sender = getattr(arg, "sender_id", None)
        if isinstance(sender, str):
            return sender
        if isinstance(arg, dict) and isinstance(arg.get("sender_id"), str):
            return arg["sender_id"]
    return None


def _timed(function: Any, phase: str, trace: _Trace) -> Any:
    if inspect.iscoroutinefunction(function):

        @functools.wraps(function)
        async def timed_async(*args: Any, **kwargs: Any) -> Any:
            started = time.monotonic()
            try:
                return await function(*args, **kwargs)
            finally:
                trace.write(phase, _who(args), started)

        return timed_async

    @functools.wraps(function)
    def timed(*args: Any, **kwargs: Any) -> Any:
        started = time.monotonic()
        try:
            return function(*args, **kwargs)
        finally:
            trace.write(phase, _who(args), started)

    return timed


def install(phases: tuple[tuple[str, str, str], ...], trace: _Trace) -> None:
    for module_name, path, phase in phases:
        owner: Any = importlib.import_module(module_name)
        *parents, name = path.split(".")
        for parent in parents:
            owner = getattr(owner, parent)
        setattr(owner, name, _timed(getattr(owner, name), phase, trace))


def wrap(out: Path, module: str, rest: list[str]) -> None:
    """Run `python -m module rest…` with its phases timed into `out`."""
    trace = _Trace(out)
    if module == "bot.server":
        # By name, as bench/rasa_sampler.py runs the server: as bot.server does, the import
        # hook goes in before Rasa is imported.
        importlib.import_module("bot.speedups").defer_imports()
        install(RASA_PHASES, trace)
    else:
        install(ACTION_PHASES, trace)
    sys.argv = [module, *rest]
    runpy.run_module(module, run_name="__main__", alter_sys=True)


def launch(trace_dir: Path) -> None:
    """`python -m kefu run`, with both servers started through `wrap`."""
    import kefu.launcher as launcher

    install(LAUNCHER_PHASES, _Trace(trace_dir / "launcher.jsonl"))

    def traced(original: Any, module: str) -> Any:
        def start(*args: Any, **kwargs: Any) -> Any:
            process = original(*args, **kwargs)
            at = process.command.index(module)
            out = str(trace_dir / f"{module}.jsonl")
            process.command[at : at + 1] = ["bench.turn_trace", "wrap", out, module, "--"]
            return process

        return start

    launcher.rasa_server = traced(launcher.rasa_server, "bot.server")
    launcher.action_server = traced(launcher.action_server, "actions")
    from kefu.__main__ import main as kefu_main

    sys.exit(kefu_main(["run"]))


def turn_phases(records: list[dict[str, Any]], senders: set[str]) -> dict[str, list[dict]]:
    """Per conversation, its turns in order: each turn's phases' milliseconds, summed."""
    records = sorted(records, key=lambda r: r["t0"])
    turns: dict[str, list[dict[str, float]]] = defaultdict(list)
    windows = []
    for record in records:
        if record["phase"] == "turn" and record["who"] in senders:
            phases: dict[str, float] = defaultdict(float, turn=record["ms"])
            turns[record["who"]].append(phases)
            windows.append((record["t0"], record["t0"] + record["ms"] / 1e3, record["who"], phases))
    for record in records:
        if record["phase"] == "turn":
            continue
        for start, end, who, phases in windows:
            if start <= record["t0"] <= end and record["who"] in (None, who):
                phases[record["phase"]] += record["ms"]
    return turns


def per_step(turns: dict[str, list[dict]], labels: list[str]) -> dict[str, dict[str, float]]:
    """The mean milliseconds of each phase per script step (turns grouped by position)."""
    steps: dict[str, list[dict]] = defaultdict(list)
    for conversation in turns.values():
        for position, phases in enumerate(conversation):
            label = labels[position] if position < len(labels) else f"step {position + 1}"
            steps[label].append(phases)
    table = {}
    for label in sorted(steps):
        rows = steps[label]
        names = sorted({name for phases in rows for name in phases})
        table[label] = {"n": len(rows)} | {
            name: round(sum(p.get(name, 0.0) for p in rows) / len(rows), 1) for name in names
        }
    return table


async def _drive(url: str, token: str, conversations: int, seconds: float) -> Any:
    from bench.load import Target, run_load, warm_up
    from bench.load_scripts import KEFU_SCRIPTS

    target = Target(url, token)
    await warm_up(target, KEFU_SCRIPTS)
    return await run_load(target, KEFU_SCRIPTS, conversations, seconds)


def measure(conversations: int, seconds: float) -> dict[str, Any]:
    """Start the traced stack, load it, stop it; the per-step phases."""
    from bench.load_scripts import KEFU_SCRIPTS
    from bench.load_stack import CACHE_DIR, RunningBot, _answered, prepare_kefu, spawn_logged
    from kefu.paths import REPO_ROOT

    workdir = CACHE_DIR / "trace"
    shutil.rmtree(workdir, ignore_errors=True)  # fresh databases, as the load suite's
    environ = prepare_kefu(workdir)
    trace_dir = Path(tempfile.mkdtemp(prefix="kefu-trace-"))
    env = {**os.environ, **environ, "RASA_TELEMETRY_ENABLED": "false", "PYTHONUNBUFFERED": "1"}
    started = time.monotonic()
    command = [sys.executable, "-m", "bench.turn_trace", "launch", str(trace_dir)]
    process = spawn_logged(command, REPO_ROOT, env, workdir / "launcher.log")
    url = f"http://127.0.0.1:{environ['KEFU_RASA_PORT']}"
    token = environ["KEFU_REST_TOKEN"]
    log = workdir / "launcher.log"
    bot = _answered(RunningBot("kefu", url, token, None, process, log), started)
    try:
        result = asyncio.run(_drive(url, token, conversations, seconds))
    finally:
        bot.stop()
    records = [json.loads(line) for path in trace_dir.glob("*.jsonl") for line in path.open()]
    turns = turn_phases(records, set(result.transcripts))
    labels = [turn.label for turn in KEFU_SCRIPTS[0]]
    return {"load": result.summary(), "per_step": per_step(turns, labels)}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["wrap"]:
        wrap(Path(argv[1]), argv[2], [a for a in argv[3:] if a != "--"])
        return 0
    if argv[:1] == ["launch"]:
        launch(Path(argv[1]))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--json", dest="json_path")
    args = parser.parse_args(argv)
    from bench.report import print_report

    print_report(measure(args.conversations, args.seconds), args.json_path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
