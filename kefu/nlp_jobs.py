"""`python -m kefu nlp train|score|report`: the NLP batch jobs over the CRM's own records.

`python -m nlp` runs the same jobs on JSONL files; this is where they meet the CRM: it asks
crm_store for plain snapshots and hands them to nlp.jobs, so nlp never touches a database.

    python -m kefu nlp train                      # the CRM's conversations, tickets, orders, ...
    python -m kefu nlp report --out var/report    # KPIs, segments, churn, CLV, charts
    python -m kefu nlp score --out scores.jsonl
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from crm_store.db import create_engine, create_sessionmaker, describe_error, display_url
from crm_store.services import snapshots
from kefu.rasa_project import BOT_SIGNALS
from kefu.settings import SettingsError, load_settings
from nlp import jobs
from nlp.records import RecordSet, parse_datetime, records_from


class CrmUnreadable(Exception):
    """The CRM named by the settings cannot be read; the message says which and why."""


async def crm_records(url: str) -> RecordSet:
    """Every conversation, customer, order, feedback and ticket of the CRM, as plain records."""
    engine = create_engine(url)
    try:
        async with create_sessionmaker(engine)() as session:
            return records_from(await snapshots.all_snapshots(session, BOT_SIGNALS))
    except Exception as error:
        raise CrmUnreadable(
            f"cannot read the CRM at {display_url(url)}: {describe_error(error)}"
        ) from error
    finally:
        await engine.dispose()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m kefu nlp", description=__doc__.split("\n")[0])
    parser.add_argument("command", choices=["train", "score", "report"])
    parser.add_argument("--bootstrap", type=Path, help="train: STAR conversations JSONL")
    parser.add_argument("--models", type=Path, help="models directory (default: KEFU_MODELS_DIR)")
    parser.add_argument("--out", type=Path, help="score: JSONL to write; report: folder")
    parser.add_argument("--as-of", help="ISO date the analytics treat as today (default: now)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
        records = asyncio.run(crm_records(settings.database.url))
        return jobs.run_command(
            args.command,
            records,
            models=args.models or settings.models_dir,
            out=args.out,
            bootstrap=args.bootstrap,
            as_of=parse_datetime(args.as_of),
        )
    except (ValueError, OSError, CrmUnreadable, SettingsError) as exc:
        # Bad input gets a clear message and a non-zero exit, not a traceback.
        print(f"python -m kefu nlp {args.command}: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
