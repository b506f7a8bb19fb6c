"""What a conversation shows about its customer's satisfaction, as named numbers.

Signals that carry across domains: the per-turn sentiment trajectory (the last customer turns
weigh most), repeated requests, fallbacks and clarification questions, requests for a human,
length, and resolution markers on both sides. Every feature works on an empty conversation.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from nlp.records import Conversation, Turn
from nlp.sentiment import SentimentModel
from nlp.text import clean, content_tokens

FALLBACK_INTENTS = frozenset(
    {"nlu_fallback", "out_of_scope", "action_default_fallback", "utter_default", "fallback"}
)
LOW_CONFIDENCE = 0.5
# Half-life, in customer turns counted back from the last one, of a turn's weight.
RECENCY_HALF_LIFE = 2.0
_FAIL = re.compile(
    r"\b(sorry|unfortunately|unable|cannot|can't|couldn't|unavailable|not available|failed|"
    r"not possible|no longer|didn't work|error)\b|(unavailable|fail|error)",
    re.IGNORECASE,
)
_SUCCESS = re.compile(
    r"\b(success\w*|booked|confirmed|reserved|done|completed|resolved|submitted|scheduled|"
    r"refunded|shipped)\b|(success|succeeded|confirm)",
    re.IGNORECASE,
)
# The bot asking again: it did not understand, or needs the same thing said differently.
_CLARIFY = re.compile(
    r"\b(did you mean|do you mean|rephrase|say (that|it) again|could you clarify|not sure what|"
    r"didn't (get|understand)|don't understand|say a little more|tell me more|what do you mean)\b",
    re.IGNORECASE,
)
_HANDOFF = re.compile(
    r"\b(human|real person|agent|representative|operator|speak to (someone|a person)|manager|"
    r"talk to (someone|a person))\b",
    re.IGNORECASE,
)
_THANKS = re.compile(
    r"\b(thanks?|thank you|thx|great|perfect|awesome|that'?s all|that helps|appreciate)\b",
    re.IGNORECASE,
)
_NEGATIVE_END = re.compile(
    r"\b(no|not|never|useless|forget it|whatever|nevermind|never mind|don't|doesn't)\b",
    re.IGNORECASE,
)

FEATURES = (
    "customer_turns",
    "turns",
    "customer_words",
    "sent_mean",
    "sent_recent",
    "sent_last",
    "sent_min",
    "sent_slope",
    "neg_share",
    "pos_share",
    "fallbacks",
    "clarifications",
    "repeats",
    "handoff",
    "handoff_requests",
    "outcome_resolved",
    "outcome_abandoned",
    "low_confidence",
    "bot_failure_cues",
    "bot_success_cues",
    "customer_thanks",
    "end_thanks",
    "end_negative",
    "questions",
)


def repeats(texts: Sequence[str]) -> int:
    """Customer turns that mostly repeat an earlier one (Jaccard >= 0.6 of content words)."""
    seen: list[set[str]] = []
    n = 0
    for t in texts:
        words = set(content_tokens(clean(t)))
        if words and any(len(words & s) / len(words | s) >= 0.6 for s in seen):
            n += 1
        if words:
            seen.append(words)
    return n


def slope(values: Sequence[float]) -> float:
    if len(values) < 2:
        return 0.0
    return float(np.polyfit(np.arange(len(values), dtype=float), np.asarray(values), 1)[0])


def recency_weighted(values: Sequence[float]) -> float:
    """Mean with weights halving every RECENCY_HALF_LIFE turns back from the last turn."""
    if not values:
        return 0.0
    back = np.arange(len(values))[::-1]
    w = 0.5 ** (back / RECENCY_HALF_LIFE)
    return float(np.dot(w, values) / w.sum())


def _readable(turns: Sequence[Turn]) -> list[Turn]:
    """Turns with a string text (a None or a number from a bad record reads as "")."""
    return [t if isinstance(t.text, str) else replace(t, text="") for t in turns]


def _share(turns: Sequence[Turn], rx: re.Pattern[str]) -> float:
    hits = sum(1 for t in turns if rx.search(f"{t.text[:2000]} {t.intent or ''}"))
    return hits / max(len(turns), 1)


def _sentiment_features(sents: list[float]) -> dict[str, float]:
    values = sents or [0.0]
    return {
        "sent_mean": float(np.mean(values)),
        "sent_recent": recency_weighted(values),
        "sent_last": float(values[-1]),
        "sent_min": float(min(values)),
        "sent_slope": slope(values),
        "neg_share": sum(1 for s in values if s < -0.2) / len(values),
        "pos_share": sum(1 for s in values if s > 0.2) / len(values),
    }


def conversation_features(
    conv: Conversation, sentiment: SentimentModel | None = None
) -> dict[str, float]:
    """The hand-made inputs for one conversation, keyed like FEATURES."""
    model = sentiment or SentimentModel()
    turns = _readable(conv.turns)
    cust = [t for t in turns if t.speaker == "customer"]
    bots = [t for t in turns if t.speaker != "customer"]
    if conv.fallbacks is not None:
        fallbacks = float(conv.fallbacks)
    else:
        fallbacks = float(sum(1 for t in bots if (t.intent or "").lower() in FALLBACK_INTENTS))
    last = cust[-2:]
    words = sum(len(t.text.split()) for t in cust)
    return {
        "customer_turns": float(len(cust)),
        "turns": float(len(conv.turns)),
        "customer_words": float(np.log1p(words)),
        **_sentiment_features([model.score(t.text) for t in cust]),
        "fallbacks": fallbacks,
        "clarifications": float(sum(1 for t in bots if _CLARIFY.search(t.text[:2000]))),
        "repeats": float(repeats([t.text for t in cust])),
        "handoff": float(conv.handoff or conv.outcome == "handoff"),
        "handoff_requests": float(sum(1 for t in cust if _HANDOFF.search(t.text[:2000]))),
        "outcome_resolved": float(conv.outcome == "resolved"),
        "outcome_abandoned": float(conv.outcome == "abandoned"),
        "low_confidence": float(
            sum(1 for t in cust if t.confidence is not None and t.confidence < LOW_CONFIDENCE)
        ),
        "bot_failure_cues": _share(bots, _FAIL),
        "bot_success_cues": _share(bots, _SUCCESS),
        "customer_thanks": _share(cust, _THANKS),
        "end_thanks": _share(last, _THANKS),
        "end_negative": _share(last, _NEGATIVE_END),
        "questions": sum(1 for t in cust if "?" in t.text) / max(len(cust), 1),
    }


def matrix(rows: Sequence[dict[str, float]]) -> np.ndarray:
    return np.array([[r[f] for f in FEATURES] for r in rows], dtype=float).reshape(
        -1, len(FEATURES)
    )


def recent_customer_text(conv: Conversation, turns: int = 3) -> str:
    """The customer's last few turns: how a conversation ends says most about the rating."""
    return " ".join([t.text for t in _readable(conv.turns) if t.speaker == "customer"][-turns:])
