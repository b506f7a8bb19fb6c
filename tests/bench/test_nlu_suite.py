"""The NLU table lands in its own marked section of bench/README.md, leaving others alone."""

from __future__ import annotations

from pathlib import Path

from bench.nlu.suite import BEGIN, END, table, write_readme


def test_write_readme_replaces_only_its_section(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("# Benchmarks\n\n## NLP on STAR\n\nkeep me\n")
    write_readme("first table", readme)
    write_readme("second table", readme)
    text = readme.read_text()
    assert "keep me" in text and "first table" not in text
    assert text.count(BEGIN) == 1 and text.count(END) == 1
    assert f"{BEGIN}\nsecond table\n{END}" in text


def test_table_has_a_row_per_run_and_the_published_figures() -> None:
    row = {
        "accuracy": 91.0,
        "macro_f1": 0.9,
        "closed_accuracy": 91.0,
        "in_scope_accuracy": 91.0,
        "oos_recall": None,
        "train_seconds": 3.0,
        "parse_ms_p50": 1.0,
        "parse_ms_p95": 2.0,
        "n_train": 10,
        "n_intents": 2,
    }
    rendered = table({"banking77": {"kefu": row}, "hwu64": {"kefu": row}})
    assert rendered.count("| kefu |") == 2
    assert "BERT-large, fine-tuned (published) | 93.66" in rendered
    assert "recorded 2026-11-22" in rendered
