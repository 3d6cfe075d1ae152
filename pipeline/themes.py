"""The catalogue's one theme list, and the mapping of platform labels into it.

Both live in ``pipeline/data/themes.toml`` so that a maintainer adds a label without touching code.
A record keeps its platform labels beside the theme ids they map to, and a label with no mapping is
reported (`ThemeMapping.unmapped`), never dropped. A broken data file raises `ThemesDataError`
naming the file and the entry. ``python -m pipeline.themes`` prints ``docs/themes.md``.
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

from pipeline.text import clean_inline, match_key

__all__ = [
    "DATA_FILE",
    "MAX_LABELS",
    "Theme",
    "ThemeMapping",
    "ThemeTable",
    "ThemesDataError",
    "map_labels",
    "parse_theme_table",
    "theme_list",
    "themes_markdown",
]

DATA_FILE = "themes.toml"
DATA_SOURCE = f"pipeline/data/{DATA_FILE}"
# A record with more labels than this is broken or hostile; the rest are not read.
MAX_LABELS = 200
_MAX_LABEL_CHARS = 200
_THEME_ID = re.compile(r"[a-z][a-z0-9_]{0,63}")
_THEME_FIELDS = ("id", "es", "pt", "en", "description")


class ThemesDataError(ValueError):
    """``themes.toml`` cannot be used; the message names the file and the entry."""


@dataclass(frozen=True, slots=True)
class Theme:
    id: str
    es: str
    pt: str
    en: str
    description: str


@dataclass(frozen=True, slots=True)
class ThemeMapping:
    """What a record's labels say: theme ids, and the labels themselves, mapped or not."""

    themes: tuple[str, ...]  # theme ids in theme-list order, each once
    labels: tuple[str, ...]  # every label, cleaned, each once, in input order
    unmapped: tuple[str, ...]  # the labels no mapping knows, in input order


@dataclass(frozen=True, slots=True)
class ThemeTable:
    themes: tuple[Theme, ...]
    mappings: dict[str, frozenset[str]]  # label key -> theme ids
    platforms: dict[str, dict[str, tuple[str, ...]]]  # platform -> label as written -> theme ids


def map_labels(labels: Iterable[str]) -> ThemeMapping:
    """Theme ids for a record's platform labels (categories, tags, thematic areas)."""
    table = _table()
    seen: set[str] = set()
    cleaned: list[str] = []
    unmapped: list[str] = []
    theme_ids: set[str] = set()
    for raw in islice(labels, MAX_LABELS):
        label = clean_inline(raw, _MAX_LABEL_CHARS) if isinstance(raw, str) else None
        key = match_key(label)
        if label is None or key is None or key in seen:
            continue
        seen.add(key)
        cleaned.append(label)
        if key in table.mappings:
            theme_ids |= table.mappings[key]
        else:
            unmapped.append(label)
    themes = tuple(theme.id for theme in table.themes if theme.id in theme_ids)
    return ThemeMapping(themes=themes, labels=tuple(cleaned), unmapped=tuple(unmapped))


def theme_list() -> list[Theme]:
    """Every theme, in the order of the data file."""
    return list(_table().themes)


def themes_markdown() -> str:
    """``docs/themes.md``: the theme list, how to add a mapping, and every platform's labels."""
    table = _table()
    lines = [
        "# Themes",
        "",
        f"<!-- Generated from {DATA_SOURCE} by `python -m pipeline.themes > docs/themes.md`;",
        "     edit the data file, not this page. -->",
        "",
        "The catalogue keeps one controlled list of themes. Each platform's categories, tags",
        "and thematic areas map into it (a label may map to several themes); a record keeps its",
        "original labels beside the theme ids, and a label no mapping knows is reported as",
        "unmapped.",
        "",
        "| id | es | pt | en | description |",
        "|---|---|---|---|---|",
        *(
            "| " + " | ".join(_cell(getattr(theme, name)) for name in _THEME_FIELDS) + " |"
            for theme in table.themes
        ),
        "",
        "## How to add a mapping",
        "",
        f"1. In `{DATA_SOURCE}`, under the platform's `[mappings.<platform>]` table, add the",
        '   label as the platform writes it: `"Movilidad urbana" = ["mobility_transport"]`. A',
        "   label may map to several theme ids; `[]` marks a label that carries no theme",
        "   (`Noticias`), so that it is no longer reported as unmapped.",
        "2. Case, accents, punctuation and spacing are ignored when matching: `Salud`, `SALUD` and",
        "   `salud ` are one label, so list each spelling only once. A theme's own es/pt/en labels",
        "   map to it without being listed.",
        "3. To add a theme, add a `[[themes]]` entry (id, es, pt, en, description). Never rename",
        "   an id that records already use.",
        "4. Regenerate this page with `.venv/bin/python -m pipeline.themes > docs/themes.md`",
        "   and run `.venv/bin/pytest tests/pipeline/test_themes.py`: the data is checked at load",
        "   (a mapping to an unknown theme id is an error naming the file and the label).",
        "",
        "## Platform labels",
    ]
    for platform, labels in table.platforms.items():
        lines += ["", f"### {platform}", "", "| label | themes |", "|---|---|"]
        lines += [
            f"| {_cell(label)} | {_cell(', '.join(ids) or '(none)')} |"
            for label, ids in labels.items()
        ]
    return "\n".join(lines) + "\n"


