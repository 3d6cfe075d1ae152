"""The `citywatch` command: a thin layer over functions the tests call directly.

Exit codes: 0 success; 1 a crawl run failed or did not complete; 2 usage, config or database
setup problem (one line on stderr says which file, key or URL); 3 an extraction alarm, with
``crawl --fail-on-alarm``. Logs go to stderr, results to stdout or to the file given with ``-o``.
"""

from __future__ import annotations

import io
import sys
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any, NoReturn

import click
from click.exceptions import NoArgsIsHelpError

from pipeline.cli_support import (
    EXIT_ALARM,
    EXIT_RUN_FAILED,
    EXIT_USAGE,
    ID,
    TIME,
    TIME_HELP,
    Context,
    output_to,
    pass_context,
    stderr,
)
from pipeline.config import CONFIG_FILENAME, ConfigError, default_config_text
from pipeline.output_file import OutputError, atomic_output, check_output_path
from pipeline.replicas.states import MAX_DEMO_RECORDS, MIN_RECORDS
from pipeline.settings_table import SETTINGS
from pipeline.terminal import counted, printable, show_markdown, show_rows, stdout_console
from storage.db import display_url
from storage.errors import StorageError

__all__ = ["main"]


class CitywatchGroup(click.Group):
    """Turns the errors a user can fix into one line and exit code 2, never a traceback."""

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.UsageError as exc:  # an option of `citywatch` itself
            _usage_error(exc)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (ConfigError, OutputError, StorageError) as exc:
            _fail(str(exc))
        except click.UsageError as exc:  # a command's argument or option
            _usage_error(exc)


def _fail(message: str) -> NoReturn:
    # One line, whatever the driver said, and plain text: a message may quote what a user or
    # a library wrote (a cron parser quotes the expression), control characters and all.
    message = printable(" ".join(message.split()))
    stderr.print(f"citywatch: error: {message}", markup=False, soft_wrap=True)
    sys.exit(EXIT_USAGE)


def _usage_error(exc: click.UsageError) -> NoReturn:
    """Click's usage errors as one line, like every other error; a bare group still shows its
    help."""
    if isinstance(exc, NoArgsIsHelpError):
        raise exc
    command = exc.ctx.command_path if exc.ctx else "citywatch"
    _fail(f"{exc.format_message().rstrip('.')} (see {command} --help)")


def _settings_help() -> str:
    return "\n".join(f"  {row.name} (default {row.default!r})" for row in SETTINGS)


@click.group(cls=CitywatchGroup, epilog="Settings of citywatch.toml:\n\n\b\n" + _settings_help())
@click.option(
    "--config",
    "config_path",
    envvar="CITYWATCH_CONFIG",
    metavar="PATH",
    help=f"Config file (default: ./{CONFIG_FILENAME} if present, else the packaged one).",
)
@click.option(
    "--db", "db_url", metavar="URL", help="Database URL, beating the config and $CITYWATCH_DB_URL."
)
@click.option("-v", "--verbose", count=True, help="More log output on stderr (-vv: debug).")
@click.version_option(package_name="citywatch")
@click.pass_context
def main(ctx: click.Context, config_path: str | None, db_url: str | None, verbose: int) -> None:
    """citywatch: keep a catalogue of city-network knowledge platforms true.

    \b
    Example, offline, against bundled replica sites:
      citywatch demo
    Example, for real:
      citywatch config init && citywatch init && citywatch crawl && citywatch report
    """
    ctx.obj = Context(config_path, db_url, verbose)


# -- config -------------------------------------------------------------------------------


@main.group("config")
def config_group() -> None:
    """Write or check the config file."""


@config_group.command("init")
@click.option("-o", "--output", default=CONFIG_FILENAME, show_default=True, metavar="PATH")
@click.option("--force", is_flag=True, help="Replace an existing file (a regular file only).")
def config_init(output: str, force: bool) -> None:
    """Write the default config (the real platform URLs) to PATH.

    \b
    Example:
      citywatch config init -o citywatch.toml
    """
    if check_output_path(output) is not None and not force:
        raise OutputError(f"{output}: already exists (use --force to overwrite)")
    with atomic_output(output) as out:
        out.write(default_config_text())
    click.echo(f"wrote {output}")


