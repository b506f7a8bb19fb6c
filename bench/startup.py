"""Cold start: from `python -m kefu run` (model cached, CRM ready) to the first reply.

    .venv/bin/python -m bench.startup [--runs 3] [--json OUT.json]

Starts `python -m kefu run` as the load suite does (its own SQLite files, ports and secrets under
var/bench-load/, the CRM migrated and seeded beforehand, the Rasa model trained if needed), sends
"hello" every half second until the bot answers, and stops it with Ctrl-C as a person would.
Besides the wall time it reports what a busy machine does not distort as much: the CPU time
(user + sys, from /proc) each process of the tree had used by the first reply, and when the
launcher printed each of its steps. On a shared machine the wall time follows the load average
(printed with each run); the CPU seconds do not.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import statistics
import sys
import threading
import time
import urllib.error
from pathlib import Path
from typing import Any

from bench.load_stack import CACHE_DIR, RunningBot, prepare_kefu, spawn_logged
from kefu.model_cache import ensure_model
from kefu.paths import REPO_ROOT
from kefu.processes import stop_group
from kefu.shell import send

# Which process of the tree a command line belongs to (first match wins).
ROLES = (
    ("rasa server", ("bot.server", "rasa_sampler")),
    ("action server", ("-m actions",)),
    ("console", ("-m console",)),
    ("launcher", ("-m kefu",)),
)


def _stat(pid: int) -> tuple[int, float] | None:
    """(parent pid, user + sys seconds) of a live process, None once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _role(pid: int) -> str:
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return "other"
    for role, marks in ROLES:
        if any(mark in command for mark in marks):
            return role
    return "other"


def tree_cpu(root: int) -> dict[str, float]:
    """CPU seconds per role of every live process descended from `root` (itself included)."""
    parents: dict[int, int] = {}
    cpu: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (stat := _stat(int(entry.name))) is not None:
            parents[int(entry.name)], cpu[int(entry.name)] = stat
    totals: dict[str, float] = {}
    for pid in cpu:
        ancestor = pid
        while ancestor not in (root, 0, 1) and ancestor in parents:
            ancestor = parents[ancestor]
        if ancestor == root:
            role = _role(pid)
            totals[role] = round(totals.get(role, 0.0) + cpu[pid], 2)
    return totals


def follow_steps(
    log_path: Path, started: float, steps: list[tuple[float, str]], done: threading.Event
) -> None:
    """Append (seconds since start, line) for each `[kefu]` line the launcher writes."""
    seen = 0
    while not done.is_set():
        try:
            lines = log_path.read_text(errors="replace").splitlines()
        except FileNotFoundError:
            lines = []
        for line in lines[seen:]:
            if line.startswith("[kefu]"):
                steps.append((round(time.monotonic() - started, 2), line[7:].strip()))
        seen = len(lines)
        time.sleep(0.1)


def one_run(environ: dict[str, str], log_path: Path) -> dict[str, Any]:
    """Start, time the first reply, read each process's CPU then, stop."""
    if log_path.exists():
        log_path.unlink()
    env = {**os.environ, **environ, "RASA_TELEMETRY_ENABLED": "false", "PYTHONUNBUFFERED": "1"}
    load_before = os.getloadavg()[0]
    started = time.monotonic()
    process = spawn_logged([sys.executable, "-m", "kefu", "run"], REPO_ROOT, env, log_path)
    steps: list[tuple[float, str]] = []
    done = threading.Event()
    threading.Thread(
        target=follow_steps, args=(log_path, started, steps, done), daemon=True
    ).start()
    bot = RunningBot(
        "kefu",
        f"http://127.0.0.1:{environ['KEFU_RASA_PORT']}",
        environ["KEFU_REST_TOKEN"],
        None,
        process,
        log_path,
    )
    try:
        first_reply = None
        while time.monotonic() - started < 600 and process.poll() is None:
            try:
                if send(
                    bot.rasa_url, f"startup-{secrets.token_hex(4)}", "hello", bot.token or "", 10
                ):
                    first_reply = time.monotonic() - started
                    break
            except (urllib.error.URLError, OSError, ValueError):
                pass
            time.sleep(0.5)
        cpu = tree_cpu(process.pid)
        time.sleep(0.2)
        done.set()
    finally:
        stop_group(process, signal.SIGINT, 60)
    if first_reply is None:
        raise RuntimeError(f"Kefu did not answer:\n{bot.log_tail()}")
    return {
        "seconds_to_first_reply": round(first_reply, 1),
        "cpu_s": cpu,
        "cpu_s_total": round(sum(cpu.values()), 1),
        "load_average": round(load_before, 1),
        "steps": steps,
    }


def summary(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Medians over the runs (wall seconds and each role's CPU seconds) and the runs."""
    roles = sorted({role for run in runs for role in run["cpu_s"]})
    return {
        "runs": len(runs),
        "seconds_to_first_reply_median": statistics.median(
            run["seconds_to_first_reply"] for run in runs
        ),
        "cpu_s_median": {
            role: round(statistics.median(run["cpu_s"].get(role, 0.0) for run in runs), 2)
            for role in roles
        },
        "cpu_s_total_median": statistics.median(run["cpu_s_total"] for run in runs),
        "load_averages": [run["load_average"] for run in runs],
        "each": runs,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--json", help="also write the result to this file")
    args = parser.parse_args(argv)
    workdir = CACHE_DIR / "startup"
    environ = prepare_kefu(workdir)
    ensure_model(log_file=workdir / "train.log")
    runs = []
    for number in range(args.runs):
        run = one_run(environ, workdir / "kefu.log")
        print(
            f"run {number + 1}: first reply after {run['seconds_to_first_reply']} s, "
            f"CPU {run['cpu_s']} (load average {run['load_average']})",
            file=sys.stderr,
            flush=True,
        )
        runs.append(run)
    result = summary(runs)
    print(json.dumps(result, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
