"""Behind nginx the Rasa servers still tell customers apart: one client's wrong identification
pairs lock that client, on whichever server each turn lands, and nobody else.

nginx appends the address it was connected from to X-Forwarded-For; the Rasa servers trust it
from loopback only (the profile's KEFU_TRUSTED_PROXIES) and take the right-most address that is
not a trusted proxy. The customers here connect from other loopback addresses (127.0.0.2,
127.0.0.3: not the trusted 127.0.0.1), so what they write into X-Forwarded-For themselves is a
claim nginx's own entry outranks. Uses the module's cluster (tests/production/conftest.py).
"""

from __future__ import annotations

import uuid

import aiohttp
import pytest

from crm_store.services.verification import CLIENT_LIMIT
from tests.production.cluster import Cluster

pytestmark = pytest.mark.production

ANNA = ("anna.schmidt@example.com", "10115")


def connection_from(address: str) -> aiohttp.ClientSession:
    """A client whose requests reach nginx from `address` (any 127/8 address is this host)."""
    return aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(local_addr=(address, 0), force_close=True),
        timeout=aiohttp.ClientTimeout(total=60),
    )


async def say(http: aiohttp.ClientSession, cluster: Cluster, sender: str, text: str) -> str:
    """One message through nginx, claiming another client in the header and in the metadata
    each time; the bot's replies as one text."""
    target = cluster.target
    claim = f"203.0.113.{uuid.uuid4().int % 250 + 1}"
    headers = {**target.headers, "X-Forwarded-For": claim}
    body = {"sender": sender, "message": text, "metadata": {"kefu_client": claim}}
    async with http.post(target.webhook, json=body, headers=headers) as answer:
        answer.raise_for_status()
        return "\n".join(str(reply.get("text") or "") for reply in await answer.json())


async def identify(http: aiohttp.ClientSession, cluster: Cluster, contact: str, fact: str) -> str:
    """A new conversation that asks for its orders and answers the two questions."""
    sender = f"limit-{uuid.uuid4().hex[:8]}"
    await say(http, cluster, sender, "where is my order?")
    await say(http, cluster, sender, contact)
    return await say(http, cluster, sender, fact)


async def test_one_clients_wrong_pairs_through_nginx_lock_that_client_only(
    cluster: Cluster,
) -> None:
    async with connection_from("127.0.0.2") as guesser:
        for n in range(CLIENT_LIMIT):
            contact = f"walker{n}.{uuid.uuid4().hex[:6]}@example.com"
            reply = await identify(guesser, cluster, contact, "10115")
            assert "couldn't verify" in reply.lower(), reply
        refused = await identify(guesser, cluster, *ANNA)
    assert "too many" in refused.lower() and "Anna" not in refused, refused
    # Anna from her own connection, through the same nginx, is not locked out.
    async with connection_from("127.0.0.3") as anna:
        verified = await identify(anna, cluster, *ANNA)
    assert "Anna" in verified, verified
