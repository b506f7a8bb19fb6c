"""A ticket picked from the list of open tickets the bot has just shown: "the one about the
parcel", "the second one", "第一个". Such a reply named no request, so it got the clarifying
question; it gets that ticket's status."""

from __future__ import annotations

import re

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet

from actions import slots
from actions.base import Dispatcher, Events
from actions.conversation import (
    with_gloss,
)
from actions.list_choice import (
    bot_message_answered,
    names_items,
    position_named,
)
from actions.next_request import start_request

# A listed ticket's line (actions/ticket_replies.py open_tickets): "• T-10001 — open — Parcel
# has not arrived (updated 4 December 2026)": its number and its subject.
_LISTED_TICKET = re.compile(r"^\W*(T-\d+)\s*—[^—\n]*—\s*([^\n(]+)", re.MULTILINE)


def ticket_pointed_at(tracker: Tracker) -> str | None:
    """The listed ticket the latest message points to by its place or by its subject's words,
    when the message answers a list of tickets and points to exactly one."""
    question = bot_message_answered(tracker)
    listed = _LISTED_TICKET.findall(str((question or {}).get("text") or ""))
    if not listed:
        return None
    text = with_gloss(tracker.latest_message)
    position = position_named(text)
    if position is not None:
        return listed[position][0] if position < len(listed) else None
    matching = [number for number, subject in listed if names_items(text, subject)]
    return matching[0] if len(matching) == 1 else None


async def status_of_the_ticket_pointed_at(
    dispatcher: Dispatcher, tracker: Tracker
) -> Events | None:
    """The status of the listed ticket the message points to, or None if it points to none."""
    number = ticket_pointed_at(tracker)
    if number is None:
        return None
    return await start_request(
        dispatcher, tracker, "ticket_status", [SlotSet(slots.TICKET_NUMBER, number)]
    )
