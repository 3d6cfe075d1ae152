"""What every citywatch spider shares: its source from the settings, in-callback downloads, and
the accounting that tells a complete crawl from one that must not remove anything."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from functools import cached_property
from typing import Any
from urllib.parse import urljoin

from scrapy import Request, Spider
from scrapy.exceptions import NotConfigured
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawler.delta import KNOWN_PAGES_SETTING, KnownPage, KnownPages, page_key
from crawler.evidence import SiteEvidence
from crawler.items import PageSeen
from crawler.middlewares.listing_bound import (
    BOUND,
    MAX_LISTING_PAGES_SETTING,
    ListingBoundReached,
)
from crawler.paging import LISTING_WINDOW, NumberedWalk, pages_ahead
from crawler.profiles import Profile, load_profile
from crawler.sitemaps import read_sitemaps
from crawler.structured import PageMetadata, page_metadata
from crawler.wordpress import MAX_PER_PAGE, header_count, json_body

__all__ = ["GONE", "CitywatchSpider"]

GONE = (404, 410)
MAX_SAMPLE_URLS = 5  # evidence kept for an extraction alarm
# The first page of the listing a request belongs to (request meta): pages of one listing are
# compared with each other, so that a pager that loops is seen (`read_on`).
LISTING_CHAIN = "citywatch_listing_chain"


class CitywatchSpider(Spider):
    """Base of the source spiders: a spider's name is its source's key."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.source: dict[str, Any] = {}
        self.options: dict[str, Any] = {}
        self.profile: Profile
        self.known = KnownPages({})
        # Listing markers by page_key, from the sitemaps (see `read_lastmods`).
        self.listing_markers: dict[str, str] = {}
        self.metadata_checked: set[str] = set()  # pages whose malformed JSON-LD was reported
        self.listings: dict[str, NumberedWalk] = {}  # by LISTING_CHAIN: entries seen, ended
        self.max_listing_pages = 0  # 0: no bound

    @cached_property
    def evidence(self) -> SiteEvidence:
        """Where the spider notes malformed items and bounds reached (stats and log)."""
        return SiteEvidence(self.crawler.stats, self.logger)

    def configure(self) -> None:
        """Read the source from the settings; add-ons apply theirs after the spider exists,
        so this runs when the crawl starts (first thing in ``start``), not in ``from_crawler``."""
        source = self.crawler.settings.getdict("CITYWATCH_SOURCE")
        if not source:
            raise NotConfigured("no CITYWATCH_SOURCE: run through `citywatch crawl` or the addon")
        self.source = source
        self.options = dict(source.get("options") or {})
        self.start_urls = list(source["start_urls"])
        self.profile = load_profile(self.name, self.options.get("profile"))
        self.known = KnownPages.from_setting(self.crawler.settings.getdict(KNOWN_PAGES_SETTING))
        self.max_listing_pages = self.crawler.settings.getint(MAX_LISTING_PAGES_SETTING)
        self.evidence.limits(
            max_pages=self.crawler.settings.getint("CLOSESPIDER_PAGECOUNT"),
            max_records=self.crawler.settings.getint("CLOSESPIDER_ITEMCOUNT"),
            max_listing_pages=self.max_listing_pages,
        )
        if self.known:
            self.logger.info("incremental recrawl: %d pages known", len(self.known))

    async def start(self) -> AsyncIterator[Any]:
        """The source's settings, then one request per start URL (see `start_request`)."""
        self.configure()
        for url in self.start_urls:
            yield self.start_request(url)

    def start_request(self, url: str) -> Request:
        """A start URL that fails leaves the crawl incomplete: nothing is removed."""
        return Request(
            url,
            callback=self.parse_start,
            errback=self.listing_failed,
            dont_filter=True,
            meta={"citywatch_listing": True},
        )

    async def parse_start(self, response: Response) -> AsyncIterator[Any]:
        """The entry point of the source (its landing, home or listing page)."""
        raise NotImplementedError(f"{type(self).__name__} reads its start URLs itself")
        yield  # pragma: no cover  (makes this an async generator, as overrides are)

    # -- incremental recrawl ---------------------------------------------------------------

    async def read_lastmods(self, site_url: str) -> None:
        """Read the site's sitemaps (robots.txt's, else the usual places) into
        `listing_markers`, so that detail pages can be skipped by their ``lastmod``."""
        robots_url = urljoin(site_url, "/robots.txt")
        found = await read_sitemaps(self.try_download, robots_url, self.evidence)
        self.listing_markers.update((page_key(url), lastmod) for url, lastmod in found.items())
        self.crawler.stats.set_value("citywatch/sitemap_lastmods", len(self.listing_markers))

    def follow_detail(
        self,
        url: str,
        callback: Callable[..., Any],
        marker: str | None = None,
        **kwargs: Any,
    ) -> Request | PageSeen:
        """A request for a detail page, or `PageSeen` when its listing marker (given, or the
        sitemap's lastmod) is the one its record was extracted with."""
        translation = self.known.get(url)
        if translation is not None and translation.is_translation and translation.primary_url:
            # A known record's page in another language: the record's own page decides.
            marker = self.listing_markers.get(page_key(translation.primary_url))
            if self.known.unchanged(translation.primary_url, marker) is not None:
                return self.page_seen(translation, url, "citywatch/skipped_unchanged")
        else:
            marker = marker or self.listing_markers.get(page_key(url))
            known = self.known.unchanged(url, marker)
            if known is not None:
                return self.page_seen(known, url, "citywatch/skipped_unchanged")
        meta = {**kwargs.pop("meta", {}), "citywatch_marker": marker}
        return Request(url, callback=callback, errback=self.detail_failed, meta=meta, **kwargs)

    # -- listings: pages a window ahead, walks that end, bounds --------------------------------

    def follow_listing(
        self, response: Response, url: str, callback: Callable[..., Any], **kwargs: Any
    ) -> Request:
        """A request for another page of the listing ``response`` is a page of."""
        chain = response.meta.get(LISTING_CHAIN, response.url)
        meta = {**kwargs.pop("meta", {}), "citywatch_listing": True, LISTING_CHAIN: chain}
        return Request(url, callback=callback, errback=self.listing_failed, meta=meta, **kwargs)

    def read_on(self, response: Response, entries: Sequence[str]) -> bool:
        """Whether to follow this listing page's pager: not after an empty page, nor after one
        whose entries were all listed before by the same listing (a pager that loops: noted as
        a bound exceeded, since the listing cannot be read to its end)."""
        chain = response.meta.get(LISTING_CHAIN, response.url)
        walk = self.listings.setdefault(chain, NumberedWalk(last=None))
        looped = walk.looped
        if walk.read(entries, full=True):
            return True
        if walk.looped and not looped:
            self.pager_loops(
                response, "a listing page lists only entries already listed: its pager loops"
            )
        return False

    def next_listing_pages(self, response: TextResponse, next_href: str) -> list[str]:
        """The next listing page, and the pages after it that the pager (profile
        ``[listing] page_links``) links to, a window ahead (see `crawler.paging`); a pager
        linking a page beyond ``crawl.max_listing_pages`` is noted."""
        urls = [response.urljoin(next_href)]
        if "page_links" in self.profile.sections.get("listing", {}):
            hrefs = self.profile.all(response.selector, "listing", "page_links")
            ahead = pages_ahead(response.url, next_href, hrefs)
            urls += ahead.urls
            if ahead.last_page is not None:
                self.announced(response, "its pager links page", ahead.last_page)
        return urls

    def announced(self, response: Response, what: str, count: int) -> None:
        """A count the site announced, above ``crawl.max_listing_pages``: noted once per
        listing; the walk goes on as its pages allow, until the bound stops it."""
        if not self.max_listing_pages or count <= self.max_listing_pages:
            return
        self.evidence.bound_exceeded(
            "announced_count",
            response.meta.get(LISTING_CHAIN, response.url),
            f"{what} {count}",
            bound=BOUND,
            limit=self.max_listing_pages,
            announced=count,
        )

    def rest_walk(self, first: Response, items: list[Any]) -> tuple[NumberedWalk, list[int]]:
        """How to read a REST collection after its first page, and the pages to ask for now.

        X-WP-TotalPages is believed when it agrees with X-WP-Total and is within
        ``crawl.max_listing_pages``: the pages are asked a window ahead. Otherwise (a proxy
        dropped the headers, or the site announces more), one page at a time until a page
        comes back short, empty or past the end (a 400)."""
        pages = header_count(first, "X-WP-TotalPages")
        total = header_count(first, "X-WP-Total")
        implied = None if total is None else -(-total // MAX_PER_PAGE)
        if pages is not None:
            self.announced(first, "X-WP-TotalPages announces", pages)
        if implied is not None:
            self.announced(first, f"X-WP-Total announces {total} items: pages", implied)
        bound = self.max_listing_pages or None
        believed = (
            pages is not None
            and (bound is None or pages <= bound)
            and (implied is None or implied == pages)
        )
        walk = NumberedWalk(pages if believed else None, LISTING_WINDOW if believed else 1)
        asked = walk.start(_entry_keys(items), full=len(items) >= MAX_PER_PAGE)
        if walk.count_low:  # a count of 0 with items on its first page
            self.count_proved_low(walk, first)
        return walk, asked

    def rest_pages_after(
        self, walk: NumberedWalk, response: Response, items: list[Any]
    ) -> list[int]:
        """The REST page to ask for now that ``items`` were read; none once the walk ended."""
        looped, count_low = walk.looped, walk.count_low
        pages = walk.page_read(_entry_keys(items), full=len(items) >= MAX_PER_PAGE)
        if walk.count_low and not count_low:
            self.count_proved_low(walk, response)
        if walk.looped and not looped:
            self.pager_loops(
                response, "a page of the API lists only items already listed: its pages loop"
            )
        return pages

    def pager_loops(self, response: Response, reason: str) -> None:
        """A listing walk met a page of entries it had listed: noted as a bound exceeded, since
        the listing cannot be read to its end."""
        self.evidence.bound_exceeded("looping_pager", response.url, reason)

    def count_proved_low(self, walk: NumberedWalk, response: Response) -> None:
        """A page past the count the API announced lists new items: noted, and the walk reads
        on one page at a time."""
        self.evidence.bound_exceeded(
            "announced_count_low",
            response.url,
            f"X-WP-TotalPages announces {walk.announced} pages, but page {walk.pages_read} "
            "lists more items: every page is read one at a time",
            announced=walk.announced,
        )

    def metadata(self, page: TextResponse) -> PageMetadata:
        """`page_metadata` of a page; its malformed JSON-LD nodes are reported once."""
        meta = page_metadata(page.selector, page.url)
        if meta.malformed and page.url not in self.metadata_checked:
            self.metadata_checked.add(page.url)
            for node, error in meta.malformed:
                self.evidence.malformed(page.url, node, error, entry=False)
        return meta

    def seen_unchanged(self, response: Response) -> PageSeen | None:
        """`PageSeen` for a known detail page the server answered 304 (served from the HTTP
        cache after revalidation): it was extracted from these very bytes before."""
        if "cached" not in response.flags:
            return None
        known = self.known.get(response.url)
        if known is None:
            return None
        return self.page_seen(known, response.url, "citywatch/revalidated_unchanged")

    def page_seen(self, known: KnownPage, url: str, stat: str) -> PageSeen:
        self.crawler.stats.inc_value(stat)
        return PageSeen(source_key=self.name, stable_id=known.stable_id, url=url)

    async def download(self, url: str) -> Response:
        """Fetch a page inside a callback (downloader middlewares apply: robots, retries, cache)."""
        return await self.crawler.engine.download_async(Request(url, dont_filter=True))

    async def try_download(self, url: str) -> Response | None:
        """`download`, with None for a request refused or failed (robots.txt, DNS, timeout)."""
        try:
            return await self.download(url)
        except Exception as exc:
            self.logger.info("no answer from %s: %s", url, exc)
            return None

    async def fetch_json(self, url: str) -> Any | None:
        response = await self.try_download(url)
        return json_body(response) if response is not None and response.status == 200 else None

    def listing_failed(self, failure: Failure) -> None:
        if isinstance(failure.value, ListingBoundReached):
            return  # noted by the bound, with its evidence
        request = getattr(failure, "request", None)
        self.listing_broken(request.url if request else "?", failure.getErrorMessage())

    def listing_broken(self, url: str, reason: str) -> None:
        """A listing that could not be read makes the crawl incomplete: nothing is removed."""
        stats = self.crawler.stats
        stats.inc_value("citywatch/listing_failures")
        samples = stats.get_value("citywatch/listing_failure_urls") or []
        if len(samples) < MAX_SAMPLE_URLS:
            stats.set_value("citywatch/listing_failure_urls", [*samples, url])
        self.logger.error("listing incomplete at %s: %s", url, reason)

    def detail_failed(self, failure: Failure) -> None:
        """A page answering 404/410 is gone (its record will be missed); any other failure
        leaves the crawl incomplete, so that a bad night removes nothing."""
        request = getattr(failure, "request", None)
        url = request.url if request else "?"
        error = failure.value
        if isinstance(error, HttpError) and error.response.status in GONE:
            self.crawler.stats.inc_value("citywatch/detail_gone")
            self.logger.info("gone since it was listed: %s", url)
            return
        self.crawler.stats.inc_value("citywatch/detail_failures")
        self.logger.warning("page failed: %s: %s", url, failure.getErrorMessage())


def _entry_keys(items: list[Any]) -> list[str]:
    """What tells a REST page's items apart, malformed ones included: their ids as sent."""
    return [repr(item.get("id")) if isinstance(item, dict) else repr(item)[:100] for item in items]
