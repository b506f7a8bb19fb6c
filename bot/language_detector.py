"""Rasa NLU component, first in the pipeline: the language of each message, as a `language` entity.

The entity fills the `language` slot (domain.yml, a from_entity mapping), which the responses'
conditions and the actions' own texts (actions/localized.py) read, so every reply is in the
language of the customer's latest message. A message with no evidence of a language sets
nothing, and the conversation keeps its language. Chinese messages also get the language-free
entities (emails, order numbers, postcodes, ...) that the word-bounded regexes miss between
Chinese characters.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    EXTRACTOR,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.language import CHINESE, detect, language_free_entities

LANGUAGE_ENTITY = "language"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class LanguageDetector(GraphComponent, EntityExtractorMixin):
    """Adds a `language` entity (en, de, zh) to every message that shows its language."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {}

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> LanguageDetector:
        return cls()

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data  # nothing to learn: the rules are in bot/language.py

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = str(message.get(TEXT) or "")
            if text.startswith("/"):
                continue  # a button payload has no language
            entities = list(message.get(ENTITIES, []))
            language = detect(text)
            if language is not None:
                entities.append(self._entity(LANGUAGE_ENTITY, language, 0, len(text)))
            if language == CHINESE:
                entities += [
                    self._entity(f.entity, f.value, f.start, f.end)
                    for f in language_free_entities(text, only_glued=True)
                ]
            message.set(ENTITIES, entities, add_to_output=True)
        return messages

    def _entity(self, entity: str, value: str, start: int, end: int) -> dict[str, Any]:
        return {
            ENTITY_ATTRIBUTE_TYPE: entity,
            ENTITY_ATTRIBUTE_VALUE: value,
            ENTITY_ATTRIBUTE_START: start,
            ENTITY_ATTRIBUTE_END: end,
            EXTRACTOR: self.__class__.__name__,
        }
