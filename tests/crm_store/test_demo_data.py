"""The demo data's word lists: the data file the builder draws from is complete and well-formed."""

from __future__ import annotations

from decimal import Decimal

from crm_store.demo_data import WORDS
from crm_store.normalize import normalize_postcode


def test_every_list_the_builder_reads_is_there_and_not_empty() -> None:
    for key in ("products", "first_names", "last_names", "streets", "cities", "carriers"):
        assert WORDS[key], key
    assert set(WORDS["ticket_templates"]) == {"delivery", "payment", "product", "account", "other"}


def test_prices_are_money_and_postcode_ranges_are_german_postcodes() -> None:
    for items in WORDS["products"].values():
        for name, price in items:
            assert name and Decimal(price) > 0
    for city in WORDS["cities"]:
        low, high = city["lowest_postcode"], city["highest_postcode"]
        assert low <= high
        assert normalize_postcode(f"{low:05d}") and normalize_postcode(f"{high:05d}")


def test_ticket_templates_fill_in_only_the_order_and_the_product() -> None:
    for templates in WORDS["ticket_templates"].values():
        for ticket_type, subject, description in templates:
            assert ticket_type in {"problem", "question", "complaint", "refund", "return"}
            filled = (subject + description).format(order="KF-500001", product="Kettle")
            assert "{" not in filled
