"""Quirks: the ways real WordPress installs of the same site differ, one switch each.

A replica takes a set of quirk names; each changes only what its description says (the posts,
their ids and dates, and what states 2 and 3 change stay the same), and they combine freely.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = [
    "BLOCK_THEME",
    "LANDING_PAGE",
    "LOOPING_PAGER",
    "LOW_PAGE_COUNT",
    "LYING_PAGE_COUNT",
    "NO_EMBED",
    "NO_POLYLANG_REST",
    "NO_TOTAL_HEADERS",
    "QUIRKS",
    "REDESIGN",
    "ROBOTS_DISALLOW_API",
    "checked_quirks",
]

NO_EMBED = "no-embed"
NO_TOTAL_HEADERS = "no-total-headers"
NO_POLYLANG_REST = "no-polylang-rest"
LANDING_PAGE = "landing-page"
ROBOTS_DISALLOW_API = "robots-disallow-api"
BLOCK_THEME = "block-theme"
REDESIGN = "redesign"
LYING_PAGE_COUNT = "lying-page-count"
LOOPING_PAGER = "looping-pager"
LOW_PAGE_COUNT = "low-page-count"
# What a lying site announces (see `pipeline.replicas.wordpress.rest`).
LYING_TOTAL_PAGES = 999999

QUIRKS: dict[str, str] = {
    NO_EMBED: "the REST API ignores _embed (post objects never carry _embedded), as with a "
    "security plugin; fetch terms with /wp/v2/categories?include=...",
    NO_TOTAL_HEADERS: "REST collections come without X-WP-Total, X-WP-TotalPages and Link "
    "(a caching proxy strips them); page on until a short page or a 400",
    NO_POLYLANG_REST: "Polylang without REST support: no lang/translations fields, the lang "
    "parameter is ignored (every language is listed; filter by the language's category)",
    LANDING_PAGE: "/covid-19/ is a WordPress page (no posts listed); the category archive keeps "
    "its base: /category/covid-19/",
    ROBOTS_DISALLOW_API: "robots.txt adds Disallow: /wp-json/ (the API still answers)",
    BLOCK_THEME: "HTML from a block theme (Twenty Twenty-Four style): wp-block-post-* markup "
    "instead of the classic theme's entry-* markup",
    REDESIGN: "an agency's redesign: mc-* markup (no entry-*/hentry/post-ID classes, no <time>, "
    "no <link rel=next>) and no Yoast (no JSON-LD, no og:*); overrides block-theme",
    LYING_PAGE_COUNT: "the REST post collections announce X-WP-TotalPages: 999999 (and an "
    "X-WP-Total to match) and answer every page past the last with an empty list, as a broken "
    "cache or a hostile site does",
    LOW_PAGE_COUNT: "the REST post collections announce one page (X-WP-TotalPages: 1 and an "
    "X-WP-Total of one page) whatever they hold, and serve every page, as a stale cache does",
    LOOPING_PAGER: "the HTML archives never end: a page past the last answers with the posts of "
    "an earlier page again, and every page links the next one",
}


def checked_quirks(names: Iterable[str]) -> frozenset[str]:
    """The quirk names as a frozenset; a ValueError names any unknown one."""
    if isinstance(names, str):
        raise TypeError("quirks are a collection of names, not one string")
    found = frozenset(names)
    unknown = sorted(found - QUIRKS.keys())
    if unknown:
        raise ValueError(
            f"unknown quirk(s): {', '.join(unknown)} (known: {', '.join(sorted(QUIRKS))})"
        )
    return found
