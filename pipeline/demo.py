"""`citywatch demo`: the whole job offline, against replica sites served on 127.0.0.1.

Every platform and the bibliography, each on its own replica. Three crawls: a baseline, then
(after the replicas switch to their second state: one record added, one edited, one removed on
each; on the bibliography one document edited, one gone) two more, because a record is only
marked removed after it was missing from two complete crawls. The change report covers the two
later crawls. Every monitored link (the start URLs, every record's page and resources) is
checked after the first and the last crawl, so the report shows the removed pages failing.

The demo starts from an empty catalogue: it replaces the database, config, reports and HTTP
cache in its folder. So it runs only in a new or empty folder, or in one it created before (it
leaves a `DEMO_MARKER` file there), and refuses any other unless forced: a user's own
``citywatch.toml`` and ``citywatch.db`` are never overwritten by surprise. Forced or not, each
of those files must be a regular file (or absent) and the cache a real folder, checked before
anything is written: a symbolic link would take the demo's writes or deletions elsewhere.
"""

from __future__ import annotations

import shlex
import shutil
import stat
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from scrapy.crawler import AsyncCrawlerRunner

from pipeline.commands import (
    crawl_with_progress,
    initialise,
    store_possible_duplicates,
    write_report,
)
from pipeline.config import Config, ConfigError, load_config
from pipeline.crawl import CrawlOutcome, project_settings, run_in_reactor, select_sources
from pipeline.links.check import check_links_with
from pipeline.output_file import OutputError, atomic_output, check_output_path, file_kind
from pipeline.replicas.bibliography import CITED_PATHS
from pipeline.replicas.server import SITES, ReplicaServer, SiteOptions
from pipeline.terminal import counted

__all__ = [
    "DEMO_MARKER",
    "DemoResult",
    "claim_folder",
    "demo_config_text",
    "next_commands",
    "run_demo",
]

# Left in the demo's folder: the folder is the demo's to empty again.
DEMO_MARKER = ".citywatch-demo"
# What the demo writes or deletes in its folder, and nothing else: the database (with the
# files SQLite keeps beside it: a journal left over would be replayed into the new one), the
# config, the reports, and the HTTP cache folder.
DEMO_DATABASE = "citywatch.db"
DEMO_FILES = (
    "citywatch.toml",
    DEMO_DATABASE,
    *(f"{DEMO_DATABASE}-{suffix}" for suffix in ("wal", "shm", "journal")),
    "report.md",
    "report.json",
)
DEMO_CACHE = "httpcache"

# Each source's start URLs on its replica: the paths of the URLs as cited (the IDB one moved, so
# the site root is given too, as the default config does).
START_PATHS: dict[str, tuple[str, ...]] = {
    "mercociudades_covid": ("/covid-19/",),
    "cities_for_global_health": ("/",),
    "beyond_the_outbreak": ("/es/home-spanish",),
    "bank_of_best_practices": ("/practicas",),
    "idb_cities_network": (
        "/es/desarrollo-urbano-y-vivienda/red-de-ciudades-bid",
        "/es",
    ),
    "bibliography": CITED_PATHS,
}
DEMO_SOURCES = tuple(START_PATHS)


@dataclass(frozen=True, slots=True)
class DemoResult:
    config_path: Path
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
        "[link_check]",
        "download_delay = 0.0",
        "concurrency_per_host = 8",
        "timeout = 5.0",
        'archive_endpoint = ""  # offline: no Wayback lookups',
        "# offline: the replicas' links to the real web (city sites, videos) are not checked",
        'exclude = ["^https?://(?!127\\\\.0\\\\.0\\\\.1[:/])"]',
        "",
    ]
    for key, base in base_urls.items():
        urls = [base + path for path in START_PATHS[key]]
        lines += [
            "[[sources]]",
            f'key = "{key}"',
            f'name = "{key} (replica)"',
            "start_urls = [" + ", ".join(f'"{url}"' for url in urls) + "]",
            "",
        ]
        lines += [line for url in urls for line in ("[[links]]", f'url = "{url}"', "")]
    return "\n".join(lines)


