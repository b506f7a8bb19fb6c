"""Who a web client is: the peer, or behind trusted proxies only, X-Forwarded-For read from the
right; a header from anyone else is ignored."""

from __future__ import annotations

import pytest

from bot.client_address import (
    client_address,
    forwarded_chain,
    parse_address,
    trusted_networks,
)

LOOPBACK = trusted_networks("127.0.0.1, ::1")
# A front proxy on another machine in front of nginx on loopback.
TWO_PROXIES = trusted_networks("127.0.0.1 ::1 10.0.0.0/8 fd00::/8")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("", []),
        ("none", []),
        ("127.0.0.1", ["127.0.0.1/32"]),
        ("127.0.0.1,::1", ["127.0.0.1/32", "::1/128"]),
        (" 10.1.2.3/8 ,  fd00::/8 ", ["10.0.0.0/8", "fd00::/8"]),
    ],
)
def test_trusted_proxies_are_addresses_or_networks(value: str, expected: list[str]) -> None:
    assert [str(network) for network in trusted_networks(value)] == expected


@pytest.mark.parametrize("value", ["localhost", "127.0.0.1/33", "10.0.0.0/8;", "nginx"])
def test_a_trusted_proxy_that_is_no_address_is_refused(value: str) -> None:
    with pytest.raises(ValueError):
        trusted_networks(value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("203.0.113.7", "203.0.113.7"),
        (" 203.0.113.7:51000 ", "203.0.113.7"),
        ("2001:DB8::7", "2001:db8::7"),
        ("[2001:db8::7]", "2001:db8::7"),
        ("[2001:db8::7]:443", "2001:db8::7"),
        ("::ffff:127.0.0.1", "127.0.0.1"),
        ("unknown", None),
        ("", None),
        (None, None),
        ("203.0.113.7, 1.2.3.4", None),
    ],
)
def test_addresses_are_read_as_proxies_write_them(text: str | None, expected: str | None) -> None:
    address = parse_address(text)
    assert (str(address) if address is not None else None) == expected


def test_several_forwarded_headers_are_one_chain_in_order() -> None:
    assert forwarded_chain(["1.1.1.1, 2.2.2.2", "3.3.3.3"]) == ["1.1.1.1", "2.2.2.2", "3.3.3.3"]


@pytest.mark.parametrize(
    ("peer", "forwarded", "client"),
    [
        # No proxy in between: the peer, whatever it claims.
        ("198.51.100.4", [], "198.51.100.4"),
        # Through nginx on loopback: the address nginx was connected from.
        ("127.0.0.1", ["203.0.113.7"], "203.0.113.7"),
        # A customer's own X-Forwarded-For, extended by nginx: only nginx's entry counts.
        ("127.0.0.1", ["6.6.6.6, 203.0.113.7"], "203.0.113.7"),
        ("127.0.0.1", ["6.6.6.6", "203.0.113.7"], "203.0.113.7"),
        # A loopback peer that sends no header (a local script, nginx without the header).
        ("127.0.0.1", [], "127.0.0.1"),
        # Every hop a trusted proxy: the furthest of them.
        ("127.0.0.1", ["127.0.0.1"], "127.0.0.1"),
        # A hop that is no address ends the chain at the last one that could be read.
        ("127.0.0.1", ["203.0.113.7, garbage"], "127.0.0.1"),
        # The peer as Sanic may report it on a dual-stack socket.
        ("::ffff:127.0.0.1", ["203.0.113.7"], "203.0.113.7"),
        # No peer address (a Unix socket): nobody to count.
        ("", ["203.0.113.7"], None),
    ],
)
def test_behind_a_trusted_proxy_the_right_most_untrusted_hop_is_the_client(
    peer: str, forwarded: list[str], client: str | None
) -> None:
    assert client_address(peer, forwarded, LOOPBACK) == client


@pytest.mark.parametrize("peer", ["198.51.100.4", "10.0.0.9", "2001:db8:5::1"])
def test_a_spoofed_header_from_an_untrusted_peer_is_ignored(peer: str) -> None:
    spoofed = ["192.0.2.1", "127.0.0.1", "2001:db8:9::1"]
    expected = "2001:db8:5::/64" if ":" in peer else peer
    assert client_address(peer, spoofed, LOOPBACK) == expected
    # Without any trusted proxy (the embedded default) nobody's header is read.
    assert client_address("127.0.0.1", spoofed, ()) == "127.0.0.1"


def test_a_chain_of_trusted_proxies_is_walked_to_the_first_untrusted_hop() -> None:
    # customer -> front proxy 10.0.0.5 -> nginx on loopback -> Rasa
    chain = ["6.6.6.6, 203.0.113.7, 10.0.0.5"]
    assert client_address("127.0.0.1", chain, TWO_PROXIES) == "203.0.113.7"
    # With only loopback trusted, the front proxy is the client (all its customers as one).
    assert client_address("127.0.0.1", chain, LOOPBACK) == "10.0.0.5"


@pytest.mark.parametrize(
    ("peer", "forwarded", "client"),
    [
        ("::1", ["2001:db8:1:2::7"], "2001:db8:1:2::/64"),
        ("::1", ["[2001:db8:1:2::7]:51000"], "2001:db8:1:2::/64"),
        ("127.0.0.1", ["2001:db8:1:2:ffff::1"], "2001:db8:1:2::/64"),
        ("::1", ["203.0.113.7"], "203.0.113.7"),
        ("fd00::1", ["203.0.113.7, fd00::2"], "203.0.113.7"),
        ("2001:db8:1:2::7", [], "2001:db8:1:2::/64"),
        ("::1", [], "::/64"),
    ],
)
def test_ipv6_clients_and_proxies(peer: str, forwarded: list[str], client: str) -> None:
    assert client_address(peer, forwarded, TWO_PROXIES) == client


def test_ipv6_addresses_of_one_connection_count_as_one_client() -> None:
    """Rotating through one's own /64 is no way around the limit; another /64 is another."""
    first = client_address("::1", ["2001:db8:1:2::7"], LOOPBACK)
    assert first == client_address("::1", ["2001:db8:1:2:abcd::99"], LOOPBACK)
    assert first != client_address("::1", ["2001:db8:1:3::7"], LOOPBACK)
