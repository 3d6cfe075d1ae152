"""Incremental recrawl: the pages earlier crawls extracted, and whether a listing shows a change.

The pipeline hands each crawler the source's known pages in the ``CITYWATCH_KNOWN_PAGES``
setting (URL -> stable id and listing marker, see `pipeline.delta`). A spider that meets a page
in its listing with the marker it had when its record was extracted (the same sitemap
``lastmod``, the same WordPress ``modified_gmt``) yields a `PageSeen` instead of fetching it; a
detail page that answers 304 to the conditional request is `PageSeen` too. Pages are matched by
path and query, not host: a sitemap may name another scheme or host than the pages use.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from w3lib.url import canonicalize_url

__all__ = ["KNOWN_PAGES_SETTING", "TRANSLATION_MARKER", "KnownPage", "KnownPages", "page_key"]

KNOWN_PAGES_SETTING = "CITYWATCH_KNOWN_PAGES"
# Marks a known page that is a known record's translation (see storage.queries.known_pages):
# the spider reads it again, in-callback, whenever the record's own page changes.
TRANSLATION_MARKER = "translation-of-known-record"


def page_key(url: str) -> str:
    """Path and query of a URL, canonical (escaped alike, arguments sorted, no fragment)."""
    parts = urlsplit(canonicalize_url(url))
    path = parts.path.rstrip("/") or "/"
    return f"{path}?{parts.query}" if parts.query else path


@dataclass(frozen=True, slots=True)
class KnownPage:
    stable_id: str
    marker: str | None
    # For a translation: the URL of the record's own page, whose marker decides for both.
    primary_url: str | None = None

    @property
    def is_translation(self) -> bool:
        return self.marker == TRANSLATION_MARKER


class KnownPages:
    """Known pages of one source by `page_key`; empty on a first or ``--full`` crawl."""

    def __init__(self, pages: Mapping[str, KnownPage]) -> None:
        self._pages = dict(pages)

    @classmethod
    def from_setting(cls, value: Mapping[str, Any] | None) -> KnownPages:
        """From ``{url: [stable_id, marker]}`` (``[stable_id, TRANSLATION_MARKER, record URL]``
        for a translation), as the setting carries it."""
        pages = {}
        for url, (stable_id, marker, *primary) in (value or {}).items():
            pages[page_key(url)] = KnownPage(
                str(stable_id), str(marker) if marker else None, primary[0] if primary else None
            )
        return cls(pages)

    def __len__(self) -> int:
        return len(self._pages)

    def get(self, url: str) -> KnownPage | None:
        return self._pages.get(page_key(url))

    def unchanged(self, url: str, marker: str | None) -> KnownPage | None:
        """The known page at ``url`` if the listing's ``marker`` is the one it was extracted
        with; None when there is no marker to compare (then only a 304 can tell). A
        translation is never decided by its own marker: see `CitywatchSpider.follow_detail`."""
        known = self.get(url)
        if not marker or known is None or known.is_translation:
            return None
        return known if known.marker == marker else None
