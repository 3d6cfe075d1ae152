"""The command line's shared parameter types: one notion of a time for every option."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import click
import pytest

from pipeline.cli_support import TIME

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
