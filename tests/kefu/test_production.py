"""What the launcher checks and prepares in the production profile before starting servers."""

from __future__ import annotations

import uuid

import pytest

from kefu.processes import StartupError, free_port
from kefu.production import check_services, ensure_databases
from kefu.settings import load_settings
from tests.databases import PostgresServer


@pytest.mark.postgres
async def test_missing_databases_are_created_once(postgres_server: PostgresServer) -> None:
    if postgres_server.user is None:
        pytest.skip(postgres_server.reason)
    name = f"kefu_test_{uuid.uuid4().hex[:8]}"
    settings = load_settings(
        {
            "KEFU_PROFILE": "production",
            "KEFU_DATABASE_URL": postgres_server.url(name),
            "KEFU_TRACKER_DATABASE_URL": postgres_server.url(f"{name}_tracker"),
        }
    )
    try:
        assert await ensure_databases(settings) == [name, f"{name}_tracker"]
        assert await ensure_databases(settings) == []
    finally:
        postgres_server.drop(name)
        postgres_server.drop(f"{name}_tracker")


def test_an_unreachable_broker_is_named() -> None:
    settings = load_settings(
        {
            "KEFU_PROFILE": "production",
            "KEFU_DATABASE_URL": "postgresql://kefu@127.0.0.1:5432/kefu",
            "KEFU_TRACKER_DATABASE_URL": "postgresql://kefu@127.0.0.1:5432/kefu_tracker",
            "KEFU_REDIS_URL": f"redis://127.0.0.1:{free_port()}/1",
        }
    )
    with pytest.raises(StartupError, match="KEFU_REDIS_URL"):
        check_services(settings)
