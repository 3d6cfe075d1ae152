"""Reading the WordPress REST API (``/wp-json/wp/v2``): URLs, paging headers, post objects.

Kept apart from any one spider: every WordPress platform we monitor (Mercociudades, and the
static exports of others) speaks the same API.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlencode, urljoin

from scrapy.http import Response

__all__ = [
    "api_url",
    "json_body",
    "post_terms",
    "total_pages",
    "translation_ids",
]

MAX_PER_PAGE = 100  # WordPress refuses per_page above 100 with rest_invalid_param


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
    except ValueError:
        return None


def total_pages(response: Response) -> int | None:
    """X-WP-TotalPages; None when the header is missing (some proxies and caches drop it)."""
    value = (response.headers.get(b"X-WP-TotalPages") or b"").decode("latin-1").strip()
    return int(value) if value.isdigit() else None


def post_terms(post: dict[str, Any], taxonomy: str) -> list[str] | None:
    """Names of a post's terms from ``_embedded["wp:term"]``; None when not embedded."""
    groups = post.get("_embedded", {}).get("wp:term")
    if not isinstance(groups, list):
        return None
    names = [
        term["name"]
        for group in groups
        if isinstance(group, list)
        for term in group
        if isinstance(term, dict) and term.get("taxonomy") == taxonomy and term.get("name")
    ]
    return names


def translation_ids(post: dict[str, Any]) -> dict[str, int]:
    """Other-language versions of a post: Polylang's ``translations``, WPML's
    ``wpml_translations``; language codes as WordPress writes them (es, pt, pt-br)."""
    found: dict[str, int] = {}
    polylang = post.get("translations")
    if isinstance(polylang, dict):
        found.update({lang: int(pid) for lang, pid in polylang.items() if str(pid).isdigit()})
    wpml = post.get("wpml_translations")
    if isinstance(wpml, list):
        for entry in wpml:
            if isinstance(entry, dict) and str(entry.get("id", "")).isdigit():
                lang = re.split(r"[_-]", str(entry.get("locale", "")))[0].lower()
                found[lang] = int(entry["id"])
    own = post.get("id")
    return {lang: pid for lang, pid in found.items() if pid != own}