@config_group.command("check")
@pass_context
def config_check(obj: Context) -> None:
    """Validate the config and list its sources.

    \b
    Example:
      citywatch --config citywatch.toml config check
    """
    from pipeline.crawl import select_sources

    config = obj.config
    enabled = select_sources(config)
    click.echo(
        f"{config.path}: ok: {len(config.sources)} sources ({len(enabled)} enabled), "
        f"{len(config.links)} cited links, database {display_url(config.database_url)}"
    )


# -- database -----------------------------------------------------------------------------


@main.command()
@pass_context
def init(obj: Context) -> None:
    """Create or upgrade the database schema (idempotent) and register the sources.

    \b
    Example:
      citywatch --db postgresql://citywatch@localhost/citywatch init
    """
    from pipeline.commands import initialise

    revision = initialise(obj.config)
    click.echo(f"database {display_url(obj.config.database_url)} is at revision {revision}")


@main.command()
@click.option(
    "--source",
    "sources",
    multiple=True,
    metavar="KEY",
    help="Crawl only this source (repeatable); default: every enabled source.",
)
@click.option(
    "--fail-on-alarm",
    is_flag=True,
    help="Exit 3 when a run raised an extraction alarm (for cron and CI).",
)
@click.option(
    "--full",
    is_flag=True,
    help="Extract every page again, even those whose listing shows no change since the last "
    "crawl (after a fix to a selector profile, say).",
)
@pass_context
def crawl(obj: Context, sources: tuple[str, ...], fail_on_alarm: bool, full: bool) -> None:
    """Crawl the sources and store what changed.

    A recrawl is incremental: pages whose listing entry (sitemap lastmod, WordPress modified
    date) or conditional request shows no change are counted as seen ("kept") without being
    parsed again, but for a few rechecked each run (crawl.recheck_pages).

    Exit code 1 when a run failed or did not complete (nothing is removed because of it);
    3 with --fail-on-alarm when a run raised an extraction alarm (zero records, a drop in
    records, a required field missing too often, many HTTP errors, a crawl cut short).

    \b
    Example:
      citywatch crawl --source mercociudades_covid
      citywatch crawl --full
    """
    from pipeline.commands import crawl_and_summarise

    outcomes = crawl_and_summarise(
        obj.config, obj.config_path, obj.db_url, sources, obj.log_level, stderr, full=full
    )
    show_rows(
        stdout_console(),
        (
            "source",
            "run",
            "status",
            "pages",
            "records",
            "kept",
            "new",
            "updated",
            "removed",
            "alarms",
        ),
        [
            (
                outcome.source_key,
                str(outcome.run_id or "-"),
                outcome.status,
                str(outcome.stats.get("downloader/response_count", 0)),
                str(outcome.stats.get("citywatch/records_saved", 0)),
                str(outcome.stats.get("citywatch/records_seen_unchanged", 0)),
                str(outcome.stats.get("citywatch/records_new", 0)),
                str(outcome.stats.get("citywatch/records_updated", 0)),
                str(outcome.stats.get("citywatch/records_removed", 0)),
                ", ".join(outcome.alarms) or "-",
            )
            for outcome in outcomes
        ],
    )
    if fail_on_alarm and any(outcome.alarms for outcome in outcomes):
        sys.exit(EXIT_ALARM)
    if not all(outcome.ok for outcome in outcomes):
        sys.exit(EXIT_RUN_FAILED)


# -- reading ------------------------------------------------------------------------------


