"""Downloader middleware that reads at most ``crawl.max_listing_pages`` listing pages per crawl.

A pager that never ends (every page links a next one, with new entries or the same ones again)
would keep a crawl going for ever: the spiders stop a walk whose pages bring nothing new, and
this bound stops any other. Listing pages are the requests marked ``citywatch_listing`` (start
URLs, archive and API pages, the sitemaps a listing is read from). The first one past the bound
is noted as evidence (the ``bound_exceeded`` alarm: the run removes nothing) and it and every
later one are refused with `ListingBoundReached`, which the spiders' errbacks let pass.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from scrapy import Request
from scrapy.exceptions import IgnoreRequest, NotConfigured

from crawler.evidence import SiteEvidence

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler

__all__ = ["MAX_LISTING_PAGES_SETTING", "ListingBound", "ListingBoundReached"]

MAX_LISTING_PAGES_SETTING = "CITYWATCH_MAX_LISTING_PAGES"
BOUND = "crawl.max_listing_pages"
logger = logging.getLogger(__name__)


class ListingBoundReached(IgnoreRequest):
    """A listing page past ``crawl.max_listing_pages``: not fetched, already noted."""


class ListingBound:
    def __init__(self, crawler: Crawler, limit: int) -> None:
        self.crawler = crawler
        self.limit = limit
        self.requested = 0
        self.reached = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        limit = crawler.settings.getint(MAX_LISTING_PAGES_SETTING)
        if limit <= 0:
            raise NotConfigured(f"{BOUND} is 0: no bound")
        return cls(crawler, limit)

    def process_request(self, request: Request) -> None:
        if not request.meta.get("citywatch_listing"):
            return
        if self.requested < self.limit:
            self.requested += 1
            return
        if not self.reached:
            self.reached = True
            self.evidence().bound_exceeded(
                "listing_pages",
                request.url,
                f"the listing goes on past {self.limit} pages",
                bound=BOUND,
                limit=self.limit,
            )
        raise ListingBoundReached(f"{request.url}: past {BOUND} = {self.limit}")

    def evidence(self) -> SiteEvidence:
        """The spider's own evidence (its log names the spider) when it keeps one."""
        found = getattr(self.crawler.spider, "evidence", None)
        if isinstance(found, SiteEvidence):
            return found
        return SiteEvidence(self.crawler.stats, logger)
