"""``scrapy crawl SOURCE``, with the outcome and exit code of ``citywatch crawl --source SOURCE``.

Scrapy's own command exits 1 only when a crawler could not start, and a crawler that cannot open
an uninitialised database fails inside a task ("Task exception was never retrieved") after the
add-on has already created an empty SQLite file. citywatch decides instead: a spider that crawls
no source of the config (an unknown name, one the config does not use, the link checker that
`citywatch check-links` runs), a config or a database that is not ready, is one line and exit 2
before anything starts (or is created), and a run that failed or did not complete exits 1, as
`citywatch crawl` does.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from scrapy.commands.crawl import Command as ScrapyCrawlCommand

from pipeline.cli_support import EXIT_RUN_FAILED, EXIT_USAGE
from pipeline.config import LINK_CHECK_SPIDER, ConfigError, load_config
from pipeline.terminal import printable
from storage.errors import StorageError

if TYPE_CHECKING:
    import argparse

    from scrapy.settings import Settings

__all__ = ["Command", "check_source_spider"]


def check_source_spider(settings: Settings, spider_name: str) -> None:
    """`ConfigError` unless the spider crawls a source of the config; `StorageError` unless
    the database it writes to is initialised."""
    from pipeline.commands import require_initialised
    from pipeline.crawl import spider_names

    config = load_config(
        settings.get("CITYWATCH_CONFIG") or None, db_url=settings.get("CITYWATCH_DB_URL") or None
    )
    if spider_name == LINK_CHECK_SPIDER:
        raise ConfigError(
            f"{spider_name!r} is citywatch's link checker, not a source: "
            "`citywatch check-links` runs it"
        )
    existing = spider_names()
    crawlable = sorted({s.spider for s in config.sources if s.spider in existing})
    known = f"(the sources' spiders: {', '.join(crawlable) or 'none'})"
    if spider_name not in existing:
        raise ConfigError(f"no spider named {spider_name!r} {known}")
    if spider_name not in crawlable:
        raise ConfigError(f"{config.path}: no source is crawled by spider {spider_name!r} {known}")
    require_initialised(config)


class Command(ScrapyCrawlCommand):
    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        if len(args) != 1 or self.settings is None:
            return  # Scrapy's own usage error follows in run()
        # Before the crawler process exists: it logs, and its crawlers open the database.
        try:
            check_source_spider(self.settings, args[0])
        except (ConfigError, StorageError) as exc:
            message = printable(" ".join(str(exc).split()))  # one line, plain text
            print(f"scrapy crawl: error: {message}", file=sys.stderr)
            sys.exit(EXIT_USAGE)

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1 or self.crawler_process is None:
            super().run(args, opts)
            return
        crawler = self._create_crawler(args[0])
        self.crawler_process.crawl(crawler, **opts.spargs)
        self.crawler_process.start()
        status = crawler.stats.get_value("citywatch/run_status") if crawler.stats else None
        if self.crawler_process.bootstrap_failed or status != "finished":
            self.exitcode = EXIT_RUN_FAILED