@main.command()
@click.option(
    "--run",
    "run_ids",
    multiple=True,
    type=ID,
    metavar="ID",
    help="Report on this run (repeatable); default: the latest run of each source.",
)
@click.option(
    "--since",
    type=TIME,
    metavar="TIME",
    help="Report on every run started at or after TIME, and on the link events since TIME "
    f"(default: since the earliest reported run started). {TIME_HELP}.",
)
@click.option("--format", "fmt", type=click.Choice(["md", "json"]), default="md", show_default=True)
@click.option(
    "-o",
    "--output",
    metavar="FILE",
    help="Write to FILE (a regular file, whole) instead of stdout.",
)
@pass_context
def report(
    obj: Context, run_ids: tuple[int, ...], since: datetime | None, fmt: str, output: str | None
) -> None:
    """The change report: per run, records new, updated (with the fields), removed; links
    broken, moved, drifted, to review, failing and recovered, with the evidence.

    The Markdown is rendered for a terminal; piped or with -o it is Markdown as it is.

    \b
    Example:
      citywatch report --since 2026-11-01 --format md -o changes.md
    """
    from pipeline.commands import write_report

    if output is None and fmt == "md":
        text = io.StringIO()
        write_report(obj.config, list(run_ids), since, fmt, text)
        show_markdown(stdout_console(), text.getvalue())
        return
    with output_to(output) as out:
        write_report(obj.config, list(run_ids), since, fmt, out)


@main.command()
@click.option("--format", "fmt", type=click.Choice(["jsonl"]), default="jsonl", show_default=True)
@click.option(
    "--since",
    type=TIME,
    metavar="TIME",
    help="Only records changed at or after TIME (the last changed_at you ingested; inclusive); "
    f"with --links, links whose state changed at or after TIME. {TIME_HELP}.",
)
@click.option(
    "--links",
    "links",
    is_flag=True,
    help="Export the monitored links (state, class, suggested and archived URLs) instead of "
    "the records.",
)
@click.option(
    "-o",
    "--output",
    metavar="FILE",
    help="Write to FILE (a regular file, whole) instead of stdout.",
)
@pass_context
def export(obj: Context, fmt: str, since: datetime | None, links: bool, output: str | None) -> None:
    """Export records, or monitored links, as JSON lines for the downstream catalogue (see
    docs/export.md).

    \b
    Example:
      citywatch export --since 2026-11-27T02:00:00+00:00 -o changes.jsonl
      citywatch export --links --since 2026-11-27T02:00:00+00:00 -o links.jsonl
    """
    from pipeline.commands import write_export, write_links_export

    with output_to(output) as out:
        write = write_links_export if links else write_export
        summary = write(obj.config, since, out)
    stderr.print(
        f"exported {counted(summary.count, 'link' if links else 'record')}; next --since: "
        f"{summary.last_changed_at or '(unchanged)'}",
        markup=False,
    )


# -- possible duplicates ------------------------------------------------------------------


@main.group(invoke_without_command=True)
@click.option(
    "--status",
    type=click.Choice(["open", "confirmed", "rejected", "all"]),
    default="open",
    show_default=True,
    help="List the pairs in this state.",
)
@click.option("--format", "fmt", type=click.Choice(["md", "json"]), default="md", show_default=True)
@click.pass_context
def duplicates(ctx: click.Context, status: str, fmt: str) -> None:
    """List possible duplicates across platforms, or confirm or reject one.

    After every crawl, records of different sources that look like one practice (similar or
    translated titles, same city, same document...) are paired, never merged: a maintainer
    confirms or rejects each pair, and a rejected pair is never reported again. See
    docs/duplicates.md. The Markdown is rendered for a terminal, and printed as it is when
    piped.

    \b
    Example:
      citywatch duplicates --status open
      citywatch duplicates confirm 12
      citywatch duplicates reject 13
    """
    if ctx.invoked_subcommand is not None:
        return
    from pipeline.commands import write_duplicates

    obj: Context = ctx.obj
    if fmt == "md":
        text = io.StringIO()
        write_duplicates(obj.config, status, fmt, text)
        show_markdown(stdout_console(), text.getvalue())
    else:
        write_duplicates(obj.config, status, fmt, sys.stdout)


