"""`citywatch check-links` and `citywatch links`: the link monitor's commands.

Exit codes as for every command (pipeline.cli), plus 3 with ``--fail-on-broken`` when any
monitored link is broken.
"""

from __future__ import annotations

import sys
from datetime import datetime
from typing import IO

import click
from rich.table import Table

from pipeline.cli_support import (
    EXIT_ALARM,
    EXIT_RUN_FAILED,
    TIME,
    TIME_HELP,
    Context,
    output_to,
    pass_context,
    stderr,
    stdout_console,
)
from pipeline.config import ConfigError
from pipeline.settings_table import SETTINGS
from storage.models import LINK_CLASSES, LINK_STATES

__all__ = ["check_links_command", "links_command", "read_url_list"]

_LINK_CHECK_HELP = "\n".join(
    f"  {row.name} (default {row.default!r})" for row in SETTINGS if row.section == "link_check"
)


def read_url_list(stream: IO[str], name: str) -> list[str]:
    """URLs one per line (blank lines and ``#`` comments skipped), duplicates once; a line that
    is not an http(s) URL is a ConfigError naming the file and line."""
    from pipeline.urls import is_http_url

    urls: dict[str, None] = {}  # insertion-ordered set
    for number, line in enumerate(stream, start=1):
        url = line.strip()
        if not url or url.startswith("#"):
            continue
        if not is_http_url(url):
            raise ConfigError(f"{name}:{number}: {url[:200]!r}: not an http(s) URL")
        urls.setdefault(url)
    return list(urls)


@click.command(
    "check-links", epilog="Settings of citywatch.toml ([link_check]):\n\n\b\n" + _LINK_CHECK_HELP
)
@click.argument("url_file", metavar="[FILE|-]", required=False, type=click.File("r"))
@click.option("--due", "mode", flag_value="due", default=True, help="Check what is due (default).")
@click.option("--all", "mode", flag_value="all", help="Check every monitored link now.")
@click.option("--source", "source_key", metavar="KEY", help="Only the links of this source.")
@click.option(
    "--fail-on-broken", is_flag=True, help="Exit 3 when any monitored link is broken (for cron)."
)
@click.option(
    "--now",
    type=TIME,
    metavar="TIME",
    hidden=True,
    help=f"Date the checks at TIME (tests drive the days of the hysteresis with it). {TIME_HELP}.",
)
@pass_context
def check_links_command(
    obj: Context,
    url_file: IO[str] | None,
    mode: str,
    source_key: str | None,
    fail_on_broken: bool,
    now: datetime | None,
) -> None:
    """Check the monitored links and classify each (ok, moved, not_found, blocked, soft_404...).

    Monitored: the config's [[links]], every source's start URLs, every record's page and every
    resource a record links to. With no FILE, checks what is due: healthy links weekly, failing
    ones daily (see [link_check]). A link is broken only after repeated failures over days, so
    one bad night is not an alarm. With FILE (or - for stdin: URLs one per line), checks those
    now and keeps monitoring them.

    \b
    Example:
      citywatch check-links --due
      citywatch check-links --all --source mercociudades_covid
      citywatch check-links urls.txt
      cat urls.txt | citywatch check-links -
    """
    from pipeline.commands import run_link_check

    urls = read_url_list(url_file, url_file.name) if url_file else []
    if url_file and not urls:
        raise ConfigError(f"{url_file.name}: no URLs (one http(s) URL per line)")
    if source_key is not None:
        obj.config.source(source_key)  # an unknown key is a one-line error
    summary, broken = run_link_check(
        obj.config,
        obj.config_path,
        obj.db_url,
        obj.log_level,
        everything=mode == "all",
        source_key=source_key,
        urls=urls,
        now=now,
    )
    table = Table("class", "links", title=f"{summary.links} links checked ({summary.urls} URLs)")
    for name in LINK_CLASSES:
        if summary.classes.get(name):
            table.add_row(name, str(summary.classes[name]))
    stdout_console().print(table)
    events = ", ".join(f"{kind} {count}" for kind, count in sorted(summary.events.items()))
    stderr.print(
        f"{summary.requests} requests in {summary.seconds:.1f} s; events: {events or 'none'}; "
        f"{summary.archived} archived copies found; broken links monitored: {broken}",
        markup=False,
        soft_wrap=True,
    )
    if not summary.complete:
        stderr.print(
            f"link check did not complete: {summary.finish_reason}", markup=False, soft_wrap=True
        )
        sys.exit(EXIT_RUN_FAILED)
    if fail_on_broken and broken:
        sys.exit(EXIT_ALARM)


@click.command("links")
@click.option(
    "--state",
    "states",
    multiple=True,
    type=click.Choice(LINK_STATES),
    help="Only links in this state (repeatable).",
)
@click.option(
    "--class",
    "classes",
    multiple=True,
    type=click.Choice(LINK_CLASSES),
    help="Only links whose latest check has this class (repeatable).",
)
@click.option("--source", "source_key", metavar="KEY", help="Only the links of this source.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
)
@click.option("-o", "--output", metavar="FILE", help="Write to FILE instead of stdout.")
@click.option("--fail-on-broken", is_flag=True, help="Exit 3 when any listed link is broken.")
@pass_context
def links_command(
    obj: Context,
    states: tuple[str, ...],
    classes: tuple[str, ...],
    source_key: str | None,
    fmt: str,
    output: str | None,
    fail_on_broken: bool,
) -> None:
    """List monitored links: url, class, state, http_status, final_url, suggested_url,
    archive_url, first_failed, last_checked.

    \b
    Example:
      citywatch links --state broken --state moved
      citywatch links --class soft_404 --format csv -o soft404.csv
    """
    from pipeline.commands import link_rows, write_link_rows

    rows = link_rows(obj.config, states=states, classes=classes, source_key=source_key)
    if fmt == "table" and output is None:
        write_link_rows(rows, "table", sys.stdout, stdout_console())
    else:
        with output_to(output) as out:
            write_link_rows(rows, fmt, out, None)
    if fail_on_broken and any(row["state"] == "broken" for row in rows):
        sys.exit(EXIT_ALARM)
