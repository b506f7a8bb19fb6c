"""The project's own spaCy pipeline: built here, no download, and it keeps order numbers whole."""

from __future__ import annotations

from pathlib import Path

import spacy

from bot.spacy_pipeline import PIPELINE_NAME, build


def test_the_pipeline_builds_and_tokenises_kefu_ids_as_one_token(tmp_path: Path) -> None:
    build(tmp_path / PIPELINE_NAME)
    nlp = spacy.load(tmp_path / PIPELINE_NAME)
    assert nlp.meta["name"] == PIPELINE_NAME
    tokens = [t.text for t in nlp("Where is KF-500001? Mail anna.schmidt@example.com")]
    assert "KF-500001" in tokens and "anna.schmidt@example.com" in tokens
