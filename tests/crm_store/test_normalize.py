"""What customers type -> canonical CRM values, and None for everything else."""

from __future__ import annotations

import pytest

from crm_store.normalize import (
    likely_meant_email,
    normalize_customer_number,
    normalize_email,
    normalize_order_number,
    normalize_phone,
    normalize_postcode,
    normalize_ticket_number,
    parse_contact,
    phone_regions,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("anna.schmidt@example.com", "anna.schmidt@example.com"),
        ("  Anna.Schmidt@Example.COM ", "anna.schmidt@example.com"),
        ("<ben+shop@mail.example.co.uk>.", "ben+shop@mail.example.co.uk"),
        ("mailto:chloe@example.fr", "chloe@example.fr"),
        ("anna", None),
        ("anna@", None),
        ("@example.com", None),
        ("anna@example", None),
        ("an na@example.com", None),
        ("anna..schmidt@example.com", None),
        (".anna@example.com", None),
        ("anna@-example.com", None),
        ("'; DROP TABLE customers; --@example.com", None),
        ("<script>alert(1)</script>@example.com", None),
        ("a" * 65 + "@example.com", None),
        ("", None),
        (None, None),
    ],
)
def test_normalize_email(text: str | None, expected: str | None) -> None:
    assert normalize_email(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("+49 30 1234567", "+49301234567"),
        ("+49 (0)30 1234567", "+49301234567"),
        ("0049-30-1234567", "+49301234567"),
        ("+44 20 7946 0018", "+442079460018"),
        ("+33 1 4020 5000", "+33140205000"),
        ("+1 (555) 010-9999.", "+15550109999"),
        ("030 1234567", None),  # no country code
        ("+49 30", None),  # too short
        ("+1234567890123456", None),  # too long
        ("+49 30 12a4567", None),
        ("+0 30 1234567", None),
        ("call me", None),
        ("", None),
        (None, None),
    ],
)
def test_normalize_phone(text: str | None, expected: str | None) -> None:
    assert normalize_phone(text) == expected


@pytest.mark.parametrize(
    ("text", "region", "expected"),
    [
        ("0171 2345678", "DE", "+491712345678"),  # a German mobile, written as Germans do
        ("(030) 123 45-67", "DE", "+49301234567"),
        ("0171/2345678.", ["DE"], "+491712345678"),
        ("13800138000", "CN", "+8613800138000"),  # a Chinese mobile
        ("138 0013 8000", ("DE", "CN"), "+8613800138000"),  # not German: the next region's
        ("0171 2345678", ("DE", "CN"), "+491712345678"),  # the first region that fits wins
        ("0171 2345678", "CN", None),  # not a Chinese number
        ("13800138000", "DE", None),  # possible in Germany, but no such number there
        ("0171 234", "DE", None),  # too short
        ("10115", "DE", None),  # a postcode is no phone number
        ("0171 234567a", "DE", None),  # letters are not keypad digits here
        ("C10001", "DE", None),
        ("call me", "DE", None),
        ("0171 2345678", None, None),  # no region: whose number is it?
        ("0171 2345678", (), None),
        ("+49 30 1234567", "CN", "+49301234567"),  # a country code beats the region
        ("0049 30 1234567", "CN", "+49301234567"),
        ("+49 (0)30 1234567", "DE", "+49301234567"),
    ],
)
def test_normalize_phone_reads_national_numbers_in_a_region(
    text: str, region: object, expected: str | None
) -> None:
    assert normalize_phone(text, region) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("country", "language", "expected"),
    [
        ("DE", "zh", ("DE", "CN")),  # where the customer lives first, then their language's
        ("de", "de", ("DE",)),
        ("GB", None, ("GB",)),
        (None, "de", ("DE",)),
        (None, "zh", ("CN",)),
        (None, "en", ("DE",)),  # English is no country's: the shop's home
        ("XX", "fr", ()),  # neither a region libphonenumber knows nor a language we speak
        (None, None, ()),
    ],
)
def test_phone_regions(
    country: str | None, language: str | None, expected: tuple[str, ...]
) -> None:
    assert phone_regions(country, language) == expected


