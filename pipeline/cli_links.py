"""`citywatch check-links` and `citywatch links`: the link monitor's commands.

Exit codes as for every command (pipeline.cli), plus 3 with ``--fail-on-broken`` when any
monitored link is broken.
"""

from __future__ import annotations

import re
import sys
from datetime import datetime
from typing import IO

import click
from rich.console import Console

from pipeline.cli_support import (
    CHECK_TIME,
    EXIT_ALARM,
    EXIT_RUN_FAILED,
    EXIT_USAGE,
    TIME_HELP,
    Context,
    output_to,
    pass_context,
    stderr,
)
from pipeline.config import ConfigError
from pipeline.settings_table import SETTINGS
from pipeline.terminal import counted, printable, show_rows, stdout_console
from pipeline.url_list import read_url_list
from storage.models import LINK_CLASSES, LINK_STATES

__all__ = ["MAX_REPORTED_LINES", "check_links_command", "links_command"]

_LINK_CHECK_HELP = "\n".join(
    f"  {row.name} (default {row.default!r})" for row in SETTINGS if row.section == "link_check"
)
# Bad lines named on stderr for one file; a file of garbage (a PDF given by mistake) is summed
# up after these.
MAX_REPORTED_LINES = 50


@click.command(
    "check-links", epilog="Settings of citywatch.toml ([link_check]):\n\n\b\n" + _LINK_CHECK_HELP
)
@click.argument("url_file", metavar="[FILE|-]", required=False, type=click.File("rb"))
@click.option("--due", is_flag=True, help="Check what is due (the default).")
@click.option("--all", "everything", is_flag=True, help="Check every monitored link now.")
@click.option("--source", "source_key", metavar="KEY", help="Only the links of this source.")
@click.option(
    "--fail-on-broken", is_flag=True, help="Exit 3 when any monitored link is broken (for cron)."
)
@click.option(
    "--now",
    type=CHECK_TIME,
    metavar="TIME",
    hidden=True,
    help=f"Date the checks at TIME (tests drive the days of the hysteresis with it). {TIME_HELP}.",
)
@pass_context
def check_links_command(
    obj: Context,
    url_file: IO[bytes] | None,
    due: bool,
    everything: bool,
    source_key: str | None,
    fail_on_broken: bool,
    now: datetime | None,
) -> None:
    """Check the monitored links and classify each (ok, moved, not_found, blocked, soft_404...).

    Monitored: the config's [[links]], every source's start URLs, every record's page and every
    resource a record links to. With no FILE, checks what is due: healthy links weekly, failing
    ones daily (see [link_check]). A link is broken only after repeated failures over days, so
    one bad night is not an alarm. With FILE (or - for stdin: UTF-8, one http(s) URL a line,
    # comments), checks those now and keeps monitoring them (`citywatch links remove` stops).

    A FILE with a bad line (not an http(s) URL, a host that is no domain name or IP address,
    whitespace or control characters, more than 2,083 characters) is refused whole: every bad
    line is named on stderr (FILE:LINE: reason; a line without :// is not shown), nothing is
    checked or stored, exit code 2.

    \b
    Example:
      citywatch check-links --due
      citywatch check-links --all --source mercociudades_covid
      citywatch check-links urls.txt
      cat urls.txt | citywatch check-links -
    """
    from pipeline.commands import run_link_check

    if due and everything:
        raise click.UsageError(
            "--due and --all cannot be given together: --due checks what is due (the default), "
            "--all every monitored link",
            click.get_current_context(),
        )
    urls = _urls_of(url_file) if url_file else []
    if source_key is not None:
        obj.config.source(source_key)  # an unknown key is a one-line error
    summary, broken = run_link_check(
        obj.config,
        obj.config_path,
        obj.db_url,
        obj.log_level,
        everything=everything,
        source_key=source_key,
        urls=urls,
        now=now,
    )
    show_rows(
        stdout_console(),
        ("class", "links"),
        [(name, str(summary.classes[name])) for name in LINK_CLASSES if summary.classes.get(name)],
        heading=f"{counted(summary.links, 'link')} checked ({counted(summary.urls, 'URL')})",
    )
    events = ", ".join(f"{kind} {count}" for kind, count in sorted(summary.events.items()))
    stderr.print(
        f"{counted(summary.requests, 'request')} in {summary.seconds:.1f} s; events: "
        f"{events or 'none'}; {counted(summary.archived, 'archived copy', 'archived copies')} "
        f"found; broken links monitored: {broken}",
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


def _urls_of(url_file: IO[bytes]) -> list[str]:
    """The URLs of a file given to check-links; every bad line named and exit 2 if any."""
    name = str(getattr(url_file, "name", "-"))
    found = read_url_list(url_file, name)
    for problem in found.problems[:MAX_REPORTED_LINES]:
        stderr.print(f"citywatch: error: {printable(problem)}", markup=False, soft_wrap=True)
    if len(found.problems) > MAX_REPORTED_LINES:
        more = counted(len(found.problems) - MAX_REPORTED_LINES, "more bad line")
        stderr.print(f"citywatch: error: {printable(name)}: {more}", markup=False, soft_wrap=True)
    if found.problems:
        sys.exit(EXIT_USAGE)
    if not found.urls:
        raise ConfigError(f"{name}: no URLs (one http(s) URL per line)")
    return found.urls


def _pattern(value: str | None) -> re.Pattern[str] | None:
    if value is None:
        return None
    try:
        return re.compile(value)
    except re.error as error:
        raise ConfigError(f"--match {value!r}: not a regular expression ({error})") from None


@click.group("links", invoke_without_command=True)
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
    "--match",
    metavar="REGEX",
    help="Only links whose URL this Python regular expression finds (re.search).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
)
@click.option(
    "-o",
    "--output",
    metavar="FILE",
    help="Write to FILE (a regular file, whole) instead of stdout.",
)
@click.option("--fail-on-broken", is_flag=True, help="Exit 3 when any listed link is broken.")
@click.pass_context
def links_command(
    ctx: click.Context,
    states: tuple[str, ...],
    classes: tuple[str, ...],
    source_key: str | None,
    match: str | None,
    fmt: str,
    output: str | None,
    fail_on_broken: bool,
) -> None:
    """List monitored links: url, class, state, http_status, final_url, suggested_url,
    archive_url, first_failed, last_checked; or remove some (`citywatch links remove`).

    The table shows every URL whole: in a terminal too narrow for the table, one block per
    link; piped (or with -o), one link a line, its values tab-separated in the order above,
    empty when unknown, no header (--format csv or json for one).

    \b
    Example:
      citywatch links --state broken --state moved
      citywatch links --match 'example\\.org' | cut -f1
      citywatch links --class soft_404 --format csv -o soft404.csv
    """
    if ctx.invoked_subcommand is not None:
        return
    from pipeline.commands import LINK_COLUMNS, link_rows, write_link_rows

    obj: Context = ctx.obj
    rows = link_rows(
        obj.config,
        states=states,
        classes=classes,
        source_key=source_key,
        match=_pattern(match),
    )
    if fmt == "table":
        with output_to(output) as out:
            show_rows(
                stdout_console() if out is sys.stdout else _file_console(out),
                LINK_COLUMNS,
                [[row[column] for column in LINK_COLUMNS] for row in rows],
                heading=counted(len(rows), "link"),
                tab_separated_when_piped=True,
            )
    else:
        with output_to(output) as out:
            write_link_rows(rows, fmt, out)
    if fail_on_broken and any(row["state"] == "broken" for row in rows):
        sys.exit(EXIT_ALARM)


