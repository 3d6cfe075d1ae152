"""Archive suggestions: the Wayback Machine snapshot of a link closest to when it was cited.

A broken or moved link is more useful to a maintainer with a readable copy next to it, so for
such links we ask the Wayback Machine availability API (``link_check.archive_endpoint``;
https://archive.org/wayback/available) for the snapshot closest to a date, normally the day the
link was first seen, when the page still said what the catalogue cites it for.

The lookup must never cost a check run more than it is worth: a machine offline, a DNS failure,
a timeout or an archive answering 5xx ends in one `ArchiveUnavailable`, and `ArchiveClient`
stops asking for the rest of the run after the first one (a circuit breaker), so an offline run
pays one timeout, not one per link. A per-run budget bounds how much we ask of archive.org.

Only http(s) is ever asked: the endpoint must be an http(s) URL, and the opener has no file:,
ftp: or data: handler and follows a redirect only to http(s) (urllib's own follows ftp:). The
answer is read raw and bounded (`MAX_ANSWER_BYTES`): urllib decodes no Content-Encoding, so a
compressed answer is simply not the API's JSON.

Exceptions::

    ArchiveUnavailable   the endpoint could not give an answer (network, HTTP status, not the
                         API's JSON); the message is one line and names the endpoint
"""

from __future__ import annotations

import http.client
import json
import logging
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import IO

from w3lib.url import safe_url_string

__all__ = [
    "DEFAULT_MAX_LOOKUPS",
    "DEFAULT_MIN_INTERVAL",
    "DEFAULT_TIMEOUT",
    "MAX_ANSWER_BYTES",
    "ArchiveClient",
    "ArchiveLookup",
    "ArchiveUnavailable",
    "Snapshot",
    "lookup_snapshot",
    "wayback_timestamp",
]

DEFAULT_TIMEOUT = 10.0
# The availability API answers a few hundred bytes; anything much larger is not that API.
MAX_ANSWER_BYTES = 64 * 1024
# archive.org throttles (and then blocks) clients that ask too fast; links needing a suggestion
# are few per run, and those not asked this run are asked on the next one.
DEFAULT_MAX_LOOKUPS = 100
DEFAULT_MIN_INTERVAL = 1.0

_TIMESTAMP_FORMAT = "%Y%m%d%H%M%S"
_WAYBACK_HTTP = "http://web.archive.org/"
_FETCHED_SCHEMES = ("http", "https")

logger = logging.getLogger(__name__)


class ArchiveUnavailable(Exception):
    """The archive endpoint gave no usable answer: offline, DNS, timeout, an HTTP error status,
    an oversized or malformed answer. ``str(error)`` is one line naming the endpoint."""


@dataclass(frozen=True)
class Snapshot:
    """One archived copy: its Wayback URL, when it was captured (aware UTC), and the HTTP status
    the archive recorded for the capture (None when the archive did not say)."""

    url: str
    timestamp: datetime
    status: str | None


def wayback_timestamp(moment: datetime) -> str:
    """``YYYYMMDDhhmmss`` in UTC, the API's timestamp; a naive datetime is taken as UTC."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime(_TIMESTAMP_FORMAT)


def lookup_snapshot(
    endpoint: str,
    url: str,
    before: datetime,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    user_agent: str,
) -> Snapshot | None:
    """The snapshot of ``url`` the archive calls closest to ``before``, or None when it has none
    usable (no capture, or the closest capture recorded an error status).

    Raises `ArchiveUnavailable` when the endpoint gives no answer. The archive may return a
    capture made after ``before``: a later capture that answered 2xx is still a readable copy,
    while a capture of the error page is refused by its status.
    """
    if urllib.parse.urlsplit(endpoint).scheme.lower() not in _FETCHED_SCHEMES:
        raise _unavailable(endpoint, "not an http(s) URL")
    request = urllib.request.Request(
        _request_url(endpoint, url, before),
        headers={"User-Agent": user_agent, "Accept": "application/json"},
    )
    payload = _parsed(endpoint, _fetch(endpoint, request, timeout))
    return _usable_snapshot(endpoint, payload)


class _HttpRedirectsOnly(urllib.request.HTTPRedirectHandler):
    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: http.client.HTTPMessage,
        newurl: str,
    ) -> urllib.request.Request | None:
        scheme = urllib.parse.urlsplit(newurl).scheme.lower()
        if scheme not in _FETCHED_SCHEMES:
            raise urllib.error.HTTPError(
                newurl, code, f"redirect to a {scheme[:32]}: URL refused", headers, fp
            )
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _opener() -> urllib.request.OpenerDirector:
    """urllib's default opener without its file:, ftp: and data: handlers."""
    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.ProxyHandler(),
        urllib.request.UnknownHandler(),
        urllib.request.HTTPHandler(),
        urllib.request.HTTPSHandler(),
        urllib.request.HTTPDefaultErrorHandler(),
        _HttpRedirectsOnly(),
        urllib.request.HTTPErrorProcessor(),
    ):
        opener.add_handler(handler)
    return opener


def _request_url(endpoint: str, url: str, before: datetime) -> str:
    # Ask for the URL as a crawler fetched it (ASCII, IDNA host, no fragment): that is how the
    # archive stored it. urlencode then escapes it whole, so its own "?" and "&" stay inside.
    asked = safe_url_string(urllib.parse.urldefrag(url).url)
    query = urllib.parse.urlencode({"url": asked, "timestamp": wayback_timestamp(before)})
    separator = "&" if "?" in endpoint else "?"
    return f"{endpoint}{separator}{query}"


