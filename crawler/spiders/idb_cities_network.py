"""IDB Cities Network (Red de Ciudades BID): a section of www.iadb.org, a Drupal site.

Entry points: any of the configured start URLs — the cited section URL, the site root, a topic
page, or a listing. The section has moved on the real site, so a start URL that answers 404, or
redirects to the section's landing page, is recorded as moved (stat ``citywatch/start_url_moved``;
the landing record's ``extra["moved_from"]`` / ``extra["found_at"]``), and the landing page is
looked for from the other start URLs (links named in the profile's ``[discovery]``, up to
``max_hops`` pages away) or, when none leads there, from the root of the moved URL's site.
Every start URL is answered before the landing page is read, so the move is known whatever
order the config lists them in.

From the landing page (and its other-language version) the spider walks the webinar, publication
and blog listings (Drupal views, ``?page=N``) to their last page and reads each node. A node is
keyed on its Drupal node id (``link rel=shortlink`` ``/node/N``, or ``data-history-node-id``),
which both languages share: the record is the version in ``primary_language`` where there is one,
the other version is its translation. Metatag/JSON-LD metadata fill what the theme's selectors
(``crawler/profiles/idb_cities_network.toml``) miss.

Options: ``primary_language`` (default ``es``), ``max_hops`` (default 2), ``profile`` (path of a
selector profile replacing the shipped one).
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urljoin, urlsplit

from scrapy import Request
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from crawler.base import GONE, CitywatchSpider
from crawler.items import PageRecord

__all__ = ["IdbCitiesNetworkSpider"]

# Drupal content types -> record kinds.
NODE_KINDS = {
    "webinar": "webinar",
    "publication": "publication",
    "blog_post": "post",
    "post": "post",
}
LISTING_KINDS = ("webinar", "publication", "post")


class IdbCitiesNetworkSpider(CitywatchSpider):
    name = "idb_cities_network"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pending_starts = 0
        # (start URL, 404 or the redirect's status, where a redirect led or None)
        self.moved: list[tuple[str, int, str | None]] = []
        self.landing_urls: list[str] = []
        self.start_listings: list[str] = []
        self.listed_nodes: set[str] = set()
        self.seen_nodes: set[str] = set()

    @property
    def primary_language(self) -> str:
        return str(self.options.get("primary_language", "es")).lower()

    def configure(self) -> None:
        super().configure()
        self.pending_starts = len(self.start_urls)  # the section is looked for once all answer

    def start_request(self, url: str) -> Request:
        return Request(
            url,
            callback=self.parse_start,
            errback=self.start_failed,  # the section may live elsewhere: see start_answered
            dont_filter=True,
            meta={"handle_httpstatus_list": list(GONE), "start_url": url},
        )

    # -- finding the section ---------------------------------------------------------------

    async def parse_start(self, response: Response) -> AsyncIterator[Any]:
        start_url = response.meta["start_url"]
        if response.status in GONE:
            self.note_moved(start_url, response.status, None)
        elif isinstance(response, TextResponse):
            if self.is_landing(response):
                redirects = response.meta.get("redirect_reasons") or []
                if _path(response.url) != _path(start_url):
                    status = int(redirects[0]) if redirects else 301
                    self.note_moved(start_url, status, response.url)
                self.landing_urls.append(response.url)
            elif self.profile.nodes(response.selector, "listing", "entries"):
                self.start_listings.append(response.url)
            else:
                landing = await self.find_landing(response, int(self.options.get("max_hops", 2)))
                if landing:
                    self.landing_urls.append(landing)
        for request in self.start_answered():
            yield request

    def start_failed(self, failure: Failure) -> Iterator[Request]:
        request = getattr(failure, "request", None)
        self.listing_broken(request.url if request else "?", failure.getErrorMessage())
        yield from self.start_answered()

    def note_moved(self, start_url: str, status: int, target: str | None) -> None:
        self.crawler.stats.inc_value("citywatch/start_url_moved")
        self.logger.warning("start URL moved (HTTP %s): %s -> %s", status, start_url, target)
        self.moved.append((start_url, status, target))

    def is_landing(self, response: TextResponse) -> bool:
        return bool(self.profile.nodes(response.selector, "landing", "marker"))

    async def find_landing(self, page: TextResponse, hops: int) -> str | None:
        """The landing page linked from ``page``, or from a section page it links to."""
        link = self.profile.first(page.selector, "discovery", "landing_link")
        if link:
            return page.urljoin(link)
        section = self.profile.first(page.selector, "discovery", "section_link")
        if not section or hops <= 1:
            return None
        answer = await self.try_download(page.urljoin(section))
        if isinstance(answer, TextResponse) and answer.status == 200:
            if self.is_landing(answer):
                return answer.url
            return await self.find_landing(answer, hops - 1)
        return None

    def start_answered(self) -> Iterator[Request]:
        """Once every start URL has answered: the landing page, and listings given as starts."""
        self.pending_starts -= 1
        if self.pending_starts:
            return
        root = urljoin(self.moved[0][0], "/") if self.moved else None
        if not self.landing_urls and root and root not in self.start_urls:
            # The cited URL is gone and no other start URL leads on: look from its site's root.
            self.start_urls.append(root)
            self.pending_starts += 1
            yield self.start_request(root)
            return
        if self.landing_urls:
            yield Request(
                self.landing_urls[0],
                callback=self.parse_landing,
                errback=self.listing_failed,
                dont_filter=True,
            )
        elif not self.start_listings:
            self.listing_broken(", ".join(self.start_urls), "no start URL leads to the section")
        for url in self.start_listings:
            yield self.listing_request(url, None)

    # -- the landing page -------------------------------------------------------------------

    async def parse_landing(self, response: Response) -> AsyncIterator[Any]:
        if not isinstance(response, TextResponse):
            self.listing_broken(response.url, "the landing page is not HTML")
            return
        await self.read_lastmods(response.url)  # to skip unchanged nodes by their lastmod
        versions = await self.versions_of(response)
        primary = versions[0]
        record = self.record_from(primary, "page", versions[1:])
        record.title = self.profile.first(primary.selector, "landing", "title") or record.title
        record.body_html = self.profile.first(primary.selector, "landing", "body_html")
        record.extra["member_cities"] = self.profile.first(
            primary.selector, "landing", "member_cities"
        )
        if self.moved:
            moved_from, status, target = self.moved[0]
            # Without a redirect, the cited page lives on as the version in its own language.
            same_language = [v.url for v in versions if _language(v) == _url_language(moved_from)]
            found_at = target or (same_language or [primary.url])[0]
            record.extra.update(moved_from=moved_from, moved_status=status, found_at=found_at)
        yield record
        listings = 0
        for version in versions:
            for kind in LISTING_KINDS:
                for href in self.profile.all(version.selector, "landing", f"{kind}_listing"):
                    listings += 1
                    yield self.listing_request(version.urljoin(href), kind)
        if not listings:
            self.listing_broken(response.url, "the landing page links no listing (profile?)")

    # -- listings ----------------------------------------------------------------------------

    def listing_request(self, url: str, kind: str | None) -> Request:
        return Request(
            url,
            callback=self.parse_listing,
            errback=self.listing_failed,
            cb_kwargs={"kind": kind},
            meta={"citywatch_listing": True},
        )

    async def parse_listing(self, response: Response, kind: str | None) -> AsyncIterator[Any]:
        if not isinstance(response, TextResponse):
            self.listing_broken(response.url, "listing page is not HTML")
            return
        entries = self.profile.nodes(response.selector, "listing", "entries")
        if not entries and not self.profile.nodes(response.selector, "listing", "empty"):
            self.listing_broken(response.url, "listing page lists nothing (selector profile?)")
        listed = []
        for entry in entries:
            href = self.profile.first(entry, "listing", "entry_url")
            node_id = self.profile.first(entry, "listing", "entry_id")
            if href:
                listed.append(response.urljoin(href))
            if not href or (node_id and node_id in self.listed_nodes):
                continue  # the other language's listing already named this node
            if node_id:
                self.listed_nodes.add(node_id)
            yield self.follow_detail(
                response.urljoin(href), self.parse_detail, cb_kwargs={"kind": kind}
            )
        next_page = self.profile.first(response.selector, "listing", "next_page")
        if next_page and self.read_on(response, listed):
            for url in self.next_listing_pages(response, next_page):
                yield self.follow_listing(
                    response, url, self.parse_listing, cb_kwargs={"kind": kind}
                )

    # -- nodes -------------------------------------------------------------------------------

    async def parse_detail(self, response: Response, kind: str | None) -> AsyncIterator[Any]:
        if not isinstance(response, TextResponse):
            return
        if seen := self.seen_unchanged(response):
            yield seen
            return
        node_id = self.node_id(response)
        key = node_id or response.url
        if key in self.seen_nodes:
            return
        self.seen_nodes.add(key)
        versions = await self.versions_of(response)
        node_type = _node_type(versions[0])
        record_kind = NODE_KINDS.get(node_type or "", kind or "page")
        yield self.record_from(versions[0], record_kind, versions[1:], node_type)

    def node_id(self, page: TextResponse) -> str | None:
        """Drupal's node id (digits, at most 18: a database key), from the shortlink or the
        page's markup; None when neither has one."""
        shortlink = page.css("link[rel=shortlink]::attr(href)").get() or ""
        match = re.search(r"/node/(\d{1,18})(?!\d)", shortlink)
        marked = (self.profile.first(page.selector, "detail", "node_id") or "").strip()
        if match:
            return match.group(1)
        return marked if re.fullmatch(r"\d{1,18}", marked) else None

    async def versions_of(self, page: TextResponse) -> list[TextResponse]:
        """The page in every language it has, the primary language first."""
        meta = self.metadata(page)
        own = _base_language(meta.language or "")
        versions = [page]
        for code, url in sorted(meta.alternates.items()):
            if _base_language(code) == own:
                continue
            other = await self.try_download(url)
            if isinstance(other, TextResponse) and other.status == 200:
                versions.append(other)
        versions.sort(key=lambda version: _language(version) != self.primary_language)
        return versions

    def record_from(
        self,
        page: TextResponse,
        kind: str,
        translations: list[TextResponse],
        node_type: str | None = None,
    ) -> PageRecord:
        meta = self.metadata(page)
        node_id = self.node_id(page)
        sel, field = page.selector, self.profile.first
        record = PageRecord(
            source_key=self.name,
            kind=kind,
            stable_id=f"{self.name}:{kind}:{node_id or _last_segment(page.url)}",
            url=page.url,
            canonical_url=meta.canonical_url,
            title=field(sel, "detail", "title") or meta.title,
            summary_html=field(sel, "detail", "summary_html") or meta.description,
            body_html=field(sel, "detail", "body_html"),
            published=field(sel, "detail", "published") or meta.published or _event_date(page),
            updated=meta.modified,
            language=meta.language,
            categories=self.profile.all(sel, "detail", "categories"),
            city=field(sel, "detail", "city"),
            country=field(sel, "detail", "country"),
            organisations=self.profile.all(sel, "detail", "institutions"),
            extra={"node_id": int(node_id) if node_id else None, "node_type": node_type},
        )
        video = field(sel, "detail", "video")
        if video:
            record.resources.append({"url": page.urljoin(video), "title": None, "type": "video"})
        document = field(sel, "detail", "document")
        if document:
            title = field(sel, "detail", "document_title")
            record.resources.append(
                {"url": page.urljoin(document), "title": title, "type": "document"}
            )
        for version in translations:
            record.translations.append(
                {
                    "language": _language(version),
                    "url": version.url,
                    "title": field(version.selector, "detail", "title")
                    or self.metadata(version).title,
                }
            )
        return record

    # -- plumbing ----------------------------------------------------------------------------