def _file_console(out: IO[str]) -> Console:
    return Console(file=out, highlight=False, markup=False, emoji=False, force_terminal=False)


@links_command.command("remove")
@click.argument("urls", nargs=-1, metavar="[URL]...")
@click.option("--match", metavar="REGEX", help="Remove the links whose URL this finds.")
@click.option("--dry-run", is_flag=True, help="Say what would be removed; remove nothing.")
@pass_context
def links_remove(obj: Context, urls: tuple[str, ...], match: str | None, dry_run: bool) -> None:
    """Stop monitoring links: each link with its history of checks and its events.

    A link the config names ([[links]], a start URL) or a record links to would be monitored
    again at the next check, so it is kept: remove it from the config first. URLs named one by
    one are removed all or nothing (exit 2 and one line for each that is not monitored or must
    stay); with --match, the links that must stay are named on stderr and the others removed.
    Try --dry-run first: `citywatch links --match REGEX` lists what a pattern finds.

    \b
    Example:
      citywatch links remove 'https://exa mple.org/'
      citywatch links remove --match '^https://old-site\\.example/' --dry-run
    """
    from pipeline.commands import remove_monitored_links

    if not urls and match is None:
        raise ConfigError("links remove: name the URLs to remove, or --match REGEX")
    pattern = _pattern(match)
    plan, removal = remove_monitored_links(obj.config, urls, pattern, dry_run=dry_run)
    for refusal in plan.refused:
        stderr.print(f"citywatch: error: {printable(refusal)}", markup=False, soft_wrap=True)
    if plan.refused:
        sys.exit(EXIT_USAGE)
    for url, why in plan.kept:
        stderr.print(f"kept {printable(url)}: {why}", markup=False, soft_wrap=True)
    if match is not None and not plan.removable and not plan.kept:
        stderr.print(f"no monitored link matches {match!r}", markup=False, soft_wrap=True)
    console = stdout_console()
    verb = "would remove" if removal is None else "removed"
    for url in plan.removable.values():
        console.print(f"{verb} {printable(url)}", soft_wrap=True)
    if removal is None:
        console.print(
            f"{counted(len(plan.removable), 'link')} would be removed (dry run: nothing changed)",
            soft_wrap=True,
        )
    else:
        console.print(
            f"{counted(removal.links, 'link')} removed, with "
            f"{counted(removal.checks, 'check')} and {counted(removal.events, 'event')}",
            soft_wrap=True,
        )
