"""Names from the Rasa project (domain.yml) that the app side's jobs read the CRM's log with.

The CRM stores intents and response names as text and knows nothing of Rasa; these say which
of them end a conversation, mean NLU could not tell, or close a conversation that went well.
"""

from __future__ import annotations

from crm_store.services.snapshots import ConversationSignals

# The bot's goodbye: a conversation whose last bot message is this has ended.
CLOSING_RESPONSES = frozenset({"utter_goodbye"})

BOT_SIGNALS = ConversationSignals(
    fallback_intents=frozenset({"nlu_fallback"}),
    # Said by the customer as the last thing before a conversation that ended well.
    closing_intents=("goodbye", "thank", "thanks", "affirm_done", "rate"),
)
