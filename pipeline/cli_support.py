"""What the `citywatch` commands share: the context object, exit codes, output helpers."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import IO

import click
from rich.console import Console

from pipeline.config import Config, load_config
from pipeline.output_file import atomic_output
from storage.models import MAX_ID

__all__ = [
    "CHECK_TIME",
    "EXIT_ALARM",
    "EXIT_OK",
    "EXIT_RUN_FAILED",
    "EXIT_USAGE",
    "ID",
    "TIME",
    "TIME_HELP",
    "Context",
    "Timestamp",
    "as_utc",
    "output_to",
    "pass_context",
    "stderr",
]

EXIT_OK, EXIT_RUN_FAILED, EXIT_USAGE, EXIT_ALARM = 0, 1, 2, 3
# An id of a run, a pair...: one the database can hold, so that a query never overflows.
ID = click.IntRange(1, MAX_ID)
# No emoji codes either: ":warning:" in a URL is text to show, not an emoji.
stderr = Console(stderr=True, highlight=False, emoji=False)


class Context:
    def __init__(self, config_path: str | None, db_url: str | None, verbose: int) -> None:
        self.config_path = config_path
        self.db_url = db_url
        self.verbose = verbose
        self._config: Config | None = None

    @property
    def config(self) -> Config:
        if self._config is None:
            self._config = load_config(self.config_path, db_url=self.db_url)
        return self._config

    @property
    def log_level(self) -> str:
        return {0: "WARNING", 1: "INFO"}.get(self.verbose, "DEBUG")


pass_context = click.make_pass_decorator(Context)


@contextmanager
def output_to(path: str | None) -> Iterator[IO[str]]:
    """stdout (no path, or ``-``), or the file `path` written whole (see pipeline.output_file:
    a killed command never leaves half a file, and only a regular file or a new one is ever
    written)."""
    if path is None or path == "-":
        yield sys.stdout
        return
    with atomic_output(path) as out:
        yield out


def as_utc(value: datetime | None) -> datetime | None:
    """The moment in UTC; a naive one is taken as UTC already."""
    return None if value is None else _utc(value)


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


# The moments a datetime holds, in UTC.
EARLIEST = datetime.min.replace(tzinfo=UTC)
LATEST = datetime.max.replace(tzinfo=UTC)
# How every option that takes a time (report --since, export --since, ...) says what it takes.
TIME_HELP = (
    "TIME is ISO 8601, as citywatch prints it or shorter: 2026-11-27, 2026-11-27T02:00, "
    "2026-11-27T02:00:00.123456+00:00 or 2026-11-27T02:00:00Z; without an offset, UTC"
)


class Timestamp(click.ParamType[datetime]):
    """A time given on the command line, as an aware UTC datetime (see `TIME_HELP`).

    One type for every option, so that each accepts what every other accepts, and in
    particular the timestamps citywatch itself prints (``changed_at``, ``next --since``).
    ``within`` bounds it further, for a time that citywatch moves by days or years.
    """

    name = "time"

    def __init__(self, *, within: tuple[datetime, datetime] = (EARLIEST, LATEST)) -> None:
        self.within = within

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> datetime:
        parsed = value if isinstance(value, datetime) else self._parse(str(value), param, ctx)
        earliest, latest = self.within
        try:
            moment = _utc(parsed)
        except OverflowError:  # 0001-01-01T00:00+01:00 is a moment of year 0 in UTC
            moment = None
        if moment is None or not earliest <= moment <= latest:
            self.fail(
                f"{str(value)!r} is not a time (before {earliest.date().isoformat()} or after "
                f"{latest.date().isoformat()} in UTC); {TIME_HELP}",
                param,
                ctx,
            )
        return moment

    def _parse(
        self, value: str, param: click.Parameter | None, ctx: click.Context | None
    ) -> datetime:
        text = value.strip()
        if text[-1:] == "z":
            text = text[:-1] + "Z"
        try:
            return datetime.fromisoformat(text)  # Python 3.11+: offsets, fractions, Z, dates
        except ValueError as exc:
            reason = "" if "isoformat" in str(exc) else f" ({exc})"
            self.fail(f"{value!r} is not a time{reason}; {TIME_HELP}", param, ctx)


TIME = Timestamp()
# A time a link check is dated at: its schedule reaches a year (or so) before and after it.
CHECK_TIME = Timestamp(
    within=(datetime(1970, 1, 1, tzinfo=UTC), datetime(9000, 12, 31, 23, 59, 59, tzinfo=UTC))
)
