"""Reviewing a conversation in the console: its transcript, tags, notes, the reviewed flag, and
intent corrections that an admin turns into Rasa NLU training data."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from crm_store.console_models import (
    ConversationReview,
    ConversationTag,
    CorrectionStatus,
    IntentCorrection,
)
from crm_store.errors import InvalidValue, NotFound
from crm_store.models import AgentUser, CommunicationRecord, Conversation, Feedback, Note, utcnow
from crm_store.services._common import insert_ignoring_conflicts, row_or_not_found, value_of

MAX_TAG_CHARS = 50
MAX_NOTE_CHARS = 5000
_TAG = re.compile(r"^[\w][\w .:/-]*$", re.UNICODE)
_INTENT = re.compile(r"^[a-z][a-z0-9_]{0,99}$")


@dataclass(frozen=True)
class MessageView:
    id: int
    sent_at: datetime
    direction: str
    text: str
    intent: str | None
    confidence: float | None
    entities: list[Any]
    sentiment: float | None
    corrected_intent: str | None
    # The agent who wrote it, for an agent's message (None for the customer's and the bot's).
    agent: str | None = None


@dataclass(frozen=True)
class NoteView:
    id: int
    author: str
    body: str
    created_at: datetime


@dataclass(frozen=True)
class TranscriptView:
    id: int
    sender_id: str
    channel: str
    status: str
    customer_id: int | None
    topic: str | None
    satisfaction: float | None
    csat: int | None
    nps: int | None
    handoff_reason: str | None
    started_at: datetime
    ended_at: datetime | None
    tags: list[str]
    reviewed: bool
    notes: list[NoteView]
    messages: list[MessageView]
    # The live handoff: the agent holding (or who last held) the conversation.
    assignee_id: int | None = None


@dataclass(frozen=True)
class CorrectionView:
    id: int
    record_id: int
    conversation_id: int
    text: str
    predicted_intent: str | None
    corrected_intent: str
    new_intent: bool
    status: str
    created_at: datetime


async def _conversation(session: AsyncSession, conversation_id: int) -> Conversation:
    return await row_or_not_found(session, Conversation, conversation_id, "conversation")


async def get_transcript(session: AsyncSession, conversation_id: int) -> TranscriptView:
    """Everything the transcript page shows, in a few queries."""
    conversation = await _conversation(session, conversation_id)
    feedback = await session.scalar(
        select(Feedback).where(Feedback.conversation_id == conversation_id)
    )
    corrected = dict(
        (
            await session.execute(
                select(IntentCorrection.record_id, IntentCorrection.corrected_intent).where(
                    IntentCorrection.conversation_id == conversation_id
                )
            )
        ).all()
    )
    records = (
        await session.execute(
            select(CommunicationRecord, AgentUser.display_name)
            .outerjoin(AgentUser, AgentUser.id == CommunicationRecord.agent_id)
            .where(CommunicationRecord.conversation_id == conversation_id)
            .order_by(CommunicationRecord.sent_at, CommunicationRecord.id)
        )
    ).all()
    messages = [
        MessageView(
            r.id,
            r.sent_at,
            value_of(r.direction),
            r.text,
            r.intent,
            r.confidence,
            list(r.entities or []),
            r.sentiment,
            corrected.get(r.id),
            agent,
        )
        for r, agent in records
    ]
    return TranscriptView(
        id=conversation.id,
        sender_id=conversation.sender_id,
        channel=conversation.channel,
        status=value_of(conversation.status),
        customer_id=conversation.customer_id,
        topic=conversation.topic,
        satisfaction=conversation.satisfaction,
        csat=feedback.csat if feedback else None,
        nps=feedback.nps if feedback else None,
        handoff_reason=conversation.handoff_reason,
        started_at=conversation.started_at,
        ended_at=conversation.ended_at,
        tags=await conversation_tags(session, conversation_id),
        reviewed=await is_reviewed(session, conversation_id),
        notes=await conversation_notes(session, conversation_id),
        messages=messages,
        assignee_id=conversation.assignee_id,
    )


async def conversation_tags(session: AsyncSession, conversation_id: int) -> list[str]:
    return list(
        await session.scalars(
            select(ConversationTag.tag)
            .where(ConversationTag.conversation_id == conversation_id)
            .order_by(ConversationTag.tag)
        )
    )


async def conversation_notes(session: AsyncSession, conversation_id: int) -> list[NoteView]:
    rows = await session.execute(
        select(Note, AgentUser.display_name)
        .join(AgentUser, AgentUser.id == Note.author_id)
        .where(Note.conversation_id == conversation_id)
        .order_by(Note.created_at, Note.id)
    )
    return [NoteView(note.id, author, note.body, note.created_at) for note, author in rows.all()]


async def is_reviewed(session: AsyncSession, conversation_id: int) -> bool:
    return await session.get(ConversationReview, conversation_id) is not None


def check_tag(tag: str) -> str:
    cleaned = (tag or "").strip().lower()
    if not cleaned or len(cleaned) > MAX_TAG_CHARS or not _TAG.match(cleaned):
        raise InvalidValue("tag", f"A tag is 1 to {MAX_TAG_CHARS} letters, digits, - _ . : /")
    return cleaned


async def add_tag(session: AsyncSession, conversation_id: int, tag: str, author_id: int) -> str:
    cleaned = check_tag(tag)
    await _conversation(session, conversation_id)
    await session.execute(
        insert_ignoring_conflicts(session, ConversationTag).values(
            conversation_id=conversation_id, tag=cleaned, author_id=author_id, created_at=utcnow()
        )
    )
    return cleaned


async def remove_tag(session: AsyncSession, conversation_id: int, tag: str) -> None:
    await session.execute(
        delete(ConversationTag).where(
            ConversationTag.conversation_id == conversation_id,
            ConversationTag.tag == (tag or "").strip().lower(),
        )
    )


async def add_note(session: AsyncSession, conversation_id: int, body: str, author_id: int) -> int:
    text = (body or "").strip()
    if not text or len(text) > MAX_NOTE_CHARS:
        raise InvalidValue("note", f"A note is 1 to {MAX_NOTE_CHARS} characters.")
    conversation = await _conversation(session, conversation_id)
    note = Note(
        author_id=author_id,
        conversation_id=conversation_id,
        customer_id=conversation.customer_id,
        body=text,
    )
    session.add(note)
    await session.flush()
    return note.id


async def set_reviewed(
    session: AsyncSession, conversation_id: int, reviewed: bool, reviewer_id: int
) -> None:
    await _conversation(session, conversation_id)
    if not reviewed:
        await session.execute(
            delete(ConversationReview).where(ConversationReview.conversation_id == conversation_id)
        )
        return
    await session.execute(
        insert_ignoring_conflicts(session, ConversationReview).values(
            conversation_id=conversation_id, reviewer_id=reviewer_id, reviewed_at=utcnow()
        )
    )


def check_intent(intent: str) -> str:
    cleaned = (intent or "").strip()
    if not _INTENT.match(cleaned):
        raise InvalidValue("intent", "An intent name is lower-case letters, digits and _.")
    return cleaned


async def correct_intent(
    session: AsyncSession, record_id: int, intent: str, author_id: int, new_intent: bool = False
) -> int:
    """Mark a customer message's intent as wrong and name the right one (one per message)."""
    cleaned = check_intent(intent)
    record = await session.get(CommunicationRecord, record_id)
    if record is None or value_of(record.direction) != "user":
        raise NotFound(f"No customer message {record_id}.")
    existing = await session.scalar(
        select(IntentCorrection).where(IntentCorrection.record_id == record_id)
    )
    if existing is None:
        existing = IntentCorrection(record_id=record_id, conversation_id=record.conversation_id)
        session.add(existing)
    existing.predicted_intent = record.intent
    existing.corrected_intent = cleaned
    existing.new_intent = new_intent
    existing.status = CorrectionStatus.pending
    existing.author_id = author_id
    existing.reviewer_id = None
    existing.reviewed_at = None
    await session.flush()
    return existing.id


