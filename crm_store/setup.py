"""First-run preparation of the CRM for the launcher: migrate to head, then load demo data once."""

from __future__ import annotations

from crm_store.db import create_engine, create_sessionmaker, ensure_data_directory
from crm_store.migrate import upgrade_async
from crm_store.seed import SeedResult, seed_database
from crm_store.settings import DatabaseSettings


async def prepare_database(
    settings: DatabaseSettings, demo: bool, progress: bool = False
) -> SeedResult | None:
    """Migrate to head, and load the demo data when `demo` (then returns what it did).

    Idempotent: upgrading an up-to-date schema and seeding a seeded CRM both do nothing. Demo
    data (with the demo agents' published passwords) only ever goes where it is asked for.
    """
    ensure_data_directory(settings.url)
    await upgrade_async(settings.url)
    if not demo:
        return None
    engine = create_engine(settings.url)
    try:
        return await seed_database(create_sessionmaker(engine), settings.seed, progress=progress)
    finally:
        await engine.dispose()
