"""A Redis lock store whose every change to a conversation's lock is one atomic step.

Rasa 3.6's RedisLockStore (rasa/core/lock_store.py) issues a ticket by reading the lock,
adding a ticket and writing it back, in three separate Redis calls; so do finishing a ticket
and clean-up. Two Rasa instances that take messages of one conversation at the same moment can
both read "no ticket", both issue ticket 0 and both go ahead: the turns interleave and the
tracker store keeps whichever wrote last. Here each read-change-write runs as a Redis
transaction on the lock's key (WATCH, then MULTI/EXEC; redis-py retries when another instance
wrote in between), so tickets are unique and served in the order they were issued.
"""

from __future__ import annotations

import json
from typing import Any

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig


class AtomicRedisLockStore(RedisLockStore):
    """`lock_store: type: bot.lock_store.AtomicRedisLockStore` in endpoints.yml."""

    def __init__(self, endpoint_config: EndpointConfig) -> None:
        # Rasa builds custom lock stores with the endpoint config alone (_load_from_module...).
        kwargs = dict(endpoint_config.kwargs)
        kwargs.pop("type", None)
        super().__init__(host=endpoint_config.url or "localhost", **kwargs)

    def _key(self, conversation_id: str) -> str:
        return self.key_prefix + conversation_id

    def _read(self, pipe: Any, conversation_id: str) -> TicketLock | None:
        raw = pipe.get(self._key(conversation_id))
        return TicketLock.from_dict(json.loads(raw)) if raw else None

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        """A new ticket for the conversation, unique even with other instances issuing too."""
        issued: list[int] = []

        def step(pipe: Any) -> None:
            lock = self._read(pipe, conversation_id) or self.create_lock(conversation_id)
            ticket = lock.issue_ticket(lock_lifetime)
            pipe.multi()
            pipe.set(self._key(conversation_id), lock.dumps())
            issued[:] = [ticket]

        try:
            self.red.transaction(step, self._key(conversation_id))
        except Exception as error:
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error
        return issued[0]

    def update_lock(self, conversation_id: str) -> None:
        """Drop expired tickets, atomically."""

        def step(pipe: Any) -> None:
            lock = self._read(pipe, conversation_id)
            if lock is None:
                return
            lock.remove_expired_tickets()
            pipe.multi()
            pipe.set(self._key(conversation_id), lock.dumps())

        self.red.transaction(step, self._key(conversation_id))

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        self._finish(conversation_id, ticket_number, delete_when_idle=False)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Finish the ticket and delete the lock if nobody waits, in one step."""
        self._finish(conversation_id, ticket_number, delete_when_idle=True)

    def _finish(self, conversation_id: str, ticket_number: int, delete_when_idle: bool) -> None:
        def step(pipe: Any) -> None:
            lock = self._read(pipe, conversation_id)
            if lock is None:
                return
            lock.remove_ticket_for(ticket_number)
            pipe.multi()
            if delete_when_idle and not lock.is_someone_waiting():
                pipe.delete(self._key(conversation_id))
            else:
                pipe.set(self._key(conversation_id), lock.dumps())

        self.red.transaction(step, self._key(conversation_id))
