"""`alembic upgrade head` builds exactly the schema the models describe, on both backends."""

from __future__ import annotations

from collections.abc import Callable

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect
from sqlalchemy.pool import NullPool

from crm_store.console_models import FTS_TABLE
from crm_store.db import sync_url
from crm_store.migrate import alembic_config, upgrade
from crm_store.models import Base


def differences(url: str) -> list[object]:
    engine = create_engine(sync_url(url), poolclass=NullPool)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "include_name": include_name}
            )
            return list(compare_metadata(context, Base.metadata))
    finally:
        engine.dispose()


def include_name(name: str | None, type_: str, _parents: object) -> bool:
    return not (type_ == "table" and (name or "").startswith(FTS_TABLE))


def tables(url: str) -> set[str]:
    """The tables, SQLite's full-text index (a virtual table and its shadow tables) aside."""
    engine = create_engine(sync_url(url), poolclass=NullPool)
    try:
        return {
            name for name in inspect(engine).get_table_names() if include_name(name, "table", None)
        }
    finally:
        engine.dispose()


def test_upgrade_head_matches_the_models(make_database: Callable[[str], str]) -> None:
    url = make_database("blank")
    upgrade(url)
    assert differences(url) == []
    assert tables(url) == set(Base.metadata.tables) | {"alembic_version"}


def test_upgrade_is_repeatable_and_downgrade_removes_everything(
    make_database: Callable[[str], str],
) -> None:
    url = make_database("blank")
    upgrade(url)
    upgrade(url)  # already at head: nothing to do
    command.downgrade(alembic_config(url), "base")
    assert tables(url) == {"alembic_version"}
    upgrade(url)
    assert differences(url) == []


def test_one_head_and_migrations_do_not_import_the_models() -> None:
    scripts = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert len(scripts.get_heads()) == 1
    for revision in scripts.walk_revisions():
        assert revision.path is not None
        with open(revision.path, encoding="utf-8") as source:
            assert "crm_store" not in source.read()
