"""Apply the Alembic migrations from code (the CLI, the launcher, tests): no alembic CLI needed."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(database_url: str) -> Config:
    """Alembic's config for `database_url` (plain or async form), independent of the cwd."""
    # No ini file: alembic.ini at the repository's root is for the `alembic` command only.
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["database_url"] = database_url
    config.attributes["configure_logger"] = False
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)


async def upgrade_async(database_url: str, revision: str = "head") -> None:
    """`upgrade` in a worker thread: Alembic is synchronous and must not block the event loop."""
    await asyncio.to_thread(upgrade, database_url, revision)
