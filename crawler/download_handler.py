"""The HTTP(S) download handler: Scrapy's HTTP/1.1 handler with a bound on the response header
block.

Scrapy bounds a response's body (DOWNLOAD_MAXSIZE, and our decoded-size bounds), and Twisted
bounds one header line (16 KiB), but nothing bounds how many header lines a server sends: one
answering ``200`` followed by an endless stream of short header lines grew a link check to 8.9 GB
and a crawl to 3 GB before the download timeout. Here the status line, every header line and
every interim (1xx) answer count against ``CITYWATCH_MAX_HEADER_BYTES`` (256 KiB by default, far
above what any real site sends: browsers and servers cap headers at 8-64 KiB); past it the
connection is aborted (not closed politely: over TLS a polite close waits for the peer's
close_notify and reads on until then, which a hostile server never sends) and the download fails
with `HeaderBlockTooLarge` as its cause, which a link check records as a connection failure with
that evidence and a crawl as a failed page. A single header line longer than Twisted's 16 KiB is
refused the same way.

Twisted's client protocol hard-codes its parser class, so (as Scrapy's own lenient parser does)
the parser object made for each request is given our class, which adds only the byte count.
"""

from __future__ import annotations

from typing import Any

from scrapy.core.downloader.handlers.http11 import (
    HTTP11DownloadHandler,
    _LenientHTTP11ClientFactory,
    _LenientHTTP11ClientProtocol,
    _LenientHTTPClientParser,
)
from scrapy.crawler import Crawler
from twisted.internet.defer import Deferred
from twisted.python.failure import Failure
from twisted.web._newclient import HEADER, STATUS
from twisted.web._newclient import Request as TxRequest
from twisted.web.iweb import IResponse

__all__ = ["DEFAULT_MAX_HEADER_BYTES", "BoundedHeadersDownloadHandler", "HeaderBlockTooLarge"]

MAX_HEADER_SETTING = "CITYWATCH_MAX_HEADER_BYTES"
DEFAULT_MAX_HEADER_BYTES = 256 * 1024


class HeaderBlockTooLarge(Exception):
    """The response's status line and headers together passed the bound."""


class _BoundedHeaderParser(_LenientHTTPClientParser):
    """Scrapy's lenient parser, counting the bytes of every line before the body."""

    max_header_bytes: int
    header_bytes: int

    def lineReceived(self, line: bytes) -> None:
        if self.state in (STATUS, HEADER):
            self.header_bytes += len(line) + 1  # the line and its newline
            if self.header_bytes > self.max_header_bytes:
                # Raised into HTTP11ClientProtocol.dataReceived, which drops the connection
                # and fails the request with this as the reason.
                raise HeaderBlockTooLarge(
                    f"response header block larger than {self.max_header_bytes} bytes"
                )
        super().lineReceived(line)

    def lineLengthExceeded(self, line: bytes) -> None:
        # LineReceiver would close the connection politely; raised instead, it is aborted.
        raise HeaderBlockTooLarge(f"response header line longer than {self.MAX_LENGTH} bytes")


class _BoundedHeadersProtocol(_LenientHTTP11ClientProtocol):
    def __init__(self, quiescent_callback: Any, max_header_bytes: int) -> None:
        super().__init__(quiescent_callback)  # type: ignore[no-untyped-call]
        self._max_header_bytes = max_header_bytes

    def request(self, request: TxRequest) -> Deferred[IResponse]:
        answer = super().request(request)
        parser = self._parser
        if parser is not None:  # None only when the request was refused (not quiescent)
            parser.__class__ = _BoundedHeaderParser
            assert isinstance(parser, _BoundedHeaderParser)
            parser.max_header_bytes = self._max_header_bytes
            parser.header_bytes = 0
        return answer

    def dataReceived(self, data: bytes) -> None:
        """HTTP11ClientProtocol.dataReceived, aborting the connection on a header overrun."""
        try:
            self._parser.dataReceived(data)  # type: ignore[union-attr]
        except HeaderBlockTooLarge:
            assert self.transport is not None
            self.transport.abortConnection()
            self._disconnectParser(Failure())  # type: ignore[no-untyped-call]
        except BaseException:
            self._giveUp(Failure())  # type: ignore[no-untyped-call]


class _BoundedHeadersFactory(_LenientHTTP11ClientFactory):
    def __init__(self, quiescent_callback: Any, metadata: Any, max_header_bytes: int) -> None:
        super().__init__(quiescent_callback, metadata)  # type: ignore[no-untyped-call]
        self._max_header_bytes = max_header_bytes

    def buildProtocol(self, addr: Any) -> _BoundedHeadersProtocol:
        return _BoundedHeadersProtocol(self._quiescentCallback, self._max_header_bytes)


class BoundedHeadersDownloadHandler(HTTP11DownloadHandler):
    """``DOWNLOAD_HANDLERS`` entry for http and https (see the module docstring)."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        max_header_bytes = crawler.settings.getint(MAX_HEADER_SETTING, DEFAULT_MAX_HEADER_BYTES)

        def factory(quiescent_callback: Any, metadata: Any) -> _BoundedHeadersFactory:
            return _BoundedHeadersFactory(quiescent_callback, metadata, max_header_bytes)

        self._pool._factory = factory  # type: ignore[assignment]
