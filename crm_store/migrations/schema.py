"""What the migrations write again and again, said once: the naming convention's names, the id
and timestamp columns, enums stored as checked strings, a table's plain indexes.

The only module of ours a migration may import (tests/crm_store/test_migrations.py checks). A
revision must build the same schema forever, so these helpers are frozen like the revisions
themselves: change one only in a way that leaves every existing revision's schema as it is
(test_migrations compares it with the models on SQLite and PostgreSQL), else add a new helper.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


def id_column() -> sa.Column[int]:
    return sa.Column("id", sa.Integer(), nullable=False)


def timestamp(name: str, nullable: bool = False) -> sa.Column[object]:
    """A timezone-aware UTC timestamp column (the models' convention)."""
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def enum(name: str, *values: str) -> sa.Enum:
    """An enum kept as a string with a CHECK constraint: the same on SQLite and PostgreSQL."""
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True)


def primary_key(table: str, column: str = "id") -> sa.PrimaryKeyConstraint:
    return sa.PrimaryKeyConstraint(column, name=op.f(f"pk_{table}"))


def foreign_key(
    table: str, column: str, target: str, ondelete: str | None = None
) -> sa.ForeignKeyConstraint:
    """`table.column` referencing `target.id`, named fk_<table>_<column>_<target>."""
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete
    )


def unique(table: str, *columns: str) -> sa.UniqueConstraint:
    return sa.UniqueConstraint(*columns, name=op.f(f"uq_{table}_{'_'.join(columns)}"))


def create_indexes(table: str, *columns: str) -> None:
    """One plain index per column, named ix_<table>_<column>."""
    with op.batch_alter_table(table, schema=None) as batch_op:
        for column in columns:
            batch_op.create_index(batch_op.f(f"ix_{table}_{column}"), [column], unique=False)


def drop_table(table: str, *indexed_columns: str) -> None:
    """Drop `table` after the plain indexes `create_indexes` gave it."""
    if indexed_columns:
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in indexed_columns:
                batch_op.drop_index(batch_op.f(f"ix_{table}_{column}"))
    op.drop_table(table)
