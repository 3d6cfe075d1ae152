"""Scrapy item pipeline of the link checker: classify each observation and store it.

Checks are written in batches, each in its own transaction: a killed run keeps every committed
batch, and the links it had not reached stay due, so the next run checks them.
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from scrapy.exceptions import NotConfigured
from sqlalchemy import select

from crawler.links import LinkObservation
from pipeline.links.classify import classify
from pipeline.links.outcomes import record_outcome
from pipeline.links.states import LinkPolicy
from storage.db import make_engine, session_factory, session_scope
from storage.migrate import ensure_current
from storage.models import Link

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler

__all__ = ["NOW_SETTING", "POLICY_SETTING", "LinkCheckPipeline"]

logger = logging.getLogger(__name__)
# `[link_check]` settings by dotted name, for the state policy (hysteresis, schedule, drift).
POLICY_SETTING = "CITYWATCH_LINK_POLICY"
# ISO time the run's state changes are dated at; unset: the time of each check. Tests drive
# the hysteresis with it; `citywatch check-links` leaves it unset.
NOW_SETTING = "CITYWATCH_LINK_CHECK_NOW"


class LinkCheckPipeline:
    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        if not settings.get("CITYWATCH_DATABASE_URL"):
            raise NotConfigured("no CITYWATCH_DATABASE_URL")
        self.crawler = crawler
        self.policy = LinkPolicy.from_settings(settings.getdict(POLICY_SETTING))
        self.max_redirects = int(settings.getdict("CITYWATCH_LINK_CHECK").get("max_redirects", 10))
        fixed_now = settings.get(NOW_SETTING)
        self.now = datetime.fromisoformat(fixed_now) if fixed_now else None
        self.batch_size = settings.getint("CITYWATCH_BATCH_SIZE", 100)
        self.engine = make_engine(settings["CITYWATCH_DATABASE_URL"], create=False)
        ensure_current(self.engine)
        self.sessions = session_factory(self.engine)
        self.pending: list[LinkObservation] = []
        self.classes: Counter[str] = Counter()
        self.events: Counter[str] = Counter()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if isinstance(item, LinkObservation):
            self.pending.append(item)
            if len(self.pending) >= self.batch_size:
                self.flush()
        return item

    def close_spider(self) -> None:
        try:
            self.flush()
        finally:
            stats = self.crawler.stats
            if stats:
                for name, count in self.classes.items():
                    stats.set_value(f"citywatch/link_class/{name}", count)
                for name, count in self.events.items():
                    stats.set_value(f"citywatch/link_event/{name}", count)
            self.engine.dispose()

    def flush(self) -> None:
        """Classify and store the pending observations in one transaction."""
        batch, self.pending = self.pending, []
        if not batch:
            return
        ids = {link_id for observation in batch for link_id in observation.link_ids}
        with session_scope(self.sessions) as session:
            links = {
                link.id: link for link in session.scalars(select(Link).where(Link.id.in_(ids)))
            }
            for observation in batch:
                verdict = classify(observation, max_redirects=self.max_redirects)
                now = self.now or observation.checked_at.astimezone(UTC)
                for link_id in observation.link_ids:
                    link = links.get(link_id)
                    if link is None:  # removed from the database while we checked it
                        continue
                    self.classes[verdict.link_class] += 1
                    for event in record_outcome(
                        session, link, verdict, observation, self.policy, now
                    ):
                        self.events[event.kind] += 1
