"""Reading the WordPress REST API (``/wp-json/wp/v2``): URLs, paging headers, post objects.

Kept apart from any one spider: every WordPress platform we monitor (Mercociudades, and the
static exports of others) speaks the same API. A post or term is checked as it is read
(`read_post`, `read_term`): one malformed item is dropped, never its whole page.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urljoin

from scrapy.http import Response

from crawler.json_fields import (
    Malformed,
    date_text,
    http_url,
    id_list,
    item_id,
    optional_text,
    rendered,
)

__all__ = [
    "MAX_PER_PAGE",
    "Term",
    "WordPressPost",
    "api_url",
    "header_count",
    "item_label",
    "json_body",
    "read_post",
    "read_term",
]

MAX_PER_PAGE = 100  # WordPress refuses per_page above 100 with rest_invalid_param
MAX_LANGUAGES = 50  # translations of one post: a site with more languages is no site we know


def api_url(api_root: str, route: str, **params: Any) -> str:
    """``api_root`` is the href of <link rel="https://api.w.org/"> (ends with /wp-json/)."""
    url = urljoin(api_root if api_root.endswith("/") else api_root + "/", route.lstrip("/"))
    query = {k: v for k, v in params.items() if v is not None}
    return f"{url}?{urlencode(query)}" if query else url


def json_body(response: Response) -> Any | None:
    """The decoded JSON of an API answer, or None when it is not a JSON answer of WordPress."""
    content_type = (response.headers.get(b"Content-Type") or b"").decode("latin-1").lower()
    if "json" not in content_type:
        return None
    try:
        return json.loads(response.body)
    except (ValueError, RecursionError):  # not JSON; nested deeper than Python recurses
        return None


def header_count(response: Response, name: str) -> int | None:
    """A count the answer announces (X-WP-TotalPages, X-WP-Total); None when the header is
    missing (some proxies and caches drop it) or no number. More than 9 digits is taken as
    10**9: above any bound, and int() refuses thousands of digits."""
    value = (response.headers.get(name.encode()) or b"").decode("latin-1").strip()
    if not (value.isascii() and value.isdigit()):
        return None
    return int(value) if len(value) <= 9 else 10**9


@dataclass(frozen=True, slots=True)
class WordPressPost:
    """A REST post (or an item of a custom post type) whose fields were checked: `read_post`."""

    id: int
    link: str | None
    title: str | None
    excerpt: str | None
    content: str | None
    date: str | None  # local time, as the site shows it
    modified: str | None
    modified_gmt: str | None
    lang: str | None  # Polylang's language slug
    term_ids: dict[str, tuple[int, ...]]  # by field: categories, tags, a custom taxonomy
    # Term names by taxonomy from ``_embedded["wp:term"]``; None when not embedded.
    embedded_terms: dict[str, list[str]] | None
    translations: dict[str, int]  # other-language versions: language code -> post id
    declares_translations: bool  # Polylang or WPML said which translations exist
    fields: dict[str, Any]  # the item as sent, for what a spider reads itself (ACF fields)

    @property
    def marker(self) -> str | None:
        """What says the post changed (its modified date), for an incremental recrawl."""
        return self.modified_gmt or self.modified

    def terms(self, taxonomy: str) -> list[str] | None:
        """Names of the post's embedded terms of ``taxonomy``; None when not embedded."""
        if self.embedded_terms is None:
            return None
        return list(self.embedded_terms.get(taxonomy, []))


@dataclass(frozen=True, slots=True)
class Term:
    id: int
    name: str
    slug: str | None


def read_post(item: Any, term_fields: tuple[str, ...] = ("categories", "tags")) -> WordPressPost:
    """The post object ``item``, checked field by field; `Malformed` names the first field
    that holds what WordPress never sends there (fields left out are None)."""
    if not isinstance(item, dict):
        raise Malformed("item", f"expected a JSON object, got {type(item).__name__}")
    post_id = item_id(item.get("id"))
    return WordPressPost(
        id=post_id,
        link=http_url(item, "link"),
        title=rendered(item, "title"),
        excerpt=rendered(item, "excerpt"),
        content=rendered(item, "content"),
        date=date_text(item, "date"),
        modified=date_text(item, "modified"),
        modified_gmt=date_text(item, "modified_gmt"),
        lang=optional_text(item, "lang"),
        term_ids={name: id_list(item, name) for name in term_fields},
        embedded_terms=_embedded_terms(item),
        translations=_translations(item, post_id),
        declares_translations="translations" in item or "wpml_translations" in item,
        fields=item,
    )


def read_term(item: Any) -> Term:
    """A term of a taxonomy collection (``/wp/v2/categories``), checked."""
    if not isinstance(item, dict):
        raise Malformed("item", f"expected a JSON object, got {type(item).__name__}")
    name = optional_text(item, "name")
    if not name:
        raise Malformed("name", "missing or empty")
    return Term(item_id(item.get("id")), name, optional_text(item, "slug"))


def item_label(kind: str, index: int, item: Any) -> str:
    """How a log line names an item of a listing: ``post 3 (id 'abc')``."""
    raw_id = item.get("id") if isinstance(item, dict) else None
    shown = repr(raw_id)
    return f"{kind} {index} (id {shown[:40]}{'…' if len(shown) > 40 else ''})"


def _embedded_terms(item: dict[str, Any]) -> dict[str, list[str]] | None:
    embedded = item.get("_embedded")
    if embedded is None:
        return None
    if not isinstance(embedded, dict):
        raise Malformed("_embedded", "expected a JSON object")
    groups = embedded.get("wp:term")
    if groups is None:
        return None
    if not isinstance(groups, list) or not all(isinstance(g, list) for g in groups):
        raise Malformed("_embedded.wp:term", "expected a list of lists of terms")
    names: dict[str, list[str]] = {}
    for term in (term for group in groups for term in group):
        # A taxonomy the visitor may not see embeds an error object instead: not a term.
        if not isinstance(term, dict) or not isinstance(term.get("taxonomy"), str):
            continue
        name = term.get("name")
        if not isinstance(name, str):
            raise Malformed("_embedded.wp:term.name", f"expected text, got {type(name).__name__}")
        if name:
            names.setdefault(term["taxonomy"], []).append(name)
    return names


def _translations(item: dict[str, Any], own_id: int) -> dict[str, int]:
    """Other-language versions: Polylang's ``translations``, WPML's ``wpml_translations``;
    language codes as WordPress writes them (es, pt, pt-br)."""
    found: dict[str, int] = {}
    polylang = item.get("translations")
    if polylang not in (None, []):  # PHP encodes an empty array as []
        if not isinstance(polylang, dict) or len(polylang) > MAX_LANGUAGES:
            raise Malformed("translations", f"expected at most {MAX_LANGUAGES} language: id pairs")
        found.update(
            (lang, item_id(post_id, f"translations.{lang}")) for lang, post_id in polylang.items()
        )
    wpml = item.get("wpml_translations")
    if wpml is not None:
        if not isinstance(wpml, list) or len(wpml) > MAX_LANGUAGES:
            raise Malformed("wpml_translations", f"expected at most {MAX_LANGUAGES} entries")
        for entry in wpml:
            if not isinstance(entry, dict):
                raise Malformed("wpml_translations", "expected a list of objects")
            locale = optional_text(entry, "locale") or ""
            found[re.split(r"[_-]", locale)[0].lower()] = item_id(
                entry.get("id"), "wpml_translations.id"
            )
    return {lang: post_id for lang, post_id in found.items() if post_id != own_id}
