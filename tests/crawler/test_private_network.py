"""Requests to loopback, private and link-local targets are refused in production configs."""

from __future__ import annotations

import asyncio
import ipaddress

import pytest
from scrapy import Request
from scrapy.http import Response
from scrapy.utils.test import get_crawler

from crawler.middlewares.private_network import (
    PrivateNetworkGuard,
    PrivateNetworkRefused,
    is_public_address,
)


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("192.168.0.10", False),
        ("172.16.5.4", False),
        ("169.254.169.254", False),
        ("::1", False),
        ("fe80::1%eth0", False),
        ("8.8.8.8", True),
        ("2001:4860:4860::8888", True),
        ("not an address", False),
    ],
)
def test_non_public_addresses_are_recognised(address: str, public: bool) -> None:
    assert is_public_address(address) is public


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "[::1]"])
def test_a_host_resolving_to_loopback_is_refused(host: str) -> None:
    reason = asyncio.run(PrivateNetworkGuard._refusal(host.strip("[]")))
    assert reason is not None and "non-public address" in reason


def test_an_unresolvable_host_is_left_to_fail_on_its_own() -> None:
    assert asyncio.run(PrivateNetworkGuard._refusal("no-such-host.invalid")) is None


@pytest.mark.parametrize("peer", ["127.0.0.1", "10.0.0.5", "::1", "169.254.169.254"])
def test_an_answer_from_a_non_public_peer_is_refused(peer: str) -> None:
    """Whatever resolved what: the address actually connected to decides."""
    crawler = get_crawler()
    guard = PrivateNetworkGuard(crawler, resolver=None)
    request = Request("https://public.example/page")
    response = Response(request.url, ip_address=ipaddress.ip_address(peer))

    with pytest.raises(PrivateNetworkRefused) as refused:
        guard.process_response(request, response)

    assert str(refused.value) == (
        f"https://public.example/page: public.example was answered from the non-public "
        f"address {peer}"
    )
    assert crawler.stats.get_value("citywatch/refused_private_network") == 1


def test_an_answer_from_a_public_peer_or_an_unknown_one_passes() -> None:
    guard = PrivateNetworkGuard(get_crawler(), resolver=None)
    request = Request("https://public.example/page")
    public = Response(request.url, ip_address=ipaddress.ip_address("93.184.216.34"))
    cached = Response(request.url)  # from a cache: no peer at all

    assert guard.process_response(request, public) is public
    assert guard.process_response(request, cached) is cached
