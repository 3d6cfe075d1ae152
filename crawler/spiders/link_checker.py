"""The link-check spider: fetch every target URL once and record exactly what happened.

It classifies nothing (`pipeline.links.classify` does): it follows redirects itself, hop by hop,
so the chain, every status and a loop are all seen; retries 429 and 503 answers (honouring
``Retry-After``) and timeouts with backoff; asks HEAD first for documents and GET where the body
is needed; reads at most ``max_body_bytes`` of a page (decoded: a compressed page is inflated
no further) and nothing of a document; obeys robots.txt when told to (a disallowed URL is
reported, not fetched); and asks each origin once for a made-up URL, so that a site answering
200 to anything is recognised. No cache is ever used.

Only http(s) URLs are ever requested: a redirect elsewhere (file:, data:, ftp:, javascript:...)
ends the check as an ``unsafe_redirect`` before anything is asked, robots.txt and the probe do
not follow one, and a target that is no http(s) URL Scrapy can request is an ``invalid_url``.

Run through `citywatch check-links`, which passes the targets (``targets=[LinkTarget, ...]``)
and the ``CITYWATCH_LINK_CHECK`` setting.
"""

from __future__ import annotations

import asyncio
import secrets
from collections import defaultdict
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from time import monotonic
from typing import Any
from urllib.parse import urljoin

from protego import Protego
from scrapy import Request, Spider, signals
from scrapy.exceptions import (
    StopDownload,
)
from scrapy.http import Headers, Response
from twisted.python.failure import Failure
from w3lib.url import safe_url_string

from crawler.link_http import (
    Unfetchable,
    content_length,
    error_kind,
    http_request,
    is_html,
    kept_headers,
    origin_of,
    redirect_url,
    refused,
    retry_delay,
    wants_head,
)
from crawler.links import Hop, LinkObservation, LinkTarget, OriginProbe
from crawler.middlewares.decoded_prefix import CUT_FLAG, DECODED_PREFIX

__all__ = ["LinkCheckOptions", "LinkCheckSpider"]

RETRIED_STATUSES = frozenset({429, 503})
# A failure of robots.txt or the probe that every URL of the origin would meet too.
ORIGIN_FAILURES = frozenset({"dns", "tls", "private_network"})
ROBOTS_MAX_BYTES = 500_000


@dataclass(frozen=True, slots=True)
class LinkCheckOptions:
    """The ``CITYWATCH_LINK_CHECK`` setting (from ``[link_check]`` of citywatch.toml)."""

    obey_robots: bool = True
    probe_soft_404: bool = True
    max_redirects: int = 10
    retry_times: int = 2
    max_retry_after: float = 30.0
    max_body_bytes: int = 1_000_000
    user_agent: str = "citywatch"

    @classmethod
    def from_setting(cls, value: dict[str, Any]) -> LinkCheckOptions:
        known = {name: value[name] for name in cls.__slots__ if name in value}
        return cls(**known)


@dataclass(slots=True)
class _Check:
    """One target's check in flight: the chain so far and its retries."""

    target: LinkTarget
    started: float
    method: str
    hops: list[Hop] = field(default_factory=list)
    attempts: int = 0
    retries: int = 0
    retried_statuses: list[int] = field(default_factory=list)
    retry_after_exceeded: bool = False
    latency: float = 0.0  # seconds spent downloading, every hop and retry included


@dataclass(slots=True)
class _Origin:
    """What is known of one origin (scheme://host:port) during the run."""

    targets: list[LinkTarget]
    robots: Protego | None = None
    probe: OriginProbe | None = None


