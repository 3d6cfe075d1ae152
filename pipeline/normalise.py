"""Turn what a spider found (`PageRecord`) into the catalogue's record (`RecordData`).

`normalise_record` is a pure function, so it is tested on its own; `NormalisePipeline` is the
Scrapy item pipeline that applies it during a crawl and counts, in the crawl's stats, what the
normaliser could not place (unmapped theme labels, records without a title) so a report can show
it instead of losing it.
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import Executor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from scrapy.exceptions import DropItem

from crawler.items import PageRecord
from pipeline.alarms import record_field_coverage
from pipeline.dates import parse_date
from pipeline.language import detect_language, normalise_language
from pipeline.places import country_code, find_city, find_city_in_text, normalise_city
from pipeline.resources import extract_resources
from pipeline.text import (
    clean_inline,
    clean_summary,
    html_to_text,
    without_controls,
    without_controls_in,
)
from pipeline.themes import map_labels
from pipeline.urls import canonical_url, host_of
from pipeline.workers import broken_pool_cause, discard_pool, normalise_pool
from storage.records import RecordData, ResourceData, TranslationData

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler

__all__ = ["COVERAGE_FIELDS", "NormalisePipeline", "Normalised", "normalise_record"]

# Records a crawl normalises in the reactor's thread before it hands them to worker processes.
INLINE_RECORDS = 200
# Fields whose share of records the coverage alarm can watch (see pipeline.alarms).
COVERAGE_FIELDS = (
    "title",
    "summary",
    "body_text",
    "published",
    "updated",
    "language",
    "city",
    "country",
    "organisations",
    "themes",
    "resources",
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Normalised:
    record: RecordData
    unmapped_labels: tuple[str, ...]


def normalise_record(page: PageRecord) -> Normalised:
    url = _record_url(page)
    body_text = html_to_text(page.body_html)
    title = clean_inline(page.title)
    mapping = map_labels(page.categories)
    city, country = _place(page, title, body_text)
    record = RecordData(
        stable_id=without_controls(page.stable_id),
        source_key=page.source_key,
        kind=page.kind,
        url=url,
        title=title,
        summary=clean_summary(page.summary_html),
        body_text=body_text,
        city=city,
        city_normalised=normalise_city(city),
        country=country,
        organisations=tuple(dict.fromkeys(o for o in map(clean_inline, page.organisations) if o)),
        themes=mapping.themes,
        theme_labels=mapping.labels,
        language=normalise_language(page.language) or detect_language(body_text or title),
        published=parse_date(page.published),
        updated=parse_date(page.updated),
        resources=_resources(page, url),
        translations=_translations(page),
        # Every text is free of control characters: the fields above through the cleaners.
        extra={k: v for k, v in without_controls_in(page.extra).items() if v is not None},
        listing_marker=without_controls_in(page.listing_marker),
    )
    return Normalised(record=record, unmapped_labels=mapping.unmapped)


def _record_url(page: PageRecord) -> str:
    # A canonical URL on another host is ignored: a page may not claim to be someone else's.
    declared = page.canonical_url
    if declared and host_of(declared) == host_of(page.url):
        return canonical_url(declared)
    return canonical_url(page.url)


def _place(
    page: PageRecord, title: str | None, body_text: str | None
) -> tuple[str | None, str | None]:
    city, country = clean_inline(page.city), country_code(page.country)
    if city is None:
        found = find_city([*page.tags, *page.categories], title) or find_city_in_text(body_text)
        if found:
            city, country = found[0], country or found[1]
    return city, country


def _resources(page: PageRecord, base_url: str) -> tuple[ResourceData, ...]:
    found: dict[str, ResourceData] = {}
    for raw in page.resources:
        if raw.get("url"):
            url = canonical_url(str(raw["url"]))
            found.setdefault(
                url,
                ResourceData(
                    url,
                    clean_inline(raw.get("title")),
                    without_controls(str(raw.get("type") or "link")),
                ),
            )
    for resource in extract_resources(page.body_html, base_url):
        found.setdefault(resource.url, resource)
    return tuple(found.values())


def _translations(page: PageRecord) -> tuple[TranslationData, ...]:
    by_language: dict[str, TranslationData] = {}
    for raw in page.translations:
        language = normalise_language(raw.get("language")) or clean_inline(raw.get("language"))
        if language and raw.get("url"):
            by_language.setdefault(
                language,
                TranslationData(
                    language=language,
                    url=canonical_url(str(raw["url"])),
                    title=clean_inline(raw.get("title")),
                ),
            )
    return tuple(sorted(by_language.values(), key=lambda t: t.language))


class NormalisePipeline:
    """Scrapy item pipeline: `PageRecord` in, `RecordData` out."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.processes = crawler.settings.getint("CITYWATCH_NORMALISE_PROCESSES", 0)
        self.pool: Executor | None = None
        self.inline_left = INLINE_RECORDS

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    async def normalise(self, page: PageRecord) -> Normalised:
        """`normalise_record` here for the first records (a small or incremental crawl is over
        before a worker process would have started), then in the worker processes."""
        if self.inline_left > 0:
            self.inline_left -= 1
            if self.inline_left == 0:
                self.pool = normalise_pool(self.processes)
            return normalise_record(page)
        if self.pool is not None:
            try:
                return await asyncio.get_running_loop().run_in_executor(
                    self.pool, normalise_record, page
                )
            except BrokenProcessPool:
                logger.warning(
                    "the normaliser's worker process died (%s): normalising in-process for "
                    "the rest of this crawl",
                    broken_pool_cause(self.pool),
                )
                discard_pool(self.pool)
                self.pool = None
        return normalise_record(page)

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, PageRecord):
            return item
        stats = self.crawler.stats
        assert stats is not None
        normalised = await self.normalise(item)
        for label in normalised.unmapped_labels:
            stats.inc_value(f"citywatch/unmapped_label/{label}")
        record = normalised.record
        if record.kind != "page":  # a section page rarely has a date: it is not counted
            missing = [name for name in COVERAGE_FIELDS if getattr(record, name) in (None, ())]
            record_field_coverage(stats, record.url, missing)
        if not record.title:
            stats.inc_value("citywatch/dropped/missing_title")
            logger.error(
                "extraction: no title for %s (%s); record dropped", record.url, record.stable_id
            )
            raise DropItem(f"no title: {record.url}")
        stats.inc_value(f"citywatch/records/{record.kind}")
        return record
