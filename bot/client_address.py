"""Who the client of a web request is: the peer, or behind trusted reverse proxies the address
the nearest untrusted hop connected from.

The REST and socket.io channels count identification attempts per client (the CRM locks a client
after too many wrong ones, crm_store/services/verification.py). Behind nginx (the production
profile) every peer is the proxy, so the client is read from `X-Forwarded-For`, which each proxy
extends with the address it was connected from; but anyone can send that header, so it is read
only when the peer is a trusted proxy (`trusted_proxies` in credentials.yml, from
KEFU_TRUSTED_PROXIES), and only as far as trusted proxies wrote it: right to left, the first
address that is not a trusted proxy is the client. What a customer wrote further left is never
read. IPv6 clients count by their /64, the block one connection usually has to itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network

Address = IPv4Address | IPv6Address
Network = IPv4Network | IPv6Network

FORWARDED_FOR = "X-Forwarded-For"
# One IPv6 client: its /64 (a home or mobile connection gets at least that much to choose from).
IPV6_CLIENT_PREFIX = 64


def trusted_networks(value: str | None) -> tuple[Network, ...]:
    """The trusted proxies: addresses or networks separated by commas or spaces ("none" or
    nothing: none). A bad entry raises ValueError (the channel then refuses to start)."""
    items = (value or "").replace(",", " ").split()
    if items == ["none"]:
        return ()
    return tuple(ip_network(item, strict=False) for item in items)


def parse_address(text: str | None) -> Address | None:
    """An address as peers and proxies write it: `a.b.c.d`, `::1`, `[::1]`, `[::1]:443`,
    `a.b.c.d:443`; an IPv4-mapped IPv6 address as the IPv4 one. None for anything else."""
    text = (text or "").strip()
    if text.startswith("["):
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:
        text = text.partition(":")[0]
    try:
        address = ip_address(text)
    except ValueError:
        return None
    if isinstance(address, IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def is_trusted(address: Address, trusted: Sequence[Network]) -> bool:
    return any(address.version == network.version and address in network for network in trusted)


def forwarded_chain(headers: Iterable[str]) -> list[str]:
    """The hops of every X-Forwarded-For header, in order (several headers join as one list)."""
    return [hop.strip() for header in headers for hop in header.split(",")]


def client_address(
    peer: str | None, forwarded: Iterable[str], trusted: Sequence[Network]
) -> str | None:
    """The client as it is counted: the peer, unless the peer is a trusted proxy; then the
    right-most X-Forwarded-For hop that is not one. When every hop is a trusted proxy, or the
    chain breaks at something that is no address, the last address that could be read."""
    current = parse_address(peer)
    if current is None:
        return None
    hops = forwarded_chain(forwarded) if is_trusted(current, trusted) else []
    for hop in reversed(hops):
        if not is_trusted(current, trusted):
            break
        previous = parse_address(hop)
        if previous is None:
            break
        current = previous
    return counted_as(current)


def counted_as(address: Address) -> str:
    """The one string a client is counted under: its address, for IPv6 its /64."""
    if isinstance(address, IPv6Address):
        return str(IPv6Network((int(address), IPV6_CLIENT_PREFIX), strict=False))
    return str(address)
