"""One link-check run: register what is monitored, pick what is due, check it, then look for
moves and archived copies.

`check_links` runs the whole thing in its own reactor (``citywatch check-links``);
`check_links_with` runs inside one that is already going (the demo's).
"""

from __future__ import annotations

import logging
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from time import monotonic
from typing import Any
from urllib.parse import urldefrag

from scrapy.crawler import AsyncCrawlerRunner
from scrapy.settings import Settings

from crawler.links import LinkTarget
from pipeline.addon import LINK_CHECK_SPIDER
from pipeline.config import Config
from pipeline.crawl import run_in_reactor
from pipeline.links.archive import ArchiveClient
from pipeline.links.moves import find_moves
from pipeline.links.registry import register_links
from pipeline.links.states import LinkPolicy
from pipeline.links.store import NOW_SETTING
from pipeline.urls import link_url, url_problem
from storage.db import make_engine, session_factory, session_scope
from storage.links import due_links, links_to_archive, set_archive
from storage.migrate import ensure_current
from storage.models import Link

__all__ = ["CheckSummary", "check_links", "check_links_with", "targets_for"]

logger = logging.getLogger(__name__)
ARCHIVE_LOOKUPS_PER_RUN = 200


@dataclass(slots=True)
class CheckSummary:
    """What a run did, for the CLI's table and the benchmark."""

    registered: int = 0  # links new to the monitor
    links: int = 0  # link rows checked
    urls: int = 0  # distinct URLs fetched (fragments and duplicates share one check)
    requests: int = 0
    classes: Counter[str] = field(default_factory=Counter)
    events: Counter[str] = field(default_factory=Counter)
    moves_found: int = 0
    archived: int = 0
    finish_reason: str = ""
    seconds: float = 0.0

    @property
    def complete(self) -> bool:
        return self.finish_reason == "finished"


def targets_for(links: Sequence[Link]) -> list[LinkTarget]:
    """One target per URL to fetch: links differing only by a fragment share it. Validators
    are sent only for a link last seen healthy, to learn "unchanged" with a 304."""
    grouped: dict[str, list[Link]] = defaultdict(list)
    for link in links:
        grouped[urldefrag(link.url)[0]].append(link)
    targets = []
    for url, group in grouped.items():
        trusted = next((link for link in group if link.state == "healthy" and link.etag), None)
        trusted = trusted or next(
            (link for link in group if link.state == "healthy" and link.last_modified), None
        )
        targets.append(
            LinkTarget(
                url=url,
                link_ids=tuple(link.id for link in group),
                etag=trusted.etag if trusted else None,
                last_modified=trusted.last_modified if trusted else None,
                failing=all(link.state in ("failing", "broken") for link in group),
            )
        )
    return targets


def excluding(links: Sequence[Link], config: Config) -> list[Link]:
    """The links whose URL matches none of ``link_check.exclude`` (patterns the config loader
    compiled once already)."""
    patterns = [re.compile(pattern) for pattern in config.settings["link_check.exclude"]]
    return [link for link in links if not any(p.search(link.url) for p in patterns)]


def check_links(
    config: Config,
    settings: Settings,
    *,
    everything: bool = False,
    source_key: str | None = None,
    urls: Sequence[str] = (),
    now: datetime | None = None,
) -> CheckSummary:
    """Check what is due (or everything, or the given URLs) in a reactor of its own."""
    return run_in_reactor(
        settings,
        lambda runner: check_links_with(
            runner, config, everything=everything, source_key=source_key, urls=urls, now=now
        ),
    )


async def check_links_with(
    runner: AsyncCrawlerRunner,
    config: Config,
    *,
    everything: bool = False,
    source_key: str | None = None,
    urls: Sequence[str] = (),
    now: datetime | None = None,
) -> CheckSummary:
    started = monotonic()
    summary = CheckSummary()
    policy = LinkPolicy.from_settings(config.settings)
    engine = make_engine(config.database_url, create=False)
    ensure_current(engine)
    sessions = session_factory(engine)
    try:
        moment = now or datetime.now(UTC)
        with session_scope(sessions) as session:
            summary.registered = register_links(session, config, moment, urls)
            chosen = due_links(
                session,
                moment,
                everything=everything or bool(urls),
                source_key=source_key,
                # as registered: in the link store's spelling, the URLs it refused left out
                urls=[link_url(url) for url in urls if url_problem(url) is None] if urls else None,
            )
            targets = targets_for(excluding(chosen, config))
        summary.links = sum(len(t.link_ids) for t in targets)
        summary.urls = len(targets)
        if targets:
            stats = await _crawl(runner, targets, now)
            summary.requests = int(stats.get("downloader/request_count", 0))
            summary.finish_reason = str(stats.get("finish_reason", ""))
            for key, value in stats.items():
                if key.startswith("citywatch/link_class/"):
                    summary.classes[key.rsplit("/", 1)[1]] = int(value)
                elif key.startswith("citywatch/link_event/"):
                    summary.events[key.rsplit("/", 1)[1]] = int(value)
        else:
            summary.finish_reason = "finished"
        moment = now or datetime.now(UTC)
        with session_scope(sessions) as session:
            moves = find_moves(session, moment, policy)
            summary.moves_found = len(moves)
            summary.events.update(event.kind for event in moves)
        summary.archived = _suggest_archives(sessions, config, moment)
    finally:
        engine.dispose()
    summary.seconds = monotonic() - started
    return summary


async def _crawl(
    runner: AsyncCrawlerRunner, targets: list[LinkTarget], now: datetime | None
) -> dict[str, Any]:
    crawler = runner.create_crawler(LINK_CHECK_SPIDER)
    if now is not None:
        crawler.settings.set(NOW_SETTING, now.isoformat(), priority="cmdline")
    await runner.crawl(crawler, targets=targets)
    return dict(crawler.stats.get_stats()) if crawler.stats else {}


def _suggest_archives(sessions: Any, config: Config, now: datetime) -> int:
    """Store the Wayback snapshot closest before each broken or moved link was first seen.

    Lookups block, so they run after the crawl; an unreachable archive costs one attempt per
    run (the client stops asking) and the links are asked again next run."""
    endpoint = config.settings["link_check.archive_endpoint"]
    if not endpoint:
        return 0
    client = ArchiveClient(
        endpoint,
        user_agent=config.settings["crawl.user_agent"],
        max_lookups=ARCHIVE_LOOKUPS_PER_RUN,
    )
    found = 0
    with session_scope(sessions) as session:
        for link in links_to_archive(session, now):
            if not client.can_ask:
                break
            lookup = client.lookup(link.url, before=link.first_seen)
            if lookup.answered:
                set_archive(session, link, lookup.snapshot.url if lookup.snapshot else None, now)
                found += lookup.snapshot is not None
    return found
