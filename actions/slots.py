"""Names of the domain's slots and intents that the actions read and write (one spelling each)."""

from __future__ import annotations

CONTACT = "contact"
VERIFICATION_FACT = "verification_fact"
IDENTIFICATION_ATTEMPTS = "identification_attempts"
CUSTOMER_ID = "customer_id"
CUSTOMER_NAME = "customer_name"
IS_VERIFIED = "is_verified"
# When the customer last proved who they are (seconds since the epoch), and whether a form is
# asking them to prove it again before changing contact details.
VERIFIED_AT = "verified_at"
REVERIFYING = "reverifying"
FLOW_ABORTED = "flow_aborted"
HANDOFF_REQUESTED = "handoff_requested"
AGENT_REQUESTED = "agent_requested"
ORDER_NUMBER = "order_number"
CONFIRM_CANCEL = "confirm_cancel"
RETURN_REASON = "return_reason"
NEW_EMAIL = "new_email"
NEW_PHONE = "new_phone"
NEW_ADDRESS = "new_address"
TICKET_CATEGORY = "ticket_category"
TICKET_DESCRIPTION = "ticket_description"
CONFIRM_TICKET = "confirm_ticket"
TICKET_ORDER = "ticket_order"
TICKET_NUMBER = "ticket_number"
RATING = "rating"
FEEDBACK_COMMENT = "feedback_comment"
FEEDBACK_GIVEN = "feedback_given"
FALLBACK_COUNT = "fallback_count"
# A request the customer named that waits for the current flow to end (actions/digression.py),
# and the order number that goes with it.
PENDING_REQUEST = "pending_request"
QUEUED_ORDER = "queued_order"
# What an upset customer complained about, in their words: the ticket's description.
COMPLAINT = "complaint"

IDENTIFICATION_SLOTS = (CONTACT, VERIFICATION_FACT)

# Wrong guesses allowed per conversation session before identification is refused.
MAX_IDENTIFICATION_ATTEMPTS = 3

# Intents with a meaning inside every form.
INTENT_STOP = "stop"
INTENT_GOODBYE = "goodbye"
INTENT_GREET = "greet"
INTENT_THANKS = "thanks"
INTENT_HUMAN_HANDOFF = "human_handoff"
INTENT_AFFIRM = "affirm"
INTENT_DENY = "deny"
INTENT_NLU_FALLBACK = "nlu_fallback"
# Set by the Rasa server's input guard instead of NLU (bot/screening.py's GUARD_INTENTS, the same
# set: the two environments share no code): no answer to a form.
GUARD_INTENTS = frozenset(
    {"message_too_long", "empty_message", "unreadable_message", "refused_command", "other_language"}
)
