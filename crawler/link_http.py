"""What a link check's answers and failures mean at the HTTP level, before any classification:
which URLs may be requested at all, which are asked HEAD, how long a Retry-After says to wait,
which error a failed download was, which headers are worth keeping."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

from scrapy import Request
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    ResponseDataLossError,
)
from scrapy.http import Headers
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.error import (
    ConnectError,
    ConnectionDone,
    ConnectionLost,
    DNSLookupError,
    TCPTimedOutError,
)
from twisted.internet.error import ConnectionRefusedError as TxConnectionRefusedError
from twisted.internet.error import TimeoutError as TxTimeoutError
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseFailed, ResponseNeverReceived

from crawler.middlewares.private_network import PrivateNetworkRefused

__all__ = [
    "DOCUMENT_EXTENSIONS",
    "FETCHED_SCHEMES",
    "KEPT_HEADERS",
    "Unfetchable",
    "content_length",
    "error_kind",
    "http_request",
    "is_html",
    "kept_headers",
    "origin_of",
    "redirect_url",
    "refused",
    "retry_delay",
    "wants_head",
]

# The only schemes ever fetched: a file:, data: or ftp: URL would read the machine's own disk
# or network, and a javascript: or mailto: one is no document at all.
FETCHED_SCHEMES = frozenset({"http", "https"})
_MAX_REASON_CHARS = 300  # a URL can be a megabyte long; the reason quoting it must not be

# A URL ending so is a document: HEAD tells all we need (type, size, validators).
_DOCUMENTS = "pdf doc docx odt rtf xls xlsx ods csv ppt pptx odp zip rar 7z gz tgz epub"
_MEDIA = "mp3 mp4 m4a avi mov webm jpg jpeg png gif svg webp tif tiff"
DOCUMENT_EXTENSIONS = frozenset(f"{_DOCUMENTS} {_MEDIA}".split())
# Headers kept with an observation: what classification, validators and evidence need.
KEPT_HEADERS = (
    "content-type",
    "content-length",
    "server",
    "location",
    "retry-after",
    "etag",
    "last-modified",
    "www-authenticate",
    "cf-mitigated",
    "cf-ray",
    "x-iinfo",
    "x-sucuri-id",
    "x-amzn-waf-action",
    "x-datadome",
    "x-cdn",
)
HTML_TYPES = ("text/html", "application/xhtml+xml")
MAX_LENGTH_DIGITS = 18  # an exabyte: beyond that a Content-Length says nothing usable


class Unfetchable(ValueError):
    """A URL that is never fetched: of another scheme than http(s) (``scheme`` names it), or
    not a URL Scrapy can request (``scheme`` is None). ``str(error)`` is one bounded line."""

    def __init__(self, reason: str, scheme: str | None = None) -> None:
        super().__init__(" ".join(reason.split())[:_MAX_REASON_CHARS])
        self.scheme = scheme


def http_request(url: str, **kwargs: Any) -> Request:
    """A Scrapy request for ``url`` if it is an http(s) URL Scrapy can request; else raises
    `Unfetchable`. The scheme is checked again on the built request, because that is the one
    the downloader picks its handler by."""
    scheme = _scheme(url)
    if scheme is not None and scheme not in FETCHED_SCHEMES:
        raise Unfetchable(f"a {scheme[:32]}: URL: only http(s) is fetched", scheme)
    try:
        request = Request(url, **kwargs)
    except ValueError as error:
        raise Unfetchable(f"not a URL that can be requested: {error}") from None
    scheme = urlparse_cached(request).scheme.lower()
    if scheme not in FETCHED_SCHEMES:
        raise Unfetchable(f"a {scheme[:32]}: URL: only http(s) is fetched", scheme)
    return request


def redirect_url(base: str, location: str) -> str:
    """Where a ``Location`` sent in answer to ``base`` leads: absolute, without a fragment
    (`http_request` then says whether it may be followed). Raises `Unfetchable` when it is no
    URL at all."""
    try:
        return urldefrag(urljoin(base, location))[0]
    except ValueError as error:
        raise Unfetchable(f"not a URL that can be requested: {error}") from None


def _scheme(url: str) -> str | None:
    """The scheme ``url`` names, as urllib reads it (lower case), or None when it cannot say."""
    try:
        return urlsplit(url).scheme.lower() or None
    except ValueError:
        return None


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def wants_head(url: str) -> bool:
    """A document URL is asked HEAD first; a page is fetched (its body is fingerprinted)."""
    path = urlsplit(url).path.lower()
    return path.rsplit(".", 1)[-1] in DOCUMENT_EXTENSIONS if "." in path else False


def retry_delay(value: str | None, attempt: int, now: datetime | None = None) -> float:
    """Seconds to wait before retry ``attempt`` (1-based): the server's ``Retry-After``
    (seconds or an HTTP date) when it gave one, else 0.5 s doubling each time."""
    if value:
        value = value.strip()
        if value.isascii() and value.isdigit():  # not "²": str.isdigit() takes it, float() not
            return float(value)
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            pass
        else:
            if when.tzinfo is not None:
                return max(0.0, float((when - (now or datetime.now(UTC))).total_seconds()))
    return 0.5 * 2.0 ** (attempt - 1)


def content_length(value: str) -> int | None:
    """The size a Content-Length header announces, or None when it is no plain number (a
    hostile "²" passes str.isdigit() and 5,000 digits pass int()'s patience: neither does)."""
    value = value.strip()
    if value.isascii() and value.isdigit() and len(value) <= MAX_LENGTH_DIGITS:
        return int(value)
    return None


def error_kind(failure: Failure) -> tuple[str, str]:
    """The `crawler.links.ERROR_KINDS` entry for a failed download, and a one-line text.

    Download handlers wrap Twisted's errors (Scrapy's ``DownloadTimeoutError``,
    ``CannotResolveHostError``...) and HTTP/1.1 nests the real causes in ``reasons``; every
    cause in the chain is looked at."""
    causes = _causes(failure.value or RuntimeError(failure.getErrorMessage()))
    text = "; ".join(_one_line(cause) for cause in causes)[:500]
    if any(isinstance(c, PrivateNetworkRefused) for c in causes):
        return "private_network", text
    if any(isinstance(c, (DNSLookupError, CannotResolveHostError)) for c in causes):
        return "dns", text
    if any(type(c).__module__.startswith("OpenSSL") for c in causes):
        return "tls", text
    timeouts = (TxTimeoutError, TCPTimedOutError, asyncio.TimeoutError, DownloadTimeoutError)
    if any(isinstance(c, timeouts) for c in causes):
        return "timeout", text
    connection = (
        ConnectError,
        ConnectionLost,
        ConnectionDone,
        ResponseNeverReceived,
        ResponseFailed,
        DownloadConnectionRefusedError,
        DownloadFailedError,
        ResponseDataLossError,
        OSError,
    )
    if any(isinstance(c, connection) for c in causes):
        return "connection", text
    return "other", text


def refused(failure: Failure) -> bool:
    """The connection was refused (nothing listens there), not merely lost."""
    refused = (ConnectionRefusedError, TxConnectionRefusedError, DownloadConnectionRefusedError)
    return any(isinstance(c, refused) for c in _causes(failure.value or RuntimeError()))


def _causes(error: BaseException) -> list[BaseException]:
    """``error``, its causes and contexts, and the ``reasons`` Twisted's web client keeps."""
    seen: list[BaseException] = []
    pending = [error]
    while pending and len(seen) < 20:
        current = pending.pop(0)
        if any(current is known for known in seen):
            continue
        seen.append(current)
        for reason in getattr(current, "reasons", None) or []:
            pending.append(getattr(reason, "value", reason))
        for linked in (current.__cause__, current.__context__):
            if linked is not None:
                pending.append(linked)
    return seen


def _one_line(error: BaseException) -> str:
    return " ".join(f"{type(error).__name__}: {error}".split())


def kept_headers(headers: Headers) -> dict[str, str]:
    kept = {}
    for name in KEPT_HEADERS:
        value = headers.get(name)
        if value is not None:
            kept[name] = value.decode("latin-1")[:1000]
    return kept


def is_html(content_type: str) -> bool:
    return content_type.split(";", 1)[0].strip().lower() in HTML_TYPES or not content_type
