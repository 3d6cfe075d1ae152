"""Cities for Global Health: initiatives of local and regional governments facing COVID-19.

Entry point: the site root (or ``/es``, or the listing ``/initiatives`` itself, which gives no
home record and no counters). The home page gives the counters ("612 initiatives uploaded",
"104 cities with initiatives"), kept as source statistics (``citywatch/source_stat/initiatives``
and ``.../cities`` in the crawl stats) and in the home page record's ``extra``; its main menu
leads to the Views listing ``/initiatives?page=N``, walked to the end through the pager.

Each initiative is one Drupal node, keyed on its node id (``<link rel="shortlink"
href="/node/N">`` or ``data-history-node-id``), so a new alias never duplicates it. The listing
shows every node once, in its uploader's language; the other language's version (an hreflang
alternate) is a translation of that record, not a record of its own.

The sitemap (``/sitemap.xml``, simple_sitemap: one ``<url>`` per language version, with its
``xhtml:link`` alternates) is the check on the listing: when the crawl goes idle, a node the
sitemap lists and the listing did not lead to (a view capped or filtered) is fetched too and
counted in ``citywatch/sitemap_only``. Such a node's first sitemap URL is taken as its
original, since nothing in Drupal's markup tells the original language apart.

Options (``options`` of the source in citywatch.toml): ``profile`` (path of a selector profile
replacing ``crawler/profiles/cities_for_global_health.toml``), ``translations`` (default true:
fetch each translation for its title), ``sitemap`` (default true: cross-check the listing with
``/sitemap.xml``).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urljoin, urlsplit

from parsel import Selector
from scrapy import Request, signals
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from crawler.base import CitywatchSpider
from crawler.items import PageRecord, PageSeen
from crawler.sitemaps import MAX_SITEMAP_URLS, MAX_SITEMAPS, MAX_URLS_PER_SITEMAP
from crawler.structured import PageMetadata

__all__ = ["MAX_COUNTER", "CitiesForGlobalHealthSpider", "read_counters"]

LISTING_PATH = "initiatives"
SITEMAP_PATH = "/sitemap.xml"
NODE_PATHS = re.compile(r"^(?:/[a-z]{2})?/initiatives/[^/]+$")  # aliases of initiatives
SITEMAP_NS = {
    "s": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "x": "http://www.w3.org/1999/xhtml",
}
# What a counter counts, by the words of its label (English or Spanish); cities first, since
# "cities with initiatives" also names initiatives.
COUNTER_KINDS = (
    ("cities", re.compile(r"\b(?:cit(?:y|ies)|ciudad(?:es)?)\b", re.IGNORECASE)),
    ("initiatives", re.compile(r"\b(?:initiatives?|iniciativas?)\b", re.IGNORECASE)),
)
_COUNTER = re.compile(r"(\d[\d.,\s]*)\s+([^\d]+)")
MAX_COUNTER = 10_000_000  # initiatives or cities a platform counts: more is not believed
MAX_COUNTERS = 20
_NODE_PATH = re.compile(r"/node/(\d{1,18})(?:$|[/?#])")


class CitiesForGlobalHealthSpider(CitywatchSpider):
    name = "cities_for_global_health"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.seen_nodes: set[int] = set()
        # Paths, not URLs: a sitemap may name another scheme or host than the pages do.
        self.reached_paths: set[str] = set()  # initiative pages and their alternates
        self.sitemap_groups: dict[frozenset[str], list[str]] = {}  # a node's paths -> URLs
        self.sitemap_checked = False
        self.sitemaps_asked: set[str] = set()

    def configure(self) -> None:
        """The source's settings, and the sitemap check on the listing when the crawl idles."""
        super().configure()
        if self.options.get("sitemap", True):
            self.crawler.signals.connect(self.check_sitemap, signal=signals.spider_idle)

    # -- the entry point: home page or listing ---------------------------------------------------

    async def parse_start(self, response: Response) -> AsyncIterator[Any]:
        if not isinstance(response, TextResponse):
            self.listing_broken(response.url, "the start URL did not answer with a page")
            return
        if self.options.get("sitemap", True):
            yield Request(
                urljoin(response.url, SITEMAP_PATH),
                callback=self.parse_sitemap,
                errback=self.sitemap_failed,
            )
        await self.read_lastmods(response.url)  # to skip unchanged initiatives by lastmod
        if self.profile.nodes(response.selector, "listing", "entries"):
            async for item_or_request in self.parse_listing(response):
                yield item_or_request
            return
        yield await self.home_record(response)
        listing = self.profile.first(response.selector, "home", "listing_url")
        if listing is None:  # Drupal's path for the view, under the page's language prefix
            prefix = "es/" if urlsplit(response.url).path.startswith("/es") else ""
            listing = "/" + prefix + LISTING_PATH
        yield Request(
            urljoin(response.url, listing),
            callback=self.parse_listing,
            errback=self.listing_failed,
            meta={"citywatch_listing": True},
        )

    async def home_record(self, response: TextResponse) -> PageRecord:
        meta = self.metadata(response)
        counters = self.counters(response.selector, response.url)
        for kind, value in counters.items():
            self.crawler.stats.set_value(f"citywatch/source_stat/{kind}", value)
        if not counters:
            self.logger.warning("no counters on the home page %s (selector profile?)", response.url)
        language = meta.language
        return PageRecord(
            source_key=self.name,
            kind="page",
            stable_id=f"{self.name}:page:{urlsplit(meta.canonical_url or response.url).path}",
            url=response.url,
            canonical_url=meta.canonical_url,
            title=self.profile.first(response.selector, "home", "title") or meta.title,
            summary_html=meta.description,
            body_html=self.profile.first(response.selector, "home", "body_html"),
            language=language,
            translations=await self.translations_of(meta, language or "", "home"),
            extra=dict(counters),
        )

    def counters(self, page: Selector, url: str) -> dict[str, int]:
        """The home page's counters by kind: {"initiatives": 612, "cities": 104}; one above
        `MAX_COUNTER` is not believed (and noted)."""
        nodes = self.profile.nodes(page, "home", "counters")[:MAX_COUNTERS]
        # A counter reads "612 initiatives uploaded": a longer text is no counter.
        texts = [" ".join(node.xpath("string()").get("")[:200].split()) for node in nodes]
        found, refused = read_counters(texts)
        for kind, digits in refused.items():
            self.evidence.bound_exceeded(
                "announced_count", url, f"the home page counts {digits[:20]} {kind}",
                bound="a counter's largest value", limit=MAX_COUNTER,
            )  # fmt: skip
        return found

    # -- the listing ------------------------------------------------------------------------------

    async def parse_listing(self, response: Response) -> AsyncIterator[Any]:
        if not isinstance(response, TextResponse):
            self.listing_broken(response.url, "listing page is not HTML")
            return
        self.crawler.stats.set_value("citywatch/listing_path", "views_listing")
        page = response.selector
        entries = self.profile.nodes(page, "listing", "entries")
        if not entries and not self.profile.nodes(page, "listing", "empty"):
            self.listing_broken(
                response.url, "listing page lists no initiatives (selector profile?)"
            )
        urls = [
            response.urljoin(href)
            for entry in entries
            if (href := self.profile.first(entry, "listing", "entry_url"))
        ]
        for url in urls:
            detail = self.follow_detail(url, self.parse_initiative)
            if isinstance(detail, PageSeen):  # reached, for the sitemap check
                self.reached_paths.add(urlsplit(detail.url).path)
            yield detail
        next_page = self.profile.first(page, "listing", "next_page")
        if next_page and self.read_on(response, urls):
            for url in self.next_listing_pages(response, next_page):
                yield self.follow_listing(response, url, self.parse_listing)

    # -- an initiative ----------------------------------------------------------------------------

    async def parse_initiative(self, response: Response) -> AsyncIterator[Any]:
        if not isinstance(response, TextResponse):
            return
        if seen := self.seen_unchanged(response):
            self.reached_paths.update(
                urlsplit(url).path
                for url in [response.url, *response.meta.get("redirect_urls", [])]
            )
            yield seen
            return
        page = response.selector
        meta = self.metadata(response)
        node_id = _node_id(meta, self.profile.first(page, "initiative", "node_id"))
        reached = [response.url, *response.meta.get("redirect_urls", []), *meta.alternates.values()]
        self.reached_paths.update(urlsplit(url).path for url in reached)
        if node_id is not None:
            if node_id in self.seen_nodes:
                return
            self.seen_nodes.add(node_id)
        if not self.profile.nodes(page, "initiative", "container"):
            # The theme changed: fields will come back empty and the alarms say so; count it too.
            self.crawler.stats.inc_value("citywatch/profile_miss/initiative")
            self.logger.warning("no initiative markup on %s (selector profile?)", response.url)
        stable_id = (
            f"{self.name}:node:{node_id}"
            if node_id is not None
            else f"{self.name}:page:{urlsplit(meta.canonical_url or response.url).path}"
        )
        phase = self.profile.first(page, "initiative", "phase")
        language = meta.language
        yield PageRecord(
            source_key=self.name,
            kind="initiative",
            stable_id=stable_id,
            url=response.url,
            canonical_url=meta.canonical_url,
            title=self.profile.first(page, "initiative", "title") or meta.title,
            summary_html=self.profile.first(page, "initiative", "summary_html") or meta.description,
            body_html=self.profile.first(page, "initiative", "body_html"),
            # The initiative's own date; nodes without one have only their upload date.
            published=self.profile.first(page, "initiative", "published") or meta.published,
            updated=meta.modified,
            language=language,
            categories=[
                *self.profile.all(page, "initiative", "topics"),
                *([phase] if phase else []),
            ],
            city=self.profile.first(page, "initiative", "city"),
            country=self.profile.first(page, "initiative", "country"),
            organisations=self.profile.all(page, "initiative", "organisations"),
            resources=[
                *self.attachments(response, "documents"),
                *self.attachments(response, "links"),
            ],
            translations=await self.translations_of(meta, language or "", "initiative"),
            extra={"nid": node_id, "phase": phase},
        )

    def attachments(self, response: TextResponse, field: str) -> list[dict[str, str | None]]:
        kind = "document" if field == "documents" else "link"
        found = []
        for anchor in self.profile.nodes(response.selector, "initiative", field):
            href = anchor.attrib.get("href", "").strip()
            if href:
                title = " ".join(anchor.xpath("string()").get("").split()) or None
                found.append({"url": response.urljoin(href), "title": title, "type": kind})
        return found

    async def translations_of(
        self, meta: PageMetadata, language: str, section: str
    ) -> list[dict[str, str | None]]:
        """The page's hreflang alternates in other languages (Drupal lists only translations
        that exist), each fetched for its title unless ``options.translations`` is false."""
        found: list[dict[str, str | None]] = []
        for code, url in sorted(meta.alternates.items()):
            if _base_language(code) == _base_language(language):
                continue
            title = None
            if self.options.get("translations", True):
                translated = await self.try_download(url)
                if not isinstance(translated, TextResponse) or translated.status != 200:
                    continue
                url = translated.url
                title = self.profile.first(translated.selector, section, "title")
            found.append({"language": code, "url": url, "title": title})
        return found

    # -- the sitemap: the check on the listing ---------------------------------------------------

    async def parse_sitemap(self, response: Response) -> AsyncIterator[Any]:
        if not isinstance(response, TextResponse):
            return
        document = Selector(text=response.text, type="xml")
        host = urlsplit(response.url).netloc
        for loc in document.xpath("//s:sitemap/s:loc/text()", namespaces=SITEMAP_NS).getall():
            loc = loc.strip()
            if urlsplit(loc).netloc != host or loc in self.sitemaps_asked:
                continue
            if len(self.sitemaps_asked) >= MAX_SITEMAPS:
                reason = f"the sitemaps name more than {MAX_SITEMAPS} sitemaps"
                self.evidence.bound_exceeded(
                    "sitemaps", response.url, reason, bound="sitemaps per site", limit=MAX_SITEMAPS
                )
                break
            self.sitemaps_asked.add(loc)
            yield Request(loc, callback=self.parse_sitemap, errback=self.sitemap_failed)
        for index, entry in enumerate(document.xpath("//s:url", namespaces=SITEMAP_NS)):
            if index == MAX_URLS_PER_SITEMAP or len(self.sitemap_groups) == MAX_SITEMAP_URLS:
                self.evidence.bound_exceeded(
                    "sitemap_urls", response.url, "the sitemaps list more URLs than are read",
                    bound="sitemap URLs read", limit=min(index, MAX_SITEMAP_URLS),
                )  # fmt: skip
                break
            loc = entry.xpath("s:loc/text()", namespaces=SITEMAP_NS).get("").strip()
            alternates = entry.xpath("x:link[@rel='alternate']/@href", namespaces=SITEMAP_NS)
            urls = list(dict.fromkeys([loc, *(href.strip() for href in alternates.getall())]))
            if loc and NODE_PATHS.match(urlsplit(loc).path):
                self.sitemap_groups.setdefault(frozenset(urlsplit(u).path for u in urls), urls)

    def sitemap_failed(self, failure: Failure) -> None:
        request = getattr(failure, "request", None)
        self.logger.info("no sitemap at %s: %s", request and request.url, failure.getErrorMessage())

    def check_sitemap(self) -> None:
        """Once the listing is walked: fetch the nodes only the sitemap knows."""
        if self.sitemap_checked:
            return
        self.sitemap_checked = True
        missed = [
            urls for group, urls in self.sitemap_groups.items() if not group & self.reached_paths
        ]
        if not missed:
            return
        self.crawler.stats.set_value("citywatch/sitemap_only", len(missed))
        self.logger.warning("%d initiatives are in the sitemap but not in the listing", len(missed))
        for urls in missed:
            self.crawler.engine.crawl(
                Request(urls[0], callback=self.parse_initiative, errback=self.detail_failed)
            )
        raise DontCloseSpider

    # -- plumbing ---------------------------------------------------------------------------------


