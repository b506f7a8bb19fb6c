"""Pure functions that turn what customers type into the CRM's canonical values (None = not one)."""

from __future__ import annotations

import re
from collections.abc import Iterable

import phonenumbers
from rapidfuzz import process
from rapidfuzz.distance import OSA

# What people wrap values in when they paste them: quotes and brackets, and a final full stop.
_WRAPPING = "\"'`<>()[]{}"
_TRAILING = ".,;:!?"

_EMAIL = re.compile(
    r"^(?P<local>[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*)"
    r"@(?P<domain>(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63})$"
)
_EMAIL_IN_TEXT = re.compile(r"[^\s<>()\[\]{},;:\"']+@[^\s<>()\[\]{},;:\"']+")
_PHONE_CHARS = re.compile(r"^\+?[\d\s./()-]+$")
_PHONE_IN_TEXT = re.compile(r"(?:\+|\b00)\d[\d\s./()-]{6,}\d")
# A national number inside a sentence: 8 to 15 digits, not glued to a letter or a "KF-"
# (not \w: Chinese characters are word characters, and "电话13800138000" holds one).
_NATIONAL_PHONE_IN_TEXT = re.compile(r"(?<![A-Za-z\d+-])\(?\d(?:[\s./()-]{0,2}\d){7,14}(?!\d)")
_CUSTOMER_NUMBER = re.compile(r"^c[\s-]?(\d{5})$", re.IGNORECASE)
_CUSTOMER_NUMBER_IN_TEXT = re.compile(r"\bc[\s-]?(\d{5})\b", re.IGNORECASE)
_ORDER_NUMBER = re.compile(r"^(?:#\s*)?(?:kf[\s-]?)?(\d{6})$", re.IGNORECASE)
_TICKET_NUMBER = re.compile(r"^(?:#\s*)?t[\s-]?(\d{5})$", re.IGNORECASE)
_POSTCODE = re.compile(r"^\d{5}$")

MAX_EMAIL_CHARS = 254


def _clean(text: str | None) -> str:
    if not isinstance(text, str):
        return ""
    return text.strip().rstrip(_TRAILING).strip().strip(_WRAPPING).strip()


def normalize_email(text: str | None) -> str | None:
    """Lower-cased email address, or None when `text` is not one (also "mailto:" links)."""
    value = _clean(text).lower()
    if value.startswith("mailto:"):
        value = value[len("mailto:") :]
    if len(value) > MAX_EMAIL_CHARS or not _EMAIL.match(value):
        return None
    local = value.split("@", 1)[0]
    return value if len(local) <= 64 else None


# Mail providers customers of a German shop (and its Chinese and English-speaking ones) use most;
# a domain a slip or two away from one of them is most likely a typing slip ("gmial.com").
COMMON_EMAIL_DOMAINS = (
    "gmail.com", "googlemail.com", "yahoo.com", "yahoo.de", "hotmail.com", "hotmail.de",
    "outlook.com", "outlook.de", "live.com", "live.de", "icloud.com",
    "mail.com", "email.com", "gmx.de", "gmx.net", "gmx.com", "web.de", "t-online.de",
    "freenet.de", "posteo.de", "mailbox.org", "proton.me", "protonmail.com", "ymail.com",
    "qq.com", "163.com", "126.com", "sina.com", "foxmail.com", "yeah.net",
)  # fmt: skip
# Shorter domains are too close to each other ("gmx.de", "web.de") to guess between.
_SHORTEST_GUESSED_DOMAIN = 7
# Endings that are no country's or are slips of ".com" and ".de" ("gmail.con"); "yahoo.fr" is a
# real address, so an ending is corrected only when it is one of these.
_ENDING_SLIPS = {
    "con": "com", "cpm": "com", "vom": "com", "xom": "com", "comm": "com", "coom": "com",
    "cm": "com", "om": "com", "ocm": "com", "dee": "de", "ed": "de",
}  # fmt: skip


def likely_meant_email(email: str) -> str | None:
    """The address `email` most likely meant when its domain is a slip or two away from a common
    mail provider's with the same ending ("anna@gmial.com" → "anna@gmail.com"), or ends in a slip
    of ".com" or ".de" ("anna@gmail.con"); None when it is one, or near none."""
    local, _, domain = email.rpartition("@")
    if not local or domain in COMMON_EMAIL_DOMAINS or len(domain) < _SHORTEST_GUESSED_DOMAIN:
        return None
    name, _, ending = domain.rpartition(".")
    ending = _ENDING_SLIPS.get(ending, ending)
    if f"{name}.{ending}" in COMMON_EMAIL_DOMAINS:
        return f"{local}@{name}.{ending}"
    same_ending = [known for known in COMMON_EMAIL_DOMAINS if known.endswith(f".{ending}")]
    found = process.extractOne(f"{name}.{ending}", same_ending, scorer=OSA.distance, score_cutoff=2)
    return f"{local}@{found[0]}" if found is not None else None


# The region a conversation's language suggests for a number written without its country code.
# English is no country's: the shop is German, so an English-speaking customer is most likely
# one in Germany.
_LANGUAGE_REGIONS = {"de": "DE", "zh": "CN", "en": "DE"}


