"""#BeyondTheOutbreak: UCLG's live learning sessions, a WordPress site served as a static export.

Entry point: a home page (the Spanish ``/es/home-spanish`` as cited, the English ``/``, or one
session page). A static export has no REST API (``/wp-json/`` is gone though the pages still
advertise it), so sessions come from the sitemaps robots.txt names (Yoast's, exported with the
pages) and from the home page's session cards, followed page by page. A page is a session when it
links its Briefing & Learning Note (a PDF under ``/wp-content/uploads/``); the about page and the
home pages are not. A Spanish version (``/es/<slug>/``) rides with its English original through
the hreflang links, and a session is keyed on its English slug.

Speakers are people: only their roles (``extra["speaker_roles"]``) and institutions
(``organisations``) are kept, and the quotes' ``<cite>`` and the speaker cards are cut from the
body, so no person's name reaches the catalogue.

Options (``options`` of the source in citywatch.toml): ``primary_language`` (default ``en``: the
language a session is recorded in), ``sitemap`` (default true: read the sitemaps too),
``profile`` (path of a selector profile replacing ``crawler/profiles/beyond_the_outbreak.toml``).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urljoin, urlsplit

from parsel import Selector
from scrapy import Request
from scrapy.http import Response, TextResponse
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots
from twisted.python.failure import Failure

from crawler.base import GONE, CitywatchSpider
from crawler.delta import page_key
from crawler.items import PageRecord, PageSeen
from crawler.json_fields import Malformed
from crawler.sitemaps import MAX_SITEMAPS, MAX_URLS_PER_SITEMAP, sitemap_entry
from crawler.structured import PageMetadata

__all__ = ["BeyondTheOutbreakSpider"]


class BeyondTheOutbreakSpider(CitywatchSpider):
    name = "beyond_the_outbreak"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.seen_sessions: set[str] = set()
        # Session titles by URL: a Spanish page read from the listing names its translation.
        self.titles: dict[str, str | None] = {}
        self.sitemaps_asked: set[str] = set()

    @property
    def primary_language(self) -> str:
        return str(self.options.get("primary_language", "en")).lower()

    async def start(self) -> AsyncIterator[Any]:
        self.configure()
        for url in self.start_urls:
            yield self.start_request(url)
            if self.options.get("sitemap", True):
                yield Request(
                    urljoin(url, "/robots.txt"),
                    callback=self.parse_robots,
                    errback=self.sitemap_failed,
                    meta={"handle_httpstatus_list": list(GONE)},
                )

    # -- machine-readable: robots.txt and the exported sitemaps ------------------------------

    async def parse_robots(self, response: Response) -> AsyncIterator[Any]:
        declared = []
        if isinstance(response, TextResponse) and response.status == 200:
            declared = list(sitemap_urls_from_robots(response.body, base_url=response.url))
        # Without a declared one, Yoast answers /sitemap.xml with its index; a missing one is no
        # failure.
        wanted = [(url, True) for url in declared] or [
            (urljoin(response.url, "/sitemap.xml"), False)
        ]
        for url, is_declared in wanted:
            for request in self.sitemap_request(url, declared=is_declared):
                yield request

    def sitemap_request(self, url: str, *, declared: bool) -> list[Request]:
        """The sitemap's request; none past `MAX_SITEMAPS` (the bound is noted)."""
        if len(self.sitemaps_asked) >= MAX_SITEMAPS and url not in self.sitemaps_asked:
            self.evidence.bound_exceeded(
                "sitemaps",
                url,
                f"the sitemaps name more than {MAX_SITEMAPS} sitemaps",
                bound="sitemaps per site",
                limit=MAX_SITEMAPS,
            )
            return []
        self.sitemaps_asked.add(url)
        return [
            Request(
                url,
                callback=self.parse_sitemap,
                errback=self.sitemap_failed,
                cb_kwargs={"declared": declared},
                meta={"citywatch_listing": declared, "handle_httpstatus_list": list(GONE)},
            )
        ]

    async def parse_sitemap(self, response: Response, declared: bool) -> AsyncIterator[Any]:
        if response.status in GONE:
            if declared:
                self.listing_broken(response.url, f"declared sitemap answers {response.status}")
            else:
                self.logger.info("no sitemap at %s: the home pages list the sessions", response.url)
            return
        try:
            sitemap = Sitemap(response.body)
        except Exception as exc:  # lxml refuses what is not XML
            self.listing_broken(response.url, f"sitemap is not XML: {exc}")
            return
        self.crawler.stats.set_value("citywatch/listing_path", "sitemap")
        for index, entry in enumerate(sitemap):
            if index == MAX_URLS_PER_SITEMAP:
                self.evidence.bound_exceeded(
                    "sitemap_urls",
                    response.url,
                    f"the sitemap lists more than {MAX_URLS_PER_SITEMAP} URLs",
                    bound="URLs per sitemap (the protocol's)",
                    limit=MAX_URLS_PER_SITEMAP,
                )
                break
            try:
                loc, lastmod = sitemap_entry(entry)
            except Malformed as error:
                self.evidence.malformed(response.url, f"entry {index}", error, entry=False)
                continue
            if urlsplit(loc).netloc != urlsplit(response.url).netloc:
                continue
            if sitemap.type == "sitemapindex":
                for request in self.sitemap_request(loc, declared=True):
                    yield request
            else:
                if lastmod:
                    self.listing_markers[page_key(loc)] = lastmod
                yield self.page_request(loc)

    # -- the home pages ------------------------------------------------------------------------

    async def parse_start(self, response: Response) -> AsyncIterator[Any]:
        if not isinstance(response, TextResponse):
            self.listing_broken(response.url, "the start URL did not answer with a page")
            return
        if self.options.get("sitemap", True):  # lastmods first: the home pages carry none
            await self.read_lastmods(response.url)
        if self.profile.nodes(response.selector, "session", "marker"):
            async for item_or_request in self.parse_page(response):  # the start is one session
                yield item_or_request
            return
        for request in self.parse_listing(response):
            yield request

    def parse_listing(self, response: Response) -> list[Request | PageSeen]:
        if not isinstance(response, TextResponse):
            self.listing_broken(response.url, "home page is not HTML")
            return []
        entries = self.profile.nodes(response.selector, "listing", "entries")
        if not entries:
            self.listing_broken(response.url, "home page lists no sessions (selector profile?)")
        requests: list[Request | PageSeen] = []
        for entry in entries:
            href = self.profile.first(entry, "listing", "entry_url")
            if href:
                requests.append(self.page_request(response.urljoin(href)))
        next_page = self.profile.first(response.selector, "listing", "next_page")
        if next_page and self.read_on(response, [request.url for request in requests]):
            for url in self.next_listing_pages(response, next_page):
                requests.append(self.follow_listing(response, url, self.parse_listing))
        return requests

    # -- session pages -------------------------------------------------------------------------

    def page_request(self, url: str) -> Request | PageSeen:
        """The session page, or `PageSeen` when its sitemap lastmod shows no change."""
        return self.follow_detail(url, self.parse_page)

    async def parse_page(self, response: Response) -> AsyncIterator[Any]:
        if not isinstance(response, TextResponse):
            return
        if seen := self.seen_unchanged(response):
            yield seen
            return
        page = response.selector
        if not self.profile.nodes(page, "session", "marker"):
            self.crawler.stats.inc_value("citywatch/pages_not_sessions")
            return  # a home, about or course page
        meta = self.metadata(response)
        self.titles[response.url] = self.profile.first(page, "session", "title")
        language = _base_language(meta.language or "")
        original = meta.alternates.get(self.primary_language)
        if language != self.primary_language and original and original != response.url:
            yield self.page_request(original)  # a translation: record its original instead
            return
        record = self.session_record(response, meta)
        if record.stable_id in self.seen_sessions:
            return
        self.seen_sessions.add(record.stable_id)
        record.translations += await self.translations_of(meta, language)
        yield record

    def session_record(self, response: TextResponse, meta: PageMetadata) -> PageRecord:
        page = response.selector
        path = urlsplit(meta.canonical_url or response.url).path
        slug = [segment for segment in path.split("/") if segment][-1]
        roles, organisations = [], []
        for card in self.profile.nodes(page, "session", "speakers"):
            role = self.profile.first(card, "session", "speaker_role")
            organisation = self.profile.first(card, "session", "speaker_organisation")
            if role:
                roles.append(role)
            if organisation and organisation not in organisations:
                organisations.append(organisation)
        resources: list[dict[str, str | None]] = []
        briefing = self.profile.nodes(page, "session", "briefing")
        if briefing:
            href = briefing[0].attrib.get("href")
            title = " ".join(briefing[0].xpath("string()").get("").split()) or None
            if href:
                resources.append(
                    {"url": response.urljoin(href), "title": title, "type": "document"}
                )
        video_url = self.profile.first(page, "session", "video_url")
        if video_url:
            video_url = response.urljoin(video_url)
            video_title = self.profile.first(page, "session", "video_title")
            resources.append({"url": video_url, "title": video_title, "type": "video"})
        number = re.search(r"\b\d{1,6}\b", self.profile.first(page, "session", "number") or "")
        topic = self.profile.first(page, "session", "topic")
        return PageRecord(
            source_key=self.name,
            kind="session",
            stable_id=f"{self.name}:session:{slug}",
            url=response.url,
            canonical_url=meta.canonical_url,
            title=self.profile.first(page, "session", "title") or self.title_from_meta(page, meta),
            summary_html=self.profile.first(page, "session", "summary_html"),
            body_html=self.body_html(page),
            # The session's date as the page states it; Yoast's dates are the page's edits.
            published=self.profile.first(page, "session", "date"),
            updated=meta.modified,
            language=meta.language,
            categories=[topic] if topic else [],
            organisations=organisations,
            resources=resources,
            extra={
                "session_number": int(number.group()) if number else None,
                "topic": topic,
                "video_url": video_url,
                "speaker_roles": roles,
                "wordpress_id": meta.wordpress_id,
            },
        )

    def body_html(self, page: Selector) -> str | None:
        """The narrative, without what names people (quote citations, speaker cards)."""
        nodes = self.profile.nodes(page, "session", "body_html")
        if not nodes:
            return None
        pruned = Selector(text=nodes[0].get())
        for css in self.profile.selectors("session", "body_exclude"):
            pruned.css(css).drop()
        html = "".join(pruned.css("body > *").getall()).strip()
        return html or None

    def title_from_meta(self, page: Selector, meta: PageMetadata) -> str | None:
        """og:title / JSON-LD name, less the `` - <site name>`` Yoast appends."""
        site_name = page.css("meta[property='og:site_name']::attr(content)").get()
        title = meta.title
        if title and site_name and title.endswith(f" - {site_name}"):
            title = title.removesuffix(f" - {site_name}")
        return title

    async def translations_of(self, meta: PageMetadata, language: str) -> list[dict[str, Any]]:
        """The page's hreflang alternates in other languages, each fetched for its title."""
        found = []
        for code, url in sorted(meta.alternates.items()):
            if _base_language(code) == language:
                continue
            if url in self.titles:
                found.append({"language": code, "url": url, "title": self.titles[url]})
                continue
            translated = await self.try_download(url)
            if isinstance(translated, TextResponse) and translated.status == 200:
                title = self.profile.first(translated.selector, "session", "title")
                found.append({"language": code, "url": translated.url, "title": title})
        return found

    # -- plumbing ----------------------------------------------------------------------------

    def sitemap_failed(self, failure: Failure) -> None:
        request = getattr(failure, "request", None)
        if request is not None and not request.meta.get("citywatch_listing"):
            self.logger.info("no sitemap at %s: %s", request.url, failure.getErrorMessage())
            return
        self.listing_failed(failure)


def _base_language(code: str) -> str:
    return re.split(r"[_-]", code.lower())[0] if code else ""
