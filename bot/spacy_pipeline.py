"""Builds the spaCy pipeline Rasa's SpacyNLP loads: the project's own, no model download."""

import sys
from pathlib import Path

import spacy

PIPELINE_NAME = "kefu_en"


def build(target: Path) -> None:
    """Write a blank English pipeline (tokenizer and its rules) to `target`.

    spaCy's rule-based English tokenizer already keeps emails, URLs and order numbers such as
    "KF-500001" as single tokens, which is what Rasa's featurizers and regexes need here.
    """
    nlp = spacy.blank("en")
    nlp.meta["name"] = PIPELINE_NAME
    nlp.meta["description"] = "Kefu's tokenizer-only English pipeline, built locally."
    target.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(target)


if __name__ == "__main__":
    build(Path(sys.argv[1] if len(sys.argv) > 1 else f"var/spacy/{PIPELINE_NAME}"))