@duplicates.command("confirm")
@click.argument("pair_id", metavar="ID", type=ID)
@pass_context
def duplicates_confirm(obj: Context, pair_id: int) -> None:
    """Confirm pair ID: the two records are one practice (they stay linked, never merged).

    \b
    Example:
      citywatch duplicates confirm 12
    """
    _decide(obj, pair_id, "confirmed")


@duplicates.command("reject")
@click.argument("pair_id", metavar="ID", type=ID)
@pass_context
def duplicates_reject(obj: Context, pair_id: int) -> None:
    """Reject pair ID: two different practices; the pair is never reported again.

    \b
    Example:
      citywatch duplicates reject 13
    """
    _decide(obj, pair_id, "rejected")


def _decide(obj: Context, pair_id: int, decision: str) -> None:
    from pipeline.commands import decide_possible_duplicate

    pair = decide_possible_duplicate(obj.config, pair_id, decision)
    first, second = (record["stable_id"] for record in pair["records"])
    click.echo(f"pair {pair_id} {pair['status']}: {first} and {second}")


@main.command()
@pass_context
def sources(obj: Context) -> None:
    """List the configured sources with their record counts and last run.

    Before `citywatch init` the sources of the config are listed without counts (stderr says
    why); a database that cannot be opened is an error (exit 2).

    \b
    Example:
      citywatch sources
    """
    from pipeline.commands import source_rows

    rows, unread = source_rows(obj.config)
    if unread:
        stderr.print(
            f"citywatch: {printable(unread)}; listing the config's sources only",
            markup=False,
            soft_wrap=True,
        )
    show_rows(
        stdout_console(),
        ("key", "enabled", "schedule", "records", "removed", "last run", "status", "start URL"),
        rows,
    )


@main.command()
@click.option(
    "--dir",
    "directory",
    metavar="PATH",
    help="Keep the demo database and report here (default: a new temporary folder).",
)
@click.option(
    "--size",
    type=click.IntRange(MIN_RECORDS, MAX_DEMO_RECORDS),
    default=60,
    show_default=True,
    help=f"Records on each replica site (at least {MIN_RECORDS}, at most {MAX_DEMO_RECORDS:,}).",
)
@click.option(
    "--force",
    is_flag=True,
    help="Use the --dir folder even if it holds other files: its citywatch.toml, citywatch.db, "
    "report.md, report.json and httpcache are replaced (if each is a regular file, or a "
    "real folder for httpcache: a symbolic link there is refused).",
)
@pass_context
def demo(obj: Context, directory: str | None, size: int, force: bool) -> None:
    """Crawl bundled replicas of every platform offline, change them, crawl again, report.

    Serves a replica of each platform and of the cited bibliography on 127.0.0.1, crawls them,
    switches them to a second state (one record added, one edited, one removed on each), crawls
    twice more (a removal needs two complete crawls), and writes the change report (report.md,
    report.json) and the commands that read its database afterwards.

    The --dir folder must be new, empty, or one an earlier demo made: the demo starts from an
    empty catalogue there and never replaces another config or database (unless --force).
    Where a file it replaces is a symbolic link (or anything but a regular file), it refuses
    the folder before writing anything, even with --force.

    \b
    Example:
      citywatch demo --dir ./citywatch-demo
    """
    from pipeline.demo import next_commands, run_demo

    workdir = Path(directory) if directory else Path(tempfile.mkdtemp(prefix="citywatch-demo-"))
    result = run_demo(workdir, size=size, log_level=obj.log_level, console=stderr, force=force)
    show_markdown(stdout_console(), result.report_text)
    click.echo(f"\ndatabase: {result.database_path}\nreport:   {result.report_path}")
    click.echo("\nThe demo's catalogue, afterwards (the replicas are gone, the database stays):")
    for command in next_commands(result.config_path):
        click.echo(f"  {command}")
    if not result.ok:
        sys.exit(EXIT_RUN_FAILED)


from pipeline.cli_links import check_links_command, links_command  # noqa: E402

main.add_command(check_links_command)
main.add_command(links_command)
