"""The production profile under a short load, with one fault of each kind in the middle.

Two Rasa servers and two action servers behind nginx, on a PostgreSQL and a RabbitMQ the tests
start themselves and the machine's Redis. Each test: every customer message gets a reply (a
graceful one while a part is down, never an HTTP error), and afterwards the exchange log holds
every message and reply exactly once, in order, with nothing for `reconcile` to add. The tests
run in this order; the last one kills a Rasa server for good.
"""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from pathlib import Path

import aiohttp
import pytest

from bench.load import send
from crm_store.db import create_engine
from kefu.servers import rasa_cpus
from kefu.workers.tracker_table import read_tracker_events
from tests.production.cluster import Cluster
from tests.production.support import exchange_log_problems, kill, load_with_fault, pause

pytestmark = pytest.mark.production
OUTAGE_SECONDS = 5.0


def _assert_served(result_errors: int, messages: int, samples: list[str]) -> None:
    assert messages > 0, "the load sent nothing"
    assert result_errors == 0, f"{result_errors} of {messages} messages got no reply: {samples}"


async def test_load_through_nginx_is_logged_once(cluster: Cluster) -> None:
    result = await load_with_fault(cluster, None, seconds=12)
    _assert_served(result.errors, result.messages, result.error_samples)
    assert await exchange_log_problems(cluster, result) == []


def _cores_of_every_thread(pid: int) -> set[int]:
    cores: set[int] = set()
    for thread in Path(f"/proc/{pid}/task").iterdir():
        cores |= os.sched_getaffinity(int(thread.name))
    return cores


@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="one core: nothing to keep apart")
def test_each_rasa_server_runs_on_a_core_of_its_own(cluster: Cluster) -> None:
    """Two servers on two or more cores: each, threads and all, on one core, not the same."""
    cores = [_cores_of_every_thread(child.process.pid) for child in cluster.servers.rasa]
    expected = [{cpu} for cpu in rasa_cpus(cluster.settings.production)]
    assert cores == expected
    assert len(set().union(*cores)) == len(cores)


async def test_action_servers_killed_and_restarted(cluster: Cluster) -> None:
    def fault() -> None:
        for child in cluster.servers.actions:
            kill(child)
        time.sleep(OUTAGE_SECONDS)
        for index in range(len(cluster.servers.actions)):
            cluster.restart_action_server(index)

    result = await load_with_fault(cluster, fault)
    _assert_served(result.errors, result.messages, result.error_samples)
    assert await exchange_log_problems(cluster, result) == []


async def test_database_stopped_and_started(cluster: Cluster) -> None:
    def fault() -> None:
        cluster.postgres.stop()
        time.sleep(OUTAGE_SECONDS)
        cluster.postgres.start()

    result = await load_with_fault(cluster, fault)
    _assert_served(result.errors, result.messages, result.error_samples)
    assert await exchange_log_problems(cluster, result) == []


async def test_broker_stopped_and_started(cluster: Cluster) -> None:
    def fault() -> None:
        cluster.rabbit.stop_broker()
        time.sleep(OUTAGE_SECONDS)
        cluster.rabbit.start_broker()

    result = await load_with_fault(cluster, fault)
    _assert_served(result.errors, result.messages, result.error_samples)
    assert await exchange_log_problems(cluster, result) == []


async def _ticketed(
    cluster: Cluster, sender: str, turn: asyncio.Task[object], limit_s: float
) -> None:
    """Until the Rasa server running `turn` holds a lock ticket for `sender` (or is done, or
    `limit_s` passed: without a Redis lock store there is never a ticket)."""
    prefix = cluster.settings.production.redis.key_prefix
    key = f"{prefix}:lock:{sender}".encode()
    reader, writer = await asyncio.open_connection("127.0.0.1", 6379)
    try:
        writer.write(b"*2\r\n$6\r\nSELECT\r\n$1\r\n1\r\n")
        await reader.readline()
        for _ in range(int(limit_s / 0.01)):
            writer.write(b"*2\r\n$6\r\nEXISTS\r\n$%d\r\n%s\r\n" % (len(key), key))
            if (await reader.readline()).strip() == b":1" or turn.done():
                return
            await asyncio.sleep(0.01)
    finally:
        writer.close()


async def test_two_instances_take_one_conversations_messages_in_order(cluster: Cluster) -> None:
    """A conversation's first message goes to one Rasa server and calls an action (the action
    servers are paused, so that turn is still running); its second goes to the other server
    meanwhile. The lock store makes the second wait for the first: without it the second,
    which calls no action, would finish first and the turns would interleave."""
    senders = [f"inorder-{uuid.uuid4().hex[:8]}-{i}" for i in range(3)]
    first, second = "where is my order?", "hi there"
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as http:
        for sender in senders:
            for child in cluster.servers.actions:
                pause(child, True)
            try:
                one = asyncio.create_task(send(http, cluster.instance(0), sender, first))
                await _ticketed(cluster, sender, one, limit_s=1.5)
                two = asyncio.create_task(send(http, cluster.instance(1), sender, second))
                await asyncio.sleep(0.5)
                assert not one.done(), "the first turn did not wait for the action server"
            finally:
                for child in cluster.servers.actions:
                    pause(child, False)
            assert all(await asyncio.gather(one, two)), "a message got no reply"
    tracker = create_engine(cluster.settings.tracker_database_url)
    try:
        events = await read_tracker_events(tracker, limit=1_000_000)
    finally:
        await tracker.dispose()
    for sender in senders:
        mine = [e for e in events if e.sender_id == sender]
        said = [e.data.get("text") for e in mine if e.type_name == "user"]
        assert said == [first, second], f"{sender}: {said}"
        # The first turn ended (the bot answered, then listened) before the second began.
        kinds = [e.type_name for e in mine]
        between = kinds[kinds.index("user") + 1 : len(kinds) - kinds[::-1].index("user") - 1]
        assert "bot" in between, f"{sender}: turns interleaved: {kinds}"


async def test_one_rasa_server_killed(cluster: Cluster) -> None:
    """nginx sends everything to the other server; a conversation whose turn was running on the
    dead one waits for its lock ticket to expire (KEFU_LOCK_LIFETIME_SECONDS) meanwhile."""
    result = await load_with_fault(cluster, lambda: kill(cluster.servers.rasa[0]))
    _assert_served(result.errors, result.messages, result.error_samples)
    assert await exchange_log_problems(cluster, result, order_after_slow_reply=False) == []
