"""Scrapy item pipeline that writes normalised records to the database, run by run.

Records are written in batches, each in its own transaction, so a killed crawl leaves every
committed batch in place and the next run (which marks the dead run ``aborted``) completes the
rest. Removals are decided only when the crawl closes, and only for a complete crawl: see
`run_status`.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from scrapy import Spider, signals
from scrapy.exceptions import NotConfigured

from crawler.items import PageSeen
from pipeline.alarms import AlarmThresholds, evaluate_alarms
from storage.db import make_engine, session_factory, session_scope
from storage.migrate import ensure_current
from storage.records import RecordData
from storage.repositories import (
    SourceSpec,
    add_run_event,
    finish_run,
    last_finished_run,
    mark_seen,
    save_records,
    start_run,
    sync_sources,
)

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler

__all__ = ["StorePipeline", "run_status"]

logger = logging.getLogger(__name__)
# Records whose page was not parsed again: its listing entry, or a 304, showed no change.
SEEN_UNCHANGED = "citywatch/records_seen_unchanged"


def run_status(reason: str, stats: dict[str, Any], write_failures: int) -> str:
    """``finished`` only for a crawl that saw its whole listing; removals need that."""
    if not stats.get("citywatch/records_saved") and not stats.get(SEEN_UNCHANGED):
        return "failed"
    incomplete = (
        reason != "finished"
        or write_failures
        or stats.get("citywatch/listing_failures")
        or stats.get("citywatch/detail_failures")
        or any(key.startswith("spider_exceptions/") for key in stats)
    )
    return "partial" if incomplete else "finished"


class StorePipeline:
    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        self.source: dict[str, Any] = settings.getdict("CITYWATCH_SOURCE")
        if not self.source:
            raise NotConfigured("no CITYWATCH_SOURCE for this spider")
        self.crawler = crawler
        self.batch_size = settings.getint("CITYWATCH_BATCH_SIZE", 100)
        self.missed_runs = settings.getint("CITYWATCH_MISSED_RUNS_BEFORE_REMOVAL", 2)
        alarm_settings = settings.getdict("CITYWATCH_ALARMS")
        self.thresholds = AlarmThresholds(
            required_fields=tuple(alarm_settings.get("required_fields", ("title",))),
            min_field_coverage=float(alarm_settings.get("min_field_coverage", 0.9)),
            max_record_drop=float(alarm_settings.get("max_record_drop", 0.3)),
            max_http_error_rate=float(alarm_settings.get("max_http_error_rate", 0.1)),
            max_malformed_share=float(alarm_settings.get("max_malformed_share", 0.0)),
        )
        self.engine = make_engine(settings["CITYWATCH_DATABASE_URL"], create=False)
        ensure_current(self.engine)
        self.sessions = session_factory(self.engine)
        self.pending: dict[str, RecordData] = {}
        self.pending_seen: set[str] = set()
        self.counted_seen: set[str] = set()  # a page two listings name is counted once
        self.write_failures = 0
        self.run_id: int | None = None
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    @property
    def stats(self) -> Any:
        return self.crawler.stats

    def open_spider(self) -> None:
        source = self.source
        with session_scope(self.sessions) as session:
            sync_sources(
                session,
                [
                    SourceSpec(
                        key=source["key"],
                        name=source["name"],
                        spider=source["spider"],
                        start_urls=tuple(source["start_urls"]),
                        enabled=bool(source["enabled"]),
                    )
                ],
            )
            self.run_id = start_run(session, source["key"], _now())
        self.stats.set_value("citywatch/run_id", self.run_id)

    def process_item(self, item: Any) -> Any:
        if isinstance(item, RecordData):
            self.pending[item.stable_id] = item
        elif isinstance(item, PageSeen):
            self.pending_seen.add(item.stable_id)
        if len(self.pending) + len(self.pending_seen) >= self.batch_size:
            self.flush()
        return item

    def flush(self) -> None:
        self.flush_seen()
        if not self.pending or self.run_id is None:
            return
        batch = list(self.pending.values())
        self.pending.clear()
        try:
            with session_scope(self.sessions) as session:
                result = save_records(session, self.run_id, batch, _now())
        except Exception:
            self.write_failures += 1
            self.stats.inc_value("citywatch/write_failures")
            logger.exception("could not save %d records of run %s", len(batch), self.run_id)
            return
        self.stats.inc_value("citywatch/records_saved", len(batch))
        for name in ("new", "updated", "unchanged", "reappeared"):
            self.stats.inc_value(f"citywatch/records_{name}", getattr(result, name))

    def flush_seen(self) -> None:
        # A record extracted in this run wins over "seen" (both can come from two listings).
        seen = sorted(self.pending_seen - self.pending.keys() - self.counted_seen)
        self.pending_seen.clear()
        if not seen or self.run_id is None:
            return
        try:
            with session_scope(self.sessions) as session:
                matched = mark_seen(session, self.run_id, seen, _now())
        except Exception:
            self.write_failures += 1
            self.stats.inc_value("citywatch/write_failures")
            logger.exception("could not mark %d records of run %s seen", len(seen), self.run_id)
            return
        self.counted_seen.update(seen)
        self.stats.inc_value(SEEN_UNCHANGED, matched)
        if matched < len(seen):  # removed meanwhile: the next full extraction brings it back
            self.stats.inc_value("citywatch/seen_unknown", len(seen) - matched)

    def close_spider(self) -> None:
        self.flush()

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.run_id is None:
            return
        stats = self.stats.get_stats()
        status = run_status(reason, stats, self.write_failures)
        with session_scope(self.sessions) as session:
            previous = last_finished_run(session, self.source["key"], self.run_id)
            alarms = evaluate_alarms(
                stats, reason, previous.records_seen if previous else None, self.thresholds
            )
            for alarm in alarms:
                add_run_event(session, self.run_id, "extraction_alarm", alarm.detail(), _now())
                logger.error(
                    "extraction alarm for %s: %s: %s", self.source["key"], alarm.kind, alarm.message
                )
            if alarms and status == "finished":
                status = "partial"  # a run that looks broken must not remove records
            result = finish_run(
                session, self.run_id, status, reason, _json_ready(stats), self.missed_runs, _now()
            )
        self.stats.set_value("citywatch/run_status", status)
        self.stats.set_value("citywatch/alarms", [a.kind for a in alarms])
        self.stats.set_value("citywatch/records_removed", result.records_removed)
        log = logger.info if status == "finished" else logger.error
        log("run %s of %s: %s (%s)", self.run_id, self.source["key"], status, reason)
        self.engine.dispose()


def _now() -> datetime:
    return datetime.now(UTC)


def _json_ready(stats: dict[str, Any]) -> dict[str, Any]:
    return {
        k: v.isoformat() if isinstance(v, datetime) else v
        for k, v in stats.items()
        if isinstance(v, str | int | float | bool | datetime | type(None))
    }
