"""The production profile's settings, its nginx config, and how broker messages become events."""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from kefu.processes import free_port_run
from kefu.profile import DEFAULT_RABBITMQ_QUEUE, production_environment, socket_environment
from kefu.servers import (
    CPU_VARIABLE,
    UNAVAILABLE_REPLY,
    action_ports,
    nginx_config,
    nginx_process,
    production_servers,
    rasa_cpus,
    rasa_ports,
)
from kefu.settings import SettingsError, load_settings
from kefu.workers.broker_logger import broker_events

PG = {
    "KEFU_PROFILE": "production",
    "KEFU_DATABASE_URL": "postgresql://kefu@127.0.0.1:5432/kefu",
    "KEFU_TRACKER_DATABASE_URL": "postgresql://kefu@127.0.0.1:5432/kefu_tracker",
}


def test_the_embedded_default_is_not_production() -> None:
    settings = load_settings({})
    assert settings.profile == "embedded"
    assert not settings.is_production


def test_production_defaults_are_this_machines_services() -> None:
    settings = load_settings(PG)
    production = settings.production
    assert settings.is_production
    assert (production.rasa_instances, production.action_instances) == (2, 2)
    assert (production.redis.host, production.redis.port, production.redis.db) == (
        "127.0.0.1",
        6379,
        1,
    )
    assert production.rabbitmq.url == "amqp://guest:guest@127.0.0.1:5672/"
    assert production.rabbitmq.queue == DEFAULT_RABBITMQ_QUEUE


def test_production_overrides() -> None:
    settings = load_settings(
        {
            **PG,
            "KEFU_RASA_INSTANCES": "3",
            "KEFU_REDIS_URL": "redis://cache:6380/4",
            "KEFU_RABBITMQ_URL": "amqp://kefu:s3cret@mq:5673/",
            "KEFU_RABBITMQ_QUEUE": "kefu_test-1",
            "KEFU_REDIS_KEY_PREFIX": "shopA",
        }
    )
    production = settings.production
    assert production.rasa_instances == 3
    assert (production.redis.host, production.redis.port, production.redis.db) == ("cache", 6380, 4)
    env = production_environment(production)
    assert env["KEFU_RABBITMQ_HOST"] == "mq"
    assert env["KEFU_RABBITMQ_PASSWORD"] == "s3cret"
    assert env["KEFU_RABBITMQ_QUEUE"] == "kefu_test-1"
    # Rasa reads its lock tickets' lifetime from TICKET_LOCK_LIFETIME (60 s unless set).
    assert env["TICKET_LOCK_LIFETIME"] == "60"
    # The web chat's emits go through the same Redis, on a channel named after the prefix.
    assert env["KEFU_SOCKET_REDIS_URL"] == "redis://cache:6380/4"
    assert env["KEFU_SOCKET_REDIS_CHANNEL"] == "shopA_socketio"
    assert rasa_ports(settings) == [5006, 5007, 5008]
    assert action_ports(settings) == [5056, 5057]


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("KEFU_PROFILE", "staging"),
        ("KEFU_RASA_INSTANCES", "0"),
        ("KEFU_REDIS_URL", "http://cache:6379"),
        ("KEFU_RABBITMQ_URL", "redis://mq"),
        ("KEFU_RABBITMQ_QUEUE", "a queue"),
        ("KEFU_RASA_CPU_AFFINITY", "0,1"),
    ],
)
def test_a_bad_value_is_named(variable: str, value: str) -> None:
    with pytest.raises(SettingsError, match=variable):
        load_settings({**PG, variable: value})


@pytest.mark.parametrize(
    ("instances", "affinity", "cores", "expected"),
    [
        (2, "", {0, 1}, [0, 1]),
        (2, "auto", {3, 1, 7}, [1, 3]),
        (3, "AUTO", {0, 1, 2, 3}, [0, 1, 2]),
        (1, "auto", {0, 1}, [None]),  # one server: the kernel may move it off a busy core
        (3, "auto", {0, 1}, [None, None, None]),  # more servers than cores
        (2, "off", {0, 1}, [None, None]),
    ],
)
def test_each_rasa_server_gets_a_core_of_its_own_when_they_fit(
    instances: int, affinity: str, cores: set[int], expected: list[int | None]
) -> None:
    settings = load_settings(
        {**PG, "KEFU_RASA_INSTANCES": str(instances), "KEFU_RASA_CPU_AFFINITY": affinity}
    )
    assert rasa_cpus(settings.production, cores) == expected


def test_the_rasa_servers_are_told_their_cores(tmp_path: Path) -> None:
    settings = load_settings(PG)
    servers = production_servers(settings, tmp_path / "model.tar.gz", {}, {}, tmp_path, tmp_path)
    given = [server.env.get(CPU_VARIABLE) for server in servers.rasa]
    expected = [None if cpu is None else str(cpu) for cpu in rasa_cpus(settings.production)]
    assert given == expected
    assert all(CPU_VARIABLE not in server.env for server in servers.actions)


@pytest.mark.parametrize("variable", ["KEFU_DATABASE_URL", "KEFU_TRACKER_DATABASE_URL"])
def test_production_refuses_sqlite(variable: str) -> None:
    with pytest.raises(SettingsError, match=variable):
        load_settings({**PG, variable: "sqlite:////tmp/kefu.db"})


