"""Per-platform selector profiles: CSS selectors kept as data, one TOML file per platform.

A maintainer fixes a broken selector in ``crawler/profiles/<source key>.toml`` (or in a copy named
by the source's ``options.profile``) without touching spider code.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from parsel import Selector, SelectorList

__all__ = ["Profile", "ProfileError", "load_profile"]


_PROBE = Selector(text="<html></html>")


class ProfileError(ValueError):
    """A profile file that is missing or malformed; the message names the file and field."""


@dataclass(frozen=True, slots=True)
class Profile:
    path: str
    sections: dict[str, dict[str, tuple[str, ...]]]

    def selectors(self, section: str, name: str) -> tuple[str, ...]:
        try:
            return self.sections[section][name]
        except KeyError:
            raise ProfileError(f"{self.path}: [{section}] {name} is not defined") from None

    def nodes(
        self, root: Selector | SelectorList[Selector], section: str, name: str
    ) -> SelectorList[Selector]:
        """The elements matched by the first selector that matches any."""
        for css in self.selectors(section, name):
            found = root.css(css)
            if found:
                return found
        return SelectorList([])

    def first(self, root: Selector | SelectorList[Selector], section: str, name: str) -> str | None:
        """The first non-empty value of a field (text, attribute, or HTML for ``*_html``)."""
        for css in self.selectors(section, name):
            for node in root.css(css):
                value = _value(node, css, as_html=name.endswith("_html"))
                if value:
                    return value
        return None

    def all(self, root: Selector | SelectorList[Selector], section: str, name: str) -> list[str]:
        """Every non-empty value of the first selector that gives any (e.g. all categories)."""
        for css in self.selectors(section, name):
            values = [v for node in root.css(css) if (v := _value(node, css, as_html=False))]
            if values:
                return list(dict.fromkeys(values))
        return []


def _value(node: Selector, css: str, *, as_html: bool) -> str | None:
    if css.endswith("::text") or "::attr(" in css or as_html:
        text = node.get()
    else:
        text = " ".join(node.xpath("string()").get("").split())
    text = (text or "").strip()
    return text or None


def load_profile(key: str, path: str | None = None) -> Profile:
    """The profile of a source: ``path`` if given, else the one shipped for ``key``."""
    name = path or f"{key}.toml"
    try:
        if path:
            text = Path(path).read_text("utf-8")
        else:
            text = resources.files("crawler.profiles").joinpath(name).read_text("utf-8")
    except (FileNotFoundError, OSError) as exc:
        raise ProfileError(f"{name}: cannot read selector profile: {exc}") from None
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"{name}: not valid TOML: {exc}") from None
    sections: dict[str, dict[str, tuple[str, ...]]] = {}
    for section, fields in document.items():
        if not isinstance(fields, dict):
            raise ProfileError(f"{name}: [{section}] must be a table of selector lists")
        sections[section] = {}
        for field, selectors in fields.items():
            if isinstance(selectors, str):
                selectors = [selectors]
            if not isinstance(selectors, list) or not all(isinstance(s, str) for s in selectors):
                raise ProfileError(f"{name}: [{section}] {field}: expected a list of CSS selectors")
            for css in selectors:
                try:
                    _PROBE.css(css)
                except Exception as exc:  # cssselect raises several kinds
                    raise ProfileError(
                        f"{name}: [{section}] {field}: bad selector {css!r}: {exc}"
                    ) from None
            sections[section][field] = tuple(selectors)
    return Profile(path=name, sections=sections)
