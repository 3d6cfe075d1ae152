"""Mercociudades responde al COVID-19: the COVID-19 section of a WordPress site and its posts.

Entry point: the section's URL (``/covid-19/``, a category archive with the network's message to
cities). Posts come from the WordPress REST API when the site offers it (one request lists 100
posts with their terms); when the API is absent, refuses, or is blocked by robots.txt, the spider
walks the HTML archive pages (``/covid-19/page/N/``) and reads each post page. Either way a post
is keyed on its WordPress id, so switching paths never duplicates a record. A Portuguese
translation (``/pt-br/...``) is attached to its Spanish original, not stored as a record.

Options (``options`` of the source in citywatch.toml): ``category`` (slug; default: the last
segment of the start URL), ``primary_language`` (default ``es``), ``rest_api`` (default true),
``profile`` (path of a selector profile replacing ``crawler/profiles/mercociudades_covid.toml``).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from scrapy import Request, Spider
from scrapy.exceptions import NotConfigured
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from crawler.items import PageRecord
from crawler.profiles import Profile, load_profile
from crawler.structured import PageMetadata, page_metadata
from crawler.wordpress import (
    MAX_PER_PAGE,
    api_url,
    json_body,
    post_terms,
    total_pages,
    translation_ids,
)

if TYPE_CHECKING:
    pass

__all__ = ["MercociudadesCovidSpider"]


class MercociudadesCovidSpider(Spider):
    name = "mercociudades_covid"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.source: dict[str, Any] = {}
        self.options: dict[str, Any] = {}
        self.profile: Profile
        self.seen_posts: set[int] = set()

    def configure(self) -> None:
        """Read the source from the settings; add-ons apply theirs after the spider exists,
        so this runs when the crawl starts, not in ``from_crawler``."""
        source = self.crawler.settings.getdict("CITYWATCH_SOURCE")
        if not source:
            raise NotConfigured("no CITYWATCH_SOURCE: run through `citywatch crawl` or the addon")
        self.source = source
        self.options = dict(source.get("options") or {})
        self.start_urls = list(source["start_urls"])
        self.profile = load_profile(self.name, self.options.get("profile"))

    @property
    def primary_language(self) -> str:
        return str(self.options.get("primary_language", "es")).lower()

    async def start(self) -> AsyncIterator[Any]:
        self.configure()
        for url in self.start_urls:
            yield Request(
                url, callback=self.parse_landing, errback=self.listing_failed, dont_filter=True
            )

    # -- the landing page -------------------------------------------------------------------

    async def parse_landing(self, response: Response) -> AsyncIterator[Any]:
        if not isinstance(response, TextResponse):
            self.listing_broken(response.url, "the start URL did not answer with a page")
            return
        meta = page_metadata(response.selector, response.url)
        yield self.landing_record(response, meta)
        slug = self.options.get("category") or _last_segment(response.url)
        category_id = _category_id(meta.json_alternate)
        if meta.api_root and self.options.get("rest_api", True):
            api_result = await self.list_from_api(meta.api_root, slug, category_id)
            if api_result is not None:
                for item_or_request in api_result:
                    yield item_or_request
                return
        async for item_or_request in self.parse_archive(response):
            yield item_or_request

    def landing_record(self, response: TextResponse, meta: PageMetadata) -> PageRecord:
        return PageRecord(
            source_key=self.name,
            kind="page",
            stable_id=f"{self.name}:page:{urlsplit(meta.canonical_url or response.url).path}",
            url=response.url,
            canonical_url=meta.canonical_url,
            title=self.profile.first(response.selector, "landing", "title") or meta.title,
            summary_html=meta.description,
            body_html=self.profile.first(response.selector, "landing", "body_html"),
            language=meta.language or self.primary_language,
            extra={"wordpress_api": meta.api_root is not None},
        )

    # -- the REST API path -------------------------------------------------------------------

    async def list_from_api(
        self, api_root: str, slug: str, category_id: int | None
    ) -> list[Any] | None:
        """Requests for every page of the category's posts, or None to fall back to HTML."""
        if category_id is None:
            answer = await self.fetch_json(api_url(api_root, "wp/v2/categories", slug=slug))
            if not isinstance(answer, list) or not answer or "id" not in answer[0]:
                self.logger.info("REST API has no category %r; reading HTML archives", slug)
                return None
            category_id = int(answer[0]["id"])
        first_url = self.posts_url(api_root, category_id, 1)
        first_page = await self.download(first_url)
        posts = json_body(first_page) if first_page.status == 200 else None
        if not isinstance(posts, list):
            self.logger.warning(
                "REST API refused the post list (HTTP %s at %s); reading HTML archives",
                first_page.status,
                first_url,
            )
            self.crawler.stats.inc_value("citywatch/api_fallback")
            return None
        self.crawler.stats.set_value("citywatch/listing_path", "rest_api")
        results: list[Any] = list(await asyncio.gather(*self.records_from_api(api_root, posts)))
        for page in range(2, total_pages(first_page) + 1):
            results.append(
                Request(
                    self.posts_url(api_root, category_id, page),
                    callback=self.parse_api_page,
                    errback=self.listing_failed,
                    cb_kwargs={"api_root": api_root},
                    meta={"citywatch_listing": True},
                )
            )
        return results

    def posts_url(self, api_root: str, category_id: int, page: int) -> str:
        return api_url(
            api_root,
            "wp/v2/posts",
            categories=category_id,
            per_page=MAX_PER_PAGE,
            page=page,
            _embed="wp:term",
        )

    async def parse_api_page(self, response: Response, api_root: str) -> AsyncIterator[Any]:
        posts = json_body(response)
        if not isinstance(posts, list):
            self.listing_broken(response.url, "REST API page is not a JSON list of posts")
            return
        for record in await asyncio.gather(*self.records_from_api(api_root, posts)):
            yield record

    def records_from_api(self, api_root: str, posts: list[Any]) -> list[Any]:
        """Coroutines, one per post of the primary language, each resolving to its record."""
        pending = []
        for post in posts:
            if not isinstance(post, dict) or "id" not in post:
                continue
            lang = str(post.get("lang") or self.primary_language).lower()
            translations = translation_ids(post)
            # The listing may hold every language; a translation rides with its original.
            if _base_language(lang) != self.primary_language and any(
                _base_language(code) == self.primary_language for code in translations
            ):
                continue
            pending.append(self.api_record(api_root, post, lang, translations))
        return pending

    async def api_record(
        self, api_root: str, post: dict[str, Any], lang: str, translations: dict[str, int]
    ) -> PageRecord:
        self.seen_posts.add(int(post["id"]))
        record = PageRecord(
            source_key=self.name,
            kind="post",
            stable_id=f"{self.name}:wp:{post['id']}",
            url=str(post.get("link") or api_url(api_root, f"wp/v2/posts/{post['id']}")),
            canonical_url=post.get("link"),
            title=_rendered(post.get("title")),
            summary_html=_rendered(post.get("excerpt")),
            body_html=_rendered(post.get("content")),
            # Local time, as the site shows it: the GMT date can be the next day.
            published=post.get("date"),
            updated=post.get("modified"),
            language=lang,
            categories=post_terms(post, "category") or [],
            tags=post_terms(post, "post_tag") or [],
            extra={"wordpress_id": post["id"], "listing": "rest_api"},
        )
        for code, post_id in sorted(translations.items()):
            answer = await self.fetch_json(api_url(api_root, f"wp/v2/posts/{post_id}"))
            if isinstance(answer, dict) and answer.get("link"):
                record.translations.append(
                    {
                        "language": code,
                        "url": str(answer["link"]),
                        "title": _rendered(answer.get("title")),
                    }
                )
        return record

    # -- the HTML path -----------------------------------------------------------------------

    async def parse_archive(self, response: Response) -> AsyncIterator[Any]:
        if not isinstance(response, TextResponse):
            self.listing_broken(response.url, "archive page is not HTML")
            return
        self.crawler.stats.set_value("citywatch/listing_path", "html_archive")
        entries = self.profile.nodes(response.selector, "listing", "entries")
        if not entries:
            self.listing_broken(response.url, "archive page lists no posts (selector profile?)")
        for entry in entries:
            href = self.profile.first(entry, "listing", "entry_url")
            if href:
                yield response.follow(href, callback=self.parse_post, errback=self.detail_failed)
        next_page = self.profile.first(response.selector, "listing", "next_page")
        if next_page:
            yield response.follow(
                next_page,
                callback=self.parse_archive,
                errback=self.listing_failed,
                meta={"citywatch_listing": True},
            )

    async def parse_post(self, response: Response) -> AsyncIterator[Any]:
        if not isinstance(response, TextResponse):
            return
        record = self.html_record(response)
        if record is None:
            return
        meta = page_metadata(response.selector, response.url)
        for code, url in sorted(meta.alternates.items()):
            if _base_language(code) == _base_language(record.language or ""):
                continue
            translated = await self.download(url)
            if translated.status == 200 and isinstance(translated, TextResponse):
                record.translations.append(
                    {
                        "language": code,
                        "url": translated.url,
                        "title": self.profile.first(translated.selector, "post", "title"),
                    }
                )
        yield record

    def html_record(self, response: TextResponse) -> PageRecord | None:
        meta = page_metadata(response.selector, response.url)
        page = response.selector
        post_id = meta.wordpress_id or _post_id_from_classes(page)
        if post_id is not None:
            if post_id in self.seen_posts:
                return None
            self.seen_posts.add(post_id)
        stable_id = (
            f"{self.name}:wp:{post_id}"
            if post_id is not None
            else f"{self.name}:page:{urlsplit(meta.canonical_url or response.url).path}"
        )
        return PageRecord(
            source_key=self.name,
            kind="post",
            stable_id=stable_id,
            url=response.url,
            canonical_url=meta.canonical_url,
            title=self.profile.first(page, "post", "title") or meta.title,
            summary_html=self.profile.first(page, "post", "summary_html") or meta.description,
            body_html=self.profile.first(page, "post", "body_html"),
            # The theme's <time datetime> carries the site's own offset (the date readers see);
            # Yoast's JSON-LD and article:* metadata are in UTC, a day off late at night.
            published=self.profile.first(page, "post", "published") or meta.published,
            updated=self.profile.first(page, "post", "updated") or meta.modified,
            language=meta.language,
            categories=meta.sections or self.profile.all(page, "post", "categories"),
            tags=meta.keywords or self.profile.all(page, "post", "tags"),
            extra={"wordpress_id": post_id, "listing": "html_archive"},
        )

    # -- plumbing ----------------------------------------------------------------------------

    async def download(self, url: str) -> Response:
        """Fetch a page inside a callback (downloader middlewares apply: robots, retries)."""
        return await self.crawler.engine.download_async(Request(url, dont_filter=True))

    async def fetch_json(self, url: str) -> Any | None:
        try:
            response = await self.download(url)
        except Exception as exc:  # robots.txt refusal, DNS, connection: all mean "no API here"
            self.logger.info("no JSON from %s: %s", url, exc)
            return None
        return json_body(response) if response.status == 200 else None

    def listing_failed(self, failure: Failure) -> None:
        request = getattr(failure, "request", None)
        self.listing_broken(request.url if request else "?", failure.getErrorMessage())

    def detail_failed(self, failure: Failure) -> None:
        request = getattr(failure, "request", None)
        self.crawler.stats.inc_value("citywatch/detail_failures")
        self.logger.warning(
            "post page failed: %s: %s", request and request.url, failure.getErrorMessage()
        )

    def listing_broken(self, url: str, reason: str) -> None:
        """A listing that could not be read makes the crawl incomplete: nothing is removed."""
        self.crawler.stats.inc_value("citywatch/listing_failures")
        self.logger.error("listing incomplete at %s: %s", url, reason)


def _rendered(field: Any) -> str | None:
    if isinstance(field, dict):
        field = field.get("rendered")
    return field.strip() if isinstance(field, str) and field.strip() else None


def _base_language(code: str) -> str:
    return re.split(r"[_-]", code.lower())[0] if code else ""


def _last_segment(url: str) -> str:
    segments = [s for s in urlsplit(url).path.split("/") if s]
    return segments[-1] if segments else "covid-19"


def _category_id(json_alternate: str | None) -> int | None:
    match = re.search(r"/wp/v2/categories/(\d+)", json_alternate or "")
    return int(match.group(1)) if match else None


def _post_id_from_classes(page: Any) -> int | None:
    classes = " ".join(page.xpath("//body/@class | //article/@id | //article/@class").getall())
    match = re.search(r"\bpostid-(\d+)|\bpost-(\d+)\b", classes)
    return int(match.group(1) or match.group(2)) if match else None
