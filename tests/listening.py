"""Whether a service answers on loopback: the skip check of tests that need the machine's
Redis, RabbitMQ or PostgreSQL. Standard library only, so both environments' tests use it."""

from __future__ import annotations

import socket


def listening(host: str, port: int, timeout: float = 2.0) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False
