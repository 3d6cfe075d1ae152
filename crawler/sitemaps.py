"""Read a site's sitemaps for each page's ``lastmod``: the cheapest "did it change?" a site gives.

Sitemaps are found as crawlers find them: the ``Sitemap:`` lines of robots.txt, else the usual
places (WordPress core's ``/wp-sitemap.xml``, Yoast's ``/sitemap_index.xml``, ``/sitemap.xml``).
Indexes are followed (same host only, bounded), gzip-compressed sitemaps are read as Scrapy's
SitemapSpider reads them. A sitemap that cannot be read only costs the recrawl its shortcut.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from urllib.parse import urljoin, urlsplit

from scrapy.http import Response
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots

__all__ = ["Download", "read_sitemaps"]

FALLBACK_PATHS = ("/wp-sitemap.xml", "/sitemap_index.xml", "/sitemap.xml")
MAX_SITEMAPS = 200  # an index naming more is not a sitemap we trust to be finite
MAX_SITEMAP_BYTES = 50 * 1024 * 1024  # the protocol's own limit for one sitemap

Download = Callable[[str], Awaitable[Response | None]]


async def read_sitemaps(download: Download, robots_url: str) -> dict[str, str]:
    """``{page URL: lastmod}`` for every page the site's sitemaps date."""
    robots = await download(robots_url)
    declared: list[str] = []
    if robots is not None and robots.status == 200:
        declared = list(sitemap_urls_from_robots(robots.body, base_url=robots_url))
    if declared:
        return await _walk(download, declared, urlsplit(robots_url).netloc)
    for path in FALLBACK_PATHS:  # the first usual place that answers is the site's sitemap
        found = await _walk(download, [urljoin(robots_url, path)], urlsplit(robots_url).netloc)
        if found:
            return found
    return {}


async def _walk(download: Download, roots: list[str], host: str) -> dict[str, str]:
    queue, done = list(roots), set[str]()
    lastmods: dict[str, str] = {}
    while queue and len(done) < MAX_SITEMAPS:
        url = queue.pop(0)
        if url in done or urlsplit(url).netloc != host:
            continue
        done.add(url)
        sitemap = await _sitemap(download, url)
        for entry in sitemap or ():
            loc = entry.get("loc")
            if loc and sitemap is not None and sitemap.type == "sitemapindex":
                queue.append(loc)
            elif loc and entry.get("lastmod"):
                lastmods[loc] = entry["lastmod"].strip()
    return lastmods


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
