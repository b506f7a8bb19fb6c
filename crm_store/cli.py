"""`python -m crm_store`: migrate, seed, count, and export a customer (erasing one is
`python -m kefu erase-customer`: it covers the tracker store too).

Exit codes: 0 done; 1 the database cannot be reached or is not migrated (one line, no
traceback); 2 a bad argument or setting, or an unknown customer (nothing changed).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from sqlalchemy import inspect
from sqlalchemy.exc import SQLAlchemyError

from crm_store.db import check_database, create_engine, create_sessionmaker, display_url
from crm_store.errors import DatabaseUnavailable, NotFound
from crm_store.settings import DatabaseSettings, SettingsError, load_database_settings

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

# Each command imports what only it needs (Alembic, the seed data, the models): people and
# tests run these commands often, and a bare `python -m crm_store stats` should start quickly.

PROG = "python -m crm_store"
CHECK_TIMEOUT_SECONDS = 5.0


class CliError(Exception):
    """A failure to report in one line with an exit code."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


def refuse(prog: str, error: CliError | NotFound) -> int:
    """Tell stderr why `prog` did nothing; the exit code to return."""
    if isinstance(error, NotFound):
        print(f"{prog}: {error} Nothing was changed.", file=sys.stderr)
        return 2
    print(f"{prog}: {error}", file=sys.stderr)
    return error.code


def _say(message: str) -> None:
    print(message, flush=True)


async def reachable(url: str, what: str, variable: str) -> None:
    try:
        await check_database(url, timeout=CHECK_TIMEOUT_SECONDS)
    except DatabaseUnavailable as error:
        raise CliError(f"cannot reach the {what} ({variable}): {error}", 1) from None


async def crm_engine(settings: DatabaseSettings) -> AsyncEngine:
    """The CRM engine, once we know the database answers and has been migrated."""
    await reachable(settings.url, "CRM database", "KEFU_DATABASE_URL")
    engine = create_engine(settings.url)
    async with engine.connect() as connection:
        migrated = await connection.run_sync(lambda sync: inspect(sync).has_table("customers"))
    if not migrated:
        await engine.dispose()
        raise CliError(
            f"the CRM database {display_url(settings.url)} has no tables yet; "
            f"run `{PROG} upgrade` first",
            1,
        )
    return engine


async def cmd_upgrade(settings: DatabaseSettings, args: argparse.Namespace) -> int:
    from alembic.script import ScriptDirectory

    from crm_store.migrate import alembic_config, upgrade_async

    await reachable(settings.url, "CRM database", "KEFU_DATABASE_URL")
    await upgrade_async(settings.url)
    head = ScriptDirectory.from_config(alembic_config(settings.url)).get_current_head()
    _say(f"CRM schema of {display_url(settings.url)} is at revision {head} (head).")
    return 0


async def cmd_seed(settings: DatabaseSettings, args: argparse.Namespace) -> int:
    from crm_store.seed import seed_database

    if not args.demo:
        raise CliError(
            "seed loads demo customers and demo agents with published passwords; "
            "say so with --demo (nothing was changed)",
            2,
        )
    engine = await crm_engine(settings)
    try:
        result = await seed_database(
            create_sessionmaker(engine), settings.seed, progress=sys.stderr.isatty()
        )
    finally:
        await engine.dispose()
    _say(result.message)
    return 0


async def cmd_stats(settings: DatabaseSettings, args: argparse.Namespace) -> int:
    from crm_store.admin import collect_stats

    engine = await crm_engine(settings)
    try:
        async with create_sessionmaker(engine)() as session:
            stats = await collect_stats(session)
    finally:
        await engine.dispose()
    if args.json:
        _say(json.dumps(stats))
        return 0
    rows: list[tuple[str, Any]] = [(k, v) for k, v in stats.items() if k != "records"]
    rows += [(f"records ({direction})", n) for direction, n in stats["records"].items()]
    width = max(len(name) for name, _ in rows)
    _say("\n".join(f"{name:<{width}}  {value:>8}" for name, value in rows))
    return 0


async def cmd_export_customer(settings: DatabaseSettings, args: argparse.Namespace) -> int:
    from crm_store.admin import export_customer, resolve_customer

    engine = await crm_engine(settings)
    try:
        async with create_sessionmaker(engine)() as session:
            customer = await resolve_customer(session, args.customer)
            data = await export_customer(session, customer.id)
    finally:
        await engine.dispose()
    _say(json.dumps(data, ensure_ascii=False, indent=2))
    return 0


Command = Callable[[DatabaseSettings, argparse.Namespace], Awaitable[int]]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Kefu's CRM store. The database comes from KEFU_DATABASE_URL.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, handler: Command, help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        sub.set_defaults(handler=handler)
        return sub

    add("upgrade", cmd_upgrade, "apply the Alembic migrations (alembic upgrade head)")
    seed = add("seed", cmd_seed, "load the demo data (does nothing if the CRM has customers)")
    seed.add_argument("--demo", action="store_true", help="yes, load the demo data")
    stats = add("stats", cmd_stats, "count customers, orders, tickets, conversations, records")
    stats.add_argument("--json", action="store_true", help="print one JSON object")
    export = add("export-customer", cmd_export_customer, "print everything about a customer")
    export.add_argument("customer", metavar="ID", help="customer number (C10001) or numeric id")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_database_settings()
    except SettingsError as error:
        print(f"{PROG}: {error}", file=sys.stderr)
        return 2
    try:
        return asyncio.run(args.handler(settings, args))
    except (CliError, NotFound) as error:
        return refuse(PROG, error)
    except BrokenPipeError:
        # The reader went away (`... | head`); nothing to report.
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - Python flushes stdout at exit
        return 1
    except (SQLAlchemyError, OSError) as error:
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()
        print(f"{PROG}: database error: {reason[0] if reason else error!r}", file=sys.stderr)
        return 1
