"""Turn-level satisfaction: from one exchange (the bot's turn and the customer's reply) to the
rating the customer gave it, for data sets that rate every turn (uss_dev).

Ten times more examples than whole conversations: the satisfaction model turns a
conversation's predicted turn ratings (mean, recency-weighted, last, lowest, highest) into one
of its views. Only training reads `Turn.rating`; scoring reads the texts alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from nlp.embeddings import fit_tfidf
from nlp.records import Conversation
from nlp.satisfaction_features import recency_weighted
from nlp.sentiment import lexicon_score

# Fewer rated turns than this and the view is left out.
MIN_RATED_TURNS = 100
TURN_FEATURES = ("turn_mean", "turn_recent", "turn_last", "turn_min", "turn_max")


def exchanges(conv: Conversation) -> list[tuple[str, str, float | None]]:
    """(bot turn before, customer turn, its rating) for every customer turn."""
    before = ""
    out = []
    for t in conv.turns:
        text = t.text if isinstance(t.text, str) else ""
        if t.speaker == "customer":
            out.append((before, text, t.rating))
        else:
            before = text
    return out


@dataclass
class TurnRater:
    """TF-IDF of the customer's turn and of the bot turn it answers, plus lexicon valence."""

    customer: Any
    bot: Any
    ridge: Any

    def _x(self, rows: Sequence[tuple[str, str, float | None]]) -> Any:
        from scipy import sparse

        lex = np.array([[lexicon_score(c)] for _, c, _ in rows])
        return sparse.hstack(
            [self.customer.transform([c for _, c, _ in rows]),
             0.5 * self.bot.transform([b for b, _, _ in rows]), lex]
        ).tocsr()  # fmt: skip

    @classmethod
    def fit(cls, convs: Sequence[Conversation]) -> TurnRater | None:
        """None when the conversations carry fewer than MIN_RATED_TURNS rated turns."""
        from sklearn.linear_model import Ridge

        rows = [r for c in convs for r in exchanges(c) if r[2] is not None]
        if len(rows) < MIN_RATED_TURNS or len({r[2] for r in rows}) < 2:
            return None
        customer = fit_tfidf([c for _, c, _ in rows])
        bot = fit_tfidf([b for b, _, _ in rows])
        rater = cls(customer, bot, None)
        rater.ridge = Ridge(alpha=3.0).fit(rater._x(rows), [float(r[2]) for r in rows])  # type: ignore[arg-type]
        return rater

    def features(self, convs: Sequence[Conversation]) -> np.ndarray:
        """One row of TURN_FEATURES per conversation (the intercept where there is no turn)."""
        per_conv = [exchanges(c) for c in convs]
        flat = [r for rows in per_conv for r in rows]
        preds = self.ridge.predict(self._x(flat)) if flat else np.zeros(0)
        out = np.full((len(convs), len(TURN_FEATURES)), float(self.ridge.intercept_))
        start = 0
        for i, rows in enumerate(per_conv):
            p = preds[start : start + len(rows)].tolist()
            start += len(rows)
            if p:
                out[i] = [np.mean(p), recency_weighted(p), p[-1], min(p), max(p)]
        return out
