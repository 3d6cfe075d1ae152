"""Publication dates as the platforms write them, in Spanish, Portuguese and English.

Only a day the text actually states is returned: a datetime gives its date as written (in the
offset it was written in, not converted to UTC), a month and year give the first of the month, and a
lone year is not a date. Numeric dates are read day first, as Latin America writes them. Anything
unreadable or impossible (31/02/2020) is ``None``: this never raises on scraped input.
"""

from __future__ import annotations

import datetime
import re
import unicodedata

__all__ = ["MAX_DATE_CHARS", "MAX_YEAR", "MIN_YEAR", "parse_date"]

# A date sits near the start of whatever holds it ("Publicado el ..."); the rest is not read.
MAX_DATE_CHARS = 200
MIN_YEAR, MAX_YEAR = 1900, 2100

_MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    (
        "enero ene janeiro jan january",
        "febrero feb fevereiro fev february",
        "marzo mar marco march",  # "março" once accents are stripped
        "abril abr april apr",
        "mayo may maio mai",
        "junio jun junho june",
        "julio jul julho july",
        "agosto ago august aug",
        "septiembre setiembre sept sep set setembro september",
        "octubre oct outubro out october",
        "noviembre nov novembro november",
        "diciembre dic dezembro dez december dec",
    ),
    start=1,
):
    _MONTHS.update(dict.fromkeys(_names.split(), _number))

_MONTH = r"(?<![a-z])(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")(?![a-z])\.?"
_DAY = r"(?<!\d)(\d{1,2})"
_YEAR = r"(\d{4})(?!\d)"

_ISO = re.compile(r"(?<!\d)(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?!\d)")
_ISO_MONTH = re.compile(r"(\d{4})-(\d{2})")
_NUMERIC = re.compile(_DAY + r"([/.-])(\d{1,2})\2" + _YEAR)
# 15 de mayo de 2020 · 15 de mayo, 2020 · 15 May 2020 · 15 may. 2020 · 15-may-2020
_DAY_MONTH_YEAR = re.compile(
    _DAY + r"\s*(?:de\s+|[-/.]\s*|\s)" + _MONTH + r"\s*(?:del?\s+|,\s*|[-/.]\s*|\s)" + _YEAR
)
# mayo 15, 2020 · May 15, 2020 · maio 15 de 2020
_MONTH_DAY_YEAR = re.compile(_MONTH + r"\s*" + _DAY + r"\s*,?\s*(?:del?\s+)?" + _YEAR)
# mayo de 2020 · May 2020 · maio/2020
_MONTH_YEAR = re.compile(_MONTH + r"\s*(?:del?\s+|,\s*|[-/]\s*|\s)" + _YEAR)
# 1º, 1ª, 1°, 1ro, 1er, 1st, 2nd, 3rd, 15th: the suffix goes, the day stays
_ORDINAL = re.compile(r"(?<=\d)(?:o|a|°|ro|er|ero|st|nd|rd|th)(?![a-z])")


def parse_date(raw: str | None) -> datetime.date | None:
    """The date ``raw`` states, or ``None`` when it states none (or an impossible one)."""
    if not raw:
        return None
    text = _normalise(raw[:MAX_DATE_CHARS])
    iso_month = _ISO_MONTH.fullmatch(text)  # schema.org allows "2020-05"
    if iso_month:
        return _date(int(iso_month[1]), int(iso_month[2]), 1)

    candidates = [
        (match.start(), kind, match)
        for kind, pattern in enumerate((_ISO, _NUMERIC, _DAY_MONTH_YEAR, _MONTH_DAY_YEAR))
        if (match := pattern.search(text))
    ]
    if candidates:
        # The first full date written wins; if it is impossible the text has no usable date.
        _, kind, match = min(candidates, key=lambda candidate: candidate[:2])
        return _full_date(kind, match)
    month_year = _MONTH_YEAR.search(text)
    if month_year:
        return _date(int(month_year[2]), _MONTHS[month_year[1]], 1)
    return None


def _full_date(kind: int, match: re.Match[str]) -> datetime.date | None:
    if kind == 0:
        return _date(int(match[1]), int(match[2]), int(match[3]))
    if kind == 1:
        day, month, year = int(match[1]), int(match[3]), int(match[4])
        # Only when day-first is impossible and month-first is not (05/15/2020, US pages).
        return _date(year, month, day) or (_date(year, day, month) if month > 12 else None)
    if kind == 2:
        return _date(int(match[3]), _MONTHS[match[2]], int(match[1]))
    return _date(int(match[3]), _MONTHS[match[1]], int(match[2]))


def _date(year: int, month: int, day: int) -> datetime.date | None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def _normalise(text: str) -> str:
    """Lowercase, accents and ordinal marks gone, whitespace folded (NFKD makes "º" an "o")."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _ORDINAL.sub("", " ".join(plain.lower().split()))
