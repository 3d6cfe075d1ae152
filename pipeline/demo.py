"""`citywatch demo`: the whole job offline, against replica sites served on 127.0.0.1.

Three crawls: a baseline, then (after the replica switches to its second state: one post added,
one edited, one removed) two more, because a record is only marked removed after it was missing
from two complete crawls. The change report covers the two later crawls.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from scrapy.crawler import AsyncCrawlerRunner

from pipeline.commands import crawl_with_progress, initialise, write_report
from pipeline.config import Config, load_config
from pipeline.crawl import CrawlOutcome, project_settings, run_in_reactor, select_sources
from pipeline.replicas.server import SITES, ReplicaServer, SiteOptions

__all__ = ["DemoResult", "demo_config_text", "run_demo"]

DEMO_SOURCES = ("mercociudades_covid",)
_START_PATHS = {"mercociudades_covid": "/covid-19/"}


@dataclass(frozen=True, slots=True)
class DemoResult:
    database_path: Path
    report_path: Path
    report_text: str
    rounds: list[list[CrawlOutcome]]

    @property
    def ok(self) -> bool:
        return all(o.ok for outcomes in self.rounds for o in outcomes)


def demo_config_text(base_urls: dict[str, str], database_path: Path) -> str:
    """A config pointing every demo source at its replica: only URLs differ from production."""
    lines = [
        "# Written by `citywatch demo`: the sources point at replica sites on 127.0.0.1.",
        "[database]",
        f'url = "sqlite:///{database_path.as_posix()}"',
        "",
        "[crawl]",
        "allow_private_networks = true  # the replicas live on loopback",
        "download_delay = 0.0",
        "concurrency_per_host = 8",
        "timeout = 10.0",
        "",
    ]
    for key, base in base_urls.items():
        url = base + _START_PATHS[key]
        lines += [
            "[[sources]]",
            f'key = "{key}"',
            f'name = "{key} (replica)"',
            f'start_urls = ["{url}"]',
            "",
            "[[links]]",
            f'url = "{url}"',
            'cited_in = "demo"',
            "",
        ]
    return "\n".join(lines)


def run_demo(workdir: Path, *, size: int, log_level: str, console: Console) -> DemoResult:
    workdir = workdir.resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    database_path = workdir / "citywatch.db"
    for stale in workdir.glob("citywatch.db*"):
        stale.unlink()  # a demo always starts from an empty catalogue
    shutil.rmtree(workdir / "httpcache", ignore_errors=True)
    servers = {key: ReplicaServer(SITES[key](SiteOptions(size=size))) for key in DEMO_SOURCES}
    try:
        config_path = workdir / "citywatch.toml"
        config_path.write_text(
            demo_config_text(
                {key: server.base_url for key, server in servers.items()}, database_path
            ),
            "utf-8",
        )
        config = load_config(str(config_path))
        initialise(config)
        console.print(f"replicas: {', '.join(s.base_url for s in servers.values())}")
        rounds = run_in_reactor(
            project_settings(str(config_path), None, log_level),
            lambda runner: _three_rounds(runner, config, servers, console),
        )
    finally:
        for server in servers.values():
            server.stop()
    report_path = workdir / "report.md"
    later_runs = [o.run_id for outcomes in rounds[1:] for o in outcomes if o.run_id]
    with report_path.open("w", encoding="utf-8") as out:
        write_report(config, later_runs, None, "md", out)
    return DemoResult(database_path, report_path, report_path.read_text("utf-8"), rounds)


async def _three_rounds(
    runner: AsyncCrawlerRunner,
    config: Config,
    servers: dict[str, ReplicaServer],
    console: Console,
) -> list[list[CrawlOutcome]]:
    sources = select_sources(config)
    rounds = []
    for number in (1, 2, 3):
        if number == 2:
            for server in servers.values():
                server.set_state(2)
            console.print("replicas switched to state 2: one post added, one edited, one removed")
        outcomes = await crawl_with_progress(runner, sources, console)
        for outcome in outcomes:
            console.print(
                f"crawl {number}: {outcome.source_key} run {outcome.run_id}: "
                f"{outcome.status}, {outcome.stats.get('citywatch/records_saved', 0)} "
                f"records"
            )
        rounds.append(outcomes)
        if any(o.reason == "shutdown" for o in outcomes):
            break  # interrupted: report what was done
    return rounds
