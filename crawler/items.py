"""What spiders yield: a page's fields as found, before any normalisation.

A field the page does not have stays ``None`` (or empty): absent, never an empty string. The
pipeline's normaliser turns a `PageRecord` into a `storage.records.RecordData`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["PageRecord", "PageSeen"]


@dataclass(slots=True)
class PageRecord:
    source_key: str
    kind: str
    stable_id: str
    url: str
    canonical_url: str | None = None
    title: str | None = None
    summary_html: str | None = None
    body_html: str | None = None
    published: str | None = None
    updated: str | None = None
    language: str | None = None
    categories: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    city: str | None = None
    country: str | None = None
    organisations: list[str] = field(default_factory=list)
    # {"url": ..., "title": ..., "type": ...} found outside the body (the body's links are
    # read by the normaliser).
    resources: list[dict[str, str | None]] = field(default_factory=list)
    # {"language": ..., "url": ..., "title": ...}: the same record in other languages.
    translations: list[dict[str, str | None]] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    # What the listing said of the page (sitemap lastmod, WordPress modified_gmt): the next
    # crawl skips the page while its listing says the same (see crawler.delta).
    listing_marker: str | None = None


@dataclass(frozen=True, slots=True)
class PageSeen:
    """A page the listing (or a 304) shows unchanged since its record was extracted: the
    record is alive and current, and the page was not parsed again."""

    source_key: str
    stable_id: str
    url: str
