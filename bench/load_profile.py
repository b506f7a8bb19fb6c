"""Where the Rasa server spends its time per message under load.

    .venv/bin/python -m bench.load_profile --label after [--conversations 10] [--seconds 30]

Starts the action server and the Rasa server as the launcher does, but the Rasa server under
bench/rasa_sampler.py; warms up, restarts the sampler's count, drives `--conversations` Kefu
customers for `--seconds`, and reads the samples and the process's CPU time. Writes
bench/results/load-profile-<label>.json and, with every label measured so far side by side, the
per-message breakdown in bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import sys
import time
from pathlib import Path
from typing import Any

from bench.load import Target, run_load, warm_up
from bench.load_scripts import KEFU_SCRIPTS
from bench.load_stack import CACHE_DIR, prepare_kefu
from bench.report import README, REPO_ROOT, commit, replace_section
from kefu.environments import action_side_environment, rasa_side_environment
from kefu.model_cache import ensure_model
from kefu.private_files import resolve_secrets
from kefu.processes import ManagedProcess, action_server, rasa_server
from kefu.settings import load_settings

RESULTS_DIR = REPO_ROOT / "bench" / "results"
BEGIN, END = "<!-- load-profile:start -->", "<!-- load-profile:end -->"

# What each row of the breakdown counts: the outermost of these functions on the stack (inclusive
# samples of the main thread). Names are `Class.method` or `module.function`.
CATEGORIES: list[tuple[str, tuple[str, ...]]] = [
    ("NLU, all components", ("MessageProcessor.parse_message",)),
    (
        "  spaCy tokenizer (SpacyNLP + SpacyTokenizer)",
        ("SpacyNLP.process", "SpacyTokenizer.process"),
    ),
    (
        "  featurizers (regex, lexical, count vectors)",
        (
            "RegexFeaturizer.process",
            "LexicalSyntacticFeaturizer.process",
            "CountVectorsFeaturizer.process",
        ),
    ),
    ("  intent SVMs + sentence encoder", ("SvmIntentClassifier.process",)),
    (
        "  response selectors (FAQ, chitchat)",
        ("ResponseSelector.process", "SvmResponseSelector.process"),
    ),
    (
        "  entities, synonyms, fallback",
        (
            "RegexEntityExtractor.process",
            "EntitySynonymMapper.process",
            "FallbackClassifier.process",
        ),
    ),
    ("policies, all", ("MessageProcessor._predict_next_with_tracker",)),
    ("  TED", ("TEDPolicy.predict_action_probabilities",)),
    ("  RulePolicy", ("RulePolicy.predict_action_probabilities",)),
    ("  Memoization", ("MemoizationPolicy.predict_action_probabilities",)),
    ("tracker store: read", ("SQLTrackerStore.retrieve", "KefuSQLTrackerStore.retrieve")),
    ("tracker store: save", ("SQLTrackerStore.save", "KefuSQLTrackerStore.save")),
    ("event deserialisation (from_parameters)", ("events.from_parameters",)),
    ("  of which all_subclasses", ("common.all_subclasses",)),
    ("guard (screening)", ("screening.screen",)),
    ("action calls (CPU side)", ("RemoteAction.run",)),
    ("responses (NLG)", ("TemplatedNaturalLanguageGenerator.generate",)),
]


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start_servers(workdir: Path, samples: Path) -> tuple[ManagedProcess, ManagedProcess, str, str]:
    environ = prepare_kefu(workdir)
    settings = load_settings(environ)
    secrets = resolve_secrets(settings.secrets, workdir / "secrets")
    model = ensure_model(log_file=workdir / "train.log")
    actions = action_server(
        settings.action_port,
        {**environ, **action_side_environment(settings, secrets)},
        workdir / "actions.log",
    )
    rasa = rasa_server(
        settings.rasa_port,
        model.path,
        rasa_side_environment(settings, secrets),
        workdir / "rasa.log",
    )
    at = rasa.command.index("bot.server")
    rasa.command[at : at + 1] = ["bench.rasa_sampler", "--out", str(samples), "--"]
    actions.start()
    rasa.start()
    actions.wait_ready(120)
    rasa.wait_ready(400)
    return actions, rasa, f"http://127.0.0.1:{settings.rasa_port}", str(secrets.rest_token)


def breakdown(data: dict[str, Any], messages: int, cpu_s: float) -> dict[str, Any]:
    """Per message: process CPU, main-thread busy time, and each category's share of it."""
    samples, idle = data["samples"], data["idle"]
    busy = max(samples - idle, 1)
    busy_ms = data["wall_s"] * 1000 * busy / max(samples, 1) / max(messages, 1)
    rows = {}
    for label, names in CATEGORIES:
        count = max((data["inclusive"].get(name, 0) for name in names), default=0)
        rows[label] = {"share": round(count / busy, 3), "ms": round(busy_ms * count / busy, 1)}
    return {
        "messages": messages,
        "process_cpu_ms_per_msg": round(cpu_s * 1000 / max(messages, 1), 1),
        "main_thread_busy_ms_per_msg": round(busy_ms, 1),
        "samples": samples,
        "categories": rows,
    }


