"""Customer services: identity verification and contact-detail changes.

Like every service here, these work inside the caller's transaction (see crm_store.services):
they flush, never commit.
"""

from __future__ import annotations

import re

from rapidfuzz.distance import OSA
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from crm_store.errors import EmailUnavailable, InvalidValue, NotFound
from crm_store.models import Customer, Order
from crm_store.normalize import (
    normalize_email,
    normalize_order_number,
    normalize_phone,
    normalize_postcode,
    parse_contact,
    phone_regions,
)
from crm_store.services._common import customer_view
from crm_store.views import CustomerView

_ORDER_IN_TEXT = re.compile(r"(?<![\w-])(?:kf[\s-]?)?(\d{6})(?!\d)", re.IGNORECASE)
_POSTCODE_IN_TEXT = re.compile(r"(?<![\w-])(\d{5})(?!\d)")
_ADDRESS_POSTCODE = re.compile(r"(?<!\d)(\d{5})(?!\d)")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

MAX_STREET_CHARS = 200
MAX_CITY_CHARS = 100


def as_customer_id(customer_id: int | str) -> int:
    # Actions keep the id in a text slot; accept "42" as well as 42.
    try:
        return int(customer_id)
    except (TypeError, ValueError):
        raise NotFound(f"No customer {customer_id!r}.") from None


async def load_customer(
    session: AsyncSession, customer_id: int | str, for_update: bool = False
) -> Customer:
    """The customer row, locked for update when asked (a no-op on SQLite); NotFound if absent."""
    statement = select(Customer).where(Customer.id == as_customer_id(customer_id))
    if for_update:
        statement = statement.with_for_update()
    customer = await session.scalar(statement)
    if customer is None:
        raise NotFound(f"No customer {customer_id!r}.")
    return customer


def _fact_candidates(fact: str) -> tuple[set[str], set[str]]:
    """(order numbers, postcodes) the verification fact may stand for."""
    if not isinstance(fact, str):
        return set(), set()
    order_number = normalize_order_number(fact)
    if order_number:
        return {order_number}, set()
    postcode = normalize_postcode(fact)
    if postcode:
        return set(), {postcode}
    orders = {f"KF-{match}" for match in _ORDER_IN_TEXT.findall(fact)}
    postcodes = set(_POSTCODE_IN_TEXT.findall(fact))
    return orders, postcodes


async def verify_identity(session: AsyncSession, contact: str, fact: str) -> CustomerView | None:
    """The customer whose contact and fact both match, else None (never says which part failed).

    `contact` is an email, phone or customer number in any form parse_contact() accepts
    without a region (a phone number the caller has read in its region is in E.164);
    `fact` is one of that customer's order numbers or their postcode.
    """
    parsed = parse_contact(contact)
    if parsed is None:
        return None
    kind, value = parsed
    column = {
        "email": Customer.email,
        "phone": Customer.phone,
        "customer_number": Customer.customer_number,
    }[kind]
    # A phone number may be shared (a household); the fact decides between them.
    candidates = (
        await session.scalars(
            select(Customer)
            .where(column == value, Customer.erased_at.is_(None))
            .order_by(Customer.id)
        )
    ).all()
    if not candidates:
        return await _with_a_slip_in_the_email(session, kind, value, fact)
    order_numbers, postcodes = _fact_candidates(fact)
    for customer in candidates:
        if customer.postcode and customer.postcode in postcodes:
            return customer_view(customer)
    if order_numbers:
        owner = await session.scalar(
            select(Order.customer_id).where(
                Order.order_number.in_(order_numbers),
                Order.customer_id.in_([customer.id for customer in candidates]),
            )
        )
        for customer in candidates:
            if customer.id == owner:
                return customer_view(customer)
    return None


# Typing slips an email may have and still be the customer's ("anna.schmidt@exmaple.com": one,
# two letters swapped), counted as edits (insert, delete, replace, swap neighbours).
EMAIL_SLIPS = 2


