"""Downloader middleware that keeps the URLs of a few failed requests, as evidence.

The HTTP-error-rate alarm (`pipeline.alarms`) counts what Scrapy's DownloaderStats counts:
failed downloads, and 4xx/5xx answers other than 404/410. "30 of 100 requests failed" is only
actionable with the requests named, so this middleware sits beside DownloaderStats (850) and
keeps the first few such URLs in the crawl's stats, where the alarm finds them.

A request may say which error statuses are an expected answer (``EXPECTED_STATUSES`` in its
meta): WordPress answers 400 to a REST page past the end, which is how a listing walk learns it
ended. Such an answer is counted apart (``EXPECTED_STATUS_COUNT``), and the alarm leaves it out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from crawler.base import GONE, MAX_SAMPLE_URLS

if TYPE_CHECKING:
    from typing import Self

    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

__all__ = [
    "ERROR_URLS",
    "EXPECTED_STATUSES",
    "EXPECTED_STATUS_COUNT",
    "HttpErrorSamples",
    "counts_as_http_error",
]

ERROR_URLS = "citywatch/http_error_urls"
EXPECTED_STATUSES = "citywatch_expected_statuses"
EXPECTED_STATUS_COUNT = "citywatch/expected_status_count/"


def counts_as_http_error(status: int) -> bool:
    """A 4xx or 5xx answer but 404/410: a page that is gone is news for the change report (and
    the record-count alarm), not a sign that the site fails or refuses the crawler."""
    return 400 <= status < 600 and status not in GONE


class HttpErrorSamples:
    def __init__(self, stats: Any) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler.stats)

    def process_response(self, request: Request, response: Response) -> Response:
        if response.status in request.meta.get(EXPECTED_STATUSES, ()):
            self.stats.inc_value(f"{EXPECTED_STATUS_COUNT}{response.status}")
        elif counts_as_http_error(response.status):
            self._keep(request.url)
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        self._keep(request.url)

    def _keep(self, url: str) -> None:
        samples = self.stats.get_value(ERROR_URLS) or []
        # A retried request fails once per attempt: name it once.
        if len(samples) < MAX_SAMPLE_URLS and url not in samples:
            self.stats.set_value(ERROR_URLS, [*samples, url])
