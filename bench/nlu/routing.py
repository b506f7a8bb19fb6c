"""Routing on real wording: do customers' own messages reach the right flow of the trained bot?

    python -m bench.nlu.routing [--write-readme]

Parses every message of bench/nlu/real_wording.yml with the bot's trained model (the one `make
run` trains, FallbackClassifier included) over Rasa's HTTP API and reports, per language:
- in-scope routing accuracy: the final intent is one of the message's `flows`;
- out-of-scope rejection: the final intent starts none of the bot's flows (FLOWS) — a
  clarifying question, the out-of-scope reply or small talk keep the customer out of them.
This is the bot's own measurement of issue 11's "61 % in-scope, 90 % out-of-scope rejected";
the messages are never training data, and the bot's data is not tuned to them.
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml import YAML

from bench.nlu.data import Example
from bench.nlu.rasa_run import parse_all, trained_model_served
from bench.report import publish

DATA = Path(__file__).with_name("real_wording.yml")
BEGIN, END = "<!-- routing:start -->", "<!-- routing:end -->"
# Intents that start one of the bot's flows (a form or a CRM action) or answer a shop question:
# an out-of-scope message that reaches one of them was routed wrongly.
FLOWS = frozenset(
    {
        "order_status", "recent_orders", "cancel_order", "return_order", "update_email",
        "update_phone", "update_address", "open_ticket", "ticket_status", "human_handoff",
        "identify", "rate", "faq",
    }
)  # fmt: skip
OUT_OF_SCOPE = "<out of scope>"


@dataclass(frozen=True)
class Message:
    text: str
    language: str
    flows: tuple[str, ...]  # empty: out of scope

    @property
    def in_scope(self) -> bool:
        return bool(self.flows)


def load(path: Path = DATA) -> list[Message]:
    document = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    messages = [
        Message(str(m["text"]), str(m["language"]), tuple(m["flows"])) for m in document["in_scope"]
    ]
    messages += [Message(str(m["text"]), str(m["language"]), ()) for m in document["out_of_scope"]]
    return messages


def routed_right(message: Message, intent: str) -> bool:
    return intent in message.flows if message.in_scope else intent not in FLOWS


def tally(rows: Iterable[tuple[str, bool, bool]]) -> dict[str, dict[str, tuple[int, int]]]:
    """(right, total) per language (and "all") of (language, in scope, right) rows, for the
    in-scope ("in") and the other ("out") messages."""
    table: dict[str, dict[str, list[int]]] = defaultdict(
        lambda: {"in": [0, 0], "out": [0, 0]}
    )  # fmt: skip
    for language, in_scope, is_right in rows:
        kind = "in" if in_scope else "out"
        for key in (language, "all"):
            table[key][kind][0] += is_right
            table[key][kind][1] += 1
    return {key: {k: (v[0], v[1]) for k, v in row.items()} for key, row in table.items()}


def score(messages: list[Message], intents: list[str]) -> dict[str, dict[str, tuple[int, int]]]:
    """(right, total) per language (and "all"), for in-scope and out-of-scope messages."""
    return tally(
        (m.language, m.in_scope, routed_right(m, intent))
        for m, intent in zip(messages, intents, strict=True)
    )


def percent(pair: tuple[int, int]) -> str:
    right, total = pair
    return f"{100 * right / total:.0f} % ({right}/{total})" if total else "–"


def table(
    scores: dict[str, dict[str, tuple[int, int]]], title: str, headings: tuple[str, str]
) -> list[str]:
    """The per-language table of (right, total) for in-scope ("in") and the rest ("out")."""
    lines = [title, "", f"| language | {headings[0]} | {headings[1]} |", "|---|---|---|"]
    for key in [*sorted(k for k in scores if k != "all"), "all"]:
        name = "**all**" if key == "all" else key
        lines.append(f"| {name} | {percent(scores[key]['in'])} | {percent(scores[key]['out'])} |")
    return lines


def report(messages: list[Message], intents: list[str], model_name: str) -> tuple[str, list[str]]:
    lines = table(
        score(messages, intents),
        f"Model `{model_name}`, {len(messages)} messages of `bench/nlu/real_wording.yml`:",
        ("in-scope routed to the right flow", "out-of-scope kept out of every flow"),
    )
    misses = [
        f"{m.language} {m.text!r}: {intent} (wanted {'/'.join(m.flows) or 'no flow'})"
        for m, intent in zip(messages, intents, strict=True)
        if not routed_right(m, intent)
    ]
    return "\n".join(lines), misses


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.nlu.routing", description=__doc__)
    parser.add_argument("--write-readme", action="store_true", help="update bench/README.md")
    args = parser.parse_args(argv)
    messages = load()
    examples = [Example(m.text, m.flows[0] if m.flows else OUT_OF_SCOPE) for m in messages]
    with trained_model_served("kefu-routing-") as (url, model_name):
        predictions = parse_all(url, examples)
    table, misses = report(messages, [p.intent for p in predictions], model_name)
    publish(table, misses, BEGIN, END, args.write_readme)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