def claim_folder(workdir: Path, *, force: bool = False) -> None:
    """Make ``workdir`` the demo's folder, or raise `ConfigError` touching nothing: it must be
    new, empty, or marked by an earlier demo (``force`` takes any folder), and what the demo
    replaces there must be its own kind of thing (even with ``force``): a regular file, the
    cache a real folder. A symbolic link would send the demo's writes, or its deletions,
    elsewhere; a device or a pipe is no place for them."""
    if workdir.exists() and not workdir.is_dir():
        raise ConfigError(f"{workdir}: not a folder")
    ours = _is_regular_file(workdir / DEMO_MARKER)
    if workdir.is_dir() and not ours and not force and any(workdir.iterdir()):
        raise ConfigError(
            f"{workdir}: folder is not empty and was not made by `citywatch demo`, which would "
            "replace its citywatch.toml and citywatch.db: give a new or empty folder, "
            "or --force"
        )
    if workdir.is_dir():
        _check_replaceable(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    with atomic_output(str(workdir / DEMO_MARKER)) as out:
        out.write(
            "Made by `citywatch demo`, which empties this folder's database when run here again.\n"
        )


def _is_regular_file(path: Path) -> bool:
    try:
        return stat.S_ISREG(path.lstat().st_mode)
    except FileNotFoundError:
        return False


def _check_replaceable(workdir: Path) -> None:
    """`ConfigError` unless each file the demo writes or deletes is a regular file or absent,
    and its cache a real folder or absent."""
    instead = "the demo replaces it, even with --force: remove it, or give another --dir"
    for name in (DEMO_MARKER, *DEMO_FILES):
        try:
            check_output_path(str(workdir / name), instead=instead)
        except OutputError as error:
            raise ConfigError(str(error)) from None
    cache = workdir / DEMO_CACHE
    try:
        mode = cache.lstat().st_mode
    except FileNotFoundError:
        return
    if not stat.S_ISDIR(mode):
        raise ConfigError(
            f"{cache}: is {file_kind(mode)}: the demo empties this folder, even with --force: "
            "remove it, or give another --dir"
        )


def next_commands(config_path: Path) -> list[str]:
    """The commands that read the demo's database afterwards."""
    config = f"citywatch --config {shlex.quote(str(config_path))}"
    return [
        f"{config} sources",
        f"{config} report",
        f"{config} links",
        f"{config} export -o catalogue.jsonl",
    ]


def run_demo(
    workdir: Path, *, size: int, log_level: str, console: Console, force: bool = False
) -> DemoResult:
    workdir = workdir.resolve()
    claim_folder(workdir, force=force)
    database_path = workdir / DEMO_DATABASE
    config_path = workdir / "citywatch.toml"
    for name in DEMO_FILES:
        if name.startswith(DEMO_DATABASE):
            (workdir / name).unlink(missing_ok=True)  # a demo starts from an empty catalogue
    shutil.rmtree(workdir / DEMO_CACHE, ignore_errors=True)
    servers = {key: ReplicaServer(SITES[key](SiteOptions(size=size))) for key in DEMO_SOURCES}
    # (the bibliography replica serves its six cited documents whatever the size)
    try:
        with atomic_output(str(config_path)) as out:
            out.write(
                demo_config_text(
                    {key: server.base_url for key, server in servers.items()}, database_path
                )
            )
        config = load_config(str(config_path))
        initialise(config)
        _say(console, f"replicas: {', '.join(s.base_url for s in servers.values())}")
        rounds = run_in_reactor(
            project_settings(str(config_path), None, log_level),
            lambda runner: _three_rounds(runner, config, servers, console),
        )
    finally:
        for server in servers.values():
            server.stop()
    store_possible_duplicates(config)  # the replicas share a few practices across platforms
    report_path = workdir / "report.md"
    later_runs = [o.run_id for outcomes in rounds[1:] for o in outcomes if o.run_id]
    for path, fmt in ((report_path, "md"), (workdir / "report.json", "json")):
        with atomic_output(str(path)) as out:
            write_report(config, later_runs, None, fmt, out)
    return DemoResult(
        config_path, database_path, report_path, report_path.read_text("utf-8"), rounds
    )


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
            _say(
                console,
                "replicas switched to state 2: on each, one record added, one edited, one removed",
            )
        outcomes = await crawl_with_progress(runner, sources, console)
        for outcome in outcomes:
            _say(
                console,
                f"crawl {number}: {outcome.source_key} run {outcome.run_id}: "
                f"{outcome.status}, {outcome.stats.get('citywatch/records_saved', 0)} records",
            )
        rounds.append(outcomes)
        if any(o.reason == "shutdown" for o in outcomes):
            break  # interrupted: report what was done
        if number in (1, 3):
            # Every link now, not only what is due: the demo's days are minutes apart.
            summary = await check_links_with(runner, config, everything=True)
            classes = ", ".join(f"{n} {c}" for c, n in summary.classes.most_common())
            _say(
                console,
                f"link check after crawl {number}: {counted(summary.links, 'link')}, {classes}",
            )
    return rounds


def _say(console: Console, line: str) -> None:
    """One line of the demo's progress on stderr: whole, however narrow the terminal or the
    80 columns Rich assumes for a pipe, so that a log or a grep sees it as it is."""
    console.print(line, markup=False, soft_wrap=True)
