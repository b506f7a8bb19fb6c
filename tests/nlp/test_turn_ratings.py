"""Turn ratings: learnt from rated exchanges, read as a conversation view, never from scoring."""

from __future__ import annotations

import random
from dataclasses import replace

from nlp import metrics, satisfaction
from nlp.records import Conversation, Turn
from nlp.turn_ratings import MIN_RATED_TURNS, TurnRater, exchanges

from .conftest import HAPPY, UNHAPPY


def _rated_conversations(n: int, seed: int = 0) -> list[Conversation]:
    """Each customer turn rated 4-5 when it sounds happy, 1-2 when not; the label is their mean."""
    rng = random.Random(seed)
    convs = []
    for i in range(n):
        turns, ratings = [], []
        for _ in range(rng.randint(2, 5)):
            happy = rng.random() < 0.5
            rating = rng.choice([4.0, 5.0]) if happy else rng.choice([1.0, 2.0])
            turns += [
                Turn("assistant", "Here is a suggestion."),
                Turn("customer", rng.choice(HAPPY if happy else UNHAPPY), rating=rating),
            ]
            ratings.append(rating)
        convs.append(Conversation(f"r{i}", turns, labels={"y": sum(ratings) / len(ratings)}))
    return convs


def test_exchanges_pair_the_bot_turn_with_the_reply() -> None:
    conv = Conversation("c", [Turn("customer", "hi", rating=3.0), Turn("assistant", "hello"),
                              Turn("customer", "thanks", rating=4.0)])  # fmt: skip
    assert exchanges(conv) == [("", "hi", 3.0), ("hello", "thanks", 4.0)]


def test_too_few_rated_turns_leave_the_view_out() -> None:
    convs = _rated_conversations(10)
    assert sum(len(exchanges(c)) for c in convs) < MIN_RATED_TURNS
    assert TurnRater.fit(convs) is None


def test_turn_view_ranks_conversations_without_reading_ratings() -> None:
    train, test = _rated_conversations(120, seed=1), _rated_conversations(40, seed=2)
    rater = TurnRater.fit(train)
    assert rater is not None
    # Scoring sees no ratings: strip them and the features must not change.
    blind = [Conversation(c.id, [replace(t, rating=None) for t in c.turns]) for c in test]
    assert (rater.features(blind) == rater.features(test)).all()
    means = rater.features(blind)[:, 0].tolist()
    assert metrics.spearman(means, [c.labels["y"] for c in test]) > 0.7  # type: ignore[arg-type]
    model = satisfaction.train(train, lambda c: c.labels["y"], "eval")
    assert "turns" in model.metrics["stack_weights"]
