"""Reviewing conversations: transcript, tags, notes, reviewed flag, intent corrections, NLU YAML."""

from __future__ import annotations

import pytest
import yaml
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from crm_store.errors import InvalidValue, NotFound
from crm_store.models import CommunicationRecord
from crm_store.services.agents import create_agent
from crm_store.services.review import (
    add_note,
    add_tag,
    correct_intent,
    decide_correction,
    get_transcript,
    list_corrections,
    nlu_yaml,
    remove_tag,
    set_reviewed,
)
from tests.crm_store.services.console_data import HOSTILE, add_console_conversations

Sessions = async_sessionmaker[AsyncSession]


@pytest.fixture
async def data(seeded: Sessions) -> dict[str, int]:
    async with seeded() as session, session.begin():
        ids = await add_console_conversations(session)
        ids["agent"] = (await create_agent(session, "ann", "a long enough password")).id
    return ids


async def test_transcript_has_messages_scores_and_feedback(
    seeded: Sessions, data: dict[str, int]
) -> None:
    async with seeded() as session:
        transcript = await get_transcript(session, data["parcel"])
        with pytest.raises(NotFound):
            await get_transcript(session, 999_999)
    assert [m.direction for m in transcript.messages] == ["bot", "user", "bot", "user"]
    assert transcript.messages[1].intent == "order_status"
    assert transcript.messages[1].entities == [{"entity": "order", "value": "KF-1"}]
    assert (transcript.csat, transcript.nps, transcript.topic) == (5, 9, "delivery")
    assert not transcript.reviewed and transcript.tags == [] and transcript.notes == []


async def test_tags_notes_and_review_flag(seeded: Sessions, data: dict[str, int]) -> None:
    conversation, agent = data["parcel"], data["agent"]
    async with seeded() as session, session.begin():
        assert await add_tag(session, conversation, " Late-Delivery ", agent) == "late-delivery"
        await add_tag(session, conversation, "late-delivery", agent)  # twice: still one
        await add_tag(session, conversation, "vip", agent)
        await remove_tag(session, conversation, "vip")
        await add_note(session, conversation, HOSTILE, agent)
        await set_reviewed(session, conversation, True, agent)
        await set_reviewed(session, conversation, True, agent)
        with pytest.raises(InvalidValue):
            await add_tag(session, conversation, "<b>", agent)
        with pytest.raises(InvalidValue):
            await add_note(session, conversation, "   ", agent)
        with pytest.raises(NotFound):
            await add_tag(session, 999_999, "x", agent)
    async with seeded() as session:
        transcript = await get_transcript(session, conversation)
    assert transcript.tags == ["late-delivery"]
    assert [n.body for n in transcript.notes] == [HOSTILE]
    assert transcript.notes[0].author == "ann"
    assert transcript.reviewed
    async with seeded() as session, session.begin():
        await set_reviewed(session, conversation, False, agent)
    async with seeded() as session:
        assert not (await get_transcript(session, conversation)).reviewed


async def test_corrections_become_nlu_training_data(seeded: Sessions, data: dict[str, int]) -> None:
    async with seeded() as session, session.begin():
        records = {
            r.text: r.id
            for r in await session.scalars(
                select(CommunicationRecord).where(
                    CommunicationRecord.conversation_id == data["refund"]
                )
            )
        }
        bot_reply = records["Let me get a colleague."]
        with pytest.raises(NotFound):
            await correct_intent(session, bot_reply, "greet", data["agent"])
        with pytest.raises(InvalidValue):
            await correct_intent(session, records["blorp"], "Not An Intent!", data["agent"])
        first = await correct_intent(session, records["blorp"], "chitchat", data["agent"])
        again = await correct_intent(session, records["blorp"], "out_of_scope", data["agent"])
        kettle = await correct_intent(
            session,
            records["I want my money back for the broken kettle"],
            "broken_item_refund",
            data["agent"],
            new_intent=True,
        )
        assert first == again
        await decide_correction(session, kettle, True, data["agent"])
        await decide_correction(session, first, False, data["agent"])
    async with seeded() as session:
        transcript = await get_transcript(session, data["refund"])
        pending = await list_corrections(session, "pending")
        every = await list_corrections(session)
    assert pending == []
    assert {c.status for c in every} == {"accepted", "rejected"}
    assert transcript.messages[2].corrected_intent == "out_of_scope"
    document = yaml.safe_load(nlu_yaml(every))
    assert document["version"] == "3.1"
    assert document["nlu"] == [
        {
            "intent": "broken_item_refund",
            "examples": "- I want my money back for the broken kettle\n",
        }
    ]
    assert yaml.safe_load(nlu_yaml([]))["nlu"] == []
