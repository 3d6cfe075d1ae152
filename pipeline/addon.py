"""Scrapy add-on that applies citywatch.toml to every crawler.

It is the one place where config becomes Scrapy settings, so `citywatch crawl` and a bare
`scrapy crawl <source key>` from the project root crawl with the same politeness, database and
sources. Settings given on the command line (``-s``) still win: they have a higher priority than
``addon``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import make_url

from crawler.delta import KNOWN_PAGES_SETTING
from crawler.middlewares.listing_bound import MAX_LISTING_PAGES_SETTING
from pipeline.config import LINK_CHECK_SPIDER, Config, load_config
from pipeline.delta import known_pages_for

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler
    from scrapy.settings import Settings

__all__ = [
    "FULL_RECRAWL_SETTING",
    "LINK_CHECK_SPIDER",
    "CitywatchAddon",
    "link_check_settings",
    "scrapy_settings_for",
]

PRIORITY = "addon"
# Set (``citywatch crawl --full``, ``scrapy crawl -s CITYWATCH_FULL_RECRAWL=1``) to extract every
# page again, whatever its listing says.
FULL_RECRAWL_SETTING = "CITYWATCH_FULL_RECRAWL"
ITEM_PIPELINES = {
    "pipeline.normalise.NormalisePipeline": 300,
    "pipeline.store.StorePipeline": 800,
}


class CitywatchAddon:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def update_settings(self, settings: Settings) -> None:
        config = load_config(
            settings.get("CITYWATCH_CONFIG") or None,
            db_url=settings.get("CITYWATCH_DB_URL") or None,
        )
        spidercls = self.crawler.spidercls
        name = getattr(spidercls, "name", "")
        derived = scrapy_settings_for(config, name)
        source = next((s for s in config.sources if s.spider == name), None)
        spider_fields = getattr(spidercls, "required_fields", None)
        if spider_fields and source and "required_fields" not in source.overrides:
            # What a record of this platform always has (a cited PDF has no body): the
            # spider knows; a source's own setting still wins.
            derived["CITYWATCH_ALARMS"]["required_fields"] = list(spider_fields)
        incremental = source and config.source_setting(source, "crawl.incremental")
        if source and incremental and not settings.getbool(FULL_RECRAWL_SETTING):
            derived[KNOWN_PAGES_SETTING] = known_pages_for(
                config.database_url,
                source.key,
                config.source_setting(source, "crawl.recheck_pages"),
            )
        for key, value in derived.items():
            if key == "ITEM_PIPELINES":
                for path, order in value.items():
                    settings["ITEM_PIPELINES"][path] = order
            else:
                settings.set(key, value, priority=PRIORITY)


def http_cache_dir(config: Config) -> str:
    """The configured cache folder, else one beside the SQLite file, else ./.citywatch."""
    if config.settings["crawl.http_cache_dir"]:
        return str(Path(config.settings["crawl.http_cache_dir"]).resolve())
    url = make_url(config.database_url)
    if url.drivername.startswith("sqlite") and url.database not in (None, "", ":memory:"):
        return str(Path(str(url.database)).resolve().parent / "httpcache")
    return str(Path(".citywatch", "httpcache").resolve())


def link_check_settings(config: Config) -> dict[str, Any]:
    """What the link-check spider runs with: ``[link_check]`` politeness, no cache ever."""
    settings = config.settings
    return {
        "CONCURRENT_REQUESTS": settings["link_check.concurrency"],
        "CONCURRENT_REQUESTS_PER_DOMAIN": settings["link_check.concurrency_per_host"],
        "DOWNLOAD_DELAY": settings["link_check.download_delay"],
        "DOWNLOAD_TIMEOUT": settings["link_check.timeout"],
        "HTTPCACHE_ENABLED": False,
        # Its requests are the monitored links, each with bounded redirects and retries.
        "CLOSESPIDER_PAGECOUNT": 0,
        "CLOSESPIDER_ITEMCOUNT": 0,
        "ROBOTSTXT_OBEY": False,  # the spider reads robots.txt itself, to report refusals
        "CITYWATCH_LINK_CHECK": {
            "obey_robots": settings["link_check.obey_robots"],
            "probe_soft_404": settings["link_check.probe_soft_404"],
            "max_redirects": settings["link_check.max_redirects"],
            "retry_times": settings["link_check.retry_times"],
            "max_retry_after": settings["link_check.max_retry_after"],
            "max_body_bytes": settings["link_check.max_body_bytes"],
        },
        "CITYWATCH_LINK_POLICY": {
            name: value for name, value in settings.items() if name.startswith("link_check.")
        },
        "ITEM_PIPELINES": {"pipeline.links.store.LinkCheckPipeline": 800},
    }


def scrapy_settings_for(config: Config, spider_name: str) -> dict[str, Any]:
    """Scrapy settings for one crawler: global politeness, then the source's own overrides."""
    source = next((s for s in config.sources if s.spider == spider_name), None)

    def value(name: str) -> Any:
        return config.source_setting(source, name) if source else config.settings[name]

    settings: dict[str, Any] = {
        "USER_AGENT": value("crawl.user_agent"),
        "CONCURRENT_REQUESTS_PER_DOMAIN": value("crawl.concurrency_per_host"),
        "DOWNLOAD_DELAY": value("crawl.download_delay"),
        "ROBOTSTXT_OBEY": value("crawl.obey_robots"),
        "DOWNLOAD_TIMEOUT": value("crawl.timeout"),
        "RETRY_TIMES": value("crawl.retry_times"),
        "CLOSESPIDER_PAGECOUNT": value("crawl.max_pages"),
        "CLOSESPIDER_ITEMCOUNT": value("crawl.max_records"),
        MAX_LISTING_PAGES_SETTING: value("crawl.max_listing_pages"),
        "DOWNLOAD_MAXSIZE": config.settings["crawl.max_response_bytes"],
        "CITYWATCH_ALLOW_PRIVATE_NETWORKS": config.settings["crawl.allow_private_networks"],
        "HTTPCACHE_ENABLED": value("crawl.http_cache"),
        "HTTPCACHE_DIR": http_cache_dir(config),
        "HTTPCACHE_POLICY": "crawler.httpcache.RevalidatingPolicy",
        "CITYWATCH_DATABASE_URL": config.database_url,
        "CITYWATCH_BATCH_SIZE": config.settings["changes.batch_size"],
        "CITYWATCH_NORMALISE_PROCESSES": config.settings["crawl.normalise_processes"],
        "CITYWATCH_MISSED_RUNS_BEFORE_REMOVAL": config.settings[
            "changes.missed_runs_before_removal"
        ],
        "CITYWATCH_ALARMS": {
            name: value(f"alarms.{name}")
            for name in (
                "required_fields",
                "min_field_coverage",
                "max_record_drop",
                "max_http_error_rate",
                "max_malformed_share",
            )
        },
    }
    if spider_name == LINK_CHECK_SPIDER:
        settings.update(link_check_settings(config))
    if source is not None:
        settings["CITYWATCH_SOURCE"] = {
            "key": source.key,
            "name": source.name,
            "spider": source.spider,
            "start_urls": list(source.start_urls),
            "enabled": source.enabled,
            "options": dict(source.options),
        }
        settings["ITEM_PIPELINES"] = dict(ITEM_PIPELINES)
    return settings
