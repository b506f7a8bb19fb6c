"""Customer services: identity verification and contact changes, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from crm_store.errors import EmailUnavailable, InvalidValue, NotFound
from crm_store.models import Customer
from crm_store.services.customers import (
    get_customer,
    parse_address,
    read_phone,
    update_address,
    update_email,
    update_phone,
    verify_identity,
)
from tests.databases import Sessions


async def verify(seeded: Sessions, contact: str, fact: str) -> str | None:
    async with seeded() as session, session.begin():
        customer = await verify_identity(session, contact, fact)
    return customer.customer_number if customer else None


@pytest.mark.parametrize(
    ("contact", "fact"),
    [
        ("anna.schmidt@example.com", "10115"),
        ("Anna.Schmidt@Example.COM ", "KF-500001"),
        ("+49 30 1234567", "kf500003"),
        ("0049 30 1234567", "500002"),
        ("c10001", "10115"),
        ("it's anna.schmidt@example.com", "my postcode is 10115"),
    ],
)
async def test_verify_identity_accepts_every_form_of_contact_and_fact(
    seeded: Sessions, contact: str, fact: str
) -> None:
    assert await verify(seeded, contact, fact) == "C10001"


@pytest.mark.parametrize(
    ("contact", "fact"),
    [
        ("anna.schmidt@example.com", "20095"),  # Ben's postcode
        ("anna.schmidt@example.com", "KF-500004"),  # Ben's order
        ("anna.schmidt@example.com", "KF-999999"),  # nobody's order
        ("nobody@example.com", "10115"),  # unknown customer
        ("C99999", "10115"),
        ("not a contact", "10115"),
        ("anna.schmidt@example.com", ""),
        ("'; DROP TABLE customers; --", "10115"),
        ("anna.schmidt@example.com", "' OR '1'='1"),
    ],
)
async def test_verify_identity_says_none_when_anything_does_not_match(
    seeded: Sessions, contact: str, fact: str
) -> None:
    assert await verify(seeded, contact, fact) is None


@pytest.mark.parametrize(
    ("contact", "fact"),
    [
        ("anna.schmidt@exmaple.com", "10115"),  # two letters swapped
        ("anna.schmdit@example.com", "KF-500002"),
        ("ana.schmidt@example.co", "10115"),  # two slips
        ("Anna.Schmidt@Examle.com", "kf500003"),
    ],
)
async def test_an_email_with_a_slip_or_two_is_the_customer_the_fact_names(
    seeded: Sessions, contact: str, fact: str
) -> None:
    assert await verify(seeded, contact, fact) == "C10001"


@pytest.mark.parametrize(
    ("contact", "fact"),
    [
        ("anna.schmidt@exmaple.com", "20095"),  # Ben's postcode
        ("anna.schmidt@exmaple.com", "KF-500004"),  # Ben's order
        ("ana.schmidt@example.co", "KF-999999"),  # nobody's order
        ("an.schmidt@exampl.co", "10115"),  # three slips
        ("ben.okafor@exmaple.com", "10115"),  # Anna's postcode, Ben's email
    ],
)
async def test_an_email_with_a_slip_finds_nobody_without_the_fact(
    seeded: Sessions, contact: str, fact: str
) -> None:
    assert await verify(seeded, contact, fact) is None


async def test_verify_identity_returns_the_customer_view(seeded: Sessions) -> None:
    async with seeded() as session, session.begin():
        view = await verify_identity(session, "ben.okafor@example.com", "KF-500005")
    assert view is not None
    assert (view.first_name, view.last_name, view.phone) == ("Ben", "Okafor", "+442079460018")
    assert (view.postcode, view.city) == ("20095", "Hamburg")


async def test_get_customer_and_unknown_customer(seeded: Sessions) -> None:
    async with seeded() as session, session.begin():
        chloe = await get_customer(session, 3)
        assert (chloe.first_name, chloe.email) == ("Chloé", "chloe.martin@example.com")
        with pytest.raises(NotFound):
            await get_customer(session, 999_999)
        with pytest.raises(NotFound):
            await get_customer(session, "not-an-id")  # type: ignore[arg-type]


async def test_update_email_normalizes_and_is_found_by_it(seeded: Sessions) -> None:
    async with seeded() as session, session.begin():
        view = await update_email(session, 1, "  Anna.New@Example.org ")
    assert view.email == "anna.new@example.org"
    assert await verify(seeded, "anna.new@example.org", "10115") == "C10001"
    assert await verify(seeded, "anna.schmidt@example.com", "10115") is None


@pytest.mark.parametrize(
    "bad", ["anna", "anna@", "@example.com", "a b@example.com", "", "<script>"]
)
async def test_update_email_refuses_malformed_addresses(seeded: Sessions, bad: str) -> None:
    async with seeded() as session, session.begin():
        with pytest.raises(InvalidValue) as raised:
            await update_email(session, 1, bad)
    assert raised.value.field == "email"
    async with seeded() as session:
        assert (await get_customer(session, 1)).email == "anna.schmidt@example.com"


async def test_update_email_refuses_another_customers_address(seeded: Sessions) -> None:
    with pytest.raises(EmailUnavailable):
        async with seeded() as session, session.begin():
            await update_email(session, 1, "ben.okafor@example.com")
    async with seeded() as session:
        assert (await get_customer(session, 1)).email == "anna.schmidt@example.com"


async def test_update_email_to_the_same_address_is_a_no_op(seeded: Sessions) -> None:
    async with seeded() as session, session.begin():
        view = await update_email(session, 1, "ANNA.SCHMIDT@example.com")
    assert view.email == "anna.schmidt@example.com"


async def test_update_phone(seeded: Sessions) -> None:
    async with seeded() as session, session.begin():
        view = await update_phone(session, 2, "+44 (0)20 7946 0999")
    assert view.phone == "+442079460999"
    assert await verify(seeded, "+44 20 7946 0999", "20095") == "C10002"


@pytest.mark.parametrize("bad", ["030 1234567", "12", "+49 30 12a4567", "call me", ""])
async def test_update_phone_refuses_malformed_numbers(seeded: Sessions, bad: str) -> None:
    async with seeded() as session, session.begin():
        with pytest.raises(InvalidValue):
            await update_phone(session, 2, bad)


async def test_update_phone_reads_a_national_number_where_the_customer_lives(
    seeded: Sessions,
) -> None:
    # Ben lives in Germany (country DE): his German mobile without +49 is his.
    async with seeded() as session, session.begin():
        view = await update_phone(session, 2, "0171 2345678", "en")
    assert view.phone == "+491712345678"
    assert await verify(seeded, "+49 171 2345678", "20095") == "C10002"


@pytest.mark.parametrize(
    ("country", "text", "language", "expected"),
    [
        ("DE", "0171 2345678", "zh", "+491712345678"),  # the customer's country first
        ("DE", "13800138000", "zh", "+8613800138000"),  # then the language's region
        ("DE", "13800138000", "de", None),  # no such number in Germany
        ("CN", "13800138000", "en", "+8613800138000"),  # a customer in China, in English
        (None, "0171 2345678", "de", "+491712345678"),  # country unknown: the language's
        (None, "0171 2345678", "zh", None),
        ("DE", "0171 2345678", None, None),  # outside a conversation: international only
        ("DE", "+44 20 7946 0999", None, "+442079460999"),
        ("DE", "0171 234", "de", None),
    ],
)
async def test_read_phone_regions(
    seeded: Sessions, country: str | None, text: str, language: str | None, expected: str | None
) -> None:
    async with seeded() as session, session.begin():
        chloe = await session.get(Customer, 3)
        assert chloe is not None
        chloe.country = country
        await session.flush()
        assert await read_phone(session, 3, text, language) == expected


async def test_update_address_parses_street_postcode_and_city(seeded: Sessions) -> None:
    async with seeded() as session, session.begin():
        view = await update_address(session, 1, "Torstraße 140, 10119 Berlin")
    assert (view.street, view.postcode, view.city) == ("Torstraße 140", "10119", "Berlin")
    assert await verify(seeded, "C10001", "10119") == "C10001"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Hauptstraße 5, 10115 Berlin", ("Hauptstraße 5", "10115", "Berlin")),
        ("Am Markt 1 80331 München.", ("Am Markt 1", "80331", "München")),
        ("  Industriestr. 12345 ,  20095   Hamburg ", ("Industriestr. 12345", "20095", "Hamburg")),
    ],
)
def test_parse_address(line: str, expected: tuple[str, str, str]) -> None:
    assert parse_address(line) == expected


@pytest.mark.parametrize(
    "line", ["Hauptstraße 5 Berlin", "10115 Berlin", "Hauptstraße 5, 10115", "", "a\x00b 10115 c"]
)
async def test_update_address_refuses_what_is_not_an_address(seeded: Sessions, line: str) -> None:
    async with seeded() as session, session.begin():
        with pytest.raises(InvalidValue) as raised:
            await update_address(session, 1, line)
    assert raised.value.field == "address"


async def test_hostile_text_is_stored_verbatim_and_harmless(seeded: Sessions) -> None:
    street = "Robert'); DROP TABLE customers; -- <script>alert(1)</script>"
    async with seeded() as session, session.begin():
        await update_address(session, 1, f"{street}, 10115 Berlin")
    async with seeded() as session:
        stored = await session.scalar(select(Customer.street).where(Customer.id == 1))
        count = len((await session.scalars(select(Customer.id))).all())
    assert stored == street
    assert count == 500
