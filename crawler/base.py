"""What every citywatch spider shares: its source from the settings, in-callback downloads, and
the accounting that tells a complete crawl from one that must not remove anything."""

from __future__ import annotations

from typing import Any

from scrapy import Request, Spider
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawler.profiles import Profile, load_profile
from crawler.wordpress import json_body

__all__ = ["GONE", "CitywatchSpider"]

GONE = (404, 410)
MAX_SAMPLE_URLS = 5  # evidence kept for an extraction alarm


class CitywatchSpider(Spider):
    """Base of the source spiders: a spider's name is its source's key."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.source: dict[str, Any] = {}
        self.options: dict[str, Any] = {}
        self.profile: Profile

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
