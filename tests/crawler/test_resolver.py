"""The resolver connections use (crawler/resolver.py) drops non-public addresses unless private
networks are allowed, caches what the system answered, and says why a name was left empty."""

from __future__ import annotations

from typing import Any

import pytest
from twisted.internet.address import IPv4Address, IPv6Address

from crawler.resolver import PublicAddressResolver, host_key


class SystemAnswers:
    """A stand-in for the system resolver: fixed answers per name, and how often it was asked."""

    def __init__(self, answers: dict[str, list[str]]) -> None:
        self.answers = answers
        self.asked: list[str] = []

    def resolveHostName(self, receiver: Any, name: str, port: int = 0, *args: Any) -> None:
        self.asked.append(name)
        receiver.resolutionBegan(object())
        for host in self.answers.get(name, []):
            kind = IPv6Address if ":" in host else IPv4Address
            receiver.addressResolved(kind("TCP", host, port))
        receiver.resolutionComplete()


class Receiver:
    def __init__(self) -> None:
        self.addresses: list[tuple[str, int]] = []
        self.complete = False

    def resolutionBegan(self, resolution: Any) -> None:
        pass

    def addressResolved(self, address: Any) -> None:
        self.addresses.append((address.host, address.port))

    def resolutionComplete(self) -> None:
        self.complete = True


def resolve(resolver: PublicAddressResolver, name: str, port: int = 80) -> list[tuple[str, int]]:
    receiver = Receiver()
    resolver.resolveHostName(receiver, name, port)
    assert receiver.complete
    return receiver.addresses


def resolver_for(answers: dict[str, list[str]], allowed: bool | None) -> PublicAddressResolver:
    resolver = PublicAddressResolver(reactor=None, wrapped=SystemAnswers(answers))
    if allowed is not None:
        resolver.allow_private_networks(allowed)
    return resolver


ANSWERS = {
    "mixed.example": ["10.0.0.5", "93.184.216.34"],
    "loopback.example": ["127.0.0.1", "::1"],
    "metadata.example": ["169.254.169.254"],
    "public.example": ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"],
}


@pytest.mark.parametrize("allowed", [False, None])  # None: no crawler said: refused
def test_non_public_addresses_are_dropped_and_a_name_left_empty_is_a_refusal(
    allowed: bool | None,
) -> None:
    resolver = resolver_for(ANSWERS, allowed)

    assert resolve(resolver, "mixed.example", 8080) == [("93.184.216.34", 8080)]
    assert resolver.refusal("mixed.example") is None
    assert resolve(resolver, "loopback.example") == []
    assert resolver.refusal("loopback.example") == (
        "loopback.example resolved to 127.0.0.1 when connecting: not public"
    )
    assert resolve(resolver, "metadata.example") == []
    assert resolver.refusal("Metadata.Example") is not None
    assert resolve(resolver, "public.example", 443) == [
        ("93.184.216.34", 443),
        ("2606:2800:220:1:248:1893:25c8:1946", 443),
    ]
    assert resolve(resolver, "unknown.example") == []
    assert resolver.refusal("unknown.example") is None  # it does not resolve: not a refusal


def test_with_private_networks_allowed_every_address_is_handed_on() -> None:
    resolver = resolver_for(ANSWERS, True)

    assert resolve(resolver, "loopback.example", 8000) == [("127.0.0.1", 8000), ("::1", 8000)]
    assert resolver.refusal("loopback.example") is None


def test_a_refusal_by_any_crawler_of_the_process_is_never_lifted() -> None:
    resolver = resolver_for(ANSWERS, False)
    resolver.allow_private_networks(True)

    assert resolver.refuses_private
    assert resolve(resolver, "loopback.example") == []


def test_answers_are_cached_per_name_as_the_system_gave_them() -> None:
    system = SystemAnswers({"mixed.example": ["10.0.0.5", "93.184.216.34"]})
    resolver = PublicAddressResolver(reactor=None, wrapped=system)

    first = resolve(resolver, "mixed.example", 80)
    system.answers["mixed.example"] = ["127.0.0.1"]  # rebinding after the first answer
    second = resolve(resolver, "mixed.example", 443)

    assert system.asked == ["mixed.example"]
    assert first == [("93.184.216.34", 80)]
    assert second == [("93.184.216.34", 443)]


def test_host_names_are_compared_as_urls_and_twisted_spell_them() -> None:
    assert (
        host_key("Bücher.Example") == host_key("xn--bcher-kva.example") == "xn--bcher-kva.example"
    )
    assert host_key("::1") == "::1"
