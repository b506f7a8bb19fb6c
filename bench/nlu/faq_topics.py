"""FAQ answers on unseen wording: does a shop question get the right FAQ answer, and does a shop
question no FAQ answers get none?

    python -m bench.nlu.faq_topics [--write-readme]

Parses every message of bench/nlu/faq_wording.yml with the bot's trained model over Rasa's HTTP
API (as bench/nlu/routing.py does) and reports, per language:
- FAQ questions answered right: the final intent is `faq` and the response selector picks the
  message's topic, or the intent is one of the flows the message also allows;
- shop questions no FAQ answers kept out: the final intent starts none of the bot's flows and
  answers no FAQ (routing.FLOWS), so the customer gets the out-of-scope reply or a question.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from ruamel.yaml import YAML

from bench.nlu.rasa_run import trained_model_served
from bench.nlu.routing import FLOWS, table, tally
from bench.report import publish

DATA = Path(__file__).with_name("faq_wording.yml")
BEGIN, END = "<!-- faq-topics:start -->", "<!-- faq-topics:end -->"


@dataclass(frozen=True)
class Question:
    text: str
    language: str
    topic: str | None  # None: no FAQ answers it
    also: tuple[str, ...] = ()


def load(path: Path = DATA) -> list[Question]:
    document = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    questions = [
        Question(str(q["text"]), str(q["language"]), str(q["topic"]), tuple(q.get("also", ())))
        for q in document["faq"]
    ]
    return questions + [
        Question(str(q["text"]), str(q["language"]), None) for q in document["no_faq"]
    ]


def answer_of(parsed: dict[str, Any]) -> str:
    """The intent, or `faq/<topic>` for an FAQ answer."""
    intent = str((parsed.get("intent") or {}).get("name") or "")
    if intent != "faq":
        return intent
    selected = (parsed.get("response_selector") or {}).get("faq") or {}
    return str((selected.get("response") or {}).get("intent_response_key") or "faq")


def right(question: Question, answer: str) -> bool:
    if question.topic is None:
        return answer.split("/")[0] not in FLOWS
    return answer == f"faq/{question.topic}" or answer in question.also


def parse(url: str, questions: list[Question]) -> list[str]:
    with httpx.Client(base_url=url, timeout=60.0) as client:
        answers = []
        for question in questions:
            response = client.post("/model/parse", json={"text": question.text})
            response.raise_for_status()
            answers.append(answer_of(response.json()))
        return answers


def report(questions: list[Question], answers: list[str], model_name: str) -> tuple[str, list[str]]:
    scores = tally(
        (q.language, q.topic is not None, right(q, a))
        for q, a in zip(questions, answers, strict=True)
    )
    lines = table(
        scores,
        f"Model `{model_name}`, {len(questions)} messages of `bench/nlu/faq_wording.yml`:",
        ("FAQ questions given their topic", "questions no FAQ answers kept out"),
    )
    misses = [
        f"{q.language} {q.text!r}: {a} (wanted {f'faq/{q.topic}' if q.topic else 'no FAQ'})"
        for q, a in zip(questions, answers, strict=True)
        if not right(q, a)
    ]
    return "\n".join(lines), misses


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.nlu.faq_topics", description=__doc__)
    parser.add_argument("--write-readme", action="store_true", help="update bench/README.md")
    args = parser.parse_args(argv)
    questions = load()
    with trained_model_served("kefu-faq-topics-") as (url, model_name):
        answers = parse(url, questions)
    table, misses = report(questions, answers, model_name)
    publish(table, misses, BEGIN, END, args.write_readme)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
