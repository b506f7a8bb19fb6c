"""Customers who refer back to what was just said ("when will it arrive?", "the second one",
"return it"), and customers who get identification wrong the first time."""

from __future__ import annotations

from tests.conversations.scenarios_en import (
    ANNA,
    ANNA_DHL,
    ANNA_POSTCODE,
    ASK_CONTACT,
    ASK_FACT,
)
from tests.conversations.support import Scenario

# Follow-ups that refer back to what was just said.
FOLLOW_UPS = [
    Scenario(
        "'when will it arrive' is about the order just shown",
        "follow-up",
        [
            ("wher is my ordr KF-500002", [ASK_CONTACT]),
            (ANNA, [ASK_FACT]),
            (ANNA_POSTCODE, [ANNA_DHL]),
            ("and when will it arrive", ["KF-500002", ANNA_DHL, "!KF-500001"]),
        ],
    ),
    Scenario(
        "'return it' after a refused cancel is about the same order",
        "follow-up",
        [
            ("cancel KF-500002", [ASK_CONTACT]),
            (ANNA, [ASK_FACT]),
            (ANNA_POSTCODE, ["already shipped"]),
            ("ok then I want to return it", ["KF-500002", "!Which order"]),
        ],
    ),
    Scenario(
        "'cancel my order' after a status answer still asks which order",
        "follow-up",
        [
            ("where is KF-500002", [ASK_CONTACT]),
            (ANNA, [ASK_FACT]),
            (ANNA_POSTCODE, [ANNA_DHL]),
            ("I want to cancel my order", ["Which order", "!already shipped"]),
            ("stop", ["stopped"]),
        ],
    ),
    Scenario(
        "'the second one' after the list of orders",
        "follow-up",
        [
            ("show me my last orders", [ASK_CONTACT]),
            (ANNA, [ASK_FACT]),
            (ANNA_POSTCODE, ["KF-500001", "KF-500002", "KF-500003"]),
            ("the second one, where is it?", [ANNA_DHL, "!Laptop sleeve"]),
        ],
    ),
    Scenario(
        "an email sent after an apology starts the identification",
        "follow-up",
        [
            ("this is the worst shop ever, my order is 3 weeks late!!!", ["sorry"]),
            (ANNA, [ASK_FACT, "!What would you like me to do"]),
            (ANNA_POSTCODE, ["Anna", "verified", "What can I do for you?"]),
        ],
    ),
    Scenario(
        "a status question about two orders answers both",
        "follow-up",
        [
            ("where are KF-500001 and KF-500002", [ASK_CONTACT]),
            (ANNA, [ASK_FACT]),
            (ANNA_POSTCODE, ["KF-500001", "Laptop sleeve", "KF-500002", ANNA_DHL]),
        ],
    ),
]

# Customers who get identification wrong the first time.
IDENTIFICATION = [
    Scenario(
        "a corrected postcode after a wrong one is tried with the same email",
        "identification",
        [
            ("where's my stuff", [ASK_CONTACT]),
            (ANNA, [ASK_FACT]),
            ("99999", ["couldn't verify"]),
            ("oh sorry 10115", ["Anna", "verified", "KF-500001"]),
        ],
    ),
    Scenario(
        "another contact given at the proof question replaces the first",
        "identification",
        [
            ("track order KF-500002", [ASK_CONTACT]),
            ("nobody@nowhere.example.com", [ASK_FACT]),
            ("ok then C10001", [ASK_FACT, "!5-digit"]),
            (ANNA_POSTCODE, ["Anna", ANNA_DHL]),
        ],
    ),
]


SCENARIOS = FOLLOW_UPS + IDENTIFICATION
