"""A new address in the customer's own words: "I moved to Hauptstraße 5, 10117 Berlin, please
update my address", "neue Adresse: …", "地址改成 …", read as the CRM stores an address."""

from __future__ import annotations

import re

from crm_store.errors import InvalidValue
from crm_store.services.customers import parse_address

# What introduces a new address in a request ("my new address is ...", "neue Adresse: ...",
# "地址改成 ...", "I moved to ...", "我搬到了 ..."): the address is what follows, if it reads as
# one.
_ADDRESS_INTRO = re.compile(
    r"(?:\baddress|\badresse|\banschrift|地址)"
    r"(?:\s*(?:ist|is|to|lautet|auf|jetzt|now|:|：|是|改成|改为)(?![a-zäöü]))*\s*"
    r"|\b(?:moved|moving|move)\s+(?:house\s+)?to\s+|\blive\s+(?:now\s+)?at\s+"
    r"|\bumgezogen\s+(?:nach|in\s+die|in\s+den)\s+|\bwohne\s+jetzt\s+(?:in\s+der\s+)?"
    r"|搬(?:家)?到了?|新家在",
    re.IGNORECASE,
)
# Where an address in a sentence ends: at the end of its clause after the postcode and city
# ("Hauptstraße 5, 10117 Berlin, please update my address").
_ADDRESS_END = re.compile(
    r"(?<=\d{5})[^,.;!?，。；！？]*?(?=[,.;!?，。；！？]|\s+(?:and|und|please|pls|bitte|thanks|danke)\b"
    r"|$)",
    re.IGNORECASE,
)
_TRAILING_COURTESY = re.compile(
    r"[\s,;.!]+(?:please|pls|thanks|thank you|bitte|danke)\W*$|[，。！\s]*(?:谢谢|请)\W*$",
    re.IGNORECASE,
)


def normalised_address(text: str) -> str | None:
    """ "Hauptstraße 5, 10115 Berlin" as the CRM stores it, or None if it is not an address."""
    try:
        street, postcode, city = parse_address(text)
    except InvalidValue:
        return None
    return f"{street}, {postcode} {city}"


def address_in(text: str) -> str | None:
    """The new address a request names after the word "address" (or "moved to"), or None."""
    for intro in _ADDRESS_INTRO.finditer(text):
        rest = _TRAILING_COURTESY.sub("", text[intro.end() :])
        city = _ADDRESS_END.search(rest)
        address = normalised_address(rest[: city.end()] if city else rest)
        # A street has its house number: "has a typo, the postcode 10115 is wrong" is no address.
        if address is not None and re.search(r"\d", address.partition(",")[0]):
            return address
    return None
