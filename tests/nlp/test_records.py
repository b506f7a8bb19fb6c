"""Record parsing from the JSONL shapes, including sloppy input."""

from __future__ import annotations

from pathlib import Path

import pytest

from nlp.records import (
    conversation_from_dict,
    load_conversations,
    load_records,
    order_from_dict,
    to_jsonable,
)


def test_conversation_from_dict_tolerates_odd_fields() -> None:
    c = conversation_from_dict(
        {
            "id": 7,
            "turns": [
                {"speaker": "robot", "text": None},
                {"speaker": "assistant", "text": "hi", "confidence": "x"},
            ],
            "outcome": "exploded",
            "csat": 4.0,
        }
    )
    assert c.id == "7" and c.turns[0].speaker == "customer" and c.turns[0].text == ""
    assert c.turns[1].confidence is None and c.outcome == "unknown" and c.csat == 4
    assert c.text() == "hi" and c.customer_text() == ""


def test_order_dates_are_utc_and_amount_defaults_to_items() -> None:
    o = order_from_dict(
        {
            "id": 1,
            "customer_id": 2,
            "created_at": "2026-01-02T03:04:05",
            "items": [{"product_id": "a", "quantity": 2, "price": 2.5}],
        }
    )
    assert o.amount == 5.0 and o.created_at.tzinfo is not None
    assert to_jsonable(o)["created_at"].startswith("2026-01-02T03:04:05")


def test_bad_jsonl_line_names_its_line(tmp_path: Path) -> None:
    f = tmp_path / "c.jsonl"
    f.write_text('{"id": "a", "turns": []}\n\nnot json\n')
    with pytest.raises(ValueError, match=r"c\.jsonl:3"):
        load_conversations(f)
    with pytest.raises(ValueError, match="unknown record kind"):
        load_records({"invoices": f})
