"""`python -m kefu nlp train|score|report|customers`: the NLP batch jobs over the CRM's records.

`python -m nlp` runs the same jobs on JSONL files; this is where they meet the CRM: it asks
crm_store for plain snapshots and hands them to nlp.jobs, so nlp never touches a database.
`customers` (also run by `report`) writes each customer's named segment, churn risk and
lifetime value back to the CRM for the console's customer card (kefu.customer_analytics).

    python -m kefu nlp train                      # the CRM's conversations, tickets, orders, ...
    python -m kefu nlp report --out var/report    # KPIs, segments, churn, CLV, charts
    python -m kefu nlp score --out scores.jsonl
    python -m kefu nlp customers                  # segment, churn risk, CLV onto the customers
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from datetime import datetime
from pathlib import Path

from crm_store.db import create_engine, create_sessionmaker, describe_error, display_url
from crm_store.services import snapshots
from kefu import customer_analytics
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
    parser.add_argument("command", choices=["train", "score", "report", "customers"])
    parser.add_argument("--bootstrap", type=Path, help="train: STAR conversations JSONL")
    parser.add_argument("--models", type=Path, help="models directory (default: KEFU_MODELS_DIR)")
    parser.add_argument("--out", type=Path, help="score: JSONL to write; report: folder")
    parser.add_argument("--as-of", help="ISO date the analytics treat as today (default: now)")
    return parser


def store_customer_analytics(
    url: str, records: RecordSet, as_of: datetime | None
) -> dict[str, object]:
    """The `customers` step: compute with nlp, store in the CRM, return what it did."""
    run = customer_analytics.compute(records, as_of)
    return run.summary(asyncio.run(customer_analytics.store(url, run)))


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
        records = asyncio.run(crm_records(settings.database.url))
        as_of = parse_datetime(args.as_of)
        if args.command == "customers":
            done = store_customer_analytics(settings.database.url, records, as_of)
            print(json.dumps(done, indent=2))
            return 0
        status = jobs.run_command(
            args.command,
            records,
            models=args.models or settings.models_dir,
            out=args.out,
            bootstrap=args.bootstrap,
            as_of=as_of,
        )
        if args.command == "report":
            # stdout is the report's KPIs (JSON); the customers step reports on stderr.
            done = store_customer_analytics(settings.database.url, records, as_of)
            print(f"customers: {json.dumps(done)}", file=sys.stderr)
        return status
    except (
        ValueError,
        OSError,
        CrmUnreadable,
        customer_analytics.CrmUnwritable,
        SettingsError,
    ) as exc:
        # Bad input gets a clear message and a non-zero exit, not a traceback.
        print(f"python -m kefu nlp {args.command}: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
