"""The SVM intent model's pure parts: text normalisation and the calibrated confidences."""

from __future__ import annotations

import math

import numpy as np

from bot.svm_model import confidences, falls_back, normalise

# A clear winner, a near tie, and a message every intent scores low (under the reject score).
SCORES = np.array([[1.0, -1.0, -1.0], [0.2, 0.199, -1.0], [-0.9, -1.0, -1.1]])


def test_normalise_folds_case_quotes_controls_and_length() -> None:
    assert normalise("WHERE\u2019S  my\x00ORDER\n", 100) == "where's my order"
    assert normalise("ａｂｃ", 100) == "abc"  # NFKC
    assert normalise("x" * 50, 10) == "x" * 10
    assert normalise("", 10) == ""


def test_calibration_rejects_what_no_intent_scores_well() -> None:
    plain = confidences(SCORES, 40.0, None)
    rejecting = confidences(SCORES, 40.0, -0.7)
    for row in plain:
        assert math.isclose(sum(row), 1.0, rel_tol=1e-9)
    for plain_row, rejecting_row in zip(plain, rejecting, strict=True):
        # The "none of these" column only takes mass away, and keeps the order of intents.
        assert sum(rejecting_row) <= sum(plain_row) + 1e-12
        assert list(np.argsort(-plain_row)) == list(np.argsort(-rejecting_row))
    # Clear winner: no fallback either way; near tie: the ambiguity rule fires either way;
    # every score low: only the rejecting confidence lets the fallback fire.
    assert falls_back(plain, 0.5, 0.1).tolist() == [False, True, False]
    assert falls_back(rejecting, 0.5, 0.1).tolist() == [False, True, True]
    assert sum(rejecting[2]) < 0.5
