"""The end-of-conversation rating (CSAT 1-5, optional comment), saved once per conversation."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import slots
from actions.base import Dispatcher, Events
from actions.conversation import (
    conversation_key,
    latest_intent,
    latest_text,
    session_events,
    verified_customer_id,
)
from actions.crm import run_unit_of_work
from actions.extraction import (
    answer_text,
    comment_with_rating,
    first_entity,
    is_decline,
    parse_rating,
    requested_slot,
)
from actions.flow import FlowFormValidator, FlowSubmitAction
from crm_store.errors import AlreadyRated, InvalidValue
from crm_store.services.conversations import save_feedback

# feedback_comment's value for "no comment": the form needs the slot filled to finish.
NO_COMMENT = ""


# What a customer says without asking for anything.
_PLEASANTRIES = frozenset(
    {slots.INTENT_GREET, slots.INTENT_GOODBYE, slots.INTENT_THANKS, slots.INTENT_AFFIRM}
)


def asked_something(tracker: Tracker) -> bool:
    """Whether the customer said more in this session than greetings, thanks and goodbyes."""
    return any(
        event.get("event") == "user"
        and (event.get("parse_data") or {}).get("intent", {}).get("name") not in _PLEASANTRIES
        for event in session_events(tracker)
    )


class ValidateCsatForm(FlowFormValidator):
    action_name = "validate_csat_form"
    submit_action = "action_save_feedback"

    async def before_filling(self, dispatcher: Dispatcher, tracker: Tracker) -> Events:
        if requested_slot(tracker) is None and latest_intent(tracker) == slots.INTENT_GOODBYE:
            # "hi" then "bye": nothing was asked, so there is nothing to rate.
            return [] if asked_something(tracker) else [SlotSet(slots.FLOW_ABORTED, True)]
        # "No" (or "bye") to "how would you rate us?" declines the survey; it is not a rating.
        if requested_slot(tracker) != slots.RATING:
            return []
        if not (is_decline(tracker) or latest_intent(tracker) == "goodbye"):
            return []
        if parse_rating(first_entity(tracker, "rating") or latest_text(tracker)) is not None:
            return []  # "nothing to complain about, 5"
        return [SlotSet(slots.FLOW_ABORTED, True)]

    async def extract_rating(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        requested = requested_slot(tracker)
        if requested not in (None, slots.RATING):
            return {}
        value = first_entity(tracker, "rating")
        if value is None and requested == slots.RATING:
            value = answer_text(tracker)
        if value is None and requested is None and latest_intent(tracker) == "rate":
            value = latest_text(tracker)  # "I'd give you a 4" starts the form with its rating
        return {} if value is None else {slots.RATING: value}

    async def validate_rating(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        rating = parse_rating(value)
        if rating is None:
            if requested_slot(tracker) == slots.RATING:
                dispatcher.utter_message(response="utter_invalid_rating")
            return {slots.RATING: None}
        return {slots.RATING: float(rating)}

    async def extract_feedback_comment(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        requested = requested_slot(tracker)
        if requested in (None, slots.RATING) and tracker.get_slot(slots.FEEDBACK_COMMENT) is None:
            # "5 stars but it was a bit slow": the rating and its comment in one message.
            text = latest_text(tracker)
            rated = parse_rating(first_entity(tracker, "rating") or text) is not None
            comment = comment_with_rating(text) if rated else None
            return {} if comment is None else {slots.FEEDBACK_COMMENT: comment}
        if requested != slots.FEEDBACK_COMMENT:
            return {}
        if is_decline(tracker):
            return {slots.FEEDBACK_COMMENT: NO_COMMENT}
        value = answer_text(tracker, free_text=True)
        return {} if value is None else {slots.FEEDBACK_COMMENT: value}

    async def validate_feedback_comment(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return {slots.FEEDBACK_COMMENT: str(value or "").strip()}


class ActionSaveFeedback(FlowSubmitAction):
    """Saves the rating and comment; thanks and says goodbye. One rating per conversation."""

    flow_slots = (slots.RATING, slots.FEEDBACK_COMMENT)

    action_name = "action_save_feedback"

    async def aborted(self, dispatcher: Dispatcher, tracker: Tracker) -> Events:
        if tracker.get_slot(slots.HANDOFF_REQUESTED) or latest_intent(tracker) == slots.INTENT_STOP:
            return await super().aborted(dispatcher, tracker)
        dispatcher.utter_message(response="utter_goodbye")  # they declined to rate
        return []

    async def finish(self, dispatcher: Dispatcher, tracker: Tracker) -> Events:
        rating = parse_rating(tracker.get_slot(slots.RATING))
        if rating is None:
            dispatcher.utter_message(response="utter_invalid_rating")
            return []
        comment = str(tracker.get_slot(slots.FEEDBACK_COMMENT) or "").strip() or None
        key = conversation_key(tracker)
        customer_id = verified_customer_id(tracker)
        try:
            await run_unit_of_work(
                lambda session: save_feedback(session, key, rating, comment, customer_id)
            )
        except AlreadyRated:
            dispatcher.utter_message(response="utter_already_rated")
        except InvalidValue:
            dispatcher.utter_message(response="utter_invalid_rating")
            return []
        else:
            dispatcher.utter_message(response="utter_thanks_for_feedback")
        dispatcher.utter_message(response="utter_goodbye")
        return [SlotSet(slots.FEEDBACK_GIVEN, True)]
