"""SvmResponseSelector: picks the FAQ / small-talk answer, in the form Rasa's actions read."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from rasa.core.actions.action import ActionRetrieveResponse
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.svm_response_selector import SvmResponseSelector

TRAINING = {
    "faq/shipping": ["how long does shipping take", "when will it arrive", "delivery time"],
    "faq/returns": ["what is your returns policy", "can i send it back", "return rules"],
    "faq/payment": ["which payment methods", "can i pay with paypal", "do you take cards"],
    "chitchat/joke": ["tell me a joke", "make me laugh", "say something funny"],
    "greet": ["hello", "hi there", "hey"],
}
RESPONSES = {
    "utter_faq/shipping": [{"text": "Shipping takes 2-4 days."}],
    "utter_faq/returns": [{"text": "Returns within 30 days."}],
    "utter_faq/payment": [{"text": "Cards and PayPal."}],
    "utter_chitchat/joke": [{"text": "A joke."}],
}
CONTEXT = ExecutionContext(GraphSchema({}), "check")


def training_data() -> TrainingData:
    messages = [
        Message.build(text=text, intent=intent)
        for intent, texts in TRAINING.items()
        for text in texts * 2
    ]
    return TrainingData(messages, responses=RESPONSES)


@pytest.fixture(scope="module")
def selector() -> Iterator[SvmResponseSelector]:
    with tempfile.TemporaryDirectory() as tmp:
        storage = LocalModelStorage(Path(tmp))
        resource = Resource("selector")
        config = SvmResponseSelector.get_default_config()
        SvmResponseSelector.create(config, storage, resource, CONTEXT).train(training_data())
        yield SvmResponseSelector.load(config, storage, resource, CONTEXT)


def selected(selector: SvmResponseSelector, text: str, intent: str) -> Message:
    message = Message.build(text=text)
    message.set("intent", {"name": intent, "confidence": 0.9}, add_to_output=True)
    selector.process([message])
    return message


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("how long will shipping take?", "faq/shipping"),
        ("can I pay by paypal", "faq/payment"),
        ("I want to send it back, what are the rules", "faq/returns"),
    ],
)
def test_the_reloaded_selector_picks_the_answer(
    selector: SvmResponseSelector, text: str, key: str
) -> None:
    chosen = selected(selector, text, "faq").get("response_selector")
    prediction = chosen["faq"]["response"]
    assert prediction["intent_response_key"] == key
    assert prediction["utter_action"] == f"utter_{key}"
    assert prediction["responses"] == RESPONSES[f"utter_{key}"]
    assert 0.0 < prediction["confidence"] <= 1.0
    assert chosen["all_retrieval_intents"] == ["chitchat", "faq"]
    assert chosen["faq"]["ranking"][0]["intent_response_key"] == key


def test_one_answer_needs_no_model_and_other_intents_are_left_alone(
    selector: SvmResponseSelector,
) -> None:
    joke = selected(selector, "anything", "chitchat").get("response_selector")
    assert joke["chitchat"]["response"]["intent_response_key"] == "chitchat/joke"
    assert selected(selector, "hello", "greet").get("response_selector") is None
    assert selected(selector, "", "faq").get("response_selector")["faq"]["response"]


async def test_rasa_utters_the_selected_answer(selector: SvmResponseSelector) -> None:
    message = selected(selector, "when will my parcel arrive", "faq")
    domain = Domain.from_dict(
        {"intents": ["faq", "chitchat", "greet"], "responses": RESPONSES, "actions": ["utter_faq"]}
    )
    tracker = DialogueStateTracker("s", domain.slots)
    parse_data = message.as_dict(only_output_properties=True)
    tracker.update(UserUttered(message.get("text"), parse_data=parse_data))
    events = await ActionRetrieveResponse("utter_faq").run(
        CollectingOutputChannel(),
        TemplatedNaturalLanguageGenerator(domain.responses),
        tracker,
        domain,
    )
    assert [e.text for e in events if isinstance(e, BotUttered)] == ["Shipping takes 2-4 days."]
