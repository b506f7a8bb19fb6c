"""Scale-out: one Rasa server against two, at 50 conversations, in the production profile.

    .venv/bin/python -m bench.scale_out [--conversations 50] [--seconds 30] [--rounds 5] [--write]

Each run starts Kefu as `make run-prod` does (`python -m kefu run` with KEFU_PROFILE=production:
nginx, the action servers, the Rasa servers, the RabbitMQ exchange logger) against this
machine's PostgreSQL, Redis and RabbitMQ, on databases, a queue and a lock-key prefix of its own
(dropped afterwards), with KEFU_RASA_INSTANCES=1, then 2. The load driver (bench/load.py) warms
each up with one unmeasured conversation per script, then runs the measured load through nginx
and checks the exchange log. One server and two alternate for `--rounds` rounds and the
medians are reported: on this shared host the same code's msgs/s moves by a fifth from one run
to the next, so a single pair of runs says little about the ratio. `--write` puts the figures
into bench/results/load.json (`scale_out`: `one`, `two` msgs/s, each round's) and
bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import signal
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import psycopg2
from psycopg2 import sql

from bench.load import Target, run_load, warm_up
from bench.load_check import check_exchange_log, logged_messages
from bench.load_scripts import SCRIPTS
from bench.load_stack import spawn_logged
from kefu.paths import REPO_ROOT, VAR_DIR
from kefu.processes import free_port_run
from kefu.shell import send

PG = "postgresql://postgres@127.0.0.1:5432"
RESULTS = REPO_ROOT / "bench" / "results" / "load.json"
README = REPO_ROOT / "bench" / "README.md"
WORKDIR = VAR_DIR / "bench-scale-out"


def _admin(statement: sql.Composable) -> None:
    connection = psycopg2.connect(host="127.0.0.1", port=5432, user="postgres", dbname="postgres")
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(statement)
    finally:
        connection.close()


def environment(instances: int, run_id: str) -> dict[str, str]:
    rasa_base, action_base = free_port_run(instances + 1), free_port_run(instances + 1)
    return {
        "KEFU_PROFILE": "production",
        "KEFU_RASA_INSTANCES": str(instances),
        "KEFU_ACTION_INSTANCES": str(instances),
        "KEFU_DATABASE_URL": f"{PG}/kefu_scale_{run_id}",
        "KEFU_TRACKER_DATABASE_URL": f"{PG}/kefu_scale_{run_id}_tracker",
        "KEFU_RASA_PORT": str(rasa_base),
        "KEFU_ACTION_PORT": str(action_base),
        "KEFU_CONSOLE_PORT": str(free_port_run(1)),
        "KEFU_RABBITMQ_QUEUE": f"kefu_scale_{run_id}",
        "KEFU_REDIS_KEY_PREFIX": f"kefuscale{run_id}",
        "KEFU_DEMO_DATA": "on",
        "KEFU_MODELS_DIR": str(WORKDIR / "nlp-models"),
        "KEFU_REST_TOKEN": secrets.token_urlsafe(24),
        "KEFU_ACTION_SERVER_TOKEN": secrets.token_urlsafe(24),
        "KEFU_CHAT_SECRET": secrets.token_urlsafe(24),
    }


def start(environ: dict[str, str], log_path: Path) -> tuple[subprocess.Popen[bytes], float]:
    """`python -m kefu run` in the production profile; returns once nginx passes a reply."""
    env = {**os.environ, **environ, "RASA_TELEMETRY_ENABLED": "false", "PYTHONUNBUFFERED": "1"}
    started = time.monotonic()
    process = spawn_logged([sys.executable, "-m", "kefu", "run"], REPO_ROOT, env, log_path)
    url = f"http://127.0.0.1:{environ['KEFU_RASA_PORT']}"
    while time.monotonic() - started < 900:
        if process.poll() is not None:
            raise RuntimeError(f"kefu run exited while starting; see {log_path}")
        try:
            if "Kefu is up" in log_path.read_text(errors="replace") and send(
                url, f"warm-{uuid.uuid4().hex[:6]}", "hello", environ["KEFU_REST_TOKEN"], 30
            ):
                return process, time.monotonic() - started
        except (OSError, ValueError):
            pass
        time.sleep(1)
    raise RuntimeError(f"kefu run did not answer within 900 s; see {log_path}")


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(120)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


async def _delete_queue(name: str) -> None:
    import aio_pika

    connection = await aio_pika.connect("amqp://guest:guest@127.0.0.1:5672/")
    async with connection:
        channel = await connection.channel()
        await channel.queue_delete(name)


async def settle(
    url: str, senders: list[str], quiet_s: float = 10.0, limit_s: float = 240.0
) -> float:
    """Until the delivered log of these senders stops changing for `quiet_s`: past saturation
    turns queue behind their conversations' locks long after the load stops, and a slow turn's
    replies are marked undelivered only when it ends. Returns the seconds it took."""
    started = time.monotonic()
    last, since = None, time.monotonic()
    while time.monotonic() - started < limit_s:
        found = await logged_messages(url, senders)
        size = sum(len(messages) for messages in found.values())
        if size != last:
            last, since = size, time.monotonic()
        elif time.monotonic() - since >= quiet_s:
            break
        await asyncio.sleep(1.0)
    return time.monotonic() - started


async def measure(environ: dict[str, str], conversations: int, seconds: float) -> dict[str, Any]:
    target = Target(f"http://127.0.0.1:{environ['KEFU_RASA_PORT']}", environ["KEFU_REST_TOKEN"])
    await warm_up(target, SCRIPTS["kefu"])
    result = await run_load(target, SCRIPTS["kefu"], conversations, seconds)
    summary = result.summary()
    summary["settle_s"] = round(
        await settle(environ["KEFU_DATABASE_URL"], sorted(result.transcripts)), 1
    )
    check = await check_exchange_log(environ["KEFU_DATABASE_URL"], result.transcripts)
    summary["exchange_log"] = check.as_dict()
    return summary


def run_one(instances: int, conversations: int, seconds: float) -> dict[str, Any]:
    run_id = uuid.uuid4().hex[:8]
    environ = environment(instances, run_id)
    databases = [environ["KEFU_DATABASE_URL"], environ["KEFU_TRACKER_DATABASE_URL"]]
    process = None
    try:
        for url in databases:
            _admin(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(url.rsplit("/", 1)[1])))
        print(f"[scale-out] starting {instances} Rasa server(s)…", flush=True)
        process, cold = start(environ, WORKDIR / f"run-{instances}.log")
        print(f"[scale-out] up in {cold:.0f} s; {conversations} conversations…", flush=True)
        summary = asyncio.run(measure(environ, conversations, seconds))
        summary["cold_start_s"] = round(cold, 1)
        print(f"[scale-out] {instances}: {json.dumps(summary)}", flush=True)
        return summary
    finally:
        if process is not None:
            stop(process)
        for url in databases:
            name = url.rsplit("/", 1)[1]
            _admin(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        try:
            asyncio.run(_delete_queue(environ["KEFU_RABBITMQ_QUEUE"]))
        except Exception as error:  # the figures matter more than the clean-up
            print(f"[scale-out] could not delete the queue: {error!r}", flush=True)


def write_results(scale_out: dict[str, Any], command: str) -> None:
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results["scale_out"] = scale_out
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    rows = "\n".join(
        f"| {number} | {label} | {d['msgs_per_s']} | {d['p50_ms']:.0f} / {d['p95_ms']:.0f} ms | "
        f"{d['errors']} | {d['slow_replies']} | {d['exchange_log']['missing_records']} / "
        f"{d['exchange_log']['duplicate_records']} |"
        for number, round_ in enumerate(scale_out["rounds"], 1)
        for label, d in (("1 Rasa server", round_["one"]), ("2 Rasa servers", round_["two"]))
    )
    ratios = ", ".join(f"{round_['speedup']}×" for round_ in scale_out["rounds"])
    section = f"""<!-- scale-out:start -->
