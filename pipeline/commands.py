"""What each CLI command does, as functions the tests call directly (the CLI only parses)."""

from __future__ import annotations

import asyncio
import csv
import json
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import IO, Any

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from scrapy.crawler import AsyncCrawlerRunner, Crawler
from sqlalchemy.orm import Session

from pipeline.addon import FULL_RECRAWL_SETTING
from pipeline.config import Config, SourceConfig
from pipeline.crawl import (
    CrawlOutcome,
    crawl_sources,
    project_settings,
    run_in_reactor,
    select_sources,
)
from pipeline.duplicates import detect_duplicates
from pipeline.export import ExportSummary, export_jsonl, export_links_jsonl
from pipeline.links.check import CheckSummary, check_links
from pipeline.links.removal import RemovalPlan, plan_removal, remove_planned
from pipeline.report import (
    build_report,
    duplicate_entry,
    duplicate_listing,
    render_duplicates_markdown,
    render_json,
    render_markdown,
)
from storage.db import make_engine, session_factory, session_scope
from storage.duplicates import DuplicateSaveResult, decide_duplicate
from storage.errors import SchemaOutOfDate
from storage.links import LinkRemoval, count_links, list_links
from storage.migrate import ensure_current, head_revision, upgrade
from storage.repositories import (
    SourceSpec,
    latest_run_ids,
    list_sources,
    run_ids_since,
    sync_sources,
)

__all__ = [
    "LINK_COLUMNS",
    "crawl_and_summarise",
    "decide_possible_duplicate",
    "initialise",
    "link_rows",
    "remove_monitored_links",
    "require_initialised",
    "run_link_check",
    "source_rows",
    "source_specs",
    "store_possible_duplicates",
    "write_duplicates",
    "write_export",
    "write_link_rows",
    "write_links_export",
    "write_report",
]


def source_specs(config: Config) -> list[SourceSpec]:
    return [
        SourceSpec(
            key=s.key, name=s.name, spider=s.spider, start_urls=s.start_urls, enabled=s.enabled
        )
        for s in config.sources
    ]


def initialise(config: Config) -> str:
    """Bring the schema to head (a no-op when it is there) and register every source."""
    upgrade(config.database_url)
    engine = make_engine(config.database_url)
    try:
        with session_scope(session_factory(engine)) as session:
            sync_sources(session, source_specs(config))
    finally:
        engine.dispose()
    return head_revision()


@contextmanager
def database_session(config: Config) -> Iterator[Session]:
    """A session on the config's initialised database, committed (or rolled back) and the
    engine disposed on the way out."""
    engine, sessions = _ready_sessions(config)
    try:
        with session_scope(sessions) as session:
            yield session
    finally:
        engine.dispose()


def _ready_sessions(config: Config) -> Any:
    """Engine and sessions of an initialised database; only `init` may create one."""
    engine = make_engine(config.database_url, create=False)
    try:
        ensure_current(engine)
    except BaseException:
        engine.dispose()
        raise
    return engine, session_factory(engine)


def require_initialised(config: Config) -> None:
    """Raise `SchemaOutOfDate` (or `DatabaseUnreachable`) unless the database is ready: one
    line for the user before any crawl starts."""
    engine, _ = _ready_sessions(config)
    engine.dispose()


def crawl_and_summarise(
    config: Config,
    config_path: str | None,
    db_url: str | None,
    keys: Sequence[str],
    log_level: str,
    console: Console,
    *,
    full: bool = False,
) -> list[CrawlOutcome]:
    sources = select_sources(config, keys)
    require_initialised(config)
    settings = project_settings(config.path if config_path else None, db_url, log_level)
    if full:
        settings.set(FULL_RECRAWL_SETTING, True, priority="cmdline")

    async def main(runner: AsyncCrawlerRunner) -> list[CrawlOutcome]:
        return await crawl_with_progress(runner, sources, console)

    outcomes = run_in_reactor(settings, main)
    found = store_possible_duplicates(config)
    if found.new_pair_ids:
        console.print(
            f"possible duplicates: {len(found.new_pair_ids)} new across sources; "
            "review them with `citywatch duplicates`",
            markup=False,
            soft_wrap=True,
        )
    return outcomes


async def crawl_with_progress(
    runner: AsyncCrawlerRunner, sources: Sequence[SourceConfig], console: Console
) -> list[CrawlOutcome]:
    """Crawl with a live line per source on stderr (pages fetched, records saved)."""
    watched: dict[str, Crawler] = {}
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as progress:
        tasks = {s.key: progress.add_task(s.key) for s in sources}

        def on_start(key: str, crawler: Crawler) -> None:
            watched[key] = crawler

        async def refresh() -> None:
            while True:
                for key, crawler in watched.items():
                    stats = crawler.stats.get_stats() if crawler.stats else {}
                    progress.update(
                        tasks[key],
                        description=(
                            f"{key}: {stats.get('downloader/response_count', 0)} pages, "
                            f"{stats.get('citywatch/records_saved', 0)} records saved"
                        ),
                    )
                await asyncio.sleep(0.5)

        ticker = asyncio.ensure_future(refresh())
        try:
            return await crawl_sources(runner, sources, on_start)
        finally:
            ticker.cancel()


def report_run_ids(session: Any, run_ids: Sequence[int], since: datetime | None) -> list[int]:
    if run_ids:
        return list(run_ids)
    if since is not None:
        return run_ids_since(session, since)
    return latest_run_ids(session)


