"""Small builders shared by the end-to-end tests."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.test import get_crawler

from crawler.evidence import SiteEvidence


def write_config(
    directory: Path,
    start_url: str,
    database_url: str,
    *,
    key: str = "mercociudades_covid",
    extra_crawl: str = "",
    options: str = "",
) -> Path:
    """A config like a user's, with the source pointed at a replica on 127.0.0.1."""
    path = directory / "citywatch.toml"
    path.write_text(
        f"""
[database]
url = "{database_url}"

[crawl]
allow_private_networks = true
download_delay = 0.0
concurrency_per_host = 8
timeout = 10.0
http_cache_dir = "{directory / "httpcache"}"
{extra_crawl}

[[sources]]
key = "{key}"
name = "replica of {key}"
start_urls = ["{start_url}"]
{options}
""",
        "utf-8",
    )
    return path


def read_jsonl(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def wait_until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    """Poll ``condition`` until it holds; fail naming ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    pause = threading.Event()
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g}s waiting for {what}")
        pause.wait(0.05)


def site_evidence() -> SiteEvidence:
    """Evidence noted into a real Scrapy stats collector (``.stats.get_stats()``)."""
    return SiteEvidence(MemoryStatsCollector(get_crawler()), logging.getLogger("citywatch.test"))
