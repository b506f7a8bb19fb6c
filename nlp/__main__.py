"""Batch CLI: python -m nlp {train|score|report} over the CRM, or over JSONL records.

With no record files it reads the CRM that KEFU_DATABASE_URL names (the default: the SQLite
file `make run` uses). This entry point is the one place where nlp meets the CRM: it asks
crm_store for plain snapshots and hands them to nlp.jobs; no other nlp module imports Kefu code.

    python -m nlp train                      # the CRM's conversations, tickets, orders, ...
    python -m nlp report --out var/report    # KPIs, segments, churn, CLV, charts
    python -m nlp train --conversations convs.jsonl [--bootstrap var/star.jsonl] --models models
    python -m nlp score --conversations convs.jsonl --models models --out scores.jsonl
    python -m nlp report --conversations convs.jsonl --customers c.jsonl --orders o.jsonl \\
        --feedback f.jsonl --models models --out var/report
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path

from nlp import jobs
from nlp.records import RecordSet, load_conversations, load_records, parse_datetime, records_from


class CrmUnreadable(Exception):
    """The CRM named by the settings cannot be read; the message says which and why."""


def default_models_dir() -> Path:
    from crm_store.settings import load_settings

    return load_settings().models_dir


async def crm_records() -> RecordSet:
    """Every conversation, customer, order, feedback and ticket of the CRM, as plain records."""
    from crm_store.db import create_engine, create_sessionmaker, display_url
    from crm_store.services import snapshots
    from crm_store.settings import SettingsError, load_settings

    try:
        url = load_settings().database_url
    except SettingsError as error:
        raise CrmUnreadable(str(error)) from error
    engine = create_engine(url)
    try:
        async with create_sessionmaker(engine)() as session:
            return records_from(await snapshots.all_snapshots(session))
    except Exception as error:
        raise CrmUnreadable(f"cannot read the CRM at {display_url(url)}: {error}") from error
    finally:
        await engine.dispose()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m nlp", description=__doc__.split("\n")[0])
    ap.add_argument("command", choices=["train", "score", "report"])
    for kind in ("conversations", "customers", "orders", "feedback", "tickets"):
        ap.add_argument(f"--{kind}", type=Path, help=f"{kind} JSONL (see nlp/records.py)")
    ap.add_argument("--bootstrap", type=Path, help="train: STAR conversations JSONL")
    ap.add_argument("--models", type=Path, help="models directory (default: KEFU_MODELS_DIR)")
    ap.add_argument("--out", type=Path, help="score: JSONL to write; report: folder")
    ap.add_argument("--as-of", help="ISO date the analytics treat as today (default: now)")
    args = ap.parse_args(argv)
    try:
        files = {k: getattr(args, k) for k in jobs.RECORD_KINDS}
        from_crm = all(path is None for path in files.values())
        records = asyncio.run(crm_records()) if from_crm else load_records(files)
        if args.models is None:
            args.models = default_models_dir()
        as_of = parse_datetime(args.as_of)
        if args.command == "train":
            boot = load_conversations(args.bootstrap) if args.bootstrap else []
            print(json.dumps(jobs.train(records, args.models, boot, as_of), indent=2))
        elif args.command == "score":
            rows = jobs.score(records, args.models)
            text = "".join(json.dumps(row) + "\n" for row in rows)
            if args.out:
                args.out.write_text(text, encoding="utf-8")
            else:
                sys.stdout.write(text)
        else:
            summary = jobs.report(records, args.out or Path("var/report"), args.models, as_of)
            print(json.dumps(summary["kpis"], indent=2))
    except (ValueError, OSError, CrmUnreadable) as exc:
        # Bad input gets a clear message and a non-zero exit, not a traceback.
        print(f"nlp {args.command}: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
