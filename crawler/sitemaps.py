"""Read a site's sitemaps for each page's ``lastmod``: the cheapest "did it change?" a site gives.

Sitemaps are found as crawlers find them: the ``Sitemap:`` lines of robots.txt, else the usual
places (WordPress core's ``/wp-sitemap.xml``, Yoast's ``/sitemap_index.xml``, ``/sitemap.xml``).
Indexes are followed (same host only, bounded), gzip-compressed sitemaps are read as Scrapy's
SitemapSpider reads them. A sitemap that cannot be read only costs the recrawl its shortcut; an
entry whose ``loc`` is no http(s) URL or whose ``lastmod`` is no date is dropped and reported.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from urllib.parse import urljoin, urlsplit

from scrapy.http import Response
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots

from crawler.evidence import SiteEvidence
from crawler.json_fields import Malformed

__all__ = [
    "MAX_SITEMAPS",
    "MAX_SITEMAP_URLS",
    "MAX_URLS_PER_SITEMAP",
    "Download",
    "read_sitemaps",
    "sitemap_entry",
]

FALLBACK_PATHS = ("/wp-sitemap.xml", "/sitemap_index.xml", "/sitemap.xml")
# Bounds on what a site's sitemaps may make us read; reaching one is noted as a bound exceeded.
MAX_SITEMAPS = 200  # an index naming more is not a sitemap we trust to be finite
MAX_SITEMAP_BYTES = 50 * 1024 * 1024  # the protocol's own limits for one sitemap
MAX_URLS_PER_SITEMAP = 50_000
MAX_SITEMAP_URLS = 500_000  # dated pages kept, all sitemaps together (about 100 MB)

# W3C Datetime, as the sitemap protocol has it: a year, a date, or a date and time.
_W3C_DATETIME = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2}(?:T[\d:.]+(?:Z|[+-]\d{2}:\d{2})?)?)?)?")

Download = Callable[[str], Awaitable[Response | None]]


def sitemap_entry(entry: dict[str, str]) -> tuple[str, str | None]:
    """An entry's ``loc`` (an absolute http(s) URL) and ``lastmod`` (a W3C datetime, or
    None); `Malformed` for anything else."""
    loc = entry.get("loc", "").strip()
    if not re.match(r"https?://[^\s/?#]+", loc, re.IGNORECASE):
        raise Malformed("loc", f"not an http(s) URL: {loc[:60]!r}")
    lastmod = entry.get("lastmod", "").strip() or None
    if lastmod is not None and not _W3C_DATETIME.fullmatch(lastmod):
        raise Malformed("lastmod", f"not a W3C datetime: {lastmod[:60]!r}")
    return loc, lastmod


async def read_sitemaps(
    download: Download, robots_url: str, evidence: SiteEvidence
) -> dict[str, str]:
    """``{page URL: lastmod}`` for every page the site's sitemaps date."""
    robots = await download(robots_url)
    declared: list[str] = []
    if robots is not None and robots.status == 200:
        declared = list(sitemap_urls_from_robots(robots.body, base_url=robots_url))
    if declared:
        return await _walk(download, declared, urlsplit(robots_url).netloc, evidence)
    for path in FALLBACK_PATHS:  # the first usual place that answers is the site's sitemap
        found = await _walk(
            download, [urljoin(robots_url, path)], urlsplit(robots_url).netloc, evidence
        )
        if found:
            return found
    return {}


async def _walk(
    download: Download, roots: list[str], host: str, evidence: SiteEvidence
) -> dict[str, str]:
    queue, done = list(roots), set[str]()
    lastmods: dict[str, str] = {}
    while queue:
        url = queue.pop(0)
        if url in done or urlsplit(url).netloc != host:
            continue
        done.add(url)
        sitemap = await _sitemap(download, url)
        for index, entry in enumerate(sitemap or ()):
            limit = _limit_reached(index, len(lastmods))
            if limit is not None:
                evidence.bound_exceeded(
                    "sitemap_urls", url, f"the sitemaps list more than {limit} URLs",
                    bound="sitemap URLs read", limit=limit,
                )  # fmt: skip
                break
            try:
                loc, lastmod = sitemap_entry(entry)
            except Malformed as error:
                evidence.malformed(url, f"entry {index}", error, entry=False)
                continue
            if sitemap is not None and sitemap.type != "sitemapindex":
                if lastmod:
                    lastmods[loc] = lastmod
            elif len(done) + len(queue) < MAX_SITEMAPS:
                queue.append(loc)
            else:
                evidence.bound_exceeded(
                    "sitemaps", url, f"the sitemaps name more than {MAX_SITEMAPS} sitemaps",
                    bound="sitemaps per site", limit=MAX_SITEMAPS,
                )  # fmt: skip
                break
    return lastmods


def _limit_reached(index: int, kept: int) -> int | None:
    """The bound reached before a sitemap's entry ``index``, with ``kept`` URLs dated so far."""
    if index == MAX_URLS_PER_SITEMAP:
        return MAX_URLS_PER_SITEMAP
    return MAX_SITEMAP_URLS if kept == MAX_SITEMAP_URLS else None


async def _sitemap(download: Download, url: str) -> Sitemap | None:
    response = await download(url)
    if response is None or response.status != 200:
        return None
    body = response.body
    if body[:2] == b"\x1f\x8b":
        try:
            body = gunzip(body, max_size=MAX_SITEMAP_BYTES)
        except OSError:
            return None
    try:
        return Sitemap(body)
    except Exception:  # lxml refuses what is not XML (an HTML 200 "not found" page)
        return None