def phone_regions(country: str | None, language: str | None) -> tuple[str, ...]:
    """Where a phone number without its country code is read, in order: the customer's country
    (ISO 3166-1 alpha-2, from the CRM) when known, then the conversation's language's region.

    The one place that decides it. Both, because a customer in Germany who writes in Chinese may
    well give a Chinese mobile number; normalize_phone takes the first region it is valid in.
    """
    regions: list[str] = []
    for region in ((country or "").upper(), _LANGUAGE_REGIONS.get(language or "", "")):
        if region in phonenumbers.SUPPORTED_REGIONS and region not in regions:
            regions.append(region)
    return tuple(regions)


def normalize_phone(text: str | None, region: str | Iterable[str] | None = None) -> str | None:
    """The number in E.164 ("+491712345678"), or None when `text` is not one we can use.

    An international number ("+49 30 1234567", "0049 30 1234567", "+49 (0)30 1234567") is
    taken when libphonenumber finds its length possible for its country. A national one
    ("0171 2345678") only with a `region` (ISO 3166-1 alpha-2, or several tried in order, see
    phone_regions) where it is a valid number: without one we cannot tell whose number it is,
    and "possible" alone would read a postcode as a number.
    """
    if not isinstance(text, str):
        return None
    # Not _clean(): brackets belong to phone numbers ("+49 (0)30 ...").
    value = text.strip().strip("\"'`<>").rstrip(".,;:!?").strip()
    # Digits and separators only: libphonenumber itself would read letters as a keypad's.
    if not value or not _PHONE_CHARS.match(value):
        return None
    # "+49 (0)30 ..." is the German way of writing the trunk 0 that is dropped abroad.
    value = value.replace("(0)", "")
    if value.startswith("00"):
        value = "+" + value[2:]  # the international prefix of most of the world
    if value.startswith("+"):
        number = _parse_phone(value, None)
        possible = number is not None and (
            phonenumbers.is_possible_number_with_reason(number)
            == phonenumbers.ValidationResult.IS_POSSIBLE
        )
        return _e164(number) if possible else None
    regions = _regions(region)
    for each in regions:
        number = _parse_phone(value, each)
        if number is not None and phonenumbers.is_valid_number(number):
            return _e164(number)
    return None


def _regions(region: str | Iterable[str] | None) -> tuple[str, ...]:
    return (region,) if isinstance(region, str) else tuple(region or ())


def _parse_phone(value: str, region: str | None) -> phonenumbers.PhoneNumber | None:
    try:
        return phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        return None


def _e164(number: phonenumbers.PhoneNumber | None) -> str | None:
    if number is None:
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalize_customer_number(text: str | None) -> str | None:
    """ "c10001", "C-10001" -> "C10001"."""
    match = _CUSTOMER_NUMBER.match(_clean(text))
    return f"C{match.group(1)}" if match else None


def normalize_order_number(text: str | None) -> str | None:
    """ "KF-500001", "kf500001", "#500001", "500001" -> "KF-500001"."""
    match = _ORDER_NUMBER.match(_clean(text))
    return f"KF-{match.group(1)}" if match else None


def normalize_ticket_number(text: str | None) -> str | None:
    """ "T-10001", "t10001", "T 10001" -> "T-10001"."""
    match = _TICKET_NUMBER.match(_clean(text))
    return f"T-{match.group(1)}" if match else None


def normalize_postcode(text: str | None) -> str | None:
    """A five-digit postcode like "10115"."""
    value = _clean(text)
    return value if _POSTCODE.match(value) else None


def _email_to_look_up(text: str) -> str | None:
    """An email address to find a customer by, a comma in its domain read as the dot it
    slipped from ("anna@example,com"). For lookups only: a new address is taken as typed."""
    local, at, domain = _clean(text).partition("@")
    return normalize_email(f"{local}@{domain.replace(',', '.')}") if at else None


def parse_contact(
    text: str | None, region: str | Iterable[str] | None = None
) -> tuple[str, str] | None:
    """("email" | "phone" | "customer_number", normalized value) for a contact the customer gave.

    The whole text is tried first; then a contact inside a sentence ("it's anna@example.com").
    A phone number without its country code counts only with a `region` (normalize_phone).
    """
    if not isinstance(text, str):
        return None
    regions = _regions(region)
    for kind, normalize in (
        ("email", _email_to_look_up),
        ("customer_number", normalize_customer_number),
        ("phone", lambda value: normalize_phone(value, regions)),
    ):
        value = normalize(text)
        if value:
            return kind, value
    for match in _EMAIL_IN_TEXT.finditer(text):
        email = normalize_email(match.group(0))
        if email:
            return "email", email
    match = _CUSTOMER_NUMBER_IN_TEXT.search(text)
    if match:
        return "customer_number", f"C{match.group(1)}"
    for match in _PHONE_IN_TEXT.finditer(text):
        phone = normalize_phone(match.group(0))
        if phone:
            return "phone", phone
    if regions:
        for match in _NATIONAL_PHONE_IN_TEXT.finditer(text):
            phone = normalize_phone(match.group(0), regions)
            if phone:
                return "phone", phone
    return None
