"""English answers in the customer's own words: a reason or a problem already said in the request
is kept, and "ok thanks" or "yes" is no reason, description or ticket category (the German and
Chinese ones are in scenarios_languages.py)."""

from __future__ import annotations

from tests.conversations.scenarios_en import ASK_CONTACT, ASK_FACT
from tests.conversations.support import Scenario, ticket_with

SCENARIOS = [
    Scenario(
        "a ticket request that describes the problem only asks to confirm it",
        "carry",
        [
            ("my package says delivered but there's nothing at my door", [ASK_CONTACT]),
            ("{email}", [ASK_FACT]),
            (
                "{postcode}",
                ["ticket (delivery)", "nothing at my door", "go ahead", "!what is your request"],
            ),
            ("yes", ["opened ticket"]),
        ],
        needs="cancellable",  # a fresh customer; any order will do
        check=ticket_with("delivered", "door", kind="problem"),
    ),
    Scenario(
        "ok thanks is no return reason: asked again, the real reason is kept",
        "wording",
        [
            ("hey there, I sent back {order} two weeks ago and still no refund??", [ASK_CONTACT]),
            ("{email}", [ASK_FACT]),
            ("{postcode}", ["why you're sending"]),
            ("ok thanks", ["a few words about why", "why you're sending", "!return request"]),
            ("the zip broke after one day", ["return request for order {order}"]),
        ],
        needs="delivered",
        check=ticket_with("zip broke", kind="return"),
    ),
    Scenario(
        "yes is neither a ticket category nor a description",
        "wording",
        [
            ("I want to open a ticket", [ASK_CONTACT]),
            ("{email}", [ASK_FACT]),
            ("{postcode}", ["what is your request about"]),
            ("yes", ["in a few words what it's about", "what is your request about"]),
            ("delivery", ["describe the problem"]),
            ("yes", ["about the problem itself", "describe the problem", "!open a ticket"]),
            ("the driver left the parcel in the rain", ["ticket (delivery)", "go ahead"]),
            ("yes", ["opened ticket"]),
        ],
        needs="cancellable",  # a fresh customer; any order will do
        check=ticket_with("driver", "rain", kind="problem"),
    ),
]
