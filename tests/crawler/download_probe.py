"""Fetch URLs the way a spider's callback does (``engine.download_async``: every downloader
middleware, redirects followed by Scrapy) with the project's settings and a citywatch.toml, and
print one JSON line per URL: its status, final URL and body, or the error it raised.

    python -m tests.crawler.download_probe CONFIG URL...
"""

from __future__ import annotations

import json
import sys
from collections.abc import AsyncIterator
from typing import Any

from scrapy import Request, Spider

from pipeline.crawl import project_settings, run_in_reactor


class DownloadProbe(Spider):
    name = "download_probe"

    def __init__(self, urls: list[str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.urls = urls

    async def start(self) -> AsyncIterator[Any]:
        for url in self.urls:
            try:
                response = await self.crawler.engine.download_async(Request(url, dont_filter=True))
            except Exception as error:
                outcome = {"url": url, "error": f"{type(error).__name__}: {error}"}
            else:
                outcome = {
                    "url": url,
                    "status": response.status,
                    "final_url": response.url,
                    "body": response.body.decode("latin-1"),
                }
            print(json.dumps(outcome), flush=True)
        return
        yield  # an async generator that yields nothing


def main(config: str, urls: list[str]) -> None:
    settings = project_settings(config, None, "WARNING")
    run_in_reactor(settings, lambda runner: runner.crawl(DownloadProbe, urls=urls))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