class LinkCheckSpider(Spider):
    name = "link_checker"
    custom_settings = {
        # The spider follows redirects, retries and reads robots.txt itself, and never caches:
        # a cached answer would hide an outage or a move.
        "REDIRECT_ENABLED": False,
        "METAREFRESH_ENABLED": False,
        "RETRY_ENABLED": False,
        "ROBOTSTXT_OBEY": False,
        "HTTPCACHE_ENABLED": False,
        "COOKIES_ENABLED": False,
        "HTTPERROR_ALLOW_ALL": True,
        # Bounded by the spider: bytes received by StopDownload (see _bytes_received), bytes
        # decoded by DecodedPrefixMiddleware (see _meta).
        "DOWNLOAD_MAXSIZE": 0,
        # Each callback yields one request or one observation; Scrapy starts CONCURRENT_ITEMS
        # asyncio tasks per callback output (100 by default), which cost more than the checks.
        "CONCURRENT_ITEMS": 1,
        # A check is one URL, not a crawl: no Referer (the probe is nobody's referrer), no
        # depth, no listing markers. (Downloader middlewares stay as the project sets them:
        # the private-network guard is one.)
        "SPIDER_MIDDLEWARES": {
            "scrapy.spidermiddlewares.referer.RefererMiddleware": None,
            "scrapy.spidermiddlewares.depth.DepthMiddleware": None,
            "scrapy.spidermiddlewares.urllength.UrlLengthMiddleware": None,
            "crawler.middlewares.listing_marker.ListingMarkerMiddleware": None,
        },
        "LOG_LEVEL": "INFO",
    }

    def __init__(self, targets: Iterable[LinkTarget] = (), **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.targets = list(targets)
        self.options = LinkCheckOptions()
        self._origins: dict[str, _Origin] = {}
        self._ready: asyncio.Queue[str] = asyncio.Queue()

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> LinkCheckSpider:
        spider: LinkCheckSpider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider._headers_received, signal=signals.headers_received)
        crawler.signals.connect(spider._bytes_received, signal=signals.bytes_received)
        return spider

    # -- start: per origin, robots.txt, then the probe, then the targets --------------------

    async def start(self) -> AsyncIterator[Any]:
        self.options = LinkCheckOptions.from_setting(
            {
                **self.crawler.settings.getdict("CITYWATCH_LINK_CHECK"),
                "user_agent": self.crawler.settings.get("USER_AGENT"),
            }
        )
        by_origin: dict[str, list[LinkTarget]] = defaultdict(list)
        for target in self.targets:
            try:
                http_request(target.url)
            except Unfetchable as error:
                # Stored by an older version, or by hand: it fails alone, the run goes on.
                yield _invalid(target, str(error))
                continue
            by_origin[origin_of(target.url)].append(target)
        self.logger.info("checking %d URLs on %d origins", len(self.targets), len(by_origin))
        for origin, targets in by_origin.items():
            self._origins[origin] = _Origin(targets)
            if self._needs_robots(origin):
                yield self._robots_request(origin, origin + "/robots.txt", hops=0)
            else:
                for item in self._after_robots(origin):
                    yield item
        # Each origin's targets once its robots.txt and probe are known, lazily: the engine
        # takes start requests as it has room, so 10,000 targets never sit in one callback's
        # output (which starves the downloader until the engine's next heartbeat).
        for _ in range(len(by_origin)):
            origin = await self._ready.get()
            targets, self._origins[origin].targets = self._origins[origin].targets, []
            for target in targets:
                method = "HEAD" if wants_head(target.url) else "GET"
                yield self._request(_Check(target, monotonic(), method), target.url)

    def _needs_robots(self, origin: str) -> bool:
        return self.options.obey_robots and origin.startswith(("http://", "https://"))

    def _robots_request(self, origin: str, url: str, hops: int) -> Request:
        return http_request(
            url,
            callback=self._robots_answered,
            errback=self._robots_failed,
            dont_filter=True,
            priority=10,
            meta=self._meta(
                origin=origin,
                hops=hops,
                download_maxsize=ROBOTS_MAX_BYTES,
                **{DECODED_PREFIX: ROBOTS_MAX_BYTES},
            ),
        )

    def _robots_answered(self, response: Response) -> Iterable[Request | LinkObservation]:
        origin, hops = response.meta["origin"], response.meta["hops"]
        location = _header(response, "Location")
        if 300 <= response.status < 400 and location and hops < self.options.max_redirects:
            try:
                url = redirect_url(response.url, _location(response))
                return [self._robots_request(origin, url, hops + 1)]
            except Unfetchable as error:  # not followed: no rules, as for a 4xx
                self.logger.info("robots.txt of %s: redirect not followed: %s", origin, error)
        if 200 <= response.status < 300:
            text = response.body.decode("utf-8", "replace")
            self._origins[origin].robots = Protego.parse(text)
        # 4xx: no rules; 5xx and errors: Scrapy's own choice, allow (the check itself tells).
        return self._after_robots(origin)

    def _robots_failed(self, failure: Failure) -> Iterable[Request | LinkObservation]:
        origin = failure.request.meta["origin"]  # type: ignore[attr-defined]
        return self._origin_unreachable(origin, failure) or self._after_robots(origin)

    def _origin_unreachable(self, origin: str, failure: Failure) -> list[LinkObservation]:
        """When the origin itself cannot be reached (its name does not resolve, it refuses
        connections, its TLS fails, it is on a private network), every target of it would
        fail the same way: each gets this observation, without asking again."""
        kind, text = error_kind(failure)
        if kind not in ORIGIN_FAILURES and not refused(failure):
            return []
        targets, self._origins[origin].targets = self._origins[origin].targets, []
        self._ready.put_nowait(origin)
        url = failure.request.url  # type: ignore[attr-defined]
        return [
            LinkObservation(
                url=t.url,
                link_ids=t.link_ids,
                checked_at=datetime.now(UTC),
                hops=[Hop(t.url, "GET", None)],
                attempts=0,
                error=f"{text} (on {url})",
                error_kind=kind,
            )
            for t in targets
        ]

    def _after_robots(self, origin: str) -> list[Request | LinkObservation]:
        state = self._origins[origin]
        allowed = [t for t in state.targets if self._allowed(state, t.url)]
        refused = [t for t in state.targets if not self._allowed(state, t.url)]
        out: list[Request | LinkObservation] = [
            LinkObservation(
                url=t.url,
                link_ids=t.link_ids,
                checked_at=datetime.now(UTC),
                error="robots.txt disallows this URL for our user agent",
                error_kind="robots",
            )
            for t in refused
        ]
        state.targets = allowed
        if self.options.probe_soft_404 and any(not wants_head(t.url) for t in allowed):
            probe_url = f"{origin}/{secrets.token_hex(8)}-citywatch-probe"
            if self._allowed(state, probe_url):
                out.append(self._probe_request(origin, probe_url, []))
                return out
        out.extend(self._target_requests(origin))
        return out

    def _allowed(self, state: _Origin, url: str) -> bool:
        return state.robots is None or state.robots.can_fetch(url, self.options.user_agent)

    # -- the probe: a made-up URL of the origin ------------------------------------------------

    def _probe_request(self, origin: str, url: str, chain: list[str]) -> Request:
        return http_request(
            url,
            callback=self._probe_answered,
            errback=self._probe_failed,
            dont_filter=True,
            priority=5,
            meta=self._meta(origin=origin, chain=chain),
        )

    def _probe_answered(self, response: Response) -> list[Request]:
        origin, chain = response.meta["origin"], [*response.meta["chain"], response.url]
        location = _header(response, "Location")
        if 300 <= response.status < 400 and location and len(chain) <= self.options.max_redirects:
            try:
                url = redirect_url(response.url, _location(response))
                if url not in chain:
                    return [self._probe_request(origin, url, chain)]
            except Unfetchable:
                pass  # not followed: the probe's answer is this redirect
        content_type = (response.headers.get("Content-Type") or b"").decode("latin-1")
        self._origins[origin].probe = OriginProbe(
            url=chain[0],
            status=response.status,
            final_url=response.url,
            content_type=content_type,
            body=response.body if is_html(content_type) else b"",
        )
        return self._target_requests(origin)

    def _probe_failed(self, failure: Failure) -> list[Request] | list[LinkObservation]:
        origin = failure.request.meta["origin"]  # type: ignore[attr-defined]
        return self._origin_unreachable(origin, failure) or self._target_requests(origin)

    # -- the targets ---------------------------------------------------------------------

    def _target_requests(self, origin: str) -> list[Request]:
        """Nothing now: `start` yields the origin's targets once it is ready."""
        self._ready.put_nowait(origin)
        return []

    def _request(self, check: _Check, url: str) -> Request:
        """The request of ``check`` for ``url``; raises `Unfetchable` for a URL never asked."""
        headers = {}
        if not check.hops and url == check.target.url:
            # Validators only ever learn "unchanged" (a 304); a failure still shows as one.
            if check.target.etag:
                headers["If-None-Match"] = check.target.etag
            if check.target.last_modified:
                headers["If-Modified-Since"] = check.target.last_modified
        return http_request(
            url,
            method=check.method,
            headers=headers,
            callback=self._answered,
            errback=self._failed,
            dont_filter=True,
            meta=self._meta(check=check),
        )

    def _meta(self, **extra: Any) -> dict[str, Any]:
        return {
            "dont_redirect": True,
            "dont_retry": True,
            "dont_cache": True,
            "dont_obey_robotstxt": True,
            "handle_httpstatus_all": True,
            # A compressed body is decoded no further than it is read: a gzip bomb costs this.
            DECODED_PREFIX: self.options.max_body_bytes,
            **extra,
        }

    async def _answered(self, response: Response) -> AsyncIterator[Request | LinkObservation]:
        check: _Check = response.meta["check"]
        check.attempts += 1
        check.latency += float(response.meta.get("download_latency") or 0.0)
        status = response.status
        if status in RETRIED_STATUSES and check.retries < self.options.retry_times:
            delay = retry_delay(_header(response, "Retry-After"), check.retries + 1)
            if delay <= self.options.max_retry_after:
                check.retries += 1
                check.retried_statuses.append(status)
                await asyncio.sleep(delay)
                yield self._request(check, response.url)
                return
            check.retry_after_exceeded = True
        location = _header(response, "Location")
        hop = Hop(response.url, check.method, status, location)
        if check.method == "HEAD" and not (200 <= status < 400):
            # HEAD refused (405, 501...) or failing: GET decides, as a browser would.
            check.method = "GET"
            yield self._request(check, response.url)
            return
        if 300 <= status < 400 and status != 304 and location:
            check.hops.append(hop)
            try:
                outcome = self._redirected(
                    check, status, redirect_url(response.url, _location(response))
                )
            except Unfetchable as error:
                if error.scheme is None:  # no URL at all: the 3xx is the answer
                    outcome = self._observation(check, response=response)
                else:  # file:, data:, ftp:, javascript:... never asked, whatever it holds
                    text = f"redirect to a {error.scheme[:32]}: URL, not followed"
                    outcome = self._observation(check, error=text, kind="unsafe_redirect")
            yield outcome
            return
        check.hops.append(hop)
        yield self._observation(check, response=response)

    def _redirected(self, check: _Check, status: int, next_url: str) -> Request | LinkObservation:
        """The next hop of a redirect chain, or how the chain ended; raises `Unfetchable` for
        a hop that must not be asked."""
        if len(check.hops) >= self.options.max_redirects:
            return self._observation(check, error="too many redirects", kind="too_many_hops")
        if next_url in {h.url for h in check.hops}:
            return self._observation(check, error=f"redirect loop back to {next_url}", kind="loop")
        if status == 303:
            check.method = "GET"
        return self._request(check, next_url)

    async def _failed(self, failure: Failure) -> AsyncIterator[Request | LinkObservation]:
        request: Request = failure.request  # type: ignore[attr-defined]
        check: _Check = request.meta["check"]
        check.attempts += 1
        kind, text = error_kind(failure)
        # A link already failing is not retried after a timeout: each nightly check of it is
        # the retry, and the hysteresis decides; a healthy one gets every retry.
        retries = 0 if check.target.failing else self.options.retry_times
        if kind == "timeout" and check.retries < retries:
            check.retries += 1
            await asyncio.sleep(retry_delay(None, check.retries))
            yield self._request(check, request.url)
            return
        check.hops.append(Hop(request.url, check.method, None))
        yield self._observation(check, error=text, kind=kind)

    def _observation(
        self,
        check: _Check,
        response: Response | None = None,
        error: str | None = None,
        kind: str | None = None,
    ) -> LinkObservation:
        observation = LinkObservation(
            url=check.target.url,
            link_ids=check.target.link_ids,
            checked_at=datetime.now(UTC),
            hops=list(check.hops),
            attempts=check.attempts,
            retried_statuses=list(check.retried_statuses),
            latency_ms=round((check.latency or monotonic() - check.started) * 1000, 1),
            probe=self._origins[origin_of(check.target.url)].probe,
            error=error,
            error_kind=kind,
        )
        if response is None:
            return observation
        headers = kept_headers(response.headers)
        observation.status = response.status
        observation.final_url = response.url
        observation.headers = headers
        observation.not_modified = response.status == 304
        observation.retry_after_exceeded = check.retry_after_exceeded
        cut_encoding = response.meta.get(CUT_FLAG)
        stopped = "download_stopped" in response.flags or cut_encoding is not None
        if check.method == "GET" and is_html(headers.get("content-type", "")):
            observation.body = response.body[: self.options.max_body_bytes]
            observation.body_truncated = stopped and bool(response.body)
            observation.body_cut_encoding = cut_encoding
        length = headers.get("content-length", "")
        observation.size = (
            len(response.body) if response.body and not stopped else content_length(length)
        )
        return observation

    # -- bounded bodies ------------------------------------------------------------------

    def _headers_received(
        self, headers: Headers, body_length: int, request: Request, spider: Spider
    ) -> None:
        if "check" not in request.meta and "chain" not in request.meta:
            return
        content_type = (headers.get("Content-Type") or b"").decode("latin-1")
        if request.method == "GET" and not is_html(content_type):
            raise StopDownload(fail=False)  # a document: its headers tell all we need

    def _bytes_received(self, data: bytes, request: Request, spider: Spider) -> None:
        if "check" not in request.meta and "chain" not in request.meta:
            return
        received = request.meta.get("body_bytes", 0) + len(data)
        request.meta["body_bytes"] = received
        if received >= self.options.max_body_bytes:
            raise StopDownload(fail=False)


def _invalid(target: LinkTarget, reason: str) -> LinkObservation:
    """The observation of a target that is not requested at all."""
    return LinkObservation(
        url=target.url,
        link_ids=target.link_ids,
        checked_at=datetime.now(UTC),
        error=reason,
        error_kind="invalid_url",
    )


def _location(response: Response) -> str:
    """Where the ``Location`` header leads, read as browsers read it: as UTF-8, bytes that are
    not UTF-8 percent-encoded, so a redirect to ``/café`` sent as UTF-8 leads to ``/caf%C3%A9``
    (read as Latin-1 it led to ``/cafÃ©``), and a host name in it, even scheme-relative, is
    IDNA-encoded. The evidence (each hop's ``location``) keeps the header as sent."""
    raw = response.headers.get("Location") or b""
    try:
        # Made absolute first: w3lib IDNA-encodes the host only of a URL with a scheme. (The
        # "percentencode" error handler is w3lib.url's, registered when it is imported.)
        return safe_url_string(urljoin(response.url, raw.decode("utf-8", "percentencode")))
    except ValueError:  # no URL at all (``http://[::1``): redirect_url says so
        return raw.decode("latin-1")


def _header(response: Response, name: str) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value is not None else None
