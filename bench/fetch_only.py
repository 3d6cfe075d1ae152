"""The ceiling for bench/crawl.py: a Scrapy spider that only fetches a list of URLs.

Same engine, same concurrency, no parsing, no database: what the crawl would cost if
extraction, normalisation and storage were free.

    python bench/fetch_only.py URLS_FILE CONCURRENCY
"""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from scrapy import Request, Spider
from scrapy.crawler import AsyncCrawlerProcess
from scrapy.http import Response


class FetchOnly(Spider):
    name = "fetch_only"

    def __init__(self, urls: list[str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.urls = urls

    async def start(self) -> AsyncIterator[Request]:
        for url in self.urls:
            yield Request(url, dont_filter=True)

    def parse(self, response: Response) -> None:
        return None


def main() -> None:
    urls = Path(sys.argv[1]).read_text("utf-8").split()
    concurrency = int(sys.argv[2])
    process = AsyncCrawlerProcess(
        {
            "LOG_LEVEL": "WARNING",
            "ROBOTSTXT_OBEY": False,
            "COOKIES_ENABLED": False,
            "CONCURRENT_REQUESTS": concurrency,
            "CONCURRENT_REQUESTS_PER_DOMAIN": concurrency,
            "DOWNLOAD_DELAY": 0,
            "TELNETCONSOLE_ENABLED": False,
            "HTTPERROR_ALLOW_ALL": True,
        }
    )
    process.crawl(FetchOnly, urls=urls)
    process.start()


if __name__ == "__main__":
    main()
