"""URL routing of a WordPress site with pretty permalinks ``/%postname%/``, Polylang and Yoast.

A concrete replica subclasses `WordPressSite` and supplies its content (`snapshot`), its menu and
its uploads; this class answers every URL the way WordPress would: archives with ``/page/N/``,
feeds, core sitemaps, robots.txt, shortlinks ``/?p=ID``, canonical redirects (trailing slash,
``/category/`` base, ``/page/1/``), the REST API, and the themed 404 page. ``quirks`` (see
`pipeline.replicas.wordpress.quirks`) switch on the ways real installs differ.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Protocol
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

from pipeline.replicas.server import Response
from pipeline.replicas.wordpress import block_theme, feeds, redesign, rest, seo, theme
from pipeline.replicas.wordpress.formatting import http_date
from pipeline.replicas.wordpress.model import Blog, Language, Page, Post, Snapshot
from pipeline.replicas.wordpress.quirks import (
    BLOCK_THEME,
    LOOPING_PAGER,
    REDESIGN,
    ROBOTS_DISALLOW_API,
)

__all__ = ["POSTS_PER_PAGE", "WordPressSite"]

POSTS_PER_PAGE = 10
HTML = "text/html; charset=UTF-8"
NO_CACHE = [
    ("Expires", "Wed, 11 Jan 1984 05:00:00 GMT"),
    ("Cache-Control", "no-cache, must-revalidate, max-age=0"),
]
_XSL = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<xsl:stylesheet version="1.0" '
    'xmlns:xsl="http://www.w3.org/1999/XSL/Transform"><xsl:output method="html"/>'
    '<xsl:template match="/"><html><body><xsl:copy-of select="."/></body></html>'
    "</xsl:template></xsl:stylesheet>\n"
)


class Theme(Protocol):
    """What `theme`, `block_theme` and `redesign` provide: one function a kind of page."""

    def single_page(
        self,
        ctx: theme.PageContext,
        post: Post,
        seo: seo.SeoMeta,
        neighbours: tuple[Post | None, Post | None],
        hreflangs: Sequence[tuple[Language, str]],
    ) -> str: ...

    def page_page(self, ctx: theme.PageContext, page: Page, seo: seo.SeoMeta) -> str: ...

    def archive_page(
        self,
        ctx: theme.PageContext,
        archive: theme.Archive,
        seo: seo.SeoMeta,
        posts: Sequence[Post],
        page: int,
        total_pages: int,
    ) -> str: ...

    def not_found_page(self, ctx: theme.PageContext, seo: seo.SeoMeta) -> str: ...


class WordPressSite:
    """A WordPress site in some state. Subclasses implement `snapshot`, `menu` and `upload`."""

    blog: Blog
    rest_api: bool = True
    quirks: frozenset[str] = frozenset()
    # "" when the category base is stripped (Yoast's option): /covid-19/; else "/category"
    category_base: str = ""

    def snapshot(self, state: int) -> Snapshot:
        raise NotImplementedError

    def menu(self, lang: Language, snapshot: Snapshot) -> tuple[tuple[str, str], ...]:
        return ((theme.UI[lang.slug]["home"], lang.prefix + "/"),)

    def upload(self, path: str, state: int) -> tuple[bytes, datetime] | None:
        """A file under ``/wp-content/uploads/``: its bytes and its upload time."""
        return None

    def handle(self, method: str, target: str, headers: Mapping[str, str], state: int) -> Response:
        if method not in ("GET", "HEAD"):
            return Response(405, [("Allow", "GET, HEAD"), ("Content-Type", HTML)], b"")
        base = "http://" + headers.get("host", "127.0.0.1")
        split = urlsplit(target)
        path, query = unquote(split.path) or "/", split.query
        params = dict(parse_qsl(query, keep_blank_values=True))
        snapshot = self.snapshot(state)
        if (
            path == "/wp-json"
            or path.startswith("/wp-json/")
            or (path == "/" and "rest_route" in params)
        ):
            return self._rest(base, snapshot, path, query, params)
        if path.startswith("/wp-content/uploads/"):
            return self._upload(path, state) or self._not_found(base, snapshot, path)
        if path.startswith(("/wp-content/themes/", "/wp-content/plugins/", "/wp-includes/")):
            return self._asset(path) or self._not_found(base, snapshot, path)
        machine = self._machine_readable(base, snapshot, path)
        if machine is not None:
            return machine
        for name in ("p", "page_id"):
            if path == "/" and params.get(name, "").isdigit():
                wanted = int(params[name])
                item = snapshot.by_id.get(wanted) or snapshot.page_by_id.get(wanted)
                if item is None:
                    return self._not_found(base, snapshot, path)
                return self._redirect(base + item.path)
        if path == "/" and params.get("cat", "").isdigit():
            term = snapshot.term_by_id.get(int(params["cat"]))
            return (
                self._redirect(base + term.path) if term else self._not_found(base, snapshot, path)
            )
        if not self.category_base and path.startswith("/category/"):
            # the category base is stripped (Yoast's option)
            return self._redirect(base + path[len("/category") :])
        lang, local = self._language_of(path)
        if not local.endswith("/"):
            found = self._page(base, snapshot, lang, local + "/")
            if found.status == 200:
                return self._redirect(base + path + "/" + (f"?{query}" if query else ""))
            return self._not_found(base, snapshot, path)
        return self._page(base, snapshot, lang, local)

    # -- pieces of the URL space -------------------------------------------------------------

    def _language_of(self, path: str) -> tuple[Language, str]:
        for language in self.blog.languages[1:]:
            if path == language.prefix or path.startswith(language.prefix + "/"):
                return language, path[len(language.prefix) :]
        return self.blog.default_language, path

    def _context(
        self, base: str, snapshot: Snapshot, lang: Language, post: Post | None = None
    ) -> theme.PageContext:
        switcher = []
        translations = snapshot.translations(post) if post is not None else {}
        for language in self.blog.languages:
            if language == lang:
                continue
            other = translations.get(language.slug)
            url = base + (other.path if other else language.prefix + "/")
            switcher.append((language, url, other is not None))
        return theme.PageContext(
            self.blog, base, lang, self.rest_api, self.menu(lang, snapshot), tuple(switcher)
        )

    def _page(self, base: str, snapshot: Snapshot, lang: Language, local: str) -> Response:
        parts = [part for part in local.split("/") if part]
        archive: theme.Archive | None = None
        tail = parts
        if not parts or parts[0] in ("feed", "page"):
            archive = theme.Archive(lang.prefix + "/")
        elif parts[0] == "tag" and len(parts) >= 2:
            term = snapshot.term("post_tag", lang.slug, parts[1])
            archive, tail = (theme.Archive(term.path, term), parts[2:]) if term else (None, tail)
        elif self.category_base and parts[0] == self.category_base.strip("/"):
            term = snapshot.term("category", lang.slug, parts[1]) if len(parts) >= 2 else None
            archive, tail = (theme.Archive(term.path, term), parts[2:]) if term else (None, tail)
        else:
            term = None if self.category_base else snapshot.term("category", lang.slug, parts[0])
            if term is not None:
                archive, tail = theme.Archive(term.path, term), parts[1:]
            elif len(parts) == 1:
                post = snapshot.by_path.get(lang.prefix + local)
                if post is not None:
                    return self._single(base, snapshot, lang, post)
                page = snapshot.page_by_path.get(lang.prefix + local)
                if page is not None:
                    return self._wp_page(base, snapshot, lang, page)
        if archive is None:
            return self._not_found(base, snapshot, local)
        if tail == ["feed"]:
            return self._feed(base, snapshot, lang, archive)
        if not tail:
            return self._archive(base, snapshot, lang, archive, 1)
        if len(tail) == 2 and tail[0] == "page" and tail[1].isdigit():
            number = int(tail[1])
            if number == 1:
                return self._redirect(base + archive.path)
            return self._archive(base, snapshot, lang, archive, number)
        return self._not_found(base, snapshot, local)

    def _html_headers(self, base: str, last_modified: datetime | None) -> list[tuple[str, str]]:
        headers = [("Content-Type", HTML)]
        if self.rest_api:
            headers.append(("Link", f'<{base}/wp-json/>; rel="https://api.w.org/"'))
        if last_modified is not None:
            headers.append(("Last-Modified", http_date(last_modified)))
        return headers

    def _single(self, base: str, snapshot: Snapshot, lang: Language, post: Post) -> Response:
        translations = snapshot.translations(post)
        hreflangs = []
        if len(translations) > 1:
            hreflangs = [
                (self.blog.language(code), base + other.path)
                for code, other in sorted(
                    translations.items(), key=lambda item: self._rank(item[0])
                )
            ]
        alternates = tuple(
            self.blog.language(code).locale for code in translations if code != post.lang
        )
        meta = seo.post_seo(self.blog, post, base, alternates)
        page = self._theme.single_page(
            self._context(base, snapshot, lang, post),
            post,
            meta,
            snapshot.neighbours(post),
            hreflangs,
        )
        headers = self._html_headers(base, post.modified)
        if self.rest_api:
            headers.append(
                (
                    "Link",
                    f'<{base}/wp-json/wp/v2/posts/{post.id}>; rel="alternate"; '
                    'title="JSON"; type="application/json"',
                )
            )
        headers.append(("Link", f"<{base}/?p={post.id}>; rel=shortlink"))
        # A weak validator: neighbours' titles in the post navigation may change, the post not.
        version = hashlib.sha1(f"{post.id}|{post.modified.isoformat()}|{base}".encode())
        headers.append(("ETag", f'W/"{version.hexdigest()[:20]}"'))
        return Response(200, headers, page.encode())

    @property
    def _theme(self) -> Theme:
        """The module that prints the HTML pages: the redesign wins over the block theme."""
        if REDESIGN in self.quirks:
            return redesign
        return block_theme if BLOCK_THEME in self.quirks else theme

    def _wp_page(self, base: str, snapshot: Snapshot, lang: Language, page: Page) -> Response:
        """A WordPress page (post type ``page``), e.g. a section's landing page."""
        meta = seo.page_seo(self.blog, page, base)
        html = self._theme.page_page(self._context(base, snapshot, lang), page, meta)
        headers = self._html_headers(base, page.modified)
        if self.rest_api:
            headers.append(
                (
                    "Link",
                    f'<{base}/wp-json/wp/v2/pages/{page.id}>; rel="alternate"; '
                    'title="JSON"; type="application/json"',
                )
            )
        headers.append(("Link", f"<{base}/?p={page.id}>; rel=shortlink"))
        return Response(200, headers, html.encode())

    def _rank(self, code: str) -> int:
        return [language.slug for language in self.blog.languages].index(code)

    def _listing(self, snapshot: Snapshot, lang: Language, archive: theme.Archive) -> list[Post]:
        return snapshot.listing(lang.slug, archive.term)

    def _archive(
        self, base: str, snapshot: Snapshot, lang: Language, archive: theme.Archive, page: int
    ) -> Response:
        posts = self._listing(snapshot, lang, archive)
        total = -(-len(posts) // POSTS_PER_PAGE)
        shown_page = page
        if LOOPING_PAGER in self.quirks and total:
            # Past the last page, an earlier page again; every page links one more.
            shown_page = (page - 1) % total + 1
            total = page + 1
        elif page > max(total, 1):
            return self._not_found(base, snapshot, archive.path + f"page/{page}/")
        shown = posts[(shown_page - 1) * POSTS_PER_PAGE : shown_page * POSTS_PER_PAGE]
        urls = (
            archive.page_url(base, page),
            archive.page_url(base, page - 1) if page > 1 else None,
            archive.page_url(base, page + 1) if page < total else None,
        )
        term = archive.term
        meta = seo.archive_seo(
            self.blog,
            lang,
            base,
            name=term.name if term else None,
            urls=urls,
            page=page,
            total_pages=total,
        )
        html = self._theme.archive_page(
            self._context(base, snapshot, lang), archive, meta, shown, page, total
        )
        return Response(200, self._html_headers(base, snapshot.last_modified), html.encode())

    def _feed(
        self, base: str, snapshot: Snapshot, lang: Language, archive: theme.Archive
    ) -> Response:
        term = archive.term
        name = (
            self.blog.name
            if term is None
            else seo.archive_seo(
                self.blog,
                lang,
                base,
                name=term.name,
                urls=(base, None, None),
                page=1,
                total_pages=1,
            ).title
        )
        body = feeds.rss_feed(
            self.blog,
            lang,
            base,
            title=name,
            feed_path=archive.path + "feed/",
            page_path=archive.path,
            posts=self._listing(snapshot, lang, archive),
        )
        headers = [
            ("Content-Type", "application/rss+xml; charset=UTF-8"),
            ("Last-Modified", http_date(snapshot.last_modified)),
        ]
        return Response(200, headers, body.encode())

    def _machine_readable(self, base: str, snapshot: Snapshot, path: str) -> Response | None:
        if not path.endswith((".txt", ".xml", ".xsl")):
            return None
        by_id = sorted(snapshot.posts, key=lambda post: post.id)  # core sitemaps: by ID
        pages = max(1, -(-len(by_id) // feeds.SITEMAP_SIZE))
        xml = "application/xml; charset=UTF-8"
        modified = [("Last-Modified", http_date(snapshot.last_modified))]
        if path == "/robots.txt":
            return Response(
                200,
                [("Content-Type", "text/plain; charset=utf-8")],
                feeds.robots_txt(base, disallow_api=ROBOTS_DISALLOW_API in self.quirks).encode(),
            )
        if path == "/wp-sitemap.xml":
            index = feeds.sitemap_index(base, pages, pages=bool(snapshot.pages))
            return Response(200, [("Content-Type", xml), *modified], index.encode())
        if path == "/wp-sitemap-posts-page-1.xml" and snapshot.pages:
            by_id_pages = sorted(snapshot.pages, key=lambda page: page.id)
            return Response(
                200,
                [("Content-Type", xml), *modified],
                feeds.sitemap_posts(base, by_id_pages).encode(),
            )
        if path in ("/wp-sitemap.xsl", "/wp-sitemap-index.xsl"):
            return Response(200, [("Content-Type", "text/xsl; charset=UTF-8")], _XSL.encode())
        prefix, suffix = "/wp-sitemap-posts-post-", ".xml"
        if path.startswith(prefix) and path.endswith(suffix):
            number = path[len(prefix) : -len(suffix)]
            if number.isdigit() and 1 <= int(number) <= pages:
                start = (int(number) - 1) * feeds.SITEMAP_SIZE
                chunk = by_id[start : start + feeds.SITEMAP_SIZE]
                return Response(
                    200,
                    [("Content-Type", xml), *modified],
                    feeds.sitemap_posts(base, chunk).encode(),
                )
        if path == "/wp-sitemap-taxonomies-category-1.xml":
            terms = [
                t
                for t in snapshot.terms
                if t.taxonomy == "category" and snapshot.listing(t.lang, t)
            ]
            return Response(
                200, [("Content-Type", xml), *modified], feeds.sitemap_terms(base, terms).encode()
            )
        return None

    def _rest(
        self, base: str, snapshot: Snapshot, path: str, query: str, params: dict[str, str]
    ) -> Response:
        if not self.rest_api:  # what the "Disable REST API" plugins answer to visitors
            return rest.error_response(
                401, "rest_cannot_access", "Only authenticated users can access the REST API."
            )
        if "rest_route" in params:
            route = params["rest_route"]
            query = urlencode(
                [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k != "rest_route"]
            )
        else:
            route = path[len("/wp-json") :] or "/"

        def post_meta(post: Post) -> seo.SeoMeta:
            others = snapshot.translations(post)
            alternates = tuple(
                self.blog.language(code).locale for code in others if code != post.lang
            )
            return seo.post_seo(self.blog, post, base, alternates)

        context = rest.RestContext(
            self.blog,
            base,
            snapshot,
            post_meta,
            lambda page: seo.page_seo(self.blog, page, base),
            self.quirks,
        )
        return rest.handle_rest(context, route, query)

    def _upload(self, path: str, state: int) -> Response | None:
        found = self.upload(path, state)
        if found is None:
            return None
        body, uploaded = found
        kind = "application/pdf" if path.endswith(".pdf") else "application/octet-stream"
        headers = [
            ("Content-Type", kind),
            ("Last-Modified", http_date(uploaded)),
            ("Accept-Ranges", "bytes"),
        ]
        return Response(200, headers, body)

    def _asset(self, path: str) -> Response | None:
        """Theme and core assets: stubs, so that a page's stylesheets and scripts resolve."""
        types = {".css": "text/css", ".js": "application/javascript"}
        suffix = path[path.rfind(".") :]
        if suffix not in types:
            return None
        return Response(200, [("Content-Type", types[suffix])], f"/* {path} */\n".encode())

    def _redirect(self, location: str) -> Response:
        headers = [("Content-Type", HTML), ("X-Redirect-By", "WordPress"), ("Location", location)]
        return Response(301, headers, b"")

    def _not_found(self, base: str, snapshot: Snapshot, path: str) -> Response:
        lang, _ = self._language_of(path)
        html = self._theme.not_found_page(
            self._context(base, snapshot, lang), seo.not_found_seo(self.blog, lang)
        )
        return Response(404, [*self._html_headers(base, None), *NO_CACHE], html.encode())
