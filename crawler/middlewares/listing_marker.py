"""Spider middleware that stamps each record with the listing marker its request carried.

`CitywatchSpider.follow_detail` puts the listing's marker for a page (sitemap lastmod, ...) in
the request's ``citywatch_marker`` meta; the record extracted from the response keeps it, so the
next crawl can tell from the listing alone that the page is unchanged.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any

from scrapy.http import Response

from crawler.items import PageRecord

__all__ = ["ListingMarkerMiddleware"]


class ListingMarkerMiddleware:
    def process_spider_output(self, response: Response, result: Iterable[Any]) -> Iterator[Any]:
        marker = response.meta.get("citywatch_marker")
        for item in result:
            yield _stamped(item, marker)

    async def process_spider_output_async(
        self, response: Response, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        marker = response.meta.get("citywatch_marker")
        async for item in result:
            yield _stamped(item, marker)


def _stamped(item: Any, marker: str | None) -> Any:
    if marker and isinstance(item, PageRecord) and item.listing_marker is None:
        item.listing_marker = marker
    return item
