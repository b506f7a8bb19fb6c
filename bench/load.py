"""The load driver: N simulated customers holding scripted REST conversations at once.

    .venv/bin/python -m bench.load --rasa-url http://127.0.0.1:5005 --conversations 10 \
        --seconds 20 [--bot kefu|plain] [--crm-url sqlite:///var/kefu.db] [--json OUT]

Each customer sends one message, waits for the reply, sends the next (no think time: the bot is
the bottleneck being measured), and starts a new conversation (a new sender id) when its script
ends. The run is bounded in time (`--seconds`: no message starts after it) and in count
(`--max-messages`). It reports msgs/s, p50/p95/p99 latency, errors (HTTP errors, timeouts, empty
replies), "taking longer" replies and unexpected replies. Given the CRM's URL (`--crm-url`) it
then checks the exchange log: every message sent and every reply received is there exactly once,
in order per conversation (bench/load_check.py). Loopback only: it refuses any other host.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import aiohttp

from bench.load_scripts import SCRIPTS, Turn
from bench.report import print_report

SLOW_MARKER = "taking longer than it should"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
# (direction, text): what one conversation's customer sent and received, in order.
Transcript = list[tuple[str, str]]


def percentile(values: Sequence[float], share: float) -> float:
    """The `share` quantile with linear interpolation (numpy's default); 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    position = share * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass
class LoadResult:
    conversations: int
    seconds: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    slow_replies: int = 0
    unexpected: int = 0
    transcripts: dict[str, Transcript] = field(default_factory=dict)
    error_samples: list[str] = field(default_factory=list)
    # The latencies again, by script step (its label, else its position in the script).
    step_latencies_ms: dict[str, list[float]] = field(default_factory=dict)

    @property
    def messages(self) -> int:
        return len(self.latencies_ms)

    def summary(self) -> dict[str, Any]:
        """The figures load.json keeps per bot and concurrency."""
        lat = self.latencies_ms
        return {
            "conversations": self.conversations,
            "messages": self.messages,
            "seconds": round(self.seconds, 2),
            "msgs_per_s": round(self.messages / self.seconds, 2) if self.seconds else 0.0,
            "p50_ms": round(percentile(lat, 0.50), 1),
            "p95_ms": round(percentile(lat, 0.95), 1),
            "p99_ms": round(percentile(lat, 0.99), 1),
            "errors": self.errors,
            "slow_replies": self.slow_replies,
            "unexpected": self.unexpected,
            "conversations_held": len(self.transcripts),
        }

    def per_step(self) -> dict[str, dict[str, float]]:
        """Per script step: how many turns, p50/p95/max, and its share of the run's turns
        above the run's p95 (which steps make the tail)."""
        tail = percentile(self.latencies_ms, 0.95)
        above = sum(1 for value in self.latencies_ms if value > tail) or 1
        return {
            step: {
                "n": len(values),
                "p50_ms": round(percentile(values, 0.50), 1),
                "p95_ms": round(percentile(values, 0.95), 1),
                "max_ms": round(max(values), 1),
                "share_of_tail": round(sum(1 for v in values if v > tail) / above, 2),
            }
            for step, values in sorted(self.step_latencies_ms.items())
        }


@dataclass(frozen=True)
class Target:
    """Where the REST channel is and how to talk to it."""

    rasa_url: str
    token: str | None = None
    timeout_s: float = 60.0

    def __post_init__(self) -> None:
        host = urlsplit(self.rasa_url).hostname
        if host not in LOOPBACK:
            raise ValueError(f"the load driver only talks to loopback, not {host!r}")

    @property
    def webhook(self) -> str:
        return f"{self.rasa_url.rstrip('/')}/webhooks/rest/webhook"

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}


async def send(
    http: aiohttp.ClientSession, target: Target, sender: str, text: str
) -> list[dict[str, Any]]:
    """One message through the REST channel; the bot's replies (raises on an HTTP error)."""
    async with http.post(
        target.webhook, json={"sender": sender, "message": text}, headers=target.headers
    ) as answer:
        answer.raise_for_status()
        return list(await answer.json())


def _reply_texts(replies: list[dict[str, Any]]) -> list[str]:
    return [str(reply.get("text") or "") for reply in replies if reply.get("text") is not None]


