"""Run the crawls of a `citywatch crawl` (or of the demo) inside one Twisted reactor.

A reactor starts once per process, so everything that crawls in a process (one source, all
sources, or the demo's three rounds) goes through `run_in_reactor` with one coroutine.
"""

from __future__ import annotations

import asyncio
import logging
import pkgutil
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from scrapy.crawler import AsyncCrawlerRunner, Crawler
from scrapy.settings import Settings
from scrapy.utils.defer import deferred_from_coro
from scrapy.utils.log import configure_logging
from scrapy.utils.ossignal import install_shutdown_handlers
from scrapy.utils.reactor import install_reactor

import crawler.spiders
from pipeline.config import INTERNAL_SPIDERS, Config, ConfigError, SourceConfig

__all__ = [
    "CrawlOutcome",
    "crawl_sources",
    "project_settings",
    "run_in_reactor",
    "select_sources",
    "spider_names",
]

logger = logging.getLogger(__name__)
T = TypeVar("T")
_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"


@dataclass(frozen=True, slots=True)
class CrawlOutcome:
    source_key: str
    run_id: int | None
    status: str  # finished, partial, failed (see pipeline.store.run_status)
    reason: str
    stats: dict[str, Any]

    @property
    def ok(self) -> bool:
        return self.status == "finished"

    @property
    def alarms(self) -> list[str]:
        return list(self.stats.get("citywatch/alarms", []))


def spider_names() -> set[str]:
    """Spiders of the project: one module per spider, named like its source key."""
    return {m.name for m in pkgutil.iter_modules(crawler.spiders.__path__)}


def select_sources(config: Config, keys: Sequence[str] = ()) -> list[SourceConfig]:
    """The sources to crawl: those named (even if disabled), else every enabled one."""
    sources = (
        [config.source(key) for key in keys] if keys else [s for s in config.sources if s.enabled]
    )
    known = spider_names() - INTERNAL_SPIDERS  # the link checker crawls no source
    for source in sources:
        if source.spider not in known:
            raise ConfigError(
                f"{config.path}: sources.{source.key}.spider: no spider named {source.spider!r}"
                f" (known: {', '.join(sorted(known))})"
            )
    return sources


def project_settings(config_path: str | None, db_url: str | None, log_level: str) -> Settings:
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.set("LOG_LEVEL", log_level, priority="cmdline")
    if config_path:
        settings.set("CITYWATCH_CONFIG", config_path, priority="cmdline")
    if db_url:
        settings.set("CITYWATCH_DB_URL", db_url, priority="cmdline")
    return settings


async def crawl_sources(
    runner: AsyncCrawlerRunner,
    sources: Sequence[SourceConfig],
    on_start: Callable[[str, Crawler], None] | None = None,
) -> list[CrawlOutcome]:
    """Crawl the sources at once (each is its own host, with its own politeness)."""
    crawlers = [(s.key, runner.create_crawler(s.spider)) for s in sources]
    for key, each in crawlers:
        if on_start:
            on_start(key, each)
    results = await asyncio.gather(
        *(runner.crawl(each) for _, each in crawlers), return_exceptions=True
    )
    outcomes = []
    for (key, each), result in zip(crawlers, results, strict=True):
        stats = _stats_of(each)
        if isinstance(result, BaseException):
            logger.error("crawl of %s crashed: %s", key, result, exc_info=result)
            outcomes.append(
                CrawlOutcome(
                    key, stats.get("citywatch/run_id"), "failed", f"crashed: {result}", stats
                )
            )
            continue
        outcomes.append(
            CrawlOutcome(
                source_key=key,
                run_id=stats.get("citywatch/run_id"),
                status=str(stats.get("citywatch/run_status", "failed")),
                reason=str(stats.get("finish_reason", "unknown")),
                stats=stats,
            )
        )
    return outcomes


def run_in_reactor(settings: Settings, main: Callable[[AsyncCrawlerRunner], Awaitable[T]]) -> T:
    """Start the asyncio reactor, run ``main(runner)``, stop, and return its result."""
    install_reactor(_REACTOR)
    from twisted.internet import reactor as installed

    reactor: Any = installed  # the module attribute is replaced by the installed reactor

    settings.set("LOG_INSTALL_ROOT_HANDLER", True, priority="cmdline")
    configure_logging(settings)
    runner = AsyncCrawlerRunner(settings)
    outcome: dict[str, Any] = {}

    async def wrapper() -> None:
        try:
            outcome["value"] = await main(runner)
        except BaseException as exc:  # re-raised below, outside the reactor
            outcome["error"] = exc
        finally:
            reactor.stop()

    def stop_gracefully(signum: int, _frame: Any) -> None:
        # First signal: let every crawl close ("shutdown": a partial run, nothing removed).
        # Second signal: stop now; the next run marks the unfinished runs aborted.
        logger.warning("signal %s: stopping the crawls (again to force)", signum)
        install_shutdown_handlers(lambda *_: reactor.callFromThread(reactor.stop))
        reactor.callFromThread(lambda: deferred_from_coro(runner.stop()))

    install_shutdown_handlers(stop_gracefully)
    reactor.callWhenRunning(lambda: deferred_from_coro(wrapper()))
    reactor.run(installSignalHandlers=False)
    if "error" in outcome:
        raise outcome["error"]
    if "value" not in outcome:
        raise KeyboardInterrupt  # the reactor was stopped by a signal
    return outcome["value"]  # type: ignore[no-any-return]


def _stats_of(crawler: Crawler) -> dict[str, Any]:
    """A crawler's stats; empty when it crashed before its stats existed."""
    try:
        return dict(crawler.stats.get_stats()) if crawler.stats else {}
    except RuntimeError:
        return {}