def _fetch(endpoint: str, request: urllib.request.Request, timeout: float) -> bytes:
    try:
        with _opener().open(request, timeout=timeout) as response:
            body: bytes = response.read(MAX_ANSWER_BYTES + 1)
    except urllib.error.HTTPError as error:
        error.close()
        raise _unavailable(endpoint, f"HTTP {error.code} {error.reason}") from error
    except urllib.error.URLError as error:
        raise _unavailable(endpoint, _reason(error.reason, timeout)) from error
    except (OSError, http.client.HTTPException, ValueError) as error:
        raise _unavailable(endpoint, _reason(error, timeout)) from error
    if len(body) > MAX_ANSWER_BYTES:
        raise _unavailable(endpoint, f"answer larger than {MAX_ANSWER_BYTES} bytes")
    return body


def _reason(error: object, timeout: float) -> str:
    if isinstance(error, TimeoutError):
        return f"no answer within {timeout:g} s"
    return str(error) or type(error).__name__


def _parsed(endpoint: str, body: bytes) -> dict[str, object]:
    try:
        payload = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise _unavailable(endpoint, f"answer is not JSON ({error})") from error
    if not isinstance(payload, dict) or not isinstance(payload.get("archived_snapshots"), dict):
        raise _unavailable(endpoint, "answer has no archived_snapshots object")
    return payload


def _usable_snapshot(endpoint: str, payload: dict[str, object]) -> Snapshot | None:
    snapshots = payload["archived_snapshots"]
    assert isinstance(snapshots, dict)  # checked by _parsed
    closest = snapshots.get("closest")
    if closest is None:
        return None
    if not isinstance(closest, dict):
        raise _unavailable(endpoint, "archived_snapshots.closest is not an object")
    if closest.get("available") is False:
        return None
    status = closest.get("status")
    status = None if status is None else str(status)
    if status is not None and not (len(status) == 3 and status.isdigit() and status[0] == "2"):
        return None  # a capture of a 404 page or of a redirect is no copy of the content
    archived_url = closest.get("url")
    raw_timestamp = closest.get("timestamp")
    if not isinstance(archived_url, str) or not isinstance(raw_timestamp, str):
        raise _unavailable(endpoint, "closest snapshot lacks its url or timestamp")
    try:
        timestamp = datetime.strptime(raw_timestamp, _TIMESTAMP_FORMAT).replace(tzinfo=UTC)
    except ValueError as error:
        raise _unavailable(endpoint, f"bad snapshot timestamp {raw_timestamp!r}") from error
    if archived_url.startswith(_WAYBACK_HTTP):
        archived_url = "https://" + archived_url.removeprefix("http://")
    return Snapshot(archived_url, timestamp, status)


def _unavailable(endpoint: str, reason: str) -> ArchiveUnavailable:
    one_line = " ".join(reason.split())
    return ArchiveUnavailable(f"archive endpoint {endpoint}: {one_line}")


@dataclass(frozen=True)
class ArchiveLookup:
    """What `ArchiveClient.lookup` learnt about one URL.

    ``answered`` is True when the archive answered (with or without a snapshot): the caller may
    record that it asked. False when the lookup was skipped or failed: ask again on a later run.
    """

    snapshot: Snapshot | None
    answered: bool


class ArchiveClient:
    """Archive lookups for one check run: a budget, a pace, and a circuit breaker.

    After the first `ArchiveUnavailable` (or once the budget is spent) every further lookup is
    skipped without touching the network, with one log line saying why.

    >>> client = ArchiveClient(endpoint, user_agent=ua)        # doctest: +SKIP
    >>> found = client.lookup(link.url, link.first_seen)
    >>> if found.snapshot: link.archive_url = found.snapshot.url
    """

    def __init__(
        self,
        endpoint: str,
        *,
        user_agent: str,
        timeout: float = DEFAULT_TIMEOUT,
        max_lookups: int | None = DEFAULT_MAX_LOOKUPS,
        min_interval: float = DEFAULT_MIN_INTERVAL,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.endpoint = endpoint.strip()
        self.user_agent = user_agent
        self.timeout = timeout
        self.max_lookups = max_lookups
        self.min_interval = min_interval
        self._clock = clock
        self._sleep = sleep
        self._last_request: float | None = None
        self.lookups = 0  # requests sent this run
        self.skipped = 0  # lookups not sent: no endpoint, budget spent or archive unavailable
        self.skip_reason: str | None = None if self.endpoint else "no archive endpoint configured"

    @property
    def can_ask(self) -> bool:
        """Whether the next lookup would reach the network."""
        return self.skip_reason is None

    def lookup(self, url: str, before: datetime) -> ArchiveLookup:
        """The snapshot of ``url`` closest to ``before``; never raises `ArchiveUnavailable`."""
        budget_spent = self.max_lookups is not None and self.lookups >= self.max_lookups
        if self.skip_reason is None and budget_spent:
            self._stop(f"budget of {self.max_lookups} lookups per run spent", logging.INFO)
        if self.skip_reason is not None:
            self.skipped += 1
            return ArchiveLookup(None, answered=False)
        self._pace()
        self.lookups += 1
        try:
            snapshot = lookup_snapshot(
                self.endpoint, url, before, timeout=self.timeout, user_agent=self.user_agent
            )
        except ArchiveUnavailable as error:
            self._stop(str(error), logging.WARNING)
            return ArchiveLookup(None, answered=False)
        return ArchiveLookup(snapshot, answered=True)

    def _pace(self) -> None:
        now = self._clock()
        if self._last_request is not None:
            wait = self._last_request + self.min_interval - now
            if wait > 0:
                self._sleep(wait)
                now += wait
        self._last_request = now

    def _stop(self, reason: str, level: int) -> None:
        self.skip_reason = reason
        logger.log(level, "archive lookups skipped: %s", reason)
