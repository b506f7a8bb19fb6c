"""Console latency on 100,000 conversations and 1,000,000 records in PostgreSQL.

    .venv/bin/python -m bench.console [--conversations 100000 --per-conversation 10] [--runs 40]

Seeds a fresh database (bench/console_data.py), serves the console on it, signs in, and times
the pages an agent opens most: the list, a filtered list and full-text searches (a rare word, a
common one, a search with a filter), each through the whole app (session, query, template).
Prints p50/p95 in ms as JSON; the database is dropped at the end. Needs PostgreSQL on
127.0.0.1:5432 (`--host`, `--user`).
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import re
import statistics
import time
import uuid

from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select

from bench.console_data import COMMON, RARE, create_database, drop_database, seed
from console.app import create_app
from console.config import ConsoleConfig
from crm_store.db import create_engine, create_sessionmaker
from crm_store.models import AgentUser
from crm_store.services.agents import create_agent

PAGES = {
    "list": "/conversations",
    "filtered list": "/conversations?channel=telegram&status=handoff&date_from=2026-03-01",
    "search, rare word": f"/conversations?q={RARE}",
    "search, common word": f"/conversations?q={COMMON}",
    "search and filter": f"/conversations?q={COMMON}+parcel&channel=slack",
}
PASSWORD = "benchmark password"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


async def _admin(url: str) -> None:
    engine = create_engine(url)
    try:
        async with create_sessionmaker(engine)() as session, session.begin():
            if not await session.scalar(select(AgentUser.id).where(AgentUser.username == "bench")):
                await create_agent(session, "bench", PASSWORD, "admin")
    finally:
        await engine.dispose()


async def measure(url: str, runs: int) -> dict[str, dict[str, object]]:
    await _admin(url)
    app = create_app(ConsoleConfig(url, "a benchmark secret", secure_cookies=False))
    results: dict[str, dict[str, object]] = {}
    async with TestClient(TestServer(app)) as client:
        page = await (await client.get("/login")).text()
        token = re.search(r'name="csrf_token" value="([^"]+)"', page)
        assert token is not None
        form = {"username": "bench", "password": PASSWORD, "csrf_token": token.group(1)}
        assert (await client.post("/login", data=form)).status == 200
        for name, path in PAGES.items():
            timings = []
            for run in range(runs + 2):
                started = time.perf_counter()
                response = await client.get(path)
                body = await response.text()
                elapsed = (time.perf_counter() - started) * 1000
                assert response.status == 200, body[:200]
                if run >= 2:  # the first two warm the caches and the pool
                    timings.append(elapsed)
            found = re.search(r"<small>(\d+\+?) found</small>", body)
            results[name] = {
                "p50_ms": round(statistics.median(timings), 1),
                "p95_ms": round(percentile(timings, 0.95), 1),
                "found": found.group(1) if found else "?",
            }
            print(name, results[name], flush=True)
    return results


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.console", description=__doc__)
    parser.add_argument("--conversations", type=int, default=100_000)
    parser.add_argument("--per-conversation", type=int, default=10)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--user", default="postgres")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--database", help="measure this seeded database (kept) instead")
    args = parser.parse_args()
    user = args.user or getpass.getuser()
    name = args.database or f"kefu_bench_console_{uuid.uuid4().hex[:8]}"
    admin = {"host": args.host, "port": 5432, "user": user}
    url = f"postgresql://{user}@{args.host}:5432/{name}"
    loaded: dict[str, int] = {}
    if args.database:
        args.keep = True
    else:
        create_database(admin, name)
    try:
        if not args.database:
            started = time.monotonic()
            loaded = seed(url, {**admin, "dbname": name}, args.conversations, args.per_conversation)
            print(f"seeded {loaded} in {time.monotonic() - started:.0f} s", flush=True)
        results = asyncio.run(measure(url, args.runs))
        print(json.dumps({"loaded": loaded, "pages": results}, indent=2))
    finally:
        if not args.keep:
            drop_database(admin, name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
