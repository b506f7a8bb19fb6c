"""The routing bench on real wording: its data and how it scores (the model run is the bench's)."""

from __future__ import annotations

import re

from ruamel.yaml import YAML

from bench.nlu import routing
from bench.nlu.crossval import LANGUAGE_FILES, examples_of, holdout_examples
from bench.nlu.routing import FLOWS, Message, load, report, routed_right, score
from kefu.paths import REPO_ROOT


def test_the_data_has_enough_messages_in_every_language_and_names_real_intents() -> None:
    messages = load()
    inside = [m for m in messages if m.in_scope]
    assert len(inside) >= 60 and len(messages) - len(inside) >= 30
    assert {m.language for m in inside} == {m.language for m in messages} == {"en", "de", "zh"}
    domain = YAML(typ="safe").load((REPO_ROOT / "domain.yml").read_text(encoding="utf-8"))
    assert {f for m in inside for f in m.flows} <= set(domain["intents"])
    assert set(domain["intents"]) >= FLOWS
    assert len({m.text for m in messages}) == len(messages)


def test_routing_is_right_for_a_listed_flow_and_for_out_of_scope_kept_out() -> None:
    cancel = Message("cancle my order", "en", ("cancel_order",))
    weather = Message("whats the weather", "en", ())
    assert routed_right(cancel, "cancel_order")
    assert not routed_right(cancel, "nlu_fallback")
    assert routed_right(weather, "nlu_fallback") and routed_right(weather, "chitchat")
    assert not routed_right(weather, "order_status") and not routed_right(weather, "faq")


def test_the_report_counts_per_language_and_lists_the_misses() -> None:
    messages = [
        Message("cancle", "en", ("cancel_order",)),
        Message("取消", "zh", ("cancel_order",)),
        Message("weather", "en", ()),
    ]
    intents = ["cancel_order", "greet", "order_status"]
    scores = score(messages, intents)
    assert scores["all"] == {"in": (1, 2), "out": (0, 1)}
    assert scores["zh"]["in"] == (0, 1)
    table, misses = report(messages, intents, "model")
    assert "| **all** | 50 % (1/2) | 0 % (0/1) |" in table
    assert len(misses) == 2
    assert routing.DATA.exists()


def wording(text: str) -> str:
    """A message's words, punctuation and case aside."""
    return re.sub(r"\W+", " ", text.lower()).strip()


def trained_wording() -> set[str]:
    trained = {wording(e.text) for files in LANGUAGE_FILES.values() for e in examples_of(files)}
    assert len(trained) > 1000
    return trained


def test_no_message_is_a_training_example() -> None:
    """The bench measures wording the bot has not seen: a message copied into the NLU data
    (any language, punctuation and case aside) would only measure memory."""
    trained = trained_wording()
    copied = [m.text for m in load() if wording(m.text) in trained]
    assert not copied, copied


def test_no_held_out_message_is_a_training_example() -> None:
    """The same for the cross-validation's held-out messages (bench/nlu/holdout.yml)."""
    trained = trained_wording()
    held = [
        e.text
        for language in LANGUAGE_FILES
        for e in holdout_examples(REPO_ROOT / "bench/nlu/holdout.yml", language)
    ]
    assert len(held) > 150
    copied = [text for text in held if wording(text) in trained]
    assert not copied, copied