class _Run:
    """The shared state of one load run: its deadline, its budget and its result."""

    def __init__(self, target: Target, result: LoadResult, seconds: float, max_messages: int):
        self.target = target
        self.result = result
        self.deadline = time.monotonic() + seconds
        self.budget = max_messages
        self.run_id = uuid.uuid4().hex[:6]

    def may_send(self) -> bool:
        if time.monotonic() >= self.deadline or self.budget <= 0:
            return False
        self.budget -= 1
        return True

    async def turn(
        self, http: aiohttp.ClientSession, sender: str, turn: Turn, step: str = ""
    ) -> None:
        transcript = self.result.transcripts.setdefault(sender, [])
        transcript.append(("user", turn.text))
        started = time.perf_counter()
        try:
            replies = await send(http, self.target, sender, turn.text)
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
            replies = []
            if len(self.result.error_samples) < 5:
                self.result.error_samples.append(f"{sender}: {error!r}")
            self.result.errors += 1
        else:
            if not replies:
                self.result.errors += 1
        elapsed_ms = (time.perf_counter() - started) * 1000
        self.result.latencies_ms.append(elapsed_ms)
        self.result.step_latencies_ms.setdefault(turn.label or step, []).append(elapsed_ms)
        texts = _reply_texts(replies)
        transcript.extend(("bot", text) for text in texts)
        joined = "\n".join(texts)
        if SLOW_MARKER in joined:
            self.result.slow_replies += 1
        elif turn.expect and replies and turn.expect.lower() not in joined.lower():
            self.result.unexpected += 1

    async def customer(
        self, http: aiohttp.ClientSession, index: int, scripts: Sequence[Sequence[Turn]]
    ) -> None:
        """One simulated customer: conversation after conversation until time or budget ends."""
        held = 0
        while True:
            script = scripts[(index + held) % len(scripts)]
            sender = f"load-{self.run_id}-{index}-{held}"
            held += 1
            for position, turn in enumerate(script, start=1):
                if not self.may_send():
                    return
                await self.turn(http, sender, turn, f"step {position}")


async def run_load(
    target: Target,
    scripts: Sequence[Sequence[Turn]],
    conversations: int,
    seconds: float,
    max_messages: int = 1_000_000,
) -> LoadResult:
    """`conversations` customers at once against `target`, for at most `seconds`."""
    result = LoadResult(conversations=conversations)
    run = _Run(target, result, seconds, max_messages)
    timeout = aiohttp.ClientTimeout(total=target.timeout_s)
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as http:
        started = time.monotonic()
        await asyncio.gather(*(run.customer(http, i, scripts) for i in range(conversations)))
        result.seconds = time.monotonic() - started
    return result


async def warm_up(target: Target, scripts: Sequence[Sequence[Turn]]) -> None:
    """One whole conversation of each script, unmeasured: first calls compile and fill caches."""
    for script in scripts:
        await run_load(target, [script], 1, seconds=120, max_messages=len(script))


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rasa-url", default="http://127.0.0.1:5005")
    parser.add_argument("--bot", choices=sorted(SCRIPTS), default="kefu")
    parser.add_argument("--token", help="the REST channel's bearer token (Kefu: var/rest-token)")
    parser.add_argument("--conversations", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--max-messages", type=int, default=1_000_000)
    parser.add_argument("--warm-up", action="store_true", help="one unmeasured run first")
    parser.add_argument("--crm-url", help="the CRM's database: check the exchange log after")
    parser.add_argument("--per-step", action="store_true", help="p50/p95 per script step")
    parser.add_argument("--json", dest="json_path")
    return parser.parse_args(argv)


def _default_token(bot: str) -> str | None:
    if bot != "kefu":
        return None
    from kefu.private_files import client_rest_token
    from kefu.settings import load_settings

    return client_rest_token(load_settings().secrets)


async def _main(args: argparse.Namespace) -> dict[str, Any]:
    target = Target(args.rasa_url, args.token or _default_token(args.bot))
    scripts = SCRIPTS[args.bot]
    if args.warm_up:
        await warm_up(target, scripts)
    result = await run_load(target, scripts, args.conversations, args.seconds, args.max_messages)
    report: dict[str, Any] = result.summary()
    if result.error_samples:
        report["error_samples"] = result.error_samples
    if args.per_step:
        report["per_step"] = result.per_step()
    if args.crm_url:
        from bench.load_check import check_exchange_log

        check = await check_exchange_log(args.crm_url, result.transcripts)
        report["exchange_log"] = check.as_dict()
    return report


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    report = asyncio.run(_main(args))
    print_report(report, args.json_path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
