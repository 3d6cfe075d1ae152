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
from typing import Any
from urllib.parse import urljoin, urlsplit

from scrapy import Request
from scrapy.http import Response, TextResponse

from crawler.base import CitywatchSpider
from crawler.items import PageRecord
from crawler.json_fields import Malformed
from crawler.middlewares.http_errors import EXPECTED_STATUSES
from crawler.paging import NumberedWalk
from crawler.structured import PageMetadata
from crawler.wordpress import (
    MAX_PER_PAGE,
    WordPressPost,
    api_url,
    item_label,
    json_body,
    read_post,
    read_term,
)

__all__ = ["MercociudadesCovidSpider"]


class MercociudadesCovidSpider(CitywatchSpider):
    name = "mercociudades_covid"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.seen_posts: set[int] = set()
        self.term_names: dict[tuple[str, int], str] = {}
        self.multilingual = False  # the landing page links versions in other languages

    @property
    def primary_language(self) -> str:
        return str(self.options.get("primary_language", "es")).lower()

    # -- the landing page -------------------------------------------------------------------

    async def parse_start(self, response: Response) -> AsyncIterator[Any]:
        if not isinstance(response, TextResponse):
            self.listing_broken(response.url, "the start URL did not answer with a page")
            return
        meta = self.metadata(response)
        # hreflang alternates, or a language switcher (Polylang's .lang-item links).
        languages = [*meta.alternates, *response.css("a[hreflang]::attr(hreflang)").getall()]
        self.multilingual = any(_base_language(code) != self.primary_language for code in languages)
        yield self.landing_record(response, meta)
        slug = self.options.get("category") or _last_segment(response.url)
        category_id = _category_id(meta.json_alternate)
        if meta.api_root and self.options.get("rest_api", True):
            api_result = await self.list_from_api(meta.api_root, slug, category_id)
            if api_result is not None:
                for item_or_request in api_result:
                    yield item_or_request
                return
        await self.read_lastmods(response.url)  # to skip unchanged posts by their lastmod
        if _is_archive(response):
            async for item_or_request in self.parse_archive(response):
                yield item_or_request
        else:
            # The section is a page, not the category archive: the posts are listed there.
            home = meta.api_root.rsplit("wp-json", 1)[0] if meta.api_root else "/"
            yield Request(
                urljoin(response.url, urljoin(home, f"category/{slug}/")),
                callback=self.parse_archive,
                errback=self.listing_failed,
                meta={"citywatch_listing": True},
            )

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
        """Records of the first page and requests for the others, or None to fall back."""
        if category_id is None:
            category_id = await self.category_id(api_root, slug)
            if category_id is None:
                return None
        first_url = self.posts_url(api_root, category_id, 1)
        first_page = await self.try_download(first_url)
        posts = json_body(first_page) if first_page and first_page.status == 200 else None
        if first_page is None or not isinstance(posts, list):
            self.logger.warning(
                "REST API refused the post list (%s); reading HTML archives",
                f"HTTP {first_page.status}" if first_page else "no answer",
            )
            self.crawler.stats.inc_value("citywatch/api_fallback")
            return None
        self.crawler.stats.set_value("citywatch/listing_path", "rest_api")
        results: list[Any] = await self.records_from_page(api_root, first_url, posts)
        walk, pages = self.rest_walk(first_page, posts)
        results += [self.api_page_request(api_root, category_id, page, walk) for page in pages]
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

    def api_page_request(
        self, api_root: str, category_id: int, page: int, walk: NumberedWalk
    ) -> Request:
        return Request(
            self.posts_url(api_root, category_id, page),
            callback=self.parse_api_page,
            errback=self.listing_failed,
            cb_kwargs={"api_root": api_root, "category_id": category_id, "walk": walk},
            # WordPress answers a page past the end with a 400: the walk ends there.
            meta={
                "citywatch_listing": True,
                "handle_httpstatus_list": [400],
                EXPECTED_STATUSES: [400],
            },
        )

    async def parse_api_page(
        self, response: Response, api_root: str, category_id: int, walk: NumberedWalk
    ) -> AsyncIterator[Any]:
        if response.status == 400:  # rest_post_invalid_page_number: the previous page was the last
            walk.end()
            return
        posts = json_body(response)
        if not isinstance(posts, list):
            walk.end()
            self.listing_broken(response.url, "REST API page is not a JSON list of posts")
            return
        for record in await self.records_from_page(api_root, response.url, posts):
            yield record
        for page in self.rest_pages_after(walk, response, posts):
            yield self.api_page_request(api_root, category_id, page, walk)

    async def category_id(self, api_root: str, slug: str) -> int | None:
        """The id of the category ``slug``; None (read the HTML archives) if the API has none."""
        url = api_url(api_root, "wp/v2/categories", slug=slug)
        answer = await self.fetch_json(url)
        if not isinstance(answer, list) or not answer:
            self.logger.info("REST API has no category %r; reading HTML archives", slug)
            return None
        try:
            return read_term(answer[0]).id
        except Malformed as error:
            self.evidence.malformed(url, item_label("category", 0, answer[0]), error, entry=False)
            return None

    async def records_from_page(self, api_root: str, url: str, items: list[Any]) -> list[Any]:
        """The records of one page of posts (translations fetched and attached); a malformed
        post is dropped, the others kept."""
        originals = []
        for index, item in enumerate(items):
            try:
                post = read_post(item)
            except Malformed as error:
                self.evidence.malformed(url, item_label("post", index, item), error, entry=True)
                continue
            lang = (post.lang or self.primary_language).lower()
            # The listing may hold every language; a translation rides with its original.
            if _base_language(lang) != self.primary_language and any(
                _base_language(code) == self.primary_language for code in post.translations
            ):
                continue
            originals.append((post, lang))
        results: list[Any] = []
        changed = []
        for post, lang in originals:
            marker = _post_marker(post)
            link = post.link or ""
            known = self.known.unchanged(link, marker)
            if known is not None:  # modified as when extracted: not even its translations
                self.seen_posts.add(post.id)
                results.append(self.page_seen(known, link, "citywatch/skipped_unchanged"))
            else:
                changed.append((post, lang, marker))
        await self.resolve_terms(api_root, [post for post, _, _ in changed])
        results += await asyncio.gather(*(self.api_record(api_root, *entry) for entry in changed))
        return results

    async def resolve_terms(self, api_root: str, posts: list[WordPressPost]) -> None:
        """Names of category and tag ids, for posts served without ``_embedded`` terms."""
        for taxonomy, field, route in (
            ("category", "categories", "wp/v2/categories"),
            ("post_tag", "tags", "wp/v2/tags"),
        ):
            wanted = sorted(
                {
                    term_id
                    for post in posts
                    if post.terms(taxonomy) is None
                    for term_id in post.term_ids[field]
                }
                - {term_id for (tax, term_id) in self.term_names if tax == taxonomy}
            )
            for chunk in (
                wanted[i : i + MAX_PER_PAGE] for i in range(0, len(wanted), MAX_PER_PAGE)
            ):
                url = api_url(
                    api_root, route, include=",".join(map(str, chunk)), per_page=MAX_PER_PAGE
                )
                answer = await self.fetch_json(url)
                for index, item in enumerate(answer if isinstance(answer, list) else []):
                    try:
                        term = read_term(item)
                    except Malformed as error:
                        label = item_label("term", index, item)
                        self.evidence.malformed(url, label, error, entry=False)
                        continue
                    self.term_names[(taxonomy, term.id)] = term.name

    def term_list(self, post: WordPressPost, taxonomy: str, field: str) -> list[str]:
        embedded = post.terms(taxonomy)
        if embedded is not None:
            return embedded
        ids = post.term_ids[field]
        return [self.term_names[(taxonomy, i)] for i in ids if (taxonomy, i) in self.term_names]

    async def api_record(
        self, api_root: str, post: WordPressPost, lang: str, marker: str | None
    ) -> PageRecord:
        self.seen_posts.add(post.id)
        record = PageRecord(
            source_key=self.name,
            kind="post",
            stable_id=f"{self.name}:wp:{post.id}",
            url=post.link or api_url(api_root, f"wp/v2/posts/{post.id}"),
            canonical_url=post.link,
            title=_text(post.title),
            summary_html=_text(post.excerpt),
            body_html=_text(post.content),
            # Local time, as the site shows it: the GMT date can be the next day.
            published=post.date,
            updated=post.modified,
            language=lang,
            categories=self.term_list(post, "category", "categories"),
            tags=self.term_list(post, "post_tag", "tags"),
            extra={"wordpress_id": post.id, "listing": "rest_api"},
            listing_marker=marker,
        )
        for code, post_id in sorted(post.translations.items()):
            translation = await self.translation(api_root, code, post_id)
            if translation is not None:
                record.translations.append(translation)
        hidden = not post.translations and not post.declares_translations
        if hidden and self.multilingual and post.link:
            # A multilingual site whose API hides translations: its pages still link them.
            page = await self.try_download(post.link)
            if isinstance(page, TextResponse) and page.status == 200:
                meta = self.metadata(page)
                record.translations += await self.translations_of(meta, lang)
        return record

    async def translation(self, api_root: str, code: str, post_id: int) -> dict[str, Any] | None:
        """The translation ``post_id`` as a record keeps it; None when it cannot be read."""
        url = api_url(api_root, f"wp/v2/posts/{post_id}")
        answer = await self.fetch_json(url)
        if answer is None:
            return None
        try:
            translated = read_post(answer)
        except Malformed as error:
            self.evidence.malformed(url, f"translation {code} (id {post_id})", error, entry=False)
            return None
        if not translated.link:
            return None
        return {"language": code, "url": translated.link, "title": _text(translated.title)}

    # -- the HTML path -----------------------------------------------------------------------

    async def parse_archive(self, response: Response) -> AsyncIterator[Any]:
        if not isinstance(response, TextResponse):
            self.listing_broken(response.url, "archive page is not HTML")
            return
        self.crawler.stats.set_value("citywatch/listing_path", "html_archive")
        entries = self.profile.nodes(response.selector, "listing", "entries")
        if not entries:
            self.listing_broken(response.url, "archive page lists no posts (selector profile?)")
        urls = [
            response.urljoin(href)
            for entry in entries
            if (href := self.profile.first(entry, "listing", "entry_url"))
        ]
        for url in urls:
            yield self.follow_detail(url, self.parse_post)
        next_page = self.profile.first(response.selector, "listing", "next_page")
        if next_page and self.read_on(response, urls):
            for url in self.next_listing_pages(response, next_page):
                yield self.follow_listing(response, url, self.parse_archive)

    async def parse_post(self, response: Response) -> AsyncIterator[Any]:
        if not isinstance(response, TextResponse):
            return
        if seen := self.seen_unchanged(response):
            yield seen
            return
        record = self.html_record(response)
        if record is None:
            return
        meta = self.metadata(response)
        record.translations += await self.translations_of(meta, record.language or "")
        yield record

    async def translations_of(self, meta: PageMetadata, language: str) -> list[dict[str, Any]]:
        """The page's hreflang alternates in other languages, each fetched for its title."""
        found = []
        for code, url in sorted(meta.alternates.items()):
            if _base_language(code) == _base_language(language):
                continue
            translated = await self.try_download(url)
            if isinstance(translated, TextResponse) and translated.status == 200:
                title = self.profile.first(translated.selector, "post", "title")
                found.append({"language": code, "url": translated.url, "title": title})
        return found

    def html_record(self, response: TextResponse) -> PageRecord | None:
        meta = self.metadata(response)
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


