"""Seeded toy corpora and CRM records for the nlp tests (generated here, never read from disk)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import pytest

from nlp import embeddings, sentiment_model
from nlp.records import Conversation, Turn


def _forget_encoder() -> None:
    embeddings.get_embedder.cache_clear()
    sentiment_model.shipped.cache_clear()


@pytest.fixture(autouse=True)
def tfidf_only(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Unit tests run on the TF-IDF fallback (fast, no weights needed); tests marked
    `embeddings` get the MiniLM encoder, and skip when its weights are not installed."""
    if request.node.get_closest_marker("embeddings"):
        monkeypatch.delenv(embeddings.ENV_SWITCH, raising=False)
        _forget_encoder()
        if not embeddings.get_embedder().available:
            pytest.skip("the MiniLM weights are not installed (requirements/weights.txt)")
    else:
        monkeypatch.setenv(embeddings.ENV_SWITCH, "off")
        _forget_encoder()
    yield
    _forget_encoder()


BAD_INPUTS = [
    "",
    "   ",
    "😀😀😀",
    "x" * 100_000,
    "Wo ist meine Bestellung? Ich warte seit Tagen.",
    "这是什么",
    "\x00\x01\x02\x1b[31m\x7f",
    None,
]

TOPIC_WORDS = {
    "delivery": "parcel courier delivery shipping tracking arrived address package driver late",
    "billing": "invoice payment charged card refund billing price receipt bank money",
    "account": "password login account email reset username locked verification profile signin",
}


def toy_texts(n_per: int = 40, seed: int = 0) -> tuple[list[str], list[str]]:
    """Documents drawn from three disjoint vocabularies plus shared filler words."""
    rng = random.Random(seed)
    filler = ["customer", "service", "today", "question", "problem", "hello", "thanks", "issue"]
    texts, labels = [], []
    for label, words in TOPIC_WORDS.items():
        vocab = words.split()
        for _ in range(n_per):
            body = rng.choices(vocab, k=12) + rng.choices(filler, k=3)
            rng.shuffle(body)
            texts.append(" ".join(body))
            labels.append(label)
    order = list(range(len(texts)))
    rng.shuffle(order)
    return [texts[i] for i in order], [labels[i] for i in order]


HAPPY = ["thanks, that is great", "perfect, thank you so much", "awesome, that worked", "lovely"]
UNHAPPY = ["this is useless", "I am really annoyed", "terrible, still not working", "ugh"]


def toy_conversation(i: int, satisfied: bool, rng: random.Random) -> Conversation:
    turns = [Turn("customer", "hello I have a question about my order", "greet", 0.9)]
    if satisfied:
        turns += [
            Turn("assistant", "Your order was shipped and is confirmed.", "order_status"),
            Turn("customer", rng.choice(HAPPY), "thank", 0.95),
        ]
        outcome, handoff, csat = "resolved", False, rng.choice([4, 5, 5])
    else:
        turns += [
            Turn("assistant", "Sorry, I did not understand.", "nlu_fallback"),
            Turn("customer", "where is my order", "order_status", 0.3),
            Turn("assistant", "Sorry, I did not understand.", "nlu_fallback"),
            Turn("customer", "where is my order", "order_status", 0.3),
            Turn("customer", rng.choice(UNHAPPY), "complain", 0.8),
        ]
        outcome, handoff, csat = rng.choice(["abandoned", "handoff"]), True, rng.choice([1, 2, 3])
    # Noise so the classes overlap a little, like real ratings do.
    if rng.random() < 0.1:
        csat = 6 - csat
    return Conversation(
        id=f"c{i}",
        turns=turns,
        customer_id=f"u{i % 7}",
        handoff=handoff,
        outcome=outcome,
        csat=csat,
        started_at=datetime(2026, 1, 1, tzinfo=timezone.utc) + timedelta(hours=i),
        labels={"task_success": csat >= 4, "rating": csat},
    )


@pytest.fixture
def conversations() -> list[Conversation]:
    rng = random.Random(1)
    return [toy_conversation(i, rng.random() < 0.5, rng) for i in range(120)]


@pytest.fixture
def bad_inputs() -> list[object]:
    return list(BAD_INPUTS)
