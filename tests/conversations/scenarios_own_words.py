"""English answers in the customer's own words: a reason or a problem already said in the request
is kept, and "ok thanks" or "yes" is no reason, description or ticket category (the German and
Chinese ones are in scenarios_german.py and scenarios_chinese.py); ratings, "no" and requests
the bot hands to the team, worded as customers word them."""

from __future__ import annotations

from tests.conversations.scenarios_en import ANNA, ANNA_POSTCODE, ASK_CONTACT, ASK_FACT
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
            ("hey there, I'd like to send {order} back", [ASK_CONTACT]),
            ("{email}", [ASK_FACT]),
            ("{postcode}", ["why you're sending"]),
            ("ok thanks", ["a few words about why", "why you're sending", "!return request"]),
            ("the zip broke after one day", ["return request for order {order}"]),
        ],
        needs="delivered",
        check=ticket_with("zip broke", kind="return"),
    ),
    Scenario(
        "a refund that has not come is a ticket in the customer's words, not a new return",
        "wording",
        [
            ("hey there, I sent back {order} two weeks ago and still no refund??", [ASK_CONTACT]),
            ("{email}", [ASK_FACT]),
            ("{postcode}", ["ticket (payment)", "still no refund", "!why you're sending"]),
            ("yes", ["I've opened ticket"]),
        ],
        needs="delivered",
        check=ticket_with("still no refund"),
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
    Scenario(
        "'excellent' answers the rating question",
        "wording",
        [
            ("hi", ["Kefu"]),
            ("do you ship to Austria?", ["working days"]),
            ("bye", ["rate"]),
            ("excellent!", ["anything you'd like to tell us"]),
        ],
    ),
    Scenario(
        "'no' to 'which order?' ends the cancel, not a loop",
        "wording",
        [
            ("cancel all my orders", [ASK_CONTACT]),
            (ANNA, [ASK_FACT]),
            (ANNA_POSTCODE, ["Which order"]),
            ("no", ["stopped", "!doesn't look like an order number", "!Shall I cancel"]),
        ],
    ),
    Scenario(
        "'and on sundays?' after the opening hours",
        "wording",
        [("when are you open?", ["Mon"]), ("and on sundays?", ["Mon", "Sat"])],
    ),
    Scenario(
        "'what email do you have for me?' is answered, and 'no' keeps it",
        "wording",
        [
            ("what email do you have for me?", [ASK_CONTACT]),
            (ANNA, ["confirm"]),
            (ANNA_POSTCODE, ["The email address we have for you is a•••@example.com"]),
            ("no that's all", ["stopped", "!doesn't look like"]),
        ],
    ),
    Scenario(
        "a broken tracking number is a problem, not a second request for the status",
        "wording",
        [
            ("the tracking number you sent me doesn't work", [ASK_CONTACT, "!come back to"]),
            (ANNA, [ASK_FACT]),
            (ANNA_POSTCODE, ["verified", "ticket", "doesn't work", "!Laptop sleeve"]),
        ],
    ),
    Scenario(
        "deleting the account goes to the team as a ticket",
        "wording",
        [
            ("please delete my account and all my data", [ASK_CONTACT]),
            (ANNA, [ASK_FACT]),
            (ANNA_POSTCODE, ["verified", "ticket (account)", "delete my account"]),
        ],
    ),
    Scenario(
        "discount codes are out of scope, not shipping",
        "wording",
        [("do you have any discount codes?", ["outside what I can help", "!Standard delivery"])],
    ),
    Scenario(
        "gibberish gets the clarifying question, then a person, not 'what shall I do with that?'",
        "wording",
        [
            ("asdf", ["not sure I understood", "!What would you like me to do"]),
            # "I've asked a colleague from our team" in opening hours, "passed ... to our team"
            # outside them.
            ("qwer", ["our team", "!not sure I understood"]),
        ],
    ),
]
