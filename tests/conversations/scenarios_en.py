"""English scenarios: facts carried through identification, digressions, two requests, anger."""

from __future__ import annotations

from tests.conversations.support import (
    Scenario,
    email_is,
    handed_off,
    order_is,
    order_is_not,
    phone_is,
    ticket_with,
)

ASK_CONTACT = "make sure it's you"
ASK_FACT = "postcode or the number"
ANNA, ANNA_POSTCODE = "anna.schmidt@example.com", "10115"
BEN, BEN_POSTCODE = "ben.okafor@example.com", "20095"
ANNA_DHL = "00340434161234567890"  # KF-500002, shipped
ANGRY = (
    "This is the third time I'm writing!!! My parcel never arrived and nobody helps me. "
    "Terrible service."
)
SORRY = "sorry"

CARRY = [
    Scenario(
        "cancel: the order named before identification",
        "carry",
        [
            ("please cancel my order {order}", [ASK_CONTACT]),
            ("{email}", [ASK_FACT]),
            ("{postcode}", ["you're verified", "cancel order {order}", "!which order"]),
            ("yes", ["{order} is cancelled"]),
        ],
        needs="cancellable",
        check=order_is("cancelled"),
    ),
    Scenario(
        "return: order and reason named before identification",
        "carry",
        [
            ("I want to return {order}, it arrived broken", [ASK_CONTACT]),
            ("{email}", [ASK_FACT]),
            ("{postcode}", ["return request for order {order}", "!why you're sending"]),
        ],
        needs="delivered",
        check=ticket_with("arrived broken", kind="return"),
    ),
    Scenario(
        "new email named before identification; a later yes is not an email",
        "carry",
        [
            ("I need to change my email to kefu.new.{id}@example.org", [ASK_CONTACT]),
            ("{email}", ["confirm"]),
            ("{postcode}", ["email address is now", "!new email address"]),
            ("yes", ["!valid email"]),
        ],
        needs="any",
        check=email_is("kefu.new.{id}@example.org"),
    ),
    Scenario(
        "a cancellation of a shipped order is refused at once",
        "carry",
        [
            ("cancel my order KF-500007 please", [ASK_CONTACT]),
            ("C10003", [ASK_FACT]),
            ("80331", ["KF-500007", "!which order"]),
        ],
    ),
    Scenario(
        "a late return is refused without asking the reason",
        "carry",
        [
            ("I want to return KF-500004, it is broken", [ASK_CONTACT]),
            (BEN, [ASK_FACT]),
            (BEN_POSTCODE, ["KF-500004", "30 days", "!why you're sending"]),
        ],
    ),
    Scenario(
        "status of the order named before identification",
        "carry",
        [
            ("where is KF-500002??", [ASK_CONTACT]),
            (ANNA, [ASK_FACT]),
            (ANNA_POSTCODE, ["KF-500002", ANNA_DHL]),
        ],
    ),
    Scenario(
        "a wrong order number is asked again, then the right one is used",
        "carry",
        [
            ("cancel order KF-999999", [ASK_CONTACT]),
            ("{email}", [ASK_FACT]),
            ("{postcode}", ["couldn't find that order"]),
            ("{order}", ["cancel order {order}"]),
            ("no", ["haven't cancelled"]),
        ],
        needs="cancellable",
        check=order_is_not("cancelled"),
    ),
]

FACTS = [
    Scenario(
        # English is no country's: a number without its country code is read where the
        # customer lives (Germany, in the CRM).
        "a new phone number without the country code",
        "facts",
        [
            ("I want to change my phone number", [ASK_CONTACT]),
            ("{email}", [ASK_FACT]),
            ("{postcode}", ["you're verified", "new phone number"]),
            ("0170 5550123", ["your phone number is now +49 ••• 123", "!country code"]),
        ],
        needs="cancellable",
        check=phone_is("+491705550123"),
    ),
    Scenario(
        "contact, postcode and request in one message",
        "facts",
        [
            (
                "I'm C10003, postcode 80331. Can you track order KF-500007 for me?",
                ["KF-500007", "1Z999AA10123456784", "!please tell me your postcode"],
            ),
        ],
    ),
    Scenario(
        "contact and postcode together after the request",
        "facts",
        [
            ("where is my order KF-500002", [ASK_CONTACT]),
            (f"it's {ANNA} and my postcode is {ANNA_POSTCODE}", [ANNA_DHL]),
        ],
    ),
    Scenario(
        "identify with both facts at once",
        "facts",
        [
            (f"I'd like to log in: I'm {ANNA}, postcode {ANNA_POSTCODE}", ["Anna"]),
        ],
    ),
    Scenario(
        "cancel with contact and postcode in the answer",
        "facts",
        [
            ("cancel {order}", [ASK_CONTACT]),
            ("{email} {postcode}", ["cancel order {order}"]),
            ("yes please", ["is cancelled"]),
        ],
        needs="cancellable",
        check=order_is("cancelled"),
    ),
]

