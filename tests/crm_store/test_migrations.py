"""`alembic upgrade head` builds exactly the schema the models describe, on both backends."""

from __future__ import annotations

import ast
import inspect as inspect_module
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
from crm_store.migrations import schema
from crm_store.models import Base

SCHEMA_HELPERS = "crm_store.migrations.schema"


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


def ours_imported(source: str) -> set[str]:
    """The modules of ours that `source` imports."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return {name for name in names if name.split(".")[0] == "crm_store"}


def test_ours_imported_sees_both_import_forms() -> None:
    source = "import crm_store.models\nfrom crm_store.migrations import schema\nimport sqlalchemy"
    assert ours_imported(source) == {"crm_store.models", "crm_store.migrations"}


def test_one_head_and_migrations_import_only_their_schema_helpers() -> None:
    """A revision builds the same schema forever: never from the models, which move on."""
    scripts = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert len(scripts.get_heads()) == 1
    for revision in scripts.walk_revisions():
        assert revision.path is not None
        with open(revision.path, encoding="utf-8") as source:
            assert ours_imported(source.read()) <= {SCHEMA_HELPERS}, revision.path


def test_the_schema_helpers_import_nothing_else_of_ours() -> None:
    assert ours_imported(inspect_module.getsource(schema)) == set()
