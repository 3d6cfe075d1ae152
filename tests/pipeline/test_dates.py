from __future__ import annotations

from datetime import date

import pytest

from pipeline.dates import parse_date

MAY_15 = date(2020, 5, 15)


@pytest.mark.parametrize(
    "raw",
    [
        "2020-05-15",
        "2020-05-15T10:00:00",
        "2020-05-15T10:00:00Z",
        "2020-05-15T10:00:00.123+00:00",
        "2020-05-15 10:00:00",
        "2020/05/15",
    ],
)
def test_iso_dates_and_datetimes_are_parsed(raw: str) -> None:
    assert parse_date(raw) == MAY_15


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2020-05-15T23:30:00-03:00", MAY_15),  # 02:30 on the 16th in UTC: the local day counts
        ("2020-05-16T00:30:00+02:00", date(2020, 5, 16)),
        ("Fri, 15 May 2020 23:00:00 -0300", MAY_15),
    ],
)
def test_datetime_keeps_the_day_as_written_not_utc(raw: str, expected: date) -> None:
    assert parse_date(raw) == expected


@pytest.mark.parametrize(
    "raw", ["15/05/2020", "15-05-2020", "15.05.2020", "15/5/2020", "15/05/2020 10:30"]
)
def test_numeric_dates_are_read_day_first(raw: str) -> None:
    assert parse_date(raw) == MAY_15


def test_ambiguous_numeric_date_is_day_first() -> None:
    assert parse_date("03/04/2021") == date(2021, 4, 3)


def test_numeric_date_only_valid_month_first_is_read_month_first() -> None:
    assert parse_date("05/15/2020") == MAY_15


@pytest.mark.parametrize(
    "raw",
    [
        "15 de mayo de 2020",
        "15 de mayo del 2020",
        "15 de Mayo, 2020",
        "viernes, 15 de mayo de 2020",
        "mayo 15, 2020",
        "15 de maio de 2020",
        "sexta-feira, 15 de maio de 2020",
        "15 May 2020",
        "May 15, 2020",
        "May 15th, 2020",
        "15 may. 2020",
        "15-may-2020",
        "15 MAYO 2020",
    ],
)
def test_spanish_long_date_with_de_is_parsed(raw: str) -> None:
    assert parse_date(raw) == MAY_15


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("3 de março de 2021", date(2021, 3, 3)),
        ("3 de marco de 2021", date(2021, 3, 3)),
        ("1º de abril de 2020", date(2020, 4, 1)),
        ("1° de abril de 2020", date(2020, 4, 1)),
        ("1ro de mayo de 2020", date(2020, 5, 1)),
        ("12 ene 2021", date(2021, 1, 12)),
        ("12 jan 2021", date(2021, 1, 12)),
        ("3 fev 2021", date(2021, 2, 3)),
        ("9 abr 2021", date(2021, 4, 9)),
        ("9 ago 2021", date(2021, 8, 9)),
        ("15 sept 2020", date(2020, 9, 15)),
        ("15 sep 2020", date(2020, 9, 15)),
        ("15 set 2020", date(2020, 9, 15)),
        ("15 de setiembre de 2020", date(2020, 9, 15)),
        ("15 de setembro de 2020", date(2020, 9, 15)),
        ("10 out 2020", date(2020, 10, 10)),
        ("24 dic 2020", date(2020, 12, 24)),
        ("24 dez 2020", date(2020, 12, 24)),
        ("Sept. 15, 2020", date(2020, 9, 15)),
    ],
)
def test_month_names_and_abbreviations_in_three_languages(raw: str, expected: date) -> None:
    assert parse_date(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "Fri, 15 May 2020 10:00:00 +0000",
        "Fri, 15 May 2020 10:00:00 GMT",
        "Fri, 15 May 2020",
    ],
)
def test_rss_rfc_2822_dates_are_parsed(raw: str) -> None:
    assert parse_date(raw) == MAY_15


@pytest.mark.parametrize(
    "raw",
    [
        "Publicado el 15 de mayo de 2020",
        "Publicado el 15 de mayo de 2020 por Mercociudades | Salud",
        "Montevideo, 15/05/2020. La Intendencia presentó",
        "Data de publicação: 15 de maio de 2020",
        "Posted on May 15, 2020 by admin",
    ],
)
def test_date_inside_surrounding_text_is_found(raw: str) -> None:
    assert parse_date(raw) == MAY_15


def test_first_date_written_wins() -> None:
    assert parse_date("Publicado: 15/05/2020 · Actualizado: 20/06/2020") == MAY_15


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("mayo de 2020", date(2020, 5, 1)),
        ("Mayo 2020", date(2020, 5, 1)),
        ("May 2020", date(2020, 5, 1)),
        ("março de 2021", date(2021, 3, 1)),
        ("Boletín de diciembre, 2020", date(2020, 12, 1)),
        ("2020-05", date(2020, 5, 1)),
    ],
)
def test_month_and_year_only_gives_first_of_month(raw: str, expected: date) -> None:
    assert parse_date(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "2020",
        "Año 2020",
        "Informe anual 2020",
        "31/02/2020",
        "31 de febrero de 2020",
        "30/02/2021",
        "32/01/2020",
        "13/13/2020",
        "2020-13-01",
        "29/02/2021",
        "15/05/0200",
        "Decreto 123/2020",
        "sin fecha",
        "",
        None,
        "mayo",
        "15 de mayo",
    ],
)
def test_no_date_or_invalid_date_is_none_never_an_error(raw: str | None) -> None:
    assert parse_date(raw) is None


def test_leap_day_is_valid_in_a_leap_year() -> None:
    assert parse_date("29/02/2020") == date(2020, 2, 29)


def test_only_the_start_of_a_long_string_is_read() -> None:
    assert parse_date("x" * 300 + " 15 de mayo de 2020") is None
    assert parse_date("15 de mayo de 2020 " + "x" * 1_000_000) == MAY_15


@pytest.mark.parametrize("raw", ["\x00\x01\x02", "9" * 500, "de de de de 2020 2020", "%s%n{0}"])
def test_garbage_input_is_none(raw: str) -> None:
    assert parse_date(raw) is None
