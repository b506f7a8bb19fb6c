"""Sentiment: polarity ordering, negation, bad inputs, the trained model and its artefact."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from nlp import artefacts, sentiment
from nlp.sentiment import SentimentModel, lexicon_score, sentiment_score


def test_positive_scores_above_negative() -> None:
    pos = sentiment_score("Thanks, that was really helpful!")
    neg = sentiment_score("This is terrible, my parcel never arrived")
    assert pos > 0.3 > -0.3 > neg


def test_negation_and_contrast() -> None:
    assert sentiment_score("not good") < 0 < sentiment_score("good")
    assert sentiment_score("not bad") > 0
    assert sentiment_score("fast delivery but the box was broken") < 0


def test_emoji_and_intensity() -> None:
    assert sentiment_score("😊") > 0 > sentiment_score("😡")
    assert sentiment_score("very good") > sentiment_score("good")


def test_bad_inputs_are_neutral_or_bounded(bad_inputs: list[object]) -> None:
    for text in bad_inputs:
        s = sentiment_score(text)
        assert isinstance(s, float) and -1.0 <= s <= 1.0
    assert sentiment_score("") == 0.0
    assert sentiment_score(None) == 0.0
    assert sentiment_score("这是什么") == 0.0
    assert sentiment_score("\x00\x01") == 0.0


@pytest.mark.parametrize(
    ("positive", "negative"),
    [
        ("Danke, das war sehr hilfreich!", "Ich bin total enttäuscht von eurem Service"),
        ("Alles super schnell, ich bin zufrieden", "Unverschämtheit! Schon wieder falsche Ware."),
        ("服务很好，谢谢", "这是什么破服务，等了一个星期了还没发货"),
        ("不错，很满意", "气死我了，太差了"),
    ],
)
def test_german_and_chinese_have_their_polarity(positive: str, negative: str) -> None:
    assert sentiment_score(positive) > 0.3 > -0.3 > sentiment_score(negative)


@pytest.mark.parametrize(
    "outraged",
    [
        "太过分了",
        "受够了！到底怎么回事？",
        "搞什么鬼，三天了还没发货",
        "岂有此理",
        "东西太烂了",
        "真糟糕",
    ],
)
def test_chinese_outrage_is_strongly_negative(outraged: str) -> None:
    # Strong enough for the bot's apology (actions/feelings.py, STRONGLY_NEGATIVE).
    assert sentiment_score(outraged) <= -0.65


def test_german_and_chinese_negation_spelling_and_neutral_words() -> None:
    assert sentiment_score("nicht gut") < 0 < sentiment_score("gut")
    assert sentiment_score("ich bin enttaeuscht") == sentiment_score("ich bin enttäuscht") < 0
    assert sentiment_score("schlechten Service") < 0  # an inflected form
    assert sentiment_score("不满意") < 0 < sentiment_score("满意")
    assert sentiment_score("不错") > 0  # "not wrong": read as one word, not as 不 + 错
    assert sentiment_score("你好，我的快递什么时候到") == 0.0  # 好 and 快 inside other words


def _toy_corpus(seed: int = 0) -> list[str]:
    # "splendid" and "dreadful" are not in the lexicon: the model has to learn them from
    # the lexicon words they keep company with.
    rng = random.Random(seed)
    pos = ["great", "thanks", "perfect", "happy", "awesome"]
    neg = ["terrible", "useless", "annoyed", "awful", "broken"]
    texts = []
    for _ in range(400):
        if rng.random() < 0.5:
            texts.append(f"{rng.choice(pos)} service, splendid {rng.choice(pos)}")
        else:
            texts.append(f"{rng.choice(neg)} service, dreadful {rng.choice(neg)}")
    return texts


def test_trained_model_learns_words_beyond_the_lexicon() -> None:
    assert lexicon_score("splendid") == 0.0 == lexicon_score("dreadful")
    model = sentiment.train(_toy_corpus(), seed=0)
    assert model.score("splendid") > 0 > model.score("dreadful")
    assert model.score("") == 0.0
    assert model.score("x" * 100_000) == pytest.approx(model.score("x" * 6_000))


def test_weak_labels_need_both_classes() -> None:
    with pytest.raises(ValueError, match="both positive and negative"):
        sentiment.train(["great"] * 30)


def test_save_load_round_trip_and_version_check(tmp_path: Path) -> None:
    model = sentiment.train(_toy_corpus(), seed=0)
    path = model.save(tmp_path, "digest", {"seed": 0})
    loaded = SentimentModel.load(tmp_path)
    assert loaded.score("splendid") == pytest.approx(model.score("splendid"))
    manifest = json.loads((path / "manifest.json").read_text())
    manifest["libraries"]["scikit-learn"] = "0.1.0"
    (path / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(artefacts.ModelVersionError, match=r"scikit-learn 0\.1\.0"):
        SentimentModel.load(tmp_path)