def _post_marker(post: WordPressPost) -> str | None:
    """What says a post changed: its modified date, and which posts translate it."""
    if not post.marker:
        return None
    linked = ",".join(f"{code}:{post_id}" for code, post_id in sorted(post.translations.items()))
    return f"{post.marker}|{linked}" if linked else post.marker


def _text(value: str | None) -> str | None:
    return value.strip() if value and value.strip() else None


def _is_archive(response: TextResponse) -> bool:
    """A category archive lists posts; a WordPress page (body class ``page``) only talks."""
    classes = set((response.css("body::attr(class)").get() or "").split())
    return "archive" in classes or not classes & {"page", "single", "singular"}


def _base_language(code: str) -> str:
    return re.split(r"[_-]", code.lower())[0] if code else ""


def _last_segment(url: str) -> str:
    segments = [s for s in urlsplit(url).path.split("/") if s]
    return segments[-1] if segments else "covid-19"


def _category_id(json_alternate: str | None) -> int | None:
    match = re.search(r"/wp/v2/categories/(\d{1,18})\b", json_alternate or "")
    return int(match.group(1)) if match else None


def _post_id_from_classes(page: Any) -> int | None:
    classes = " ".join(page.xpath("//body/@class | //article/@id | //article/@class").getall())
    match = re.search(r"\bpostid-(\d{1,18})\b|\bpost-(\d{1,18})\b", classes)
    return int(match.group(1) or match.group(2)) if match else None