async def _with_a_slip_in_the_email(
    session: AsyncSession, kind: str, email: str, fact: str
) -> CustomerView | None:
    """The one customer the fact names whose email is `email` but for a slip or two.

    Only among the customers the fact (their postcode or an order number) matches exactly: a
    slip in the contact widens nothing beyond them, and whoever types the slip still has to know
    the fact, as with the exact email.
    """
    order_numbers, postcodes = _fact_candidates(fact)
    if kind != "email" or not (order_numbers or postcodes):
        return None
    owners = select(Order.customer_id).where(Order.order_number.in_(order_numbers))
    rows = await session.execute(
        select(Customer.id, Customer.email).where(
            or_(Customer.postcode.in_(postcodes), Customer.id.in_(owners)),
            Customer.erased_at.is_(None),
        )
    )
    near = [
        customer_id
        for customer_id, known in rows
        if known and OSA.distance(known.lower(), email, score_cutoff=EMAIL_SLIPS) <= EMAIL_SLIPS
    ]
    return await get_customer(session, near[0]) if len(near) == 1 else None


async def get_customer(session: AsyncSession, customer_id: int) -> CustomerView:
    return customer_view(await load_customer(session, customer_id))


async def update_email(session: AsyncSession, customer_id: int, new_email: str) -> CustomerView:
    email = normalize_email(new_email)
    if email is None:
        raise InvalidValue("email", "That is not a valid email address.")
    customer = await load_customer(session, customer_id, for_update=True)
    if customer.email == email:
        return customer_view(customer)
    taken = await session.scalar(select(Customer.id).where(Customer.email == email))
    if taken is not None:
        raise EmailUnavailable("That email address belongs to another customer.")
    customer.email = email
    try:
        await session.flush()
    except IntegrityError:
        # Someone took the address between our check and our write; the unique index decided.
        raise EmailUnavailable("That email address belongs to another customer.") from None
    return customer_view(customer)


async def read_phone(
    session: AsyncSession, customer_id: int, text: str, language: str | None = None
) -> str | None:
    """The customer's new phone number in E.164, or None when `text` is not one we can use.

    A number without its country code is read where phone_regions() says: the customer's
    country, then the region of the conversation's `language`. Without a language (a caller
    outside a conversation) only international numbers are taken.
    """
    customer = await load_customer(session, customer_id)
    return _phone_of(customer, text, language)


async def update_phone(
    session: AsyncSession, customer_id: int, new_phone: str, language: str | None = None
) -> CustomerView:
    """Saves the new phone number, read as read_phone() reads it; InvalidValue if it is none."""
    customer = await load_customer(session, customer_id, for_update=True)
    phone = _phone_of(customer, new_phone, language)
    if phone is None:
        raise InvalidValue("phone", "That is not a phone number we can use, like +49 30 1234567.")
    customer.phone = phone
    await session.flush()
    return customer_view(customer)


def _phone_of(customer: Customer, text: str, language: str | None) -> str | None:
    regions = phone_regions(customer.country, language) if language else ()
    return normalize_phone(text, regions)


def parse_address(address_line: str) -> tuple[str, str, str]:
    """ "Hauptstraße 5, 10115 Berlin" -> (street, postcode, city); InvalidValue if it is not one."""
    if not isinstance(address_line, str) or _CONTROL.search(address_line.strip()):
        raise InvalidValue("address", "Please write the address on one line.")
    line = " ".join(address_line.split())
    matches = list(_ADDRESS_POSTCODE.finditer(line))
    if not matches:
        raise InvalidValue("address", "I couldn't find a five-digit postcode in that address.")
    # The last five-digit number is the postcode: house numbers come before it.
    match = matches[-1]
    street = line[: match.start()].strip(" ,;")
    city = line[match.end() :].strip(" ,;.")
    if not street or not re.search(r"[^\W\d_]", street):
        raise InvalidValue("address", "The street is missing (like: Hauptstraße 5, 10115 Berlin).")
    if not city or not re.search(r"[^\W\d_]", city):
        raise InvalidValue("address", "The city is missing (like: Hauptstraße 5, 10115 Berlin).")
    if len(street) > MAX_STREET_CHARS or len(city) > MAX_CITY_CHARS:
        raise InvalidValue("address", "That address is too long.")
    return street, match.group(1), city


async def update_address(
    session: AsyncSession, customer_id: int, address_line: str
) -> CustomerView:
    street, postcode, city = parse_address(address_line)
    customer = await load_customer(session, customer_id, for_update=True)
    customer.street, customer.postcode, customer.city = street, postcode, city
    await session.flush()
    return customer_view(customer)