DIGRESSIONS = [
    Scenario(
        "an FAQ mid-cancel is answered and the cancel finished",
        "digression",
        [
            ("cancel order {order}", [ASK_CONTACT]),
            ("{email}", [ASK_FACT]),
            ("{postcode}", ["cancel order {order}"]),
            ("wait, how long does a refund take?", ["5 working days", "cancel order {order}"]),
            ("yes", ["is cancelled"]),
        ],
        needs="cancellable",
        check=order_is("cancelled"),
    ),
    Scenario(
        "a change of mind in the return form switches to the status",
        "digression",
        [
            ("I want to return an order", [ASK_CONTACT]),
            ("{email}", [ASK_FACT]),
            ("{postcode}", ["which order"]),
            ("{order}", ["why"]),
            (
                "actually never mind, what's the status of {order}?",
                ["{order}", "delivered", "!return request"],
            ),
        ],
        needs="delivered",
        check=order_is("delivered"),
    ),
    Scenario(
        "never mind ends the form cleanly",
        "digression",
        [
            ("I want to cancel my order", [ASK_CONTACT]),
            ("{email}", [ASK_FACT]),
            ("{postcode}", ["which order"]),
            ("never mind", ["stopped"]),
        ],
        needs="cancellable",
        check=order_is_not("cancelled"),
    ),
    Scenario(
        "a bare order number after a status answer is a status question",
        "digression",
        [
            ("where is my order KF-500002", [ASK_CONTACT]),
            (ANNA, [ASK_FACT]),
            (ANNA_POSTCODE, [ANNA_DHL]),
            ("KF-500003", ["KF-500003", "delivered", "!what would you like me to do"]),
        ],
    ),
    Scenario(
        "small talk during identification, then the form goes on",
        "digression",
        [
            ("where is my order", [ASK_CONTACT]),
            ("are you a bot?", ["bot", ASK_CONTACT]),
            (ANNA, [ASK_FACT]),
        ],
    ),
    Scenario(
        "a shipping question during identification",
        "digression",
        [
            ("cancel my order", [ASK_CONTACT]),
            ("how much is shipping?", ["€50", ASK_CONTACT]),
        ],
    ),
    Scenario(
        "a human asked for inside a form",
        "digression",
        [
            ("I want to change my phone number", [ASK_CONTACT]),
            ("I want to talk to a human", ["colleague"]),
        ],
        check=handed_off(),
    ),
    Scenario(
        "switch from cancel to status with instead",
        "digression",
        [
            ("cancel my order", [ASK_CONTACT]),
            (ANNA, [ASK_FACT]),
            (ANNA_POSTCODE, ["which order"]),
            ("actually, check the status of KF-500002 instead", [ANNA_DHL]),
        ],
    ),
]

TWO_REQUESTS = [
    Scenario(
        "change email and check an order, one message",
        "two requests",
        [
            (
                "change my email to kefu.two.{id}@example.org and also check order {order}",
                ["come back to", ASK_CONTACT],
            ),
            ("{email}", ["confirm"]),
            ("{postcode}", ["email address is now", "{order}"]),
        ],
        needs="shipped",
        check=email_is("kefu.two.{id}@example.org"),
    ),
    Scenario(
        "status and a person, verified customer",
        "two requests",
        [
            ("where is my order", [ASK_CONTACT]),
            (ANNA, [ASK_FACT]),
            (ANNA_POSTCODE, ["KF-500001"]),
            ("where is KF-500002 and then I need a human", [ANNA_DHL, "colleague"]),
        ],
        check=handed_off(),
    ),
    Scenario(
        "cancel an order and also see my open tickets",
        "two requests",
        [
            ("hi, can you cancel {order} and also tell me my open tickets", [ASK_CONTACT]),
            ("{email}", [ASK_FACT]),
            ("{postcode}", ["Shall I cancel order {order}"]),
            ("yes", ["is cancelled", "open support tickets"]),
        ],
        needs="cancellable",
        check=order_is("cancelled"),
    ),
]

