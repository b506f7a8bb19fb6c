"""Pure functions that turn what customers type into the CRM's canonical values (None = not one)."""

from __future__ import annotations

import re

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


def normalize_phone(text: str | None) -> str | None:
    """International number as "+" and 8–15 digits; "+49 (0)30 123", "0049 30 123" accepted."""
    if not isinstance(text, str):
        return None
    # Not _clean(): brackets belong to phone numbers ("+49 (0)30 ...").
    value = text.strip().strip("\"'`<>").rstrip(".,;:!?").strip()
    if not value or not _PHONE_CHARS.match(value):
        return None
    # "+49 (0)30 ..." is the German way of writing the trunk 0 that is dropped abroad.
    value = value.replace("(0)", "")
    digits = re.sub(r"\D", "", value)
    if not value.startswith("+"):
        if not digits.startswith("00"):
            # Without a country code we cannot tell whose number it is.
            return None
        digits = digits[2:]
    if not 8 <= len(digits) <= 15 or digits.startswith("0"):
        return None
    return f"+{digits}"


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


def parse_contact(text: str | None) -> tuple[str, str] | None:
    """("email" | "phone" | "customer_number", normalized value) for a contact the customer gave.

    The whole text is tried first; then a contact inside a sentence ("it's anna@example.com").
    """
    if not isinstance(text, str):
        return None
    for kind, normalize in (
        ("email", normalize_email),
        ("customer_number", normalize_customer_number),
        ("phone", normalize_phone),
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
    return None
