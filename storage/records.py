"""Plain values that cross into storage: what the pipeline hands over, what reports read back.

Storage never imports the crawler or the pipeline; the pipeline builds these and storage keeps
them. Every field of `RecordData` that is ``None`` (or an empty tuple) was absent on the page.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

__all__ = ["CONTENT_FIELDS", "RecordData", "ResourceData", "TranslationData"]


@dataclass(frozen=True, slots=True)
class ResourceData:
    """A document or outbound link found in a record."""

    url: str
    title: str | None = None
    type: str = "link"  # "document" (pdf, doc, ...), "link" (outbound page), "video", "image"


@dataclass(frozen=True, slots=True)
class TranslationData:
    """The same record published in another language."""

    language: str
    url: str
    title: str | None = None


@dataclass(frozen=True, slots=True)
class RecordData:
    """One normalised practice, session, post or page, as the pipeline hands it to storage."""

    stable_id: str
    source_key: str
    kind: str
    url: str
    title: str | None = None
    summary: str | None = None
    body_text: str | None = None
    city: str | None = None
    city_normalised: str | None = None
    country: str | None = None
    organisations: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    theme_labels: tuple[str, ...] = ()
    language: str | None = None
    published: date | None = None
    updated: date | None = None
    resources: tuple[ResourceData, ...] = ()
    translations: tuple[TranslationData, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)
    # The page's rel=canonical when the pipeline found one. Not content: a new canonical URL
    # alone makes no version; storage just keeps the latest.
    canonical_url: str | None = None
    # What the source's listing said of the page when it was extracted (sitemap lastmod,
    # WordPress modified_gmt): not content either; the next crawl compares it to skip the page.
    listing_marker: str | None = None

    def content(self) -> dict[str, Any]:
        """The fields whose change makes a new version, as JSON-ready values."""
        values = asdict(self)
        snapshot = {name: values[name] for name in CONTENT_FIELDS}
        for name in ("published", "updated"):
            if snapshot[name] is not None:
                snapshot[name] = snapshot[name].isoformat()
        for name in ("organisations", "themes", "theme_labels"):
            snapshot[name] = list(snapshot[name])
        snapshot["resources"] = [dict(r) for r in snapshot["resources"]]
        snapshot["translations"] = [dict(t) for t in snapshot["translations"]]
        return snapshot

    def content_hash(self) -> str:
        """A stable digest of `content()`: equal hashes mean nothing a reader sees changed."""
        encoded = json.dumps(self.content(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


# Order matters only for reports: it is the order in which changed fields are listed.
CONTENT_FIELDS: tuple[str, ...] = (
    "url",
    "kind",
    "title",
    "summary",
    "body_text",
    "city",
    "city_normalised",
    "country",
    "organisations",
    "themes",
    "theme_labels",
    "language",
    "published",
    "updated",
    "resources",
    "translations",
    "extra",
)
