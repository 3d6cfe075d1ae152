"""Load and validate ``citywatch.toml``.

Where the file comes from, first match wins: ``--config PATH``, ``$CITYWATCH_CONFIG``,
``./citywatch.toml``, the default config shipped with the package. Every problem is raised as one
`ConfigError` line naming the file, the line where it can tell, the key, and what is wrong.
"""

from __future__ import annotations

import ipaddress
import math
import os
import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlsplit

from pipeline.settings_table import LINK_FIELDS, SETTINGS, SOURCE_FIELDS, Field, Setting
from pipeline.urls import quoted_url, url_problem
from storage.db import url_problem as database_url_problem

__all__ = [
    "INTERNAL_SPIDERS",
    "LINK_CHECK_SPIDER",
    "Config",
    "ConfigError",
    "LinkConfig",
    "SourceConfig",
    "default_config_text",
    "find_config_path",
    "load_config",
    "parse_config",
]

CONFIG_ENV = "CITYWATCH_CONFIG"
CONFIG_FILENAME = "citywatch.toml"
# The project's spiders that are not sources: a source of that name would crawl with the link
# checker's settings and pipeline.
LINK_CHECK_SPIDER = "link_checker"
INTERNAL_SPIDERS = frozenset({LINK_CHECK_SPIDER})
_KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


class ConfigError(ValueError):
    """A config file that cannot be used; the message is the one line shown to the user."""


@dataclass(frozen=True, slots=True)
class SourceConfig:
    key: str
    name: str
    spider: str
    start_urls: tuple[str, ...]
    enabled: bool = True
    schedule: str | None = None
    options: dict[str, Any] = field(default_factory=dict)
    overrides: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class LinkConfig:
    url: str
    title: str | None = None
    cited_in: str | None = None


@dataclass(frozen=True, slots=True)
class Config:
    """A validated config: settings by dotted name, sources and cited links."""

    path: str
    settings: dict[str, Any]
    sources: tuple[SourceConfig, ...]
    links: tuple[LinkConfig, ...]

    @property
    def database_url(self) -> str:
        return str(self.settings["database.url"])

    def source(self, key: str) -> SourceConfig:
        for source in self.sources:
            if source.key == key:
                return source
        known = ", ".join(s.key for s in self.sources)
        raise ConfigError(f"{self.path}: no source with key {key!r} (known: {known})")

    def source_setting(self, source: SourceConfig, name: str) -> Any:
        """A setting as it applies to one source: its override, else the global value."""
        key = name.split(".", 1)[1]
        return source.overrides.get(key, self.settings[name])


def default_config_text() -> str:
    """The default config shipped with the package (the real platform URLs)."""
    return resources.files("pipeline.data").joinpath("default_config.toml").read_text("utf-8")


def find_config_path(explicit: str | None = None) -> str | None:
    """The config file to read, or None for the packaged default."""
    if explicit:
        return explicit
    if os.environ.get(CONFIG_ENV):
        return os.environ[CONFIG_ENV]
    if Path(CONFIG_FILENAME).is_file():
        return CONFIG_FILENAME
    return None


def load_config(path: str | None = None, *, db_url: str | None = None) -> Config:
    """Read, parse and validate the config; ``db_url`` (``--db``) beats file and environment."""
    path = find_config_path(path)
    if path is None:
        config = parse_config(default_config_text(), "<default config>")
    else:
        try:
            text = Path(path).read_text("utf-8")
        except FileNotFoundError:
            raise ConfigError(f"{path}: config file not found") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: cannot read config file: {exc}") from None
        config = parse_config(text, path)
    if db_url:
        problem = database_url_problem(db_url)
        if problem:
            raise ConfigError(f"--db: {problem}")
        config.settings["database.url"] = db_url
    return config