async def list_corrections(
    session: AsyncSession, status: str | None = None, limit: int = 500
) -> list[CorrectionView]:
    query = (
        select(IntentCorrection, CommunicationRecord.text)
        .join(CommunicationRecord, CommunicationRecord.id == IntentCorrection.record_id)
        .order_by(IntentCorrection.created_at.desc(), IntentCorrection.id.desc())
        .limit(limit)
    )
    if status:
        query = query.where(IntentCorrection.status == CorrectionStatus(status))
    return [
        CorrectionView(
            c.id,
            c.record_id,
            c.conversation_id,
            text,
            c.predicted_intent,
            c.corrected_intent,
            c.new_intent,
            value_of(c.status),
            c.created_at,
        )
        for c, text in (await session.execute(query)).all()
    ]


async def decide_correction(
    session: AsyncSession, correction_id: int, accept: bool, reviewer_id: int
) -> None:
    correction = await row_or_not_found(session, IntentCorrection, correction_id, "correction")
    correction.status = CorrectionStatus.accepted if accept else CorrectionStatus.rejected
    correction.reviewer_id = reviewer_id
    correction.reviewed_at = utcnow()


def _yaml_string(value: str) -> str:
    # A double-quoted YAML scalar: backslashes and quotes escaped, line breaks folded to spaces.
    flat = " ".join(value.split())
    return '"' + flat.replace("\\", "\\\\").replace('"', '\\"') + '"'


def nlu_yaml(corrections: list[CorrectionView]) -> str:
    """Accepted corrections as Rasa 3 NLU training data (`version: "3.1"`, one block per intent)."""
    by_intent: dict[str, list[str]] = {}
    for correction in corrections:
        if correction.status == CorrectionStatus.accepted.value and correction.text.strip():
            by_intent.setdefault(correction.corrected_intent, [])
            if correction.text not in by_intent[correction.corrected_intent]:
                by_intent[correction.corrected_intent].append(correction.text)
    lines = ['version: "3.1"', "nlu:"]
    for intent in sorted(by_intent):
        lines += [f"- intent: {intent}", "  examples: |"]
        # Block scalar lines: a list item each; the example itself is quoted-free plain text.
        lines += [f"    - {' '.join(text.split())}" for text in by_intent[intent]]
    if len(lines) == 2:
        lines[1] = "nlu: []"
    return "\n".join(lines) + "\n"
