"""Reply latency through the REST channel for messages that run a CRM action.

    .venv/bin/python -m bench.latency --rasa-url http://127.0.0.1:5005 --turns 200

Each simulated customer identifies once (Anna, a demo customer) and then asks for an order's
status again and again; every timed turn runs `action_order_status`, which reads the CRM.
Prints p50/p95/max in milliseconds and writes them as JSON with --json.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import uuid

from bench.report import print_report
from kefu.private_files import client_rest_token
from kefu.settings import load_settings
from kefu.shell import send


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure(rasa_url: str, token: str, turns: int, per_customer: int) -> dict[str, float | int]:
    timings: list[float] = []
    while len(timings) < turns:
        sender = f"bench-{uuid.uuid4().hex[:8]}"
        for text in ("where is my order?", "anna.schmidt@example.com", "10115"):
            send(rasa_url, sender, text, token)
        for _ in range(min(per_customer, turns - len(timings))):
            started = time.perf_counter()
            replies = send(rasa_url, sender, "what's the status of order KF-500002?", token)
            timings.append((time.perf_counter() - started) * 1000)
            if not any("KF-500002" in str(reply.get("text", "")) for reply in replies):
                raise SystemExit(f"unexpected reply, is the demo CRM loaded? {replies}")
    return {
        "turns": len(timings),
        "p50_ms": round(percentile(timings, 0.50), 1),
        "p95_ms": round(percentile(timings, 0.95), 1),
        "max_ms": round(max(timings), 1),
        "mean_ms": round(statistics.fmean(timings), 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rasa-url", default="http://127.0.0.1:5005")
    parser.add_argument("--turns", type=int, default=200)
    parser.add_argument("--per-customer", type=int, default=10)
    parser.add_argument("--json", dest="json_path")
    args = parser.parse_args(argv)
    token = client_rest_token(load_settings().secrets)
    if token is None:
        raise SystemExit("no REST token: start Kefu with `make run` first")
    result = measure(args.rasa_url, token, args.turns, args.per_customer)
    print_report(result, args.json_path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
