"""Countries and cities named by the platforms, from the gazetteer in ``pipeline/data/places.toml``.

Names are compared in a key form (lowercase, no accents, punctuation and whitespace folded), so the
data lists each spelling once. `find_city` prefers a record's labels to its text, and in a text
reads only a city named at the very start (a title such as "Rosario lanza ..."), longest name first,
whole words only. Names that are also ordinary words need their full form there; the TOML file says
which. A broken data file raises `PlacesDataError` naming the file and the entry.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from itertools import islice
from typing import Any

from pipeline.text import match_key

__all__ = [
    "DATA_FILE",
    "PlacesDataError",
    "country_code",
    "find_city",
    "find_city_in_text",
    "normalise_city",
]

DATA_FILE = "places.toml"
_MAX_NAME_CHARS = 200  # no place name is longer; a text is read only this far
_MAX_LABELS = 200  # a record with more labels is broken or hostile; the rest are not read
_CODE = re.compile(r"[A-Z]{2}")
_ALPHA3 = re.compile(r"[A-Z]{3}")

# How freely a name may match, from the ``[matching]`` lists of the data file.
_ANYWHERE, _LABEL_ONLY, _QUALIFIED_ONLY = "anywhere", "label_only", "qualified_only"


class PlacesDataError(ValueError):
    """``places.toml`` cannot be used; the message names the file and the entry."""


@dataclass(frozen=True, slots=True)
class _City:
    name: str  # as the gazetteer writes it
    country: str  # ISO 3166-1 alpha-2
    matching: str = _ANYWHERE


@dataclass(frozen=True, slots=True)
class _Gazetteer:
    countries: dict[str, str]  # key form of a name or code -> alpha-2
    country_names: dict[str, tuple[tuple[str, ...], ...]]  # alpha-2 -> names as word tuples
    cities: dict[str, _City]  # key form of a name or alias -> city
    prefixes: tuple[tuple[str, ...], ...]  # municipal prefixes as word tuples, longest first
    longest_name: int  # in words


def normalise_city(name: str | None) -> str | None:
    """Key form of a place name: ``" São  Paulo "`` -> ``"sao paulo"``; ``None`` if none left."""
    return match_key(name[:_MAX_NAME_CHARS]) if name else None


def country_code(name: str | None) -> str | None:
    """ISO 3166-1 alpha-2 code for a country name (es/pt/en) or an alpha-2/alpha-3 code."""
    key = normalise_city(name)
    return _gazetteer().countries.get(key) if key else None


def find_city(labels: Iterable[str], text: str | None = None) -> tuple[str, str] | None:
    """``(city, country code)``: first a label that is a city, else a city opening ``text``."""
    gazetteer = _gazetteer()
    for label in islice(labels, _MAX_LABELS):
        key = normalise_city(label) if isinstance(label, str) else None
        city = _match(gazetteer, key.split(), whole=True) if key else None
        if city:
            return city.name, city.country
    key = normalise_city(text)
    city = _match(gazetteer, key.split(), whole=False) if key else None
    return (city.name, city.country) if city else None


def find_city_in_text(text: str | None, max_chars: int = 3000) -> tuple[str, str] | None:
    """``(city, country code)`` named with a municipal prefix anywhere in ``text``
    ("... la Municipalidad de Morón lleva adelante ..."): news bodies name their city so."""
    key = match_key(text[:max_chars]) if text else None
    if not key:
        return None
    gazetteer = _gazetteer()
    words = key.split()
    for index in range(len(words)):
        if any(tuple(words[index : index + len(p)]) == p for p in gazetteer.prefixes):
            city = _match(gazetteer, words[index : index + 12], whole=False)
            if city:
                return city.name, city.country
    return None


def _match(gazetteer: _Gazetteer, words: list[str], *, whole: bool) -> _City | None:
    """The city ``words`` open with (all of ``words`` when ``whole``), longest name first."""
    starts = [0]
    for prefix in gazetteer.prefixes:
        if tuple(words[: len(prefix)]) == prefix:
            starts.append(len(prefix))  # "Ciudad de México" is a name, "Ciudad de Salto" is not
            break
    for start in starts:
        for length in range(min(gazetteer.longest_name, len(words) - start), 0, -1):
            city = gazetteer.cities.get(" ".join(words[start : start + length]))
            if city is None:
                continue
            rest = words[start + length :]
            country_words = _country_words(gazetteer, city.country, rest)
            if whole and len(rest) != country_words:
                continue
            qualified = start > 0 or country_words > 0
            if city.matching == _ANYWHERE or qualified or (city.matching == _LABEL_ONLY and whole):
                return city
    return None


def _country_words(gazetteer: _Gazetteer, country: str, words: list[str]) -> int:
    """How many of ``words`` name ``country`` ("Salto, Uruguay"); 0 when they do not."""
    for name in gazetteer.country_names[country]:
        if tuple(words[: len(name)]) == name:
            return len(name)
    return 0


@cache
def _gazetteer() -> _Gazetteer:
    source = f"pipeline/data/{DATA_FILE}"
    text = resources.files("pipeline.data").joinpath(DATA_FILE).read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise PlacesDataError(f"{source}: not valid TOML: {error}") from error
    return _build(data, source)


def _build(data: dict[str, Any], source: str) -> _Gazetteer:
    countries, country_names = _build_countries(data.get("countries", {}), source)
    matching = data.get("matching", {})
    levels = {
        **{_key(name, source): _LABEL_ONLY for name in matching.get("label_only", [])},
        **{_key(name, source): _QUALIFIED_ONLY for name in matching.get("qualified_only", [])},
    }
    cities: dict[str, _City] = {}
    for code, entries in data.get("cities", {}).items():
        if code not in country_names:
            raise PlacesDataError(f"{source}: [cities.{code}]: {code!r} is not in [countries]")
        for name, aliases in entries.items():
            for spelling in [name, *aliases]:
                key = _key(spelling, source)
                city = _City(name, code, levels.pop(key, _ANYWHERE))
                claimed = cities.setdefault(key, city)
                if claimed.name != name or claimed.country != code:
                    raise PlacesDataError(
                        f"{source}: [cities.{code}] {spelling!r} already names "
                        f"{claimed.name!r} ({claimed.country})"
                    )
    if levels:
        raise PlacesDataError(f"{source}: [matching] names no city: {', '.join(sorted(levels))}")
    prefixes = {
        tuple(_key(prefix, source).split()) for prefix in matching.get("municipal_prefixes", [])
    }
    return _Gazetteer(
        countries=countries,
        country_names=country_names,
        cities=cities,
        prefixes=tuple(sorted(prefixes, key=len, reverse=True)),
        longest_name=max((len(key.split()) for key in cities), default=0),
    )


def _build_countries(
    table: dict[str, Any], source: str
) -> tuple[dict[str, str], dict[str, tuple[tuple[str, ...], ...]]]:
    countries: dict[str, str] = {}
    country_names: dict[str, tuple[tuple[str, ...], ...]] = {}
    for code, entry in table.items():
        alpha3 = entry.get("alpha3", "")
        if not _CODE.fullmatch(code) or not _ALPHA3.fullmatch(alpha3):
            raise PlacesDataError(f"{source}: [countries] {code}: need XX = {{ alpha3 = 'XXX' }}")
        keys = [_key(spelling, source) for spelling in [code, alpha3, *entry.get("names", [])]]
        for key in keys:
            if countries.setdefault(key, code) != code:
                raise PlacesDataError(
                    f"{source}: [countries] {code}: {key!r} already names {countries[key]}"
                )
        names = sorted({tuple(key.split()) for key in keys}, key=len, reverse=True)
        country_names[code] = tuple(names)
    return countries, country_names


def _key(spelling: object, source: str) -> str:
    key = normalise_city(spelling) if isinstance(spelling, str) else None
    if key is None:
        raise PlacesDataError(f"{source}: {spelling!r} is not a usable name")
    return key