FEELINGS = [
    Scenario(
        "anger gets an apology, then a ticket with the complaint",
        "feelings",
        [
            (ANGRY, [SORRY, "ticket", "!email address or phone"]),
            ("/open_ticket", [ASK_CONTACT]),
            ("{email}", [ASK_FACT]),
            ("{postcode}", ["third time", "go ahead"]),
            ("yes", ["opened ticket"]),
        ],
        needs="shipped",
        check=ticket_with("third time", "terrible service"),
    ),
    Scenario(
        "anger, then a person",
        "feelings",
        [
            (ANGRY, [SORRY]),
            ("/human_handoff", ["colleague"]),
        ],
        check=handed_off(),
    ),
    Scenario("pathetic service", "feelings", [("U r giving pathetic service", [SORRY])]),
    Scenario("useless", "feelings", [("Useless", [SORRY])]),
    Scenario("waste of time", "feelings", [("Waste of time", [SORRY])]),
    Scenario("worst service ever", "feelings", [("worst service ever!!", [SORRY])]),
    Scenario(
        "complaint inside a form, the form goes on",
        "feelings",
        [
            ("where is my order", [ASK_CONTACT]),
            ("this is ridiculous", [SORRY]),
            (ANNA, [ASK_FACT]),
        ],
    ),
]

TYPOS = [
    Scenario(
        "Hai not recieved my product",
        "wording",
        [
            ("Hai not recieved my product", [ASK_CONTACT]),
        ],
    ),
    Scenario(
        "Retun my order, then the reason asked",
        "wording",
        [
            ("Retun my order", [ASK_CONTACT]),
            ("{email}", [ASK_FACT]),
            ("{postcode}", ["which order"]),
            ("{order}", ["why"]),
            ("it is too small", ["return request for order {order}"]),
        ],
        needs="delivered",
        check=ticket_with("too small", kind="return"),
    ),
    Scenario("Need status", "wording", [("Need status", [ASK_CONTACT])]),
    Scenario("Call me", "wording", [("Call me", ["colleague"])], check=handed_off()),
    Scenario("Customer care", "wording", [("Customer care", ["colleague"])], check=handed_off()),
    Scenario("whre is my order", "wording", [("whre is my order", [ASK_CONTACT])]),
    Scenario(
        "wheres KF500002, no apostrophe and no hyphen",
        "wording",
        [
            ("wheres KF500002", [ASK_CONTACT]),
            (ANNA, [ASK_FACT]),
            (ANNA_POSTCODE, ["KF-500002", ANNA_DHL]),
        ],
    ),
    Scenario("cancle my order", "wording", [("cancle my order", [ASK_CONTACT])]),
    Scenario("hai", "wording", [("hai", ["Kefu"])]),
    Scenario("thx", "wording", [("thx", ["welcome"])]),
    Scenario(
        "show my recent orders",
        "wording",
        [
            ("show me my recent orders pls", [ASK_CONTACT]),
            (ANNA, [ASK_FACT]),
            (ANNA_POSTCODE, ["KF-500001", "KF-500002"]),
        ],
    ),
    Scenario(
        "any update on my complaint",
        "wording",
        [
            ("any update on my complaint", [ASK_CONTACT]),
            (ANNA, [ASK_FACT]),
            (ANNA_POSTCODE, ["T-10001"]),
        ],
    ),
    Scenario(
        "out of scope stays out",
        "wording",
        [
            ("Can you book me a flight to Rome?", ["outside what I can help"]),
        ],
    ),
    Scenario(
        "goodbye asks for a rating",
        "wording",
        [("how long does shipping take?", ["working days"]), ("ok bye", ["rate"])],
    ),
]

SCENARIOS = CARRY + FACTS + DIGRESSIONS + TWO_REQUESTS + FEELINGS + TYPOS