def write_report(
    config: Config, run_ids: Sequence[int], since: datetime | None, fmt: str, out: IO[str]
) -> dict[str, Any]:
    with database_session(config) as session:
        chosen = report_run_ids(session, run_ids, since)
        # --since also opens the window of link events; without it, the runs' start does.
        report = build_report(session, chosen, datetime.now(UTC), links_since=since)
    out.write(render_json(report) if fmt == "json" else render_markdown(report))
    return report


def store_possible_duplicates(config: Config, run_id: int | None = None) -> DuplicateSaveResult:
    """Look for possible duplicates across sources in the whole database and store them.

    New pairs are events of `run_id`, or of the latest run of either record's source.
    """
    with database_session(config) as session:
        return detect_duplicates(session, datetime.now(UTC), run_id)


def write_duplicates(config: Config, status: str, fmt: str, out: IO[str]) -> dict[str, Any]:
    """Print the possible duplicates with this status ("all" for every status)."""
    with database_session(config) as session:
        chosen = None if status == "all" else status
        listing = duplicate_listing(session, chosen, datetime.now(UTC))
    out.write(render_json(listing) if fmt == "json" else render_duplicates_markdown(listing))
    return listing


def decide_possible_duplicate(config: Config, pair_id: int, decision: str) -> dict[str, Any]:
    """Confirm or reject one pair; the pair as `citywatch duplicates` shows it afterwards."""
    with database_session(config) as session:
        pair = decide_duplicate(session, pair_id, decision, datetime.now(UTC))
        return duplicate_entry(pair)


def write_export(config: Config, since: datetime | None, out: IO[str]) -> ExportSummary:
    with database_session(config) as session:
        return export_jsonl(session, since, out)


def write_links_export(config: Config, since: datetime | None, out: IO[str]) -> ExportSummary:
    """Every monitored link whose state changed at or after `since`, as JSON lines."""
    with database_session(config) as session:
        return export_links_jsonl(session, since, out)


def source_rows(config: Config) -> tuple[list[tuple[str, ...]], str | None]:
    """One row per configured source, with what the database knows of it, and why it knows
    nothing (None if it could be read).

    A database that is not initialised (or not upgraded) still lets the config be listed; one
    that cannot be opened at all raises `DatabaseUnreachable`, as for every other command.
    """
    stored: dict[str, Any] = {}
    unread: str | None = None
    try:
        with database_session(config) as session:
            stored = {s.key: s for s in list_sources(session)}
    except SchemaOutOfDate as exc:
        unread = str(exc)
    rows: list[tuple[str, ...]] = []
    for source in config.sources:
        known = stored.get(source.key)
        last = known.last_run if known else None
        rows.append(
            (
                source.key,
                "yes" if source.enabled else "no",
                source.schedule or "-",
                str(known.records_active) if known else "-",
                str(known.records_removed) if known else "-",
                last.started_at.isoformat(timespec="minutes") if last else "-",
                last.status if last else "-",
                source.start_urls[0],
            )
        )
    return rows, unread


# -- links ----------------------------------------------------------------------------------

# The columns of `citywatch links`, in every format.
LINK_COLUMNS = (
    "url",
    "class",
    "state",
    "http_status",
    "final_url",
    "suggested_url",
    "archive_url",
    "first_failed",
    "last_checked",
)


def run_link_check(
    config: Config,
    config_path: str | None,
    db_url: str | None,
    log_level: str,
    *,
    everything: bool = False,
    source_key: str | None = None,
    urls: Sequence[str] = (),
    now: datetime | None = None,
) -> tuple[CheckSummary, int]:
    """Check links (see `pipeline.links.check`); also how many monitored links are broken."""
    require_initialised(config)  # fail before the reactor starts, in one line
    settings = project_settings(config.path if config_path else None, db_url, log_level)
    summary = check_links(
        config, settings, everything=everything, source_key=source_key, urls=urls, now=now
    )
    with database_session(config) as session:
        broken = count_links(session, states=("broken",))
    return summary, broken


def link_rows(
    config: Config,
    *,
    states: Sequence[str] = (),
    classes: Sequence[str] = (),
    source_key: str | None = None,
    match: re.Pattern[str] | None = None,
) -> list[dict[str, Any]]:
    """The monitored links as `citywatch links` lists them (LINK_COLUMNS)."""
    with database_session(config) as session:
        links = list_links(
            session, states=states, classes=classes, source_key=source_key, match=match
        )
        return [
            {
                "url": link.url,
                "class": link.last_class,
                "state": link.state,
                "http_status": link.http_status,
                "final_url": link.final_url,
                "suggested_url": link.suggested_url,
                "archive_url": link.archive_url,
                "first_failed": _iso(link.first_failed),
                "last_checked": _iso(link.last_checked),
            }
            for link in links
        ]


def write_link_rows(rows: Sequence[dict[str, Any]], fmt: str, out: IO[str]) -> None:
    """The rows as JSON (a list of objects) or CSV (with a header); `citywatch links` shows the
    table itself (pipeline.terminal)."""
    if fmt == "json":
        json.dump(list(rows), out, ensure_ascii=False, indent=2)
        out.write("\n")
    elif fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=LINK_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    else:
        raise ValueError(f"a link listing is json or csv, not {fmt!r}")


def remove_monitored_links(
    config: Config,
    urls: Sequence[str],
    match: re.Pattern[str] | None,
    *,
    dry_run: bool = False,
) -> tuple[RemovalPlan, LinkRemoval | None]:
    """Stop monitoring the links named or matched (see `pipeline.links.removal`), in one
    transaction; what was removed is None for a dry run or a refused removal."""
    with database_session(config) as session:
        plan = plan_removal(session, config, urls, match)
        if dry_run or plan.refused:
            return plan, None
        return plan, remove_planned(session, plan)


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat(timespec="seconds") if moment else None
