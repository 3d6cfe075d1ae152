"""The name resolver every connection uses: it drops non-public addresses unless allowed.

The private-network guard looks a host up before a request is sent, and the connection looks
it up again on its own: a name answering a public address to the first lookup and 127.0.0.1
to the second (DNS rebinding) would get through. This resolver is the reactor's, the one
Twisted connects with, so the address connected to is an address it checked: loopback,
private and link-local addresses are dropped from every answer, and a name left with none
fails to resolve (the guard then reports it as a refusal, by `refusal`).

It is installed once per reactor: by Scrapy (``TWISTED_DNS_RESOLVER``) where Scrapy runs the
reactor, else by the guard when a crawler starts (`installed`). It refuses private addresses
until a crawler says they are allowed (``[crawl] allow_private_networks = true``: tests, demo),
and once any crawler of the process has refused them they stay refused.

Answers are cached per name as the system gave them (so one crawl connects to one set of
addresses) and filtered each time they are handed out.
"""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING, Any

import attr
from scrapy.utils.datatypes import LocalCache
from twisted.internet.interfaces import IHostnameResolver, IHostResolution, IResolutionReceiver
from zope.interface import implementer

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler

__all__ = ["PublicAddressResolver", "host_key", "is_public_address"]

DEFAULT_CACHE_SIZE = 10_000


def is_public_address(address: str) -> bool:
    """On the public internet: not loopback, private, link-local, reserved... (a zone index,
    ``fe80::1%eth0``, is ignored; what is no address at all is not public)."""
    try:
        return ipaddress.ip_address(address.split("%", 1)[0]).is_global
    except ValueError:
        return False


def host_key(host: str) -> str:
    """A host name as both a URL (punycode) and Twisted (Unicode) spell it: lower-case ASCII."""
    try:
        return host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        return host.lower()


@implementer(IHostResolution)
class _Resolution:
    def __init__(self, name: str) -> None:
        self.name = name

    def cancel(self) -> None:  # pragma: no cover - nothing to cancel: answers come from a cache
        pass


@implementer(IHostnameResolver)
class PublicAddressResolver:
    def __init__(self, reactor: Any, wrapped: Any, cache_size: int = DEFAULT_CACHE_SIZE) -> None:
        self.reactor = reactor
        self.wrapped = wrapped  # the resolver that asks the system (Twisted's getaddrinfo)
        self._answers: LocalCache[str, list[Any]] = LocalCache(cache_size)
        self._refusals: LocalCache[str, str] = LocalCache(DEFAULT_CACHE_SIZE)
        self._private_allowed: bool | None = None  # None: no crawler has said: refused

    @classmethod
    def from_crawler(cls, crawler: Crawler, reactor: Any) -> Self:
        """Scrapy's ``TWISTED_DNS_RESOLVER`` interface (``crawler`` is the process there)."""
        settings = crawler.settings
        size = settings.getint("DNSCACHE_SIZE") if settings.getbool("DNSCACHE_ENABLED") else 0
        return cls(reactor, reactor.nameResolver, size)

    def install_on_reactor(self) -> None:
        self.reactor.installNameResolver(self)

    @classmethod
    def installed(cls, reactor: Any, cache_size: int = DEFAULT_CACHE_SIZE) -> PublicAddressResolver:
        """The reactor's resolver, made one of these now if it is not (a runner that installs
        none, such as `AsyncCrawlerRunner`, leaves Twisted's own)."""
        current = reactor.nameResolver
        if isinstance(current, cls):
            return current
        resolver = cls(reactor, current, cache_size)
        resolver.install_on_reactor()
        return resolver

    def allow_private_networks(self, allowed: bool) -> None:
        """A crawler's ``CITYWATCH_ALLOW_PRIVATE_NETWORKS``: a refusal is never lifted."""
        if self._private_allowed is None:
            self._private_allowed = allowed
        else:
            self._private_allowed = self._private_allowed and allowed

    @property
    def refuses_private(self) -> bool:
        return not self._private_allowed

    def refusal(self, host: str) -> str | None:
        """Why the last lookup of ``host`` left no address to connect to, if it did."""
        return self._refusals.get(host_key(host))

    def resolveHostName(
        self,
        resolutionReceiver: Any,
        hostName: str,
        portNumber: int = 0,
        addressTypes: Any = None,
        transportSemantics: str = "TCP",
    ) -> Any:
        key = host_key(hostName)
        cached = self._answers.get(key)
        if cached is None:
            receiver = _Answer(self, resolutionReceiver, key, portNumber)
            self.wrapped.resolveHostName(
                receiver, hostName, portNumber, addressTypes, transportSemantics
            )
            return receiver.resolution
        resolution = _Resolution(hostName)
        resolutionReceiver.resolutionBegan(resolution)
        self._hand_out(key, cached, resolutionReceiver, portNumber)
        return resolution

    def _hand_out(self, key: str, addresses: list[Any], receiver: Any, port: int) -> None:
        """Give ``receiver`` the addresses it may connect to, then say the lookup is done."""
        dropped = []
        for address in addresses:
            host = str(getattr(address, "host", ""))
            if self.refuses_private and not is_public_address(host):
                dropped.append(host)
                continue
            receiver.addressResolved(_with_port(address, port))
        if dropped and len(dropped) == len(addresses):
            self._refusals[key] = f"{key} resolved to {dropped[0]} when connecting: not public"
        else:
            self._refusals.pop(key, None)
        receiver.resolutionComplete()

    def _answered(self, key: str, addresses: list[Any]) -> None:
        if addresses:
            # Kept without the port: a name's addresses do not depend on it.
            self._answers[key] = [_with_port(address, 0) for address in addresses]


@implementer(IResolutionReceiver)
class _Answer:
    """Collects what the system answers for one name, then hands the allowed part on."""

    def __init__(
        self,
        resolver: PublicAddressResolver,
        receiver: Any,
        key: str,
        port: int,
    ) -> None:
        self.resolver = resolver
        self.receiver = receiver
        self.key = key
        self.port = port
        self.addresses: list[Any] = []
        self.resolution: Any = _Resolution(key)

    def resolutionBegan(self, resolutionInProgress: Any) -> None:
        self.resolution = resolutionInProgress
        self.receiver.resolutionBegan(resolutionInProgress)

    def addressResolved(self, address: Any) -> None:
        self.addresses.append(address)

    def resolutionComplete(self) -> None:
        self.resolver._answered(self.key, self.addresses)
        self.resolver._hand_out(self.key, self.addresses, self.receiver, self.port)


def _with_port(address: Any, port: int) -> Any:
    if getattr(address, "port", port) == port:
        return address
    return attr.evolve(address, port=port)
