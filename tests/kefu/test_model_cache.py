"""The model cache retrains exactly when a training input changes."""

from __future__ import annotations

import shutil
from pathlib import Path

from bot.dictionary_de import DING_PATH
from kefu.model_cache import (
    EXTERNAL_TRAINING_INPUTS,
    PACKAGE_INPUTS,
    TRAINING_INPUTS,
    model_path,
    training_fingerprint,
)
from kefu.paths import REPO_ROOT


def copy_inputs(target: Path) -> None:
    for name in TRAINING_INPUTS:
        source = REPO_ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("__pycache__"))
        elif source.exists():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(source, target / name)


def test_fingerprint_is_stable_and_follows_content(tmp_path: Path) -> None:
    copy_inputs(tmp_path)
    first = training_fingerprint(tmp_path)
    assert training_fingerprint(tmp_path) == first

    nlu = tmp_path / "data" / "nlu.yml"
    nlu.write_text(nlu.read_text() + "\n# a comment changes the data file\n")
    changed = training_fingerprint(tmp_path)
    assert changed != first

    nlu.write_text(nlu.read_text().removesuffix("\n# a comment changes the data file\n"))
    assert training_fingerprint(tmp_path) == first


def test_config_components_and_encoder_weights_are_inputs(tmp_path: Path) -> None:
    copy_inputs(tmp_path)
    before = training_fingerprint(tmp_path)
    (tmp_path / "config.yml").write_text((tmp_path / "config.yml").read_text() + "\n")
    after_config = training_fingerprint(tmp_path)
    assert after_config != before
    (tmp_path / "bot" / "guard.py").write_text("# changed\n")
    after_component = training_fingerprint(tmp_path)
    assert after_component != after_config
    weights = tmp_path / "requirements" / "weights.txt"
    weights.write_text(weights.read_text().replace("sha256:b", "sha256:c"))
    assert training_fingerprint(tmp_path) != after_component


def test_installed_dictionaries_are_inputs(tmp_path: Path) -> None:
    copy_inputs(tmp_path)
    without = training_fingerprint(tmp_path)
    site_packages = tmp_path / ".venv-rasa" / "lib" / "python3.10" / "site-packages"
    dictionary = site_packages / next(n for n in PACKAGE_INPUTS if "cedict" in n)
    dictionary.parent.mkdir(parents=True)
    dictionary.write_bytes(b"one edition")
    first = training_fingerprint(tmp_path)
    assert first != without
    dictionary.write_bytes(b"another edition")
    assert training_fingerprint(tmp_path) != first


def test_model_path_names_the_fingerprint(tmp_path: Path) -> None:
    assert model_path("abc123", tmp_path) == tmp_path / "kefu-abc123.tar.gz"


def test_an_external_data_file_is_an_input_present_or_not(tmp_path: Path) -> None:
    copy_inputs(tmp_path)
    dictionary = tmp_path / "outside" / "de-en"
    absent = training_fingerprint(tmp_path, (dictionary,))
    dictionary.parent.mkdir()
    dictionary.write_text("Paket {n} :: parcel\n", encoding="utf-8")
    installed = training_fingerprint(tmp_path, (dictionary,))
    assert installed != absent
    dictionary.write_text("Paket {n} :: package\n", encoding="utf-8")
    assert training_fingerprint(tmp_path, (dictionary,)) not in (absent, installed)


def test_the_bots_german_dictionary_is_an_external_input() -> None:
    # kefu may not import bot (tests/test_layout.py): the path is written twice, checked here.
    assert DING_PATH in EXTERNAL_TRAINING_INPUTS
