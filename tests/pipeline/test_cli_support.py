"""The command line's shared parameter types: one notion of a time for every option, and
of an id."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import click
import pytest

from pipeline.cli_support import TIME, TIME_HELP
from storage.migrate import upgrade
from tests.conftest import invoke_cli

NOON = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-27", datetime(2026, 11, 27, tzinfo=UTC)),
        ("2026-11-27T12:00", NOON),
        ("2026-11-27 12:00:00", NOON),
        ("2026-11-27T12:00:00+00:00", NOON),
        ("2026-11-27T12:00:00Z", NOON),
        ("2026-11-27T12:00:00z", NOON),
        ("2026-11-27T09:00:00-03:00", NOON),
        ("2026-11-27T12:00:00.123456+00:00", NOON.replace(microsecond=123456)),
        ("2026-11-27T12:00:00.5Z", NOON.replace(microsecond=500000)),
        ("20261127T120000Z", NOON),
        (" 2026-11-27T12:00:00Z ", NOON),
    ],
)
def test_a_time_is_iso_8601_with_or_without_offset_or_fraction(
    text: str, expected: datetime
) -> None:
    converted = TIME.convert(text, None, None)
    assert converted == expected
    assert converted.tzinfo is UTC


def test_the_times_citywatch_prints_are_taken_back_as_they_are() -> None:
    printed = datetime(2026, 11, 27, 2, 0, 0, 123456, tzinfo=UTC)
    assert TIME.convert(printed.isoformat(), None, None) == printed
    assert TIME.convert(printed.isoformat(timespec="seconds"), None, None) == printed.replace(
        microsecond=0
    )
    local = datetime(2026, 11, 27, 2, 0, tzinfo=timezone(timedelta(hours=-3)))
    assert TIME.convert(local, None, None) == datetime(2026, 11, 27, 5, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("yesterday", "'yesterday' is not a time; "),
        ("2026-13-01", "'2026-13-01' is not a time (month must be in 1..12); "),
        ("27/11/2026", "'27/11/2026' is not a time; "),
        ("", "'' is not a time; "),
    ],
)
def test_anything_else_is_refused_saying_what_a_time_is(text: str, why: str) -> None:
    with pytest.raises(click.BadParameter) as error:
        TIME.convert(text, None, None)
    assert error.value.format_message() == (
        f"Invalid value: {why}TIME is ISO 8601, as citywatch prints it or shorter: "
        "2026-11-27, 2026-11-27T02:00, 2026-11-27T02:00:00.123456+00:00 or "
        "2026-11-27T02:00:00Z; without an offset, UTC"
    )


@pytest.mark.parametrize(
    "text", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00", "0001-01-01T00:00+00:01"]
)
def test_a_time_beyond_what_utc_can_hold_is_refused_not_a_traceback(text: str) -> None:
    with pytest.raises(click.BadParameter) as error:
        TIME.convert(text, None, None)
    assert error.value.format_message() == (
        f"Invalid value: '{text}' is not a time (before 0001-01-01 or after 9999-12-31 in UTC); "
        + TIME_HELP
    )


def test_the_first_and_last_moments_utc_holds_are_times() -> None:
    assert TIME.convert("0001-01-01", None, None) == datetime(1, 1, 1, tzinfo=UTC)
    assert TIME.convert("9999-12-31T23:59:59.999999Z", None, None) == datetime.max.replace(
        tzinfo=UTC
    )


@pytest.mark.parametrize("command", [["report"], ["export"], ["export", "--links"]], ids=" ".join)
@pytest.mark.parametrize("text", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00"])
def test_every_since_option_refuses_an_out_of_range_time_in_one_line(
    tmp_path: Path, command: list[str], text: str
) -> None:
    result = invoke_cli("--db", f"sqlite:///{tmp_path}/c.db", *command, "--since", text)

    assert (result.code, result.stdout) == (2, "")
    assert result.stderr == (
        f"citywatch: error: Invalid value for '--since': '{text}' is not a time (before "
        f"0001-01-01 or after 9999-12-31 in UTC); {TIME_HELP} (see citywatch {command[0]} "
        "--help)\n"
    )
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("text", ["0001-01-01", "9999-12-31T23:59:59Z", "1969-12-31T23:59:59Z"])
def test_a_link_check_is_dated_within_the_years_its_schedule_can_reach(
    tmp_path: Path, text: str
) -> None:
    result = invoke_cli("--db", f"sqlite:///{tmp_path}/c.db", "check-links", "--now", text)

    assert (result.code, result.stdout) == (2, "")
    assert result.stderr == (
        f"citywatch: error: Invalid value for '--now': '{text}' is not a time (before "
        f"1970-01-01 or after 9000-12-31 in UTC); {TIME_HELP} (see citywatch check-links "
        "--help)\n"
    )


@pytest.mark.parametrize(
    ("args", "shown"),
    [
        (["report", "--run", "99999999999999999999"], "'--run': 99999999999999999999"),
        (["report", "--run", "2147483648"], "'--run': 2147483648"),
        (["report", "--run", "0"], "'--run': 0"),
        (["duplicates", "confirm", "--", "99999999999999999999"], "'ID': 99999999999999999999"),
        (["duplicates", "reject", "2147483648"], "'ID': 2147483648"),
        (["duplicates", "reject", "--", "-1"], "'ID': -1"),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, list) else "",
)
def test_an_id_the_database_cannot_hold_is_one_line_and_exit_2(
    database_url: str, args: list[str], shown: str
) -> None:
    upgrade(database_url)
    command = " ".join(word for word in args[:2] if not word.startswith("-"))

    result = invoke_cli("--db", database_url, *args)

    assert (result.code, result.stdout) == (2, ""), result.stderr
    assert result.stderr == (
        f"citywatch: error: Invalid value for {shown} is not in the range 1<=x<=2147483647 "
        f"(see citywatch {command} --help)\n"
    )


def test_the_largest_id_is_asked_of_the_database(database_url: str) -> None:
    upgrade(database_url)
    for args, error in (
        (["report", "--run", "2147483647"], "no crawl run 2147483647"),
        (["duplicates", "confirm", "2147483647"], "no possible duplicate 2147483647"),
    ):
        result = invoke_cli("--db", database_url, *args)
        assert (result.code, result.stdout) == (2, "")
        assert result.stderr.startswith(f"citywatch: error: {error}"), result.stderr