def parse_config(text: str, path: str) -> Config:
    """Validate TOML text into a `Config`; ``path`` only names the file in errors."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    locate = _Locator(text, path)
    known_sections = {row.section for row in SETTINGS} | {"sources", "links"}
    for section in document:
        if section not in known_sections:
            raise locate.error(section, None, f"unknown section [{section}]")
    settings = _read_settings(document, locate)
    _check_archive_endpoint(settings, locate)
    _check_exclude(settings, locate)
    sources = _read_sources(document.get("sources", []), locate, settings)
    links = _read_links(document.get("links", []), locate)
    return Config(path=path, settings=settings, sources=sources, links=links)


class _Locator:
    """Finds the line of a key so an error can point at it (TOML parsers keep no positions)."""

    def __init__(self, text: str, path: str) -> None:
        self.lines = text.splitlines()
        self.path = path

    def line_of(self, table: str, index: int | None, key: str | None) -> int | None:
        header = re.compile(
            rf"^\s*\[\[\s*{re.escape(table)}\s*\]\]"
            if index is not None
            else rf"^\s*\[\s*{re.escape(table)}\s*\]"
        )
        starts = [n for n, line in enumerate(self.lines) if header.match(line)]
        if index is not None:
            starts = starts[index : index + 1]
        for start in starts:
            if key is None:
                return start + 1
            for n in range(start + 1, len(self.lines)):
                if re.match(r"^\s*\[", self.lines[n]):
                    break
                if re.match(rf"^\s*{re.escape(key)}\s*=", self.lines[n]):
                    return n + 1
            return start + 1
        return None

    def error(
        self,
        table: str,
        index: int | None,
        message: str,
        key: str | None = None,
        *,
        item: int | None = None,
    ) -> ConfigError:
        """The error at `key` of a table (of the `index`-th one of an array of tables), or at
        its value's `item`-th element for a list."""
        line = self.line_of(table, index, key)
        where = f"{self.path}:{line}" if line else self.path
        name = table if index is None else f"{table}[{index}]"
        if key:
            name = f"{name}.{key}"
        if item is not None:
            name = f"{name}[{item}]"
        return ConfigError(f"{where}: {name}: {message}")


def _read_settings(document: dict[str, Any], locate: _Locator) -> dict[str, Any]:
    settings: dict[str, Any] = {}
    declared = {row.name for row in SETTINGS}
    for section in {row.section for row in SETTINGS}:
        table = document.get(section, {})
        if not isinstance(table, dict):
            raise locate.error(section, None, "must be a table")
        for key in table:
            if f"{section}.{key}" not in declared:
                raise locate.error(section, None, "unknown setting", key)
    for row in SETTINGS:
        table = document.get(row.section, {})
        value = table.get(row.key, row.default)
        if row.key in table:
            value = _check_value(
                row, table[row.key], lambda msg, r=row: locate.error(r.section, None, msg, r.key)
            )
        if row.env and os.environ.get(row.env):
            value = _check_value(
                row,
                os.environ[row.env],
                lambda msg, r=row: ConfigError(f"environment variable {r.env}: {msg}"),
            )
        settings[row.name] = value
    return settings


def _check_archive_endpoint(settings: dict[str, Any], locate: _Locator) -> None:
    """Archive lookups ask only http(s): a file: endpoint would read the local disk."""
    endpoint = settings["link_check.archive_endpoint"]
    problem = endpoint and _url_problem(endpoint, allow_private=True)
    if problem:
        raise locate.error("link_check", None, f"{endpoint!r}: {problem}", "archive_endpoint")


def _check_exclude(settings: dict[str, Any], locate: _Locator) -> None:
    """Every pattern compiles, so that `config check` refuses what `check-links` would."""
    for index, pattern in enumerate(settings["link_check.exclude"]):
        try:
            re.compile(pattern)
        except re.error as exc:
            raise locate.error(
                "link_check",
                None,
                f"{pattern!r}: not a regular expression ({exc})",
                "exclude",
                item=index,
            ) from None


def _check_value(row: Setting, value: Any, error: Any) -> Any:
    """Type-check one setting value; ``error(message)`` builds the exception to raise."""
    expected = row.type
    if expected is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
        raise error(f"expected {expected.__name__}, got {type(value).__name__} {value!r}")
    checked: Any = value  # isinstance() above narrowed it to `object`
    if expected is list:
        if not all(isinstance(item, str) for item in checked):
            raise error(f"expected a list of strings, got {value!r}")
        return list(checked)
    if expected is float and not math.isfinite(checked):
        raise error(f"must be a finite number, got {value!r}")
    if row.minimum is not None and checked < row.minimum:
        raise error(f"must be at least {row.minimum:g}, got {value!r}")
    if row.maximum is not None and checked > row.maximum:
        raise error(f"must be at most {row.maximum:g}, got {value!r}")
    if row.name == "database.url" and (problem := database_url_problem(checked)):
        raise error(problem)
    return value


