"""What a crawl keeps of a site that broke its rules: items it could not read, bounds it reached.

Spiders, the listing bound and the sitemap reader report here. Each report is one log line and
a count in the crawl's stats, with the first few cases as samples; `pipeline.alarms` turns them
into the ``malformed_items`` and ``bound_exceeded`` alarms, and the change report shows the
counts.
"""

from __future__ import annotations

import logging
from typing import Any

from crawler.json_fields import Malformed

__all__ = [
    "BOUNDS_EXCEEDED",
    "BOUND_EVIDENCE",
    "BOUND_LIMIT",
    "MALFORMED",
    "MALFORMED_ENTRIES",
    "MALFORMED_SAMPLES",
    "SiteEvidence",
]

# Every item dropped as malformed, and those of them that were listing entries (each a record
# this run could not read: the run removes nothing, see pipeline.alarms).
MALFORMED = "citywatch/items_dropped/malformed"
MALFORMED_ENTRIES = "citywatch/items_dropped/malformed_entries"
MALFORMED_SAMPLES = "citywatch/malformed_samples"
# Bounds reached (each bound and URL once), their evidence, and the limits the crawl ran with
# (``citywatch/bound/max_pages``...).
BOUNDS_EXCEEDED = "citywatch/bounds_exceeded"
BOUND_EVIDENCE = "citywatch/bound_evidence"
BOUND_LIMIT = "citywatch/bound/"
MAX_SAMPLES = 5


class SiteEvidence:
    """The one place a crawl notes what a site did wrong (stats and log)."""

    def __init__(self, stats: Any, logger: logging.Logger | logging.LoggerAdapter[Any]) -> None:
        self.stats = stats
        self.logger = logger
        self.bounds_noted: set[tuple[str, str]] = set()

    def malformed(self, url: str, item: str, error: Malformed, *, entry: bool) -> None:
        """An item dropped: ``item`` says which ("post 3 (id 'abc')"), ``entry`` whether it
        was a listing entry, whose record this run then lacks."""
        self.stats.inc_value(MALFORMED)
        if entry:
            self.stats.inc_value(MALFORMED_ENTRIES)
        sample = {"url": url, "item": item, "field": error.field, "problem": error.problem}
        self._sample(MALFORMED_SAMPLES, sample)
        self.logger.warning("malformed item dropped: %s, %s: %s", url, item, error)

    def bound_exceeded(
        self,
        kind: str,
        url: str,
        reason: str,
        *,
        bound: str | None = None,
        limit: int | None = None,
        announced: int | None = None,
    ) -> None:
        """A site made the crawl reach a bound at ``url``: ``kind`` says which (listing_pages,
        announced_count, looping_pager, sitemaps...), ``bound`` and ``limit`` name the setting
        or constant and its value, ``announced`` the count the site claimed, if it claimed one.
        Each kind and URL is noted once."""
        if (kind, url) in self.bounds_noted:
            return
        self.bounds_noted.add((kind, url))
        self.stats.inc_value(BOUNDS_EXCEEDED)
        evidence: dict[str, Any] = {"kind": kind, "url": url, "reason": reason}
        if bound is not None:
            evidence.update(bound=bound, limit=limit)
        if announced is not None:
            evidence["announced"] = announced
        self._sample(BOUND_EVIDENCE, evidence)
        named = f" ({bound} = {limit})" if bound is not None else ""
        self.logger.error("bound exceeded at %s: %s%s", url, reason, named)

    def limits(self, **limits: int) -> None:
        """Record the bounds the crawl runs with, for the alarms to name them."""
        for name, value in limits.items():
            self.stats.set_value(BOUND_LIMIT + name, value)

    def _sample(self, key: str, sample: dict[str, Any]) -> None:
        samples = self.stats.get_value(key) or []
        if len(samples) < MAX_SAMPLES:
            self.stats.set_value(key, [*samples, sample])
