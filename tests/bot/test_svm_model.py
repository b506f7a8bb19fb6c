"""The SVM intent model's pure parts: text normalisation and the calibrated confidences."""

from __future__ import annotations

import math

import numpy as np

from bot.svm_model import confidences, falls_back, new_vectorizer, normalise

# A clear winner, a near tie, and a message every intent scores low (under the reject score).
SCORES = np.array([[1.0, -1.0, -1.0], [0.2, 0.199, -1.0], [-0.9, -1.0, -1.1]])


def test_normalise_folds_case_quotes_controls_and_length() -> None:
    assert normalise("WHERE\u2019S  my\x00ORDER\n", 100) == "where's my order"
    assert normalise("ａｂｃ", 100) == "abc"  # NFKC
    assert normalise("x" * 50, 10) == "x" * 10
    assert normalise("", 10) == ""


def test_normalise_reads_a_thumb_or_a_tick_as_its_word() -> None:
    assert normalise("👍", 100) == "yes"
    assert normalise("👍🏽👍", 100) == "yes yes"
    assert normalise("no 👎", 100) == "no no"
    assert normalise("ok ✅ 🙏", 100) == "ok yes thanks"
    assert normalise("where is my order?? 😡", 100) == "where is my order?? 😡"


def test_normalise_masks_language_free_entities_and_folds_umlauts() -> None:
    assert normalise("Wo ist KF-500002? Bin anna@example.com", 100) == (
        "wo ist xordernumberx ? bin xemailx"
    )
    assert normalise("订单KF-500007到哪了", 100) == "订单 xordernumberx 到哪了"
    assert normalise("Zurück, Straße", 100) == normalise("zurueck, strasse", 100)
    # Two order numbers look the same to the classifier: only "an order number" counts.
    assert normalise("track KF-500001", 100) == normalise("track kf500045", 100)


def test_word_tokens_split_chinese_into_characters() -> None:
    vectorizer = new_vectorizer({"analyzer": "word", "ngram_range": [1, 1]}, True)
    vectorizer.fit(["我要退货 please", "where is my order"])
    assert {"我", "要", "退", "货", "please", "order"} <= set(vectorizer.vocabulary_)
    assert "我要退货" not in vectorizer.vocabulary_


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