def parse_theme_table(text: str, source: str = DATA_SOURCE) -> ThemeTable:
    """A validated `ThemeTable` from the text of a themes file; errors name ``source``."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ThemesDataError(f"{source}: not valid TOML: {error}") from error
    themes = _parse_themes(data.get("themes"), source)
    known = {theme.id for theme in themes}
    mappings: dict[str, set[str]] = {}
    for theme in themes:
        for label in (theme.es, theme.pt, theme.en):
            mappings.setdefault(_label_key(label, source, "[[themes]]"), set()).add(theme.id)
    platforms = _parse_platforms(data.get("mappings", {}), source)
    for platform, labels in platforms.items():
        for label, ids in labels.items():
            for theme_id in ids:
                if theme_id not in known:
                    raise ThemesDataError(
                        f"{source}: [mappings.{platform}] label {label!r} maps to unknown theme "
                        f"{theme_id!r}"
                    )
            key = _label_key(label, source, f"[mappings.{platform}]")
            mappings.setdefault(key, set()).update(ids)
    return ThemeTable(
        themes=themes,
        mappings={key: frozenset(ids) for key, ids in mappings.items()},
        platforms=platforms,
    )


def _parse_themes(entries: Any, source: str) -> tuple[Theme, ...]:
    if not isinstance(entries, list) or not entries:
        raise ThemesDataError(f"{source}: no [[themes]] entries")
    themes: list[Theme] = []
    for number, entry in enumerate(entries, start=1):
        where = f"{source}: [[themes]] #{number}"
        if not isinstance(entry, dict):
            raise ThemesDataError(f"{where}: not a table")
        values = [entry.get(name) for name in _THEME_FIELDS]
        missing = [name for name, value in zip(_THEME_FIELDS, values, strict=True) if not value]
        if missing or not all(isinstance(value, str) for value in values):
            raise ThemesDataError(f"{where}: needs text for {', '.join(missing or _THEME_FIELDS)}")
        theme = Theme(*(str(value).strip() for value in values))
        if not _THEME_ID.fullmatch(theme.id):
            raise ThemesDataError(f"{where}: id {theme.id!r} must be lowercase_with_underscores")
        if any(theme.id == other.id for other in themes):
            raise ThemesDataError(f"{where}: id {theme.id!r} is used twice")
        themes.append(theme)
    return tuple(themes)


def _parse_platforms(table: Any, source: str) -> dict[str, dict[str, tuple[str, ...]]]:
    if not isinstance(table, dict):
        raise ThemesDataError(f"{source}: [mappings] must be a table of platforms")
    platforms: dict[str, dict[str, tuple[str, ...]]] = {}
    for platform, labels in table.items():
        if not isinstance(labels, dict):
            raise ThemesDataError(f"{source}: [mappings.{platform}] must be a table of labels")
        platforms[platform] = {}
        for label, ids in labels.items():
            if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
                raise ThemesDataError(
                    f"{source}: [mappings.{platform}] label {label!r} needs a list of theme ids"
                )
            platforms[platform][label] = tuple(ids)
    return platforms


def _label_key(label: str, source: str, where: str) -> str:
    key = match_key(label)
    if key is None:
        raise ThemesDataError(f"{source}: {where} label {label!r} has no letters or digits")
    return key


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


@cache
def _table() -> ThemeTable:
    text = resources.files("pipeline.data").joinpath(DATA_FILE).read_text(encoding="utf-8")
    return parse_theme_table(text)


if __name__ == "__main__":
    print(themes_markdown(), end="")
