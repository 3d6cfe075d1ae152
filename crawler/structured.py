"""Machine-readable metadata of an HTML page: JSON-LD, OpenGraph, and the <link> relations.

CMSs put their most reliable facts here (Yoast's JSON-LD graph, article:published_time, the
canonical URL, hreflang alternates), so spiders read this before any theme-dependent selector.
A JSON-LD node whose fields hold what they cannot (a ``@type`` that is an object, a date that is
a number) is not read; `PageMetadata.malformed` says which, for the spider to report.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

from parsel import Selector

from crawler.json_fields import Malformed

__all__ = ["PageMetadata", "page_metadata"]

_ARTICLE_TYPES = {"Article", "BlogPosting", "NewsArticle", "Report", "WebPage", "CreativeWork"}
_MAX_JSON_LD_BYTES = 1_000_000


@dataclass(slots=True)
class PageMetadata:
    language: str | None = None
    canonical_url: str | None = None
    shortlink: str | None = None
    api_root: str | None = None
    json_alternate: str | None = None
    next_page: str | None = None
    title: str | None = None
    description: str | None = None
    published: str | None = None
    modified: str | None = None
    sections: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    alternates: dict[str, str] = field(default_factory=dict)  # hreflang -> absolute URL
    json_ld_type: str | None = None
    malformed: list[tuple[str, Malformed]] = field(default_factory=list)  # (which node, why)

    @property
    def wordpress_id(self) -> int | None:
        """The post id WordPress exposes in the shortlink or the JSON alternate."""
        for url in (self.shortlink, self.json_alternate):
            match = re.search(r"[?&]p=(\d{1,18})\b|/wp/v2/(?:posts|pages)/(\d{1,18})\b", url or "")
            if match:
                return int(match.group(1) or match.group(2))
        return None


def page_metadata(html: Selector, base_url: str) -> PageMetadata:
    meta = PageMetadata()

    def absolute(href: str | None) -> str | None:
        return urljoin(base_url, href.strip()) if href else None

    meta.language = html.xpath("/html/@lang").get() or _og(html, "og:locale")
    meta.canonical_url = absolute(html.css("link[rel=canonical]::attr(href)").get())
    meta.shortlink = absolute(html.css("link[rel=shortlink]::attr(href)").get())
    meta.api_root = absolute(html.xpath("//link[@rel='https://api.w.org/']/@href").get())
    meta.json_alternate = absolute(
        html.css("link[rel=alternate][type='application/json']::attr(href)").get()
    )
    meta.next_page = absolute(html.css("head link[rel=next]::attr(href)").get())
    for link in html.css("link[rel=alternate][hreflang]"):
        lang, href = link.attrib.get("hreflang", "").lower(), link.attrib.get("href")
        if lang and href and lang != "x-default":
            meta.alternates[lang] = absolute(href) or href
    meta.title = _og(html, "og:title")
    meta.description = (
        _og(html, "og:description") or html.css("meta[name=description]::attr(content)").get()
    )
    meta.published = _og(html, "article:published_time")
    meta.modified = _og(html, "article:modified_time")
    canonical_og = _og(html, "og:url")
    if canonical_og and not meta.canonical_url:
        meta.canonical_url = absolute(canonical_og)
    _read_json_ld(html, meta)
    return meta


def _og(html: Selector, prop: str) -> str | None:
    value = html.css(f"meta[property='{prop}']::attr(content)").get()
    return value.strip() if value and value.strip() else None


def _read_json_ld(html: Selector, meta: PageMetadata) -> None:
    for number, script in enumerate(html.css("script[type='application/ld+json']::text").getall()):
        if len(script) > _MAX_JSON_LD_BYTES:
            continue
        try:
            document = json.loads(script)
        except (ValueError, RecursionError):  # not JSON; nested deeper than Python recurses
            continue
        for index, node in enumerate(_nodes(document)):
            try:
                types = _checked_types(node)
            except Malformed as error:
                meta.malformed.append((f"JSON-LD script {number} node {index}", error))
                continue
            if not types & _ARTICLE_TYPES:
                continue
            # An Article beats the WebPage around it; keep the first Article found.
            if meta.json_ld_type and meta.json_ld_type != "WebPage":
                continue
            meta.json_ld_type = "WebPage" if types == {"WebPage"} else "Article"
            meta.title = _text(node.get("headline")) or _text(node.get("name")) or meta.title
            meta.published = _text(node.get("datePublished")) or meta.published
            meta.modified = _text(node.get("dateModified")) or meta.modified
            meta.language = meta.language or _text(node.get("inLanguage"))
            meta.sections = _strings(node.get("articleSection")) or meta.sections
            meta.keywords = _strings(node.get("keywords")) or meta.keywords


def _checked_types(node: dict[str, Any]) -> set[str]:
    """The node's types, once the fields read from an article are seen to hold text."""
    types = node.get("@type")
    types = types if isinstance(types, list) else [types]
    if not all(isinstance(t, str) for t in types if t is not None):
        raise Malformed("@type", "expected text or a list of texts")
    # Dates as text, whatever their format: pipeline.dates reads what sites write.
    for name in ("headline", "name", "datePublished", "dateModified"):
        if name in node and not isinstance(node[name], str | type(None)):
            raise Malformed(name, f"expected text, got {type(node[name]).__name__}")
    return {t for t in types if t is not None}


def _nodes(document: Any) -> list[dict[str, Any]]:
    """The nodes of a JSON-LD document (lists and ``@graph`` opened), in document order;
    iterative, so that nesting cannot exhaust the stack."""
    nodes: list[dict[str, Any]] = []
    stack = [document]
    while stack:
        value = stack.pop()
        if isinstance(value, list):
            stack.extend(reversed(value))
        elif isinstance(value, dict):
            if "@graph" in value:
                stack.append(value["@graph"])
            else:
                nodes.append(value)
    return nodes


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, list):
        return [v.strip() for v in value if isinstance(v, str) and v.strip()]
    return []
