"""Batch CLI over JSONL records: python -m nlp {train|score|report} --conversations F.jsonl ...

The record formats are in nlp/records.py. To run the same jobs on the CRM's own records, use
`python -m kefu nlp train|score|report`.

    python -m nlp train --conversations convs.jsonl [--bootstrap var/star.jsonl] --models models
    python -m nlp score --conversations convs.jsonl --models models --out scores.jsonl
    python -m nlp report --conversations convs.jsonl --customers c.jsonl --orders o.jsonl \\
        --feedback f.jsonl --models models --out var/report
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from nlp import jobs
from nlp.records import load_records, parse_datetime


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m nlp", description=__doc__.split("\n")[0])
    ap.add_argument("command", choices=["train", "score", "report"])
    for kind in jobs.RECORD_KINDS:
        ap.add_argument(f"--{kind}", type=Path, help=f"{kind} JSONL (see nlp/records.py)")
    ap.add_argument("--bootstrap", type=Path, help="train: STAR conversations JSONL")
    ap.add_argument("--models", type=Path, required=True, help="models directory")
    ap.add_argument("--out", type=Path, help="score: JSONL to write; report: folder")
    ap.add_argument("--as-of", help="ISO date the analytics treat as today (default: now)")
    args = ap.parse_args(argv)
    files = {kind: getattr(args, kind) for kind in jobs.RECORD_KINDS}
    if all(path is None for path in files.values()):
        ap.error("give at least one record file; `python -m kefu nlp` reads the CRM instead")
    try:
        return jobs.run_command(
            args.command,
            load_records(files),
            models=args.models,
            out=args.out,
            bootstrap=args.bootstrap,
            as_of=parse_datetime(args.as_of),
        )
    except (ValueError, OSError) as exc:
        # Bad input gets a clear message and a non-zero exit, not a traceback.
        print(f"nlp {args.command}: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