def test_the_nginx_config_spreads_over_every_instance(tmp_path: Path) -> None:
    settings = load_settings({**PG, "KEFU_RASA_PORT": "7005", "KEFU_ACTION_PORT": "7055"})
    config = nginx_config(settings, tmp_path)
    assert "listen 127.0.0.1:7005;" in config
    assert "listen 127.0.0.1:7055;" in config
    for port in (7006, 7007, 7056, 7057):
        assert f"server 127.0.0.1:{port} " in config
    assert "0.0.0.0" not in config
    assert UNAVAILABLE_REPLY in config


def test_nginx_tells_the_rasa_servers_who_the_customer_is(tmp_path: Path) -> None:
    """The Rasa servers count identification attempts per client: behind nginx the peer is
    nginx, so it appends the address it was connected from (read from the right, from loopback
    only: the profile's default KEFU_TRUSTED_PROXIES)."""
    settings = load_settings(PG)
    rasa_server = nginx_config(settings, tmp_path).split("server {")[1]
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in rasa_server
    assert "proxy_set_header X-Real-IP $remote_addr;" in rasa_server
    assert f"listen 127.0.0.1:{settings.rasa_port};" in rasa_server
    assert settings.proxies == ("127.0.0.1/32", "::1/128")


@pytest.mark.skipif(shutil.which("nginx", path="/usr/sbin:/usr/bin") is None, reason="no nginx")
def test_nginx_accepts_the_config(tmp_path: Path) -> None:
    settings = load_settings(PG)
    process = nginx_process(settings, tmp_path)
    result = subprocess.run(
        [*process.command[:-2], "-t"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


async def _backend(port: int) -> web.AppRunner:
    """A stand-in Rasa server that answers every request with its own port, a moment later."""

    async def answer(request: web.Request) -> web.Response:
        await asyncio.sleep(1.0)  # long enough for all of a test's requests to be in flight
        return web.json_response({"port": port})

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", answer)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return runner


async def _served_at_once(
    session: aiohttp.ClientSession, url: str, senders: list[str]
) -> list[int]:
    """Which server answered each of these conversations' messages, all sent at once."""

    async def served(sender: str) -> int:
        body = {"sender": sender, "message": "where is my order"}
        async with session.post(f"{url}/webhooks/rest/webhook", json=body) as response:
            return int((await response.json())["port"])

    return list(await asyncio.gather(*(served(sender) for sender in senders)))


@pytest.mark.skipif(shutil.which("nginx", path="/usr/sbin:/usr/bin") is None, reason="no nginx")
async def test_nginx_gives_each_rasa_server_an_equal_share_of_the_turns(tmp_path: Path) -> None:
    """Turns in flight are split evenly, whichever conversations they are of (kept on a server
    by a hash of their conversation, ten of one went to one server), and a server that is down
    is skipped."""
    base = free_port_run(3)
    settings = load_settings(
        {**PG, "KEFU_RASA_PORT": str(base), "KEFU_ACTION_PORT": str(free_port_run(3))}
    )
    backends = {port: await _backend(port) for port in rasa_ports(settings)}
    balancer = nginx_process(settings, tmp_path)
    balancer.start()
    url = f"http://127.0.0.1:{settings.rasa_port}"
    try:
        await asyncio.to_thread(balancer.wait_ready, 30)
        async with aiohttp.ClientSession() as session:
            served = await _served_at_once(session, url, ["customer-1"] * 10)
            assert sorted(Counter(served).values()) == [5, 5], served
            spread = await _served_at_once(session, url, [f"customer-{n}" for n in range(10)])
            assert sorted(Counter(spread).values()) == [5, 5], spread
            down, up = rasa_ports(settings)
            await backends.pop(down).cleanup()
            after = await _served_at_once(session, url, [f"customer-{n}" for n in range(10)])
            assert set(after) == {up}
    finally:
        balancer.stop()
        for runner in backends.values():
            await runner.cleanup()


def test_a_broker_message_is_the_tracker_stores_event() -> None:
    body = {
        "sender_id": "c-1",
        "event": "user",
        "timestamp": 1700000000.25,
        "text": "where is my order",
        "parse_data": {"intent": {"name": "order_status", "confidence": 0.9}},
    }
    events = broker_events(json.dumps(body).encode())
    assert events is not None and len(events) == 1
    event = events[0]
    assert (event.sender_id, event.type_name, event.timestamp) == ("c-1", "user", 1700000000.25)
    assert event.data["text"] == "where is my order"
    # The same body names the same event (it is how a set-aside event is found again).
    assert broker_events(json.dumps(body).encode())[0].event_id == event.event_id  # type: ignore[index]
    # Kefu's batching broker sends a list of such events: the same events, in order.
    bot = {"sender_id": "c-1", "event": "bot", "timestamp": 1700000001.0, "text": "Which one?"}
    batch = broker_events(json.dumps([body, bot]).encode())
    assert batch is not None
    assert [(e.type_name, e.data.get("text")) for e in batch] == [
        ("user", "where is my order"),
        ("bot", "Which one?"),
    ]


@pytest.mark.parametrize("body", [b"not json", b"[1, 2]", b"[]", b'{"sender_id": "c-1"}', b"7"])
def test_a_message_that_is_no_event_is_refused(body: bytes) -> None:
    assert broker_events(body) is None


def test_the_embedded_default_keeps_socketio_in_process() -> None:
    assert socket_environment(None)["KEFU_SOCKET_REDIS_URL"] == ""
