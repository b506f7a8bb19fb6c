"""Chinese messages: scored without the English sentence encoder's view, by their own n-grams."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from bot.script_views import ScriptNgrams, ngram_share, unreadable_by_encoder
from bot.svm_model import new_vectorizer, vectorizer_meta


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


def test_chinese_texts_get_their_own_character_ngrams_and_others_keep_theirs() -> None:
    analyze = ScriptNgrams("char", (2, 3), (1, 2))
    assert analyze("退货") == ["退", "货", "退货"]
    assert analyze("abc") == ["ab", "bc", "abc"]
    with pytest.raises(ValueError):
        ScriptNgrams("word", (1, 2), (1, 1))


def test_a_saved_script_aware_vectorizer_is_rebuilt_alike(tmp_path: Path) -> None:
    spec = {"analyzer": "char_wb", "ngram_range": [2, 4], "han_ngram_range": [1, 3]}
    fitted = new_vectorizer(spec, True).fit(["我要退货", "cancel my order", "取消订单"])
    meta = vectorizer_meta(fitted)
    assert meta["analyzer"] == "char_wb" and meta["han_ngram_range"] == [1, 3]
    json.dumps(meta)  # plain JSON, nothing pickled
    rebuilt = new_vectorizer(meta, meta["sublinear_tf"])
    rebuilt.vocabulary_, rebuilt.idf_ = meta["vocabulary"], fitted.idf_
    texts = ["退货 please", "my order"]
    assert np.allclose(rebuilt.transform(texts).toarray(), fitted.transform(texts).toarray())
    assert "退" in meta["vocabulary"] and "c" not in meta["vocabulary"]
