"""Chinese messages are scored without the English sentence encoder's view."""

from __future__ import annotations

from bot.script_views import ngram_share, unreadable_by_encoder


def test_unreadable_by_encoder_marks_chinese_script_only() -> None:
    mask = unreadable_by_encoder(["where is my order", "我的订单到哪里了", "Wo ist KF-500002?"])
    assert mask.tolist() == [False, True, False]


def test_ngram_share_of_the_default_views() -> None:
    views = [
        {"analyzer": "word"},
        {"analyzer": "char_wb"},
        {"analyzer": "char"},
        {"encoder": "all-MiniLM-L6-v2", "weight": 3.0},
    ]
    assert ngram_share(views) == 0.5
    assert ngram_share([{"analyzer": "word"}]) == 1.0