def read_counters(texts: list[str]) -> tuple[dict[str, int], dict[str, str]]:
    """Counters by kind from texts like "612 initiatives uploaded", and those refused (their
    digits) for claiming more than `MAX_COUNTER`."""
    found: dict[str, int] = {}
    refused: dict[str, str] = {}
    for text in texts:
        for number, label in _COUNTER.findall(text):
            kind = next((k for k, words in COUNTER_KINDS if words.search(label)), None)
            digits = re.sub(r"\D", "", number).lstrip("0") or "0"
            if not kind or kind in found or kind in refused:
                continue
            if len(digits) > len(str(MAX_COUNTER)) or int(digits) > MAX_COUNTER:
                refused[kind] = digits
            else:
                found[kind] = int(digits)
    return found, refused


def _node_id(meta: PageMetadata, history_id: str | None) -> int | None:
    """Drupal's node id: the shortlink ``/node/N`` first, then ``data-history-node-id``."""
    match = _NODE_PATH.search(urlsplit(meta.shortlink or "").path + "/")
    if match:
        return int(match.group(1))
    digits = (history_id or "").strip()
    return int(digits) if digits.isascii() and digits.isdigit() and len(digits) <= 18 else None


def _base_language(code: str) -> str:
    return re.split(r"[_-]", code.lower())[0] if code else ""
