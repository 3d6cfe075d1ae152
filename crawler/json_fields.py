"""Reading the fields of a JSON item a site sent (a REST post, a term, a JSON-LD node).

A site's JSON is as hostile as its HTML: an id that is not a number, a date that is a number, a
title that is a list. Each reader here returns the field as the spider uses it, ``None`` when
the item leaves it out, and raises `Malformed` naming the field when it holds something else, so
that the spider drops that one item (see `crawler.evidence.SiteEvidence.malformed`) and keeps
the rest of its listing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

__all__ = [
    "MAX_IDS",
    "Malformed",
    "date_text",
    "http_url",
    "id_list",
    "item_id",
    "optional_text",
    "rendered",
]

MAX_IDS = 1000  # ids in one list (a post's categories): a longer list is no real item's
MAX_ID_DIGITS = 18  # ids are database keys: 64-bit integers
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?")
_MAX_DATE_CHARS = 40


class Malformed(ValueError):
    """A field of an item holds what it cannot hold; the message says which and what."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


def item_id(value: Any, field: str = "id") -> int:
    """A positive integer id, as a number or as digits."""
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    digits = isinstance(value, str) and value.isascii() and value.isdigit()
    if digits and len(value) <= MAX_ID_DIGITS and int(value) > 0:
        return int(value)
    raise Malformed(field, f"not an id: {_shown(value)}")


def optional_text(item: Mapping[str, Any], field: str) -> str | None:
    """A string field; absent or null is None."""
    value = item.get(field)
    if value is None or isinstance(value, str):
        return value
    raise Malformed(field, f"expected text, got {_shown(value)}")


def rendered(item: Mapping[str, Any], field: str) -> str | None:
    """A WordPress text field: ``{"rendered": "..."}``, or plain text; absent is None, null or
    anything else is malformed (WordPress always sends the object)."""
    if field not in item:
        return None
    value = item[field]
    if isinstance(value, dict):
        value = value.get("rendered")
        if value is None and "rendered" not in item[field]:
            return None
        field = f"{field}.rendered"
    if isinstance(value, str):
        return value
    raise Malformed(field, f"expected text, got {_shown(value)}")


def date_text(item: Mapping[str, Any], field: str) -> str | None:
    """An ISO 8601 date or date-time as text; absent is None, anything else malformed."""
    if field not in item:
        return None
    value = item[field]
    if isinstance(value, str) and len(value) <= _MAX_DATE_CHARS and _DATE.fullmatch(value):
        return value
    raise Malformed(field, f"not an ISO 8601 date: {_shown(value)}")


def http_url(item: Mapping[str, Any], field: str) -> str | None:
    """An absolute http(s) URL; absent is None, anything else (``javascript:``...) malformed."""
    if field not in item:
        return None
    value = item[field]
    if isinstance(value, str) and re.match(r"https?://[^\s/?#]+", value, re.IGNORECASE):
        return value
    raise Malformed(field, f"not an http(s) URL: {_shown(value)}")


def id_list(item: Mapping[str, Any], field: str) -> tuple[int, ...]:
    """A list of ids (a post's categories); absent or null is empty."""
    value = item.get(field)
    if value is None:
        return ()
    if not isinstance(value, list):
        raise Malformed(field, f"expected a list of ids, got {_shown(value)}")
    if len(value) > MAX_IDS:
        raise Malformed(field, f"{len(value)} ids, more than {MAX_IDS}")
    return tuple(item_id(element, field) for element in value)


def _shown(value: Any) -> str:
    """The offending value as a log line shows it: its type, and a short repr."""
    if value is None:
        return "null"
    text = repr(value)
    return f"{type(value).__name__} {text[:60]}{'…' if len(text) > 60 else ''}"
