"""Batch CLI on JSONL records: python -m nlp {train|score|report} (no database access here).

    python -m nlp train --conversations convs.jsonl [--bootstrap var/star.jsonl] --models models
    python -m nlp score --conversations convs.jsonl --models models --out scores.jsonl
    python -m nlp report --conversations convs.jsonl --customers c.jsonl --orders o.jsonl \\
        --feedback f.jsonl --models models --out var/report
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from nlp import jobs
from nlp.records import load_conversations, load_records, parse_datetime


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m nlp", description=__doc__.split("\n")[0])
    ap.add_argument("command", choices=["train", "score", "report"])
    for kind in ("conversations", "customers", "orders", "feedback", "tickets"):
        ap.add_argument(f"--{kind}", type=Path, help=f"{kind} JSONL (see nlp/records.py)")
    ap.add_argument("--bootstrap", type=Path, help="train: STAR conversations JSONL")
    ap.add_argument("--models", type=Path, default=Path("models"), help="models directory")
    ap.add_argument("--out", type=Path, help="score: JSONL to write; report: folder")
    ap.add_argument("--as-of", help="ISO date the analytics treat as today (default: now)")
    args = ap.parse_args(argv)
    try:
        records = load_records({k: getattr(args, k) for k in jobs.RECORD_KINDS})
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
    except (ValueError, OSError) as exc:
        # Bad input gets a clear message and a non-zero exit, not a traceback.
        print(f"nlp {args.command}: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
