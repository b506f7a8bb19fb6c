"""The conversation scorer: ends finished conversations with a topic and a satisfaction estimate.

A conversation has ended when the bot said goodbye, or when nobody wrote for
`KEFU_CONVERSATION_IDLE_MINUTES`. It also scores any customer message logged without a
sentiment (by `python -m kefu reconcile`, say), so every record gets one in the end.
Scoring is CPU work: it runs in a thread so the launcher's event loop keeps serving.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from crm_store.models import utcnow
from crm_store.services.scoring import (
    conversations_ended_by,
    conversations_to_end,
    records_without_sentiment,
    save_conversation_scores,
    save_sentiments,
)
from crm_store.services.snapshots import all_snapshots, conversation_snapshots
from kefu import customer_analytics
from kefu.rasa_project import BOT_SIGNALS, CLOSING_RESPONSES
from kefu.workers.base import Worker
from nlp import jobs, topics
from nlp.artefacts import ModelNotFoundError, ModelVersionError, latest_version
from nlp.records import conversation_from_dict, records_from
from nlp.satisfaction import SatisfactionModel, score_conversation
from nlp.sentiment import SentimentModel
from nlp.topics import TopicModel

logger = logging.getLogger(__name__)


@dataclass
class NlpModels:
    """What scoring uses; a model that is not trained yet is None (heuristics stand in)."""

    sentiment: SentimentModel
    topics: TopicModel | None = None
    satisfaction: SatisfactionModel | None = None


def _latest(loader: Any, models_dir: Path, what: str) -> Any:
    try:
        return loader(models_dir)
    except ModelNotFoundError:
        return None
    except ModelVersionError as error:
        logger.warning(
            "ignoring the %s model: %s (retrain with `python -m nlp train`)", what, error
        )
        return None


async def ensure_nlp_models(
    crm_sessions: async_sessionmaker[AsyncSession], models_dir: Path
) -> dict[str, str] | None:
    """Train the NLP models on the CRM once, when there is no topic model yet, and store the
    customers' analytics (kefu.customer_analytics) from the same records.

    The demo CRM's tickets are enough for topics and the ticket index; sentiment and
    satisfaction fall back to the lexicon and the heuristic until enough feedback exists, and
    `python -m nlp train` retrains everything whenever wanted. Returns what was trained.
    """
    try:
        latest_version(models_dir, topics.NAME)
        return None
    except ModelNotFoundError:
        pass
    async with crm_sessions() as session:
        records = records_from(await all_snapshots(session, BOT_SIGNALS))
    trained = await asyncio.to_thread(jobs.train, records, models_dir)
    # The customer card's segment, churn risk and CLV from the first run on, not only after
    # someone runs `python -m kefu nlp customers`: one more small forest over the orders.
    run = await asyncio.to_thread(customer_analytics.compute, records)
    stored = await customer_analytics.store_with(crm_sessions, run)
    return {**trained, "customers": f"{stored} stored (churn risk from the {run.churn_source})"}


def load_nlp_models(models_dir: Path) -> NlpModels:
    """The newest trained models under `models_dir`, or the lexicon and heuristics."""
    sentiment = _latest(SentimentModel.load, models_dir, "sentiment") or SentimentModel()
    satisfaction = _latest(SatisfactionModel.load, models_dir, "satisfaction")
    if satisfaction is not None:
        # Its sentiment features were computed with this model when it was trained.
        satisfaction.sentiment = sentiment
    return NlpModels(sentiment, _latest(TopicModel.load, models_dir, "topic"), satisfaction)


@dataclass(frozen=True)
class ConversationScores:
    conversation_id: int
    topic: str | None
    satisfaction: float


def score_snapshot(snapshot: dict[str, Any], models: NlpModels) -> ConversationScores:
    conversation = conversation_from_dict(snapshot)
    topic = None
    if models.topics is not None:
        assignment = models.topics.assign(conversation.customer_text())
        topic = assignment.label if assignment.topic is not None else None
    satisfaction = score_conversation(conversation, models.satisfaction, models.sentiment)
    return ConversationScores(int(snapshot["id"]), topic, round(satisfaction.expected, 2))


class ConversationScorer(Worker):
    name = "conversation scorer"

    def __init__(
        self,
        crm_sessions: async_sessionmaker[AsyncSession],
        models: NlpModels,
        idle_minutes: float = 30.0,
        batch_size: int = 100,
        poll_interval: float = 2.0,
    ) -> None:
        super().__init__(poll_interval=poll_interval)
        self.crm_sessions = crm_sessions
        self.models = models
        self.idle = timedelta(minutes=idle_minutes)
        self.batch_size = batch_size

    async def consume(self) -> int:
        return await self.score_missing_sentiment() + await self.end_conversations()

    async def score_missing_sentiment(self) -> int:
        async with self.crm_sessions() as session:
            pending = await records_without_sentiment(session, self.batch_size)
        if not pending:
            return 0
        sentiment = self.models.sentiment
        scores = await asyncio.to_thread(
            lambda: {record_id: sentiment.score(text) for record_id, text in pending}
        )
        async with self.crm_sessions() as session, session.begin():
            await save_sentiments(session, scores)
        return len(pending)

    async def end_conversations(self) -> int:
        async with self.crm_sessions() as session:
            due = await conversations_ended_by(session, CLOSING_RESPONSES, self.batch_size)
            due += await conversations_to_end(session, utcnow() - self.idle, self.batch_size)
            snapshots = await conversation_snapshots(session, sorted(set(due)), BOT_SIGNALS)
        if not snapshots:
            return 0
        results = await asyncio.to_thread(
            lambda: [score_snapshot(snapshot, self.models) for snapshot in snapshots]
        )
        async with self.crm_sessions() as session, session.begin():
            for result in results:
                await save_conversation_scores(
                    session, result.conversation_id, result.topic, result.satisfaction
                )
        return len(results)
