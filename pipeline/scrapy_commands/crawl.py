"""``scrapy crawl SOURCE``, with the outcome and exit code of ``citywatch crawl --source SOURCE``.

Scrapy's own command exits 1 only when a crawler could not start, and a crawler that cannot open
an uninitialised database fails inside a task ("Task exception was never retrieved") after the
add-on has already created an empty SQLite file. citywatch decides instead: a config or database
that is not ready is one line and exit 2 before anything starts (or is created), and a run that
failed or did not complete exits 1, as `citywatch crawl` does.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from scrapy.commands.crawl import Command as ScrapyCrawlCommand

from pipeline.cli_support import EXIT_RUN_FAILED, EXIT_USAGE
from pipeline.config import LINK_CHECK_SPIDER, ConfigError, load_config
from storage.errors import StorageError

if TYPE_CHECKING:
    import argparse

    from scrapy.settings import Settings

__all__ = ["Command", "is_source_spider"]


def is_source_spider(settings: Settings, spider_name: str) -> bool:
    """Whether the spider crawls a configured source (into the database), after checking that
    the config loads and, if the spider writes to it, that the database is initialised."""
    from pipeline.commands import require_initialised

    config = load_config(
        settings.get("CITYWATCH_CONFIG") or None, db_url=settings.get("CITYWATCH_DB_URL") or None
    )
    is_source = any(source.spider == spider_name for source in config.sources)
    if is_source or spider_name == LINK_CHECK_SPIDER:
        require_initialised(config)
    return is_source


class Command(ScrapyCrawlCommand):
    is_source = False

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        if len(args) != 1 or self.settings is None:
            return  # Scrapy's own usage error follows in run()
        # Before the crawler process exists: it logs, and its crawlers open the database.
        try:
            self.is_source = is_source_spider(self.settings, args[0])
        except (ConfigError, StorageError) as exc:
            message = " ".join(str(exc).split())
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
        if self.crawler_process.bootstrap_failed or (self.is_source and status != "finished"):
            self.exitcode = EXIT_RUN_FAILED