@pytest.mark.parametrize(
    ("normalize", "text", "expected"),
    [
        (normalize_customer_number, "C10001", "C10001"),
        (normalize_customer_number, "c10001", "C10001"),
        (normalize_customer_number, " C-10001. ", "C10001"),
        (normalize_customer_number, "C1000", None),
        (normalize_customer_number, "C100011", None),
        (normalize_customer_number, "10001", None),
        (normalize_order_number, "KF-500001", "KF-500001"),
        (normalize_order_number, "kf500001", "KF-500001"),
        (normalize_order_number, "kf 500001", "KF-500001"),
        (normalize_order_number, "500001", "KF-500001"),
        (normalize_order_number, "#500001", "KF-500001"),
        (normalize_order_number, "KF-50001", None),
        (normalize_order_number, "KF-5000011", None),
        (normalize_order_number, "XY-500001", None),
        (normalize_order_number, "' OR 1=1 --", None),
        (normalize_ticket_number, "T-10001", "T-10001"),
        (normalize_ticket_number, "t10001", "T-10001"),
        (normalize_ticket_number, "T 10001", "T-10001"),
        (normalize_ticket_number, "10001", None),
        (normalize_ticket_number, "T-1001", None),
        (normalize_postcode, "10115", "10115"),
        (normalize_postcode, " 10115.", "10115"),
        (normalize_postcode, "1011", None),
        (normalize_postcode, "101155", None),
        (normalize_postcode, "1O115", None),
    ],
)
def test_numbers(normalize: object, text: str, expected: str | None) -> None:
    assert normalize(text) == expected  # type: ignore[operator]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("anna.schmidt@example.com", ("email", "anna.schmidt@example.com")),
        # A comma for the domain's dot is read as the dot when looking a customer up.
        ("anna.schmidt@example,com", ("email", "anna.schmidt@example.com")),
        ("C10001", ("customer_number", "C10001")),
        ("+49 30 1234567", ("phone", "+49301234567")),
        ("it's Anna.Schmidt@example.com", ("email", "anna.schmidt@example.com")),
        ("my customer number is c10001", ("customer_number", "C10001")),
        ("you can call me on +49 30 1234567 thanks", ("phone", "+49301234567")),
        ("KF-500001", None),
        ("10115", None),
        ("hello", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_contact(text: str | None, expected: tuple[str, str] | None) -> None:
    assert parse_contact(text) == expected


@pytest.mark.parametrize(
    ("text", "region", "expected"),
    [
        ("0171 2345678", "DE", ("phone", "+491712345678")),
        ("meine Nummer ist 0171 2345678", "DE", ("phone", "+491712345678")),
        ("我的手机号是13800138000", "CN", ("phone", "+8613800138000")),
        ("0171 2345678", None, None),
        ("c10001", "DE", ("customer_number", "C10001")),
        # Order numbers and postcodes are not read as phone numbers, whatever the region.
        ("KF-500001", "DE", None),
        ("Bestellung 500001, PLZ 10115", "DE", None),
        ("10115", "DE", None),
    ],
)
def test_parse_contact_in_a_region(
    text: str, region: str | None, expected: tuple[str, str] | None
) -> None:
    assert parse_contact(text, region) == expected


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("anna@gmial.com", "anna@gmail.com"),
        ("anna@gmail.con", "anna@gmail.com"),
        ("anna@hotmial.de", "anna@hotmail.de"),
        ("x@t-onlien.de", "x@t-online.de"),
        ("x@gmx.dee", "x@gmx.de"),
        ("anna@gmail.com", None),  # right as it is
        ("x@yahoo.fr", None),  # a real address, not yahoo.de
        ("anna.schmidt@example.com", None),  # no mail provider's
        ("x@web.com", None),
        ("x@gmc.de", None),  # too short to guess: gmx.de or web.de?
    ],
)
def test_likely_meant_email(typed: str, meant: str | None) -> None:
    assert likely_meant_email(typed) == meant