async def drive(url: str, token: str, pid: int, conversations: int, seconds: float) -> tuple:
    target = Target(url, token)
    await warm_up(target, KEFU_SCRIPTS)
    os.kill(pid, signal.SIGUSR1)
    before = cpu_seconds(pid)
    result = await run_load(target, KEFU_SCRIPTS, conversations, seconds)
    return result, cpu_seconds(pid) - before


def readme_table() -> str:
    profiles = {
        path.stem.removeprefix("load-profile-"): json.loads(path.read_text())
        for path in sorted(RESULTS_DIR.glob("load-profile-*.json"))
    }
    labels = sorted(profiles, key=lambda label: profiles[label]["date"])
    head = " | ".join(f"{label} ({profiles[label]['commit']})" for label in labels)
    rows = [
        "Per message, at 10 concurrent conversations: `python -m bench.load_profile --label L` "
        "(Rasa server under bench/rasa_sampler.py, main-thread stack sampled every 5 ms; a row is "
        "the share of busy samples with that function on the stack, times busy ms per message).",
        "",
        f"| per message | {head} |",
        "|---|" + "---|" * len(labels),
    ]
    for key in ("process_cpu_ms_per_msg", "main_thread_busy_ms_per_msg"):
        cells = " | ".join(f"{profiles[label][key]} ms" for label in labels)
        rows.append(f"| {key.replace('_', ' ').replace(' ms per msg', '')} | {cells} |")
    for label, _ in CATEGORIES:
        cells = []
        for name in labels:
            row = profiles[name]["categories"].get(label, {"ms": 0, "share": 0})
            cells.append(f"{row['ms']} ms ({row['share']:.0%})")
        rows.append(f"| {label.replace('  ', '&nbsp;&nbsp;')} | {' | '.join(cells)} |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--label", required=True)
    parser.add_argument("--conversations", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=30.0)
    args = parser.parse_args(argv)
    workdir = CACHE_DIR / "profile"
    samples = workdir / "samples.json"
    actions, rasa, url, token = start_servers(workdir, samples)
    try:
        assert rasa.process is not None
        result, cpu_s = asyncio.run(
            drive(url, token, rasa.process.pid, args.conversations, args.seconds)
        )
        time.sleep(4)  # the sampler writes every 3 s
    finally:
        rasa.stop()
        actions.stop()
    figures = breakdown(json.loads(samples.read_text()), result.messages, cpu_s)
    figures.update(
        date=time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        commit=commit(),
        load=result.summary(),
    )
    print(json.dumps(figures, indent=2))
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    (RESULTS_DIR / f"load-profile-{args.label}.json").write_text(json.dumps(figures, indent=2))
    heading = "### Where the Rasa server's time goes\n\n"
    replace_section(BEGIN, END, heading + readme_table(), README)
    return 0


if __name__ == "__main__":
    sys.exit(main())