def _node_type(page: TextResponse) -> str | None:
    classes = page.css("body::attr(class)").get() or ""
    match = re.search(r"\bpage-node-type-([a-z0-9_-]+)", classes)
    return match.group(1).replace("-", "_") if match else None


def _event_date(page: TextResponse) -> str | None:
    """A webinar's date: schema.org Event ``startDate`` (crawler.structured reads articles)."""
    for script in page.css("script[type='application/ld+json']::text").getall():
        try:
            document = json.loads(script)
        except (ValueError, RecursionError):
            continue
        graph = document.get("@graph", [document]) if isinstance(document, dict) else document
        for node in graph if isinstance(graph, list) else []:
            if isinstance(node, dict) and isinstance(node.get("startDate"), str):
                return str(node["startDate"])
    return None


def _language(page: TextResponse) -> str:
    return _base_language(page.xpath("/html/@lang").get(""))


def _url_language(url: str) -> str | None:
    """The language prefix of a Drupal path (``/es/...``), if it has one."""
    first = urlsplit(url).path.strip("/").split("/")[0]
    return _base_language(first) if re.fullmatch(r"[a-z]{2}(-[a-z]{2,4})?", first, re.I) else None


def _base_language(code: str) -> str:
    return re.split(r"[_-]", code.lower())[0] if code else ""


def _path(url: str) -> str:
    return urlsplit(url).path.rstrip("/")


def _last_segment(url: str) -> str:
    segments = [s for s in urlsplit(url).path.split("/") if s]
    return segments[-1] if segments else urljoin(url, "/")
