"""Requests to loopback, private and link-local targets are refused in production configs."""

from __future__ import annotations

import asyncio

import pytest

from crawler.middlewares.private_network import PrivateNetworkGuard, is_public_address


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
