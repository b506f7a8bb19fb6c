"""What the launcher does differently in the production profile: check Redis and RabbitMQ,
create the PostgreSQL databases on first run, and keep every instance running.

The settings are in kefu/profile.py, the servers and nginx in kefu/servers.py.
"""

from __future__ import annotations

import asyncio
import socket

import psycopg2
from psycopg2 import sql
from sqlalchemy.engine import make_url

from kefu.processes import StartupError, port_is_free
from kefu.servers import action_ports, rasa_ports
from kefu.settings import Settings


def reachable(host: str, port: int, timeout: float = 3.0) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def check_services(settings: Settings) -> None:
    """Redis and RabbitMQ answer, and every port the profile listens on is free."""
    production = settings.production
    for label, host, port, variable in (
        ("Redis (lock store)", production.redis.host, production.redis.port, "KEFU_REDIS_URL"),
        (
            "RabbitMQ (event broker)",
            production.rabbitmq.host,
            production.rabbitmq.port,
            "KEFU_RABBITMQ_URL",
        ),
    ):
        if not reachable(host, port):
            raise StartupError(
                f"Cannot reach {label} at {host}:{port}. Start it, or point {variable} at one."
            )
    ports = [
        settings.rasa_port,
        settings.action_port,
        *rasa_ports(settings),
        *action_ports(settings),
    ]
    taken = [port for port in ports if not port_is_free(port)]
    if taken:
        raise StartupError(
            f"Ports {taken} are in use (is Kefu already running?). The production profile uses "
            "KEFU_RASA_PORT and KEFU_ACTION_PORT for nginx and the ports just above them."
        )


def _ensure_database(url: str) -> bool:
    """CREATE DATABASE for `url` if the server does not have it yet; True if it was created."""
    parsed = make_url(url)
    name = parsed.database
    if not name:
        raise StartupError(f"The database URL {parsed!r} names no database.")
    connection = psycopg2.connect(
        host=parsed.host or "127.0.0.1",
        port=parsed.port or 5432,
        user=parsed.username,
        password=parsed.password,
        dbname="postgres",
        connect_timeout=5,
    )
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
            if cursor.fetchone():
                return False
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            return True
    finally:
        connection.close()


async def ensure_databases(settings: Settings) -> list[str]:
    """The CRM's and the tracker store's databases, created when missing; returns the new ones."""
    created = []
    for url in dict.fromkeys((settings.database.url, settings.tracker_database_url)):
        try:
            if await asyncio.to_thread(_ensure_database, url):
                created.append(str(make_url(url).database))
        except psycopg2.Error as error:
            first = str(error).strip().splitlines()[0] if str(error).strip() else repr(error)
            raise StartupError(f"Cannot prepare the PostgreSQL database: {first}") from error
    return created