def _read_sources(
    tables: Any, locate: _Locator, settings: dict[str, Any]
) -> tuple[SourceConfig, ...]:
    if not isinstance(tables, list):
        raise locate.error("sources", None, "must be an array of tables ([[sources]])")
    overridable = {row.key: row for row in SETTINGS if row.per_source}
    seen: set[str] = set()
    sources = []
    for index, table in enumerate(tables):

        def fail(message: str, key: str | None = None, i: int = index) -> ConfigError:
            return locate.error("sources", i, message, key)

        values = _read_fields(table, SOURCE_FIELDS, fail, extra=set(overridable))
        key = values["key"]
        if not _KEY_PATTERN.match(key):
            raise fail(f"{key!r} is not a valid key (lowercase letters, digits, _)", "key")
        if key in seen:
            raise fail(f"duplicate source key {key!r}", "key")
        seen.add(key)
        for name in ("key", "spider"):
            if values.get(name) in INTERNAL_SPIDERS:
                raise fail(f"{values[name]!r} is citywatch's own spider, not a source", name)
        start_urls = tuple(values["start_urls"])
        if not start_urls:
            raise fail("needs at least one URL", "start_urls")
        for url in start_urls:
            problem = _url_problem(url, settings["crawl.allow_private_networks"])
            if problem:
                raise fail(f"{quoted_url(url)}: {problem}", "start_urls")
        schedule = values.get("schedule")
        if schedule is not None:
            problem = _cron_problem(schedule)
            if problem:
                raise fail(f"{schedule!r}: {problem}", "schedule")
        overrides = {}
        for name, row in overridable.items():
            if name in table:
                overrides[name] = _check_value(row, table[name], lambda m, n=name: fail(m, n))
        sources.append(
            SourceConfig(
                key=key,
                name=values["name"],
                spider=values.get("spider") or key,
                start_urls=start_urls,
                enabled=values["enabled"],
                schedule=schedule,
                options=dict(values["options"]),
                overrides=overrides,
            )
        )
    return tuple(sources)


def _read_links(tables: Any, locate: _Locator) -> tuple[LinkConfig, ...]:
    if not isinstance(tables, list):
        raise locate.error("links", None, "must be an array of tables ([[links]])")
    links = []
    for index, table in enumerate(tables):

        def fail(message: str, key: str | None = None, i: int = index) -> ConfigError:
            return locate.error("links", i, message, key)

        values = _read_fields(table, LINK_FIELDS, fail)
        problem = _url_problem(values["url"], allow_private=True)
        if problem:
            raise fail(f"{quoted_url(values['url'])}: {problem}", "url")
        links.append(LinkConfig(values["url"], values.get("title"), values.get("cited_in")))
    return tuple(links)


def _read_fields(
    table: Any, fields: tuple[Field, ...], fail: Any, extra: set[str] | None = None
) -> dict[str, Any]:
    if not isinstance(table, dict):
        raise fail("must be a table")
    names = {f.name for f in fields} | (extra or set())
    for key in table:
        if key not in names:
            raise fail("unknown key", key)
    values: dict[str, Any] = {}
    for spec in fields:
        if spec.name not in table:
            if spec.required:
                raise fail("is required", spec.name)
            values[spec.name] = spec.default
            continue
        value = table[spec.name]
        if not isinstance(value, spec.type):
            raise fail(f"expected {spec.type.__name__}, got {type(value).__name__}", spec.name)
        if spec.type is list and not all(isinstance(v, str) for v in cast(list[Any], value)):
            raise fail("expected a list of strings", spec.name)
        values[spec.name] = value
    return values


def _url_problem(url: str, allow_private: bool) -> str | None:
    """Why a start URL or cited link cannot be used (pipeline.urls.url_problem), or why it may
    not be crawled without ``allow_private_networks``."""
    problem = url_problem(url)
    if problem or allow_private:
        return problem
    host = urlsplit(url).hostname or ""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return "localhost is a private target" if host == "localhost" else None
    if not address.is_global:
        return (
            "is a private-network address; set [crawl] allow_private_networks = true "
            "to crawl it (tests and demo only)"
        )
    return None


def _cron_problem(expression: str) -> str | None:
    from apscheduler.triggers.cron import CronTrigger

    try:
        CronTrigger.from_crontab(expression, timezone="UTC")
    except ValueError as exc:
        return f"not a valid cron expression ({exc})"
    return None