## Scale-out (production profile)

- date: {time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}; machine: {os.cpu_count()} cores
- command: `{command}`; {scale_out["conversations"]} conversations, {scale_out["seconds"]:g} s,
  one server and two alternating for {len(scale_out["rounds"])} rounds, each measured after one
  warm-up conversation per script; nginx in front (least connections), PostgreSQL, Redis
  lock store, RabbitMQ exchange logger, as many action servers as Rasa servers

| round | Rasa servers | msgs/s | p50 / p95 | errors | "taking longer" | log missing / duplicate |
|---|---|---|---|---|---|---|
{rows}

Medians: one server {scale_out["one"]}, two {scale_out["two"]} msgs/s: two Rasa servers give
**{scale_out["speedup"]}×** one server's msgs/s (round by round: {ratios}).
<!-- scale-out:end -->
"""
    text = README.read_text()
    if "<!-- scale-out:start -->" in text:
        head, _, rest = text.partition("<!-- scale-out:start -->")
        text = head + section.rstrip("\n") + rest.partition("<!-- scale-out:end -->")[2]
    else:
        text = text.rstrip("\n") + "\n\n" + section
    README.write_text(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--rounds", type=int, default=5, help="one and two, alternating")
    parser.add_argument("--write", action="store_true", help="into load.json and bench/README")
    args = parser.parse_args(argv)
    given = [arg for arg in (sys.argv[1:] if argv is None else argv) if arg != "--write"]
    command = f"python -m bench.scale_out {' '.join(given)}" if given else "make bench-scale-out"
    rounds = []
    for _ in range(max(1, args.rounds)):
        round_ = {
            label: run_one(instances, args.conversations, args.seconds)
            for label, instances in (("one", 1), ("two", 2))
        }
        one, two = round_["one"]["msgs_per_s"], round_["two"]["msgs_per_s"]
        rounds.append({**round_, "speedup": round(two / one, 2) if one else None})
    one = round(statistics.median(r["one"]["msgs_per_s"] for r in rounds), 2)
    two = round(statistics.median(r["two"]["msgs_per_s"] for r in rounds), 2)
    scale_out = {
        "one": one,
        "two": two,
        "speedup": round(two / one, 2) if one else None,
        "conversations": args.conversations,
        "seconds": args.seconds,
        "rounds": rounds,
    }
    print(json.dumps(scale_out, indent=2))
    if args.write:
        write_results(scale_out, command)
    return 0


if __name__ == "__main__":
    sys.exit(main())
