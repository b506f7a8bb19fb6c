"""Command line of the running system: `python -m kefu run | train | shell | nlp` and the
commands over both stores (`reconcile`, `erase-customer`, `retention`)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from kefu.processes import StartupError
from kefu.settings import Settings, settings_or_say


def _days(value: str) -> float:
    days = float(value)
    if not days > 0:
        raise argparse.ArgumentTypeError("must be a positive number of days")
    return days


def _train() -> int:
    from kefu.model_cache import ensure_model

    model = ensure_model()
    state = f"trained in {model.seconds:.0f} s" if model.trained_now else "up to date"
    print(f"{model.path} ({state})")
    return 0


def _store_command(settings: Settings, args: argparse.Namespace) -> int:
    """reconcile, erase-customer and retention: each over the CRM and the tracker store."""
    from actions.similar_cases import drop_cached_indexes
    from crm_store.cli import CliError, refuse
    from crm_store.errors import NotFound
    from kefu.paths import TICKET_INDEX_CACHE
    from kefu.privacy import apply_retention, erase_everywhere
    from kefu.reconcile import reconcile_command

    try:
        if args.command == "reconcile":
            added, quarantined = asyncio.run(reconcile_command(settings))
            print(f"Reconciled the exchange log with the tracker store: added {added} records.")
            if quarantined:
                print(f"{quarantined} events are set aside as unreadable (see the logs).")
        elif args.command == "erase-customer":
            report, events = asyncio.run(erase_everywhere(settings, args.customer))
            # A running action server drops their tickets from its index at its next lookup.
            dropped = drop_cached_indexes(TICKET_INDEX_CACHE)
            print(
                f"{report.describe()} Redacted {events} tracker events; "
                f"deleted {dropped} cached ticket indexes."
            )
        else:
            retained, deleted = asyncio.run(apply_retention(settings, args.days))
            print(
                f"Redacted {retained.conversations} conversations older than {args.days:g} days"
                f" ({retained.records} records); deleted {deleted} tracker events."
            )
    except (CliError, NotFound) as error:
        return refuse(f"python -m kefu {args.command}", error)
    return 0


def _run(settings: Settings) -> int:
    from kefu.launcher import run

    try:
        return asyncio.run(run(settings))
    except StartupError as error:
        print(f"kefu: {error}", file=sys.stderr)
        return 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kefu", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="start Kefu (databases, model, servers, exchange logger)")
    commands.add_parser("train", help="train the Rasa model if its data or config changed")
    commands.add_parser("shell", help="chat with the running bot in this terminal")
    commands.add_parser("reconcile", help="add any record missing from the tracker store's events")
    erase = commands.add_parser(
        "erase-customer", help="anonymise a customer and redact their texts in both stores"
    )
    erase.add_argument("customer", metavar="ID", help="customer number (C10001) or numeric id")
    retention = commands.add_parser(
        "retention", help="redact (CRM) and delete (tracker) conversations older than N days"
    )
    retention.add_argument("--days", type=_days, required=True, help="keep this many days")
    commands.add_parser("nlp", help="NLP jobs over the CRM: train | score | report | customers")
    args, rest = parser.parse_known_args(argv)
    if args.command == "nlp":
        from kefu.nlp_jobs import main as nlp_main

        return nlp_main(rest)
    if rest:
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    settings = settings_or_say("kefu")
    if settings is None:
        return 2
    if args.command == "shell":
        from kefu.private_files import client_rest_token
        from kefu.shell import chat

        token = client_rest_token(settings.secrets)
        if token is None:
            print("kefu: no REST token yet: start Kefu with `make run` first.", file=sys.stderr)
            return 1
        return chat(f"http://127.0.0.1:{settings.rasa_port}", token)
    if args.command == "train":
        return _train()
    if args.command in ("reconcile", "erase-customer", "retention"):
        return _store_command(settings, args)
    return _run(settings)


if __name__ == "__main__":
    sys.exit(main())
