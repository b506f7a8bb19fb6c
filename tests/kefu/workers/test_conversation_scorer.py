"""The conversation scorer ends finished conversations with a topic and a satisfaction estimate."""

from __future__ import annotations

import hashlib
import random
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from crm_store.models import (
    CommunicationRecord,
    Conversation,
    ConversationStatus,
    Direction,
    utcnow,
)
from crm_store.seed import seed_database
from kefu.workers.conversation_scorer import (
    ConversationScorer,
    NlpModels,
    ensure_nlp_models,
    load_nlp_models,
)
from nlp import topics
from nlp.sentiment import SentimentModel
from nlp.topics import TopicConfig, TopicModel
from tests.databases import Sessions

VOCABULARIES = {
    "delivery": "parcel courier delivery tracking late arrived package",
    "payment": "invoice refund charged payment card twice bank",
}


@pytest.fixture(scope="module")
def topic_model() -> TopicModel:
    rng = random.Random(3)
    texts = [
        " ".join(rng.choices(words.split(), k=8))
        for words in VOCABULARIES.values()
        for _ in range(30)
    ]
    return topics.train(texts, TopicConfig(candidates=(2,)))


async def add_conversation(
    crm: Sessions,
    sender: str,
    turns: list[tuple[Direction, str, dict[str, str]]],
    minutes_ago: float,
    status: ConversationStatus = ConversationStatus.bot,
    sentiment: bool = True,
) -> int:
    last = utcnow() - timedelta(minutes=minutes_ago)
    async with crm() as session, session.begin():
        conversation = Conversation(
            sender_id=sender,
            session_started_at=1.0,
            channel="rest",
            status=status,
            last_message_at=last,
        )
        session.add(conversation)
        for step, (direction, text, extra) in enumerate(turns):
            session.add(
                CommunicationRecord(
                    conversation=conversation,
                    direction=direction,
                    text=text,
                    sent_at=last - timedelta(seconds=len(turns) - step),
                    entities=[],
                    extra=extra,
                    sentiment=0.0 if sentiment and direction is Direction.user else None,
                    source_key=hashlib.sha256(f"{sender}{step}".encode()).hexdigest(),
                )
            )
        await session.flush()
        return conversation.id


GOODBYE = {"utter_action": "utter_goodbye"}
HAPPY = [
    (Direction.user, "my parcel tracking says late, where is the courier delivery?", {}),
    (Direction.bot, "It arrives tomorrow.", {}),
    (Direction.user, "great, thank you so much, perfect", {}),
    (Direction.bot, "Goodbye!", GOODBYE),
]
ANGRY = [
    (Direction.user, "I was charged twice on my card, refund the payment now", {}),
    (Direction.bot, "Sorry, I didn't get that.", {}),
    (Direction.user, "charged twice!!! this is terrible, useless bot", {}),
    (Direction.bot, "Sorry, I didn't get that.", {}),
    (Direction.user, "terrible. I want a human, I am furious", {}),
    (Direction.bot, "I'm handing you over to a colleague.", {}),
]


async def ended(crm: Sessions, conversation_id: int) -> Conversation:
    async with crm() as session:
        conversation = await session.get(Conversation, conversation_id)
        assert conversation is not None
        return conversation


async def test_a_goodbye_ends_the_conversation_with_topic_and_satisfaction(
    crm: Sessions, topic_model: TopicModel
) -> None:
    happy = await add_conversation(crm, "happy", HAPPY, minutes_ago=1)
    angry = await add_conversation(
        crm, "angry", ANGRY, minutes_ago=90, status=ConversationStatus.handoff
    )
    still_talking = await add_conversation(crm, "busy", HAPPY[:2], minutes_ago=1)
    scorer = ConversationScorer(crm, NlpModels(SentimentModel(), topics=topic_model))

    assert await scorer.end_conversations() == 2
    happy_row, angry_row = await ended(crm, happy), await ended(crm, angry)
    assert happy_row.ended_at is not None and angry_row.ended_at is not None
    assert (await ended(crm, still_talking)).ended_at is None
    assert happy_row.topic and angry_row.topic and happy_row.topic != angry_row.topic
    assert happy_row.topic == topic_model.assign(VOCABULARIES["delivery"]).label
    assert happy_row.satisfaction is not None and angry_row.satisfaction is not None
    assert 1.0 <= angry_row.satisfaction < happy_row.satisfaction <= 5.0
    # Ended once: the next pass has nothing to do.
    assert await scorer.end_conversations() == 0


async def test_without_a_topic_model_satisfaction_is_still_set(crm: Sessions) -> None:
    conversation_id = await add_conversation(crm, "happy", HAPPY, minutes_ago=1)
    await ConversationScorer(crm, NlpModels(SentimentModel())).end_conversations()
    row = await ended(crm, conversation_id)
    assert row.topic is None and row.satisfaction is not None and row.ended_at is not None


async def test_idle_time_is_configurable(crm: Sessions) -> None:
    conversation_id = await add_conversation(crm, "quiet", HAPPY[:2], minutes_ago=10)
    patient = ConversationScorer(crm, NlpModels(SentimentModel()), idle_minutes=30)
    assert await patient.end_conversations() == 0
    hasty = ConversationScorer(crm, NlpModels(SentimentModel()), idle_minutes=5)
    assert await hasty.end_conversations() == 1
    assert (await ended(crm, conversation_id)).ended_at is not None


async def test_messages_logged_without_sentiment_are_scored(crm: Sessions) -> None:
    await add_conversation(crm, "late", ANGRY, minutes_ago=1, sentiment=False)
    scorer = ConversationScorer(crm, NlpModels(SentimentModel()), batch_size=2)
    assert await scorer.score_missing_sentiment() == 2
    assert await scorer.score_missing_sentiment() == 1
    assert await scorer.score_missing_sentiment() == 0
    async with crm() as session:
        scores = (
            await session.scalars(
                select(CommunicationRecord.sentiment).where(
                    CommunicationRecord.direction == Direction.user
                )
            )
        ).all()
    assert all(score is not None and score < 0 for score in scores)


def test_models_load_from_disk_or_fall_back(tmp_path: Path, topic_model: TopicModel) -> None:
    empty = load_nlp_models(tmp_path)
    assert empty.topics is None and empty.satisfaction is None
    assert empty.sentiment.score("thank you, wonderful") > 0
    topic_model.save(tmp_path, "digest")
    assert load_nlp_models(tmp_path).topics is not None


async def test_the_first_run_trains_topics_on_the_crm_once(crm: Sessions, tmp_path: Path) -> None:
    await seed_database(crm, 7, customers=30, orders=90, tickets=80)
    trained = await ensure_nlp_models(crm, tmp_path)
    assert trained is not None and "skipped" not in trained["topics"]
    assert trained["customers"].startswith("30 stored")  # the card's analytics too
    assert load_nlp_models(tmp_path).topics is not None
    assert await ensure_nlp_models(crm, tmp_path) is None  # already there: nothing retrained
