"""Refuse requests to loopback, private and link-local addresses.

Scraped pages are untrusted: a link or a redirect to http://10.0.0.1/ or http://169.254.169.254/
must not make the crawler probe the network it runs in. The check runs on every request,
including redirects and robots.txt, after DNS resolution. Tests and the demo crawl replicas on
127.0.0.1 and lift it with ``[crawl] allow_private_networks = true``.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest, NotConfigured

if TYPE_CHECKING:
    from typing import Self

    from scrapy import Request
    from scrapy.crawler import Crawler

__all__ = ["PrivateNetworkGuard", "PrivateNetworkRefused", "is_public_address"]


class PrivateNetworkRefused(IgnoreRequest):
    """The request's host resolves to an address that is not on the public internet."""


def is_public_address(address: str) -> bool:
    return ipaddress.ip_address(address.split("%", 1)[0]).is_global


class PrivateNetworkGuard:
    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats
        self._verdicts: dict[str, str | None] = {}  # host -> refusal reason (None: allowed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if crawler.settings.getbool("CITYWATCH_ALLOW_PRIVATE_NETWORKS"):
            raise NotConfigured
        return cls(crawler)

    async def process_request(self, request: Request) -> None:
        if urlsplit(request.url).scheme not in ("http", "https"):
            return None
        host = urlsplit(request.url).hostname or ""
        if host not in self._verdicts:
            self._verdicts[host] = await self._refusal(host)
        reason = self._verdicts[host]
        if reason:
            if self.stats:
                self.stats.inc_value("citywatch/refused_private_network")
            raise PrivateNetworkRefused(f"{request.url}: {reason}")
        return None

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
