"""What the two SVM components share with Rasa's graph: where they persist, and reading it back."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, TypeVar

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage

logger = logging.getLogger(__name__)

C = TypeVar("C", bound="StoredComponent")


class StoredComponent(GraphComponent):
    """A trainable component that starts untrained and keeps its resource to persist into."""

    def __init__(
        self, config: dict[str, Any], model_storage: ModelStorage, resource: Resource
    ) -> None:
        self.component_config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource

    @classmethod
    def create(
        cls: type[C],
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> C:
        return cls(config, model_storage, resource)

    @classmethod
    def load(
        cls: type[C],
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> C:
        """The trained component; an untrained one if nothing was trained into `resource`."""
        settings = {**cls.get_default_config(), **config}
        try:
            with model_storage.read_from(resource) as directory:
                trained = cls.read_trained(directory, settings)
        except (ValueError, FileNotFoundError):
            logger.debug(f"{cls.__name__}: no trained model in resource '{resource.name}'.")
            trained = {}
        return cls(config, model_storage, resource, **trained)

    @classmethod
    def read_trained(cls, directory: Path, config: dict[str, Any]) -> dict[str, Any]:
        """What `persist` wrote to `directory`, as the constructor's keyword arguments."""
        raise NotImplementedError
