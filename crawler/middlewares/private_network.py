"""Refuse requests to loopback, private and link-local addresses.

Scraped pages are untrusted: a link or a redirect to http://10.0.0.1/ or http://169.254.169.254/
must not make the crawler probe the network it runs in. Three checks, each where it counts:

- before a request is sent, its host is looked up (once per host and crawl) and a host with a
  non-public address is refused with a clear error, robots.txt and redirects included;
- when the connection is made, `crawler.resolver.PublicAddressResolver` (installed here if the
  runner installed none) drops non-public addresses: a name that answers differently to the
  two lookups (DNS rebinding) finds nothing to connect to, and is refused here too;
- when the answer comes, the address actually connected to (``response.ip_address``) must be
  public, in case anything connected past the resolver.

Tests and the demo crawl replicas on 127.0.0.1 and lift it with
``[crawl] allow_private_networks = true``.
"""

from __future__ import annotations

import asyncio
import socket
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.utils.reactor import is_reactor_installed

from crawler.resolver import PublicAddressResolver, is_public_address

if TYPE_CHECKING:
    from typing import Self

    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

__all__ = ["PrivateNetworkGuard", "PrivateNetworkRefused", "is_public_address"]

ALLOW_SETTING = "CITYWATCH_ALLOW_PRIVATE_NETWORKS"


class PrivateNetworkRefused(IgnoreRequest):
    """The request's host resolves to an address that is not on the public internet."""


class PrivateNetworkGuard:
    def __init__(self, crawler: Crawler, resolver: PublicAddressResolver | None) -> None:
        self.stats = crawler.stats
        self.resolver = resolver
        self._verdicts: dict[str, str | None] = {}  # host -> refusal reason (None: allowed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        allowed = crawler.settings.getbool(ALLOW_SETTING)
        resolver = _reactor_resolver(crawler)
        if resolver is not None:
            resolver.allow_private_networks(allowed)
        if allowed:
            raise NotConfigured
        return cls(crawler, resolver)

    async def process_request(self, request: Request) -> None:
        if urlsplit(request.url).scheme not in ("http", "https"):
            return None  # no handler fetches another scheme (crawler.settings)
        host = urlsplit(request.url).hostname or ""
        if host not in self._verdicts:
            self._verdicts[host] = await self._refusal(host)
        reason = self._verdicts[host] or self._resolver_refusal(host)
        if reason:
            self._refuse(request, reason)
        return None

    def process_exception(self, request: Request, exception: Exception) -> None:
        """A name the connection's resolver left without an address fails like an unknown
        one: say what it was."""
        reason = self._resolver_refusal(urlsplit(request.url).hostname or "")
        if reason:
            self._refuse(request, reason, exception)

    def process_response(self, request: Request, response: Response) -> Response:
        address = response.ip_address
        if address is not None and not is_public_address(str(address)):
            host = urlsplit(request.url).hostname or ""
            self._refuse(request, f"{host} was answered from the non-public address {address}")
        return response

    def _resolver_refusal(self, host: str) -> str | None:
        return self.resolver.refusal(host) if self.resolver is not None else None

    def _refuse(self, request: Request, reason: str, cause: Exception | None = None) -> None:
        if self.stats:
            self.stats.inc_value("citywatch/refused_private_network")
        raise PrivateNetworkRefused(f"{request.url}: {reason}") from cause

    @staticmethod
    async def _refusal(host: str) -> str | None:
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(
                host, None, type=socket.SOCK_STREAM
            )
        except OSError:
            return None  # unresolvable: let the download fail with its own DNS error
        for info in infos:
            address = str(info[4][0])
            if not is_public_address(address):
                return f"{host} resolves to the non-public address {address}"
        return None


def _reactor_resolver(crawler: Crawler) -> PublicAddressResolver | None:
    """The resolver connections use, made a `PublicAddressResolver` if it is not one yet."""
    if not crawler.settings.getbool("TWISTED_REACTOR_ENABLED") or not is_reactor_installed():
        return None  # no Twisted connections to guard (Scrapy's reactorless mode)
    from twisted.internet import reactor

    settings = crawler.settings
    size = settings.getint("DNSCACHE_SIZE") if settings.getbool("DNSCACHE_ENABLED") else 0
    return PublicAddressResolver.installed(reactor, size)
