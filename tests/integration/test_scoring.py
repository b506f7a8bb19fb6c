"""In the running system, records carry sentiment and ended conversations a topic and a CSAT."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from crm_store.models import CommunicationRecord, Conversation, Direction
from crm_store.services.snapshots import ticket_snapshots
from kefu.workers.conversation_scorer import ConversationScorer, NlpModels
from nlp import topics
from nlp.sentiment import SentimentModel
from nlp.topics import TopicConfig
from tests.integration.support import Databases, Stack

pytestmark = pytest.mark.integration


async def test_an_ended_conversation_carries_sentiment_topic_and_satisfaction(
    stack: Stack, databases: Databases
) -> None:
    sender = stack.new_sender("scored")
    verified = stack.identify(sender, "where is my order?", "anna.schmidt@example.com", "10115")
    assert "verified" in verified.text
    stack.say(sender, "this is terrible, my parcel is late and the tracking never updates")
    goodbye = stack.say(sender, "bye")
    assert goodbye.payloads  # the rating question
    stack.say(sender, '/inform{"rating":2}')
    stack.say(sender, "no")

    await databases.logger.catch_up()
    async with databases.crm() as session:
        conversation = await session.scalar(
            select(Conversation).where(Conversation.sender_id == sender)
        )
        assert conversation is not None
        sentiments = dict(
            (
                await session.execute(
                    select(CommunicationRecord.text, CommunicationRecord.sentiment).where(
                        CommunicationRecord.conversation_id == conversation.id,
                        CommunicationRecord.direction == Direction.user,
                    )
                )
            ).all()
        )
        tickets = await ticket_snapshots(session)
    assert sentiments["this is terrible, my parcel is late and the tracking never updates"] < 0
    assert all(score is not None for score in sentiments.values())

    topic_model = topics.train([t["text"] for t in tickets], TopicConfig(candidates=(4, 8)))
    scorer = ConversationScorer(databases.crm, NlpModels(SentimentModel(), topics=topic_model))
    await scorer.end_conversations()
    async with databases.crm() as session:
        ended = await session.get(Conversation, conversation.id)
    assert ended is not None and ended.ended_at is not None
    # A topic the model knows; "other" too: the tickets it is trained on here are whatever the
    # suite filed before this test, so the conversation may lie far from every centroid.
    assert ended.topic in [*topic_model.labels, topics.OTHER]
    assert ended.satisfaction is not None and 1.0 <= ended.satisfaction <= 5.0
