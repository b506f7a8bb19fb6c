"""`make bench-load`: Kefu against a plain `rasa init` bot under the same load, side by side.

    .venv/bin/python -m bench.load_suite [--seconds 20] [--levels 1,10,50] [--bots kefu,plain]
        [--per-step] [--no-write]

For each concurrency level, Kefu and then the plain bot are started fresh (their cold start
timed), warmed up with one unmeasured conversation per script, driven by bench/load.py for
`--seconds`, and stopped; Kefu's exchange log is checked after each step. Writes
bench/results/load.json and the table in bench/README.md (between the load markers), unless
`--no-write`. `--bots kefu` skips the plain bot (slow to start); `--per-step` adds each script
step's latencies to the step's figures (which turns make the tail).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from bench.load import Target, run_load, warm_up
from bench.load_check import check_exchange_log
from bench.load_scripts import SCRIPTS
from bench.load_stack import (
    CACHE_DIR,
    RunningBot,
    ensure_plain_bot,
    prepare_kefu,
    start_kefu,
    start_plain,
)
from bench.report import README, REPO_ROOT, commit, machine, replace_section

RESULTS = REPO_ROOT / "bench" / "results" / "load.json"
BEGIN, END = "<!-- load:start -->", "<!-- load:end -->"


def say(message: str) -> None:
    print(f"[bench-load] {message}", flush=True)


async def drive(
    bot: RunningBot, conversations: int, seconds: float, per_step: bool = False
) -> dict[str, Any]:
    """Warm `bot` up, load it, and (Kefu) check its exchange log; the step's figures."""
    target = Target(bot.rasa_url, bot.token)
    scripts = SCRIPTS[bot.name]
    await warm_up(target, scripts)
    result = await run_load(target, scripts, conversations, seconds)
    figures = result.summary()
    figures["cold_start_s"] = round(bot.cold_start_s, 1)
    if result.error_samples:
        figures["error_samples"] = result.error_samples
    if per_step:
        figures["per_step"] = result.per_step()
    if bot.crm_url is not None:
        figures["exchange_log"] = (
            await check_exchange_log(bot.crm_url, result.transcripts)
        ).as_dict()
    return figures


def one_step(
    name: str,
    environ: dict[str, str],
    level: int,
    seconds: float,
    logs: Path,
    per_step: bool = False,
) -> dict:
    log_path = logs / f"{name}-{level}.log"
    bot = start_kefu(environ, log_path) if name == "kefu" else start_plain(log_path)
    say(f"{name}: first reply after {bot.cold_start_s:.1f} s; {level} conversations…")
    try:
        return asyncio.run(drive(bot, level, seconds, per_step))
    finally:
        bot.stop()


def summarise(steps: dict[str, dict[str, dict[str, Any]]], seconds: float) -> dict[str, Any]:
    """load.json: per concurrency a `kefu` and a `plain` object, and the run's totals."""
    colds: dict[str, list[float]] = {}
    missing = duplicates = 0
    for per_bot in steps.values():
        for name, figures in per_bot.items():
            colds.setdefault(name, []).append(figures["cold_start_s"])
            check = figures.get("exchange_log") or {}
            missing += check.get("missing_records", 0)
            duplicates += check.get("duplicate_records", 0)
    previous = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    return {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": machine(),
        "commit": commit(),
        "seconds_per_step": seconds,
        "concurrency": steps,
        # The median of the starts of this run, each a second `make run` (model cached).
        "cold_start_s": {name: round(statistics.median(v), 1) for name, v in colds.items()},
        "missing_records": missing,
        "duplicate_records": duplicates,
        # Filled by the production profile's run (two Rasa instances against one).
        "scale_out": previous.get("scale_out", {"one": None, "two": None}),
    }


def table(results: dict[str, Any]) -> str:
    rows = [
        f"Measured {results['date']} on {results['machine']}, commit {results['commit']}, by "
        f"`make bench-load` ({results['seconds_per_step']:.0f} s per step). Cold start (to the "
        f"first reply, model cached): Kefu {results['cold_start_s'].get('kefu')} s, plain "
        f"{results['cold_start_s'].get('plain')} s. Exchange log: "
        f"{results['missing_records']} missing, {results['duplicate_records']} duplicate records.",
        "",
        "| concurrent conversations | Kefu msgs/s | Kefu p50 / p95 / p99 ms | plain msgs/s "
        "| plain p50 / p95 / p99 ms | Kefu p95 ÷ plain | Kefu errors / slow | plain errors |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for level, per_bot in results["concurrency"].items():
        kefu, plain = per_bot.get("kefu", {}), per_bot.get("plain", {})

        def cell(f: dict[str, Any]) -> str:
            return f"{f.get('p50_ms', '–')} / {f.get('p95_ms', '–')} / {f.get('p99_ms', '–')}"

        ratio = (
            f"{kefu['p95_ms'] / plain['p95_ms']:.2f}" if kefu and plain and plain["p95_ms"] else "–"
        )
        rows.append(
            f"| {level} | {kefu.get('msgs_per_s', '–')} | {cell(kefu)} | "
            f"{plain.get('msgs_per_s', '–')} | {cell(plain)} | {ratio} | "
            f"{kefu.get('errors', '–')} / {kefu.get('slow_replies', '–')} | "
            f"{plain.get('errors', '–')} |"
        )
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--levels", default="1,10,50")
    parser.add_argument("--bots", default="kefu,plain")
    parser.add_argument("--no-write", action="store_true", help="print only")
    parser.add_argument("--per-step", action="store_true", help="latencies per script step")
    args = parser.parse_args(argv)
    levels = [int(level) for level in args.levels.split(",")]
    bots = args.bots.split(",")
    workdir = CACHE_DIR / "run"
    shutil.rmtree(workdir, ignore_errors=True)
    say("Preparing the CRM and the plain bot (cached after the first run)…")
    environ = prepare_kefu(workdir)
    if "plain" in bots:
        ensure_plain_bot()
    steps: dict[str, dict[str, dict[str, Any]]] = {}
    for level in levels:
        for name in bots:
            figures = one_step(name, environ, level, args.seconds, workdir / "logs", args.per_step)
            steps.setdefault(str(level), {})[name] = figures
            say(f"{name} at {level}: {json.dumps(figures)}")
    results = summarise(steps, args.seconds)
    print(table(results))
    if not args.no_write:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(results, indent=2) + "\n")
        replace_section(BEGIN, END, "### Kefu against plain Rasa\n\n" + table(results), README)
    return 0


if __name__ == "__main__":
    sys.exit(main())
