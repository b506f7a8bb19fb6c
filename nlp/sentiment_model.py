"""The shipped sentiment model: the seed lexicon plus MiniLM similarity to anchor sentences.

Nothing is trained and no weights are shipped beyond the shared encoder: a message's score is
the lexicon's valence blended with how much closer its embedding sits to the project-authored
positive anchors below than to the negative ones. Without the encoder it is the lexicon alone.
A conversation's score is the mean of its customer turns' scores.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np

from nlp.embeddings import Embedder, get_embedder
from nlp.sentiment import SentimentModel, lexicon_score

# Project-authored anchors (no third-party text): what content and discontent sound like.
POSITIVE_ANCHORS = (
    "Thank you so much, that was really helpful.",
    "Great, that is exactly what I wanted.",
    "Perfect, I love it, thanks!",
    "That sounds wonderful, I will definitely try it.",
    "Awesome, you solved my problem quickly.",
    "I am very happy with this, good job.",
    "That's a great suggestion, I really enjoyed that one.",
    "Yes, that works for me, thanks a lot.",
    "Excellent service, I appreciate your help.",
    "Oh nice, I have heard good things about it.",
)
NEGATIVE_ANCHORS = (
    "This is useless, you are not helping at all.",
    "No, that is not what I asked for.",
    "I am really annoyed, this still does not work.",
    "Terrible service, I want to speak to a human.",
    "You keep asking the same thing, this is frustrating.",
    "I don't like that, it sounds boring.",
    "That's wrong, you misunderstood me again.",
    "I hate this, it was a waste of my time.",
    "Forget it, never mind.",
    "I already told you that, why don't you listen?",
)
# How much of a turn's score the anchors carry when the encoder is there.
ANCHOR_WEIGHT = 0.6
# cos(positive) - cos(negative) rarely exceeds 0.3; this spreads it over (-1, 1).
ANCHOR_GAIN = 6.0


def lexicon_conversation_score(turns: Sequence[str]) -> float:
    """The baseline: mean lexicon valence of the customer's turns (0.0 without turns)."""
    return float(np.mean([lexicon_score(t) for t in turns])) if turns else 0.0


@dataclass
class AnchorSentiment:
    """Lexicon blended with anchor similarity; `score()` takes one message, in [-1, 1]."""

    embedder: Embedder
    lexicon_model: SentimentModel
    direction: np.ndarray | None = None  # mean positive anchor - mean negative anchor

    @classmethod
    def build(cls, embedder: Embedder | None = None) -> AnchorSentiment:
        embedder = embedder or get_embedder()
        direction = None
        pos = embedder.encode(POSITIVE_ANCHORS)
        neg = embedder.encode(NEGATIVE_ANCHORS)
        if pos is not None and neg is not None:
            direction = pos.mean(axis=0) - neg.mean(axis=0)
        return cls(embedder, SentimentModel(), direction)

    def score_many(self, texts: Sequence[Any]) -> list[float]:
        lex = [self.lexicon_model.score(t) for t in texts]
        if self.direction is None or not texts:
            return lex
        vectors = self.embedder.encode(texts)
        assert vectors is not None
        anchor = np.tanh(ANCHOR_GAIN * (vectors @ self.direction))
        empty = ~vectors.any(axis=1)
        anchor[empty] = 0.0
        return [
            float(ANCHOR_WEIGHT * a + (1 - ANCHOR_WEIGHT) * s)
            for a, s in zip(anchor.tolist(), lex, strict=True)
        ]

    def score(self, text: Any) -> float:
        return self.score_many([text])[0]

    def conversation_score(self, turns: Sequence[str]) -> float:
        return float(np.mean(self.score_many(turns))) if turns else 0.0

    def conversation_scores(self, conversations: Sequence[Sequence[str]]) -> list[float]:
        """`conversation_score` of many conversations, their turns encoded in one batch."""
        flat = self.score_many([t for turns in conversations for t in turns])
        out, start = [], 0
        for turns in conversations:
            part = flat[start : start + len(turns)]
            start += len(turns)
            out.append(float(np.mean(part)) if part else 0.0)
        return out

    def describe(self) -> str:
        if self.direction is None:
            return "seed lexicon (no sentence encoder installed)"
        return f"lexicon + {self.embedder.name} anchor sentences (weight {ANCHOR_WEIGHT})"


@cache
def shipped() -> AnchorSentiment:
    """The process's sentiment model (built once: the anchors are encoded on first use)."""
    return AnchorSentiment.build()
