"""The command line's shared parameter types: one notion of a time for every option, and
of an id."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import click
import pytest

from pipeline.cli_support import TIME, TIME_HELP
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
