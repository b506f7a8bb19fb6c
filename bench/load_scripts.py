"""The scripted conversations the load driver's simulated customers hold, for Kefu and for a
plain `rasa init` bot.

Kefu's customers identify themselves (a demo customer's contact and second fact), ask for an
order's status, ask an FAQ, say goodbye and rate the conversation, in the wording of STAR's
customers. The plain bot only knows `rasa init`'s moods, so its customers talk about those, over
about as many turns. `expect` is a piece of the reply (case-insensitive) that shows the bot
understood; a reply without it counts as unexpected, not as an error.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Turn:
    text: str
    expect: str | None = None
    # What the step does, the same in every script of a bot: the driver's per-step breakdown
    # (`--per-step`) groups latencies by it.
    label: str = ""


def _kefu(
    hello: str, ask: str, contact: str, fact: str, name: str, order: str, faq: str, rating: int
) -> tuple[Turn, ...]:
    return (
        Turn(hello, label="1 greet"),
        Turn(ask, label="2 ask for an order"),
        Turn(contact, label="3 contact"),
        Turn(fact, expect=name, label="4 second fact"),
        Turn(f"what's the status of order {order}?", expect=order, label="5 order status"),
        Turn(faq, label="6 faq"),
        Turn("ok thanks, bye", label="7 goodbye"),
        Turn(f'/inform{{"rating":{rating}}}', label="8 rating"),
        Turn("no, all good", label="9 no comment"),
    )


KEFU_SCRIPTS: tuple[tuple[Turn, ...], ...] = (
    _kefu(
        "hi there",
        "where is my order?",
        "anna.schmidt@example.com",
        "10115",
        "Anna",
        "KF-500002",
        "how long does shipping take?",
        5,
    ),
    _kefu(
        "hello",
        "can you check the status of my order please",
        "ben.okafor@example.com",
        "20095",
        "Ben",
        "KF-500005",
        "what is your returns policy?",
        4,
    ),
    _kefu(
        "hey, I need some help",
        "I'd like to know where my package is",
        "chloe.martin@example.com",
        "80331",
        "Chlo",
        "KF-500007",
        "when are you open?",
        5,
    ),
)

# `rasa init`'s mood bot: greet, moods, affirm/deny, bot challenge, goodbye.
PLAIN_SCRIPTS: tuple[tuple[Turn, ...], ...] = (
    (
        Turn("hi there"),
        Turn("I am feeling very sad today"),
        Turn("yes, that helped"),
        Turn("are you a bot?"),
        Turn("I'm great now"),
        Turn("perfect"),
        Turn("hello again"),
        Turn("not so good"),
        Turn("bye"),
    ),
    (
        Turn("hello"),
        Turn("I am good"),
        Turn("am I talking to a human?"),
        Turn("hey"),
        Turn("I'm unhappy"),
        Turn("no"),
        Turn("good morning"),
        Turn("very good"),
        Turn("goodbye"),
    ),
)

SCRIPTS = {"kefu": KEFU_SCRIPTS, "plain": PLAIN_SCRIPTS}
