"""Query parameters of the REST API as WordPress validates them, and its error answers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import parse_qsl, urlencode

from pipeline.replicas.server import Response
from pipeline.replicas.wordpress.formatting import php_json

__all__ = [
    "DEFAULT_PER_PAGE",
    "MAX_PER_PAGE",
    "Query",
    "RestError",
    "error_response",
    "filtered",
    "invalid_param",
]

DEFAULT_PER_PAGE = 10
MAX_PER_PAGE = 100


class RestError(Exception):
    """An error the REST API answers as ``{"code", "message", "data": {"status", ...}}``."""

    def __init__(self, status: int, code: str, message: str, **data: Any) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.data = status, code, message, data


def error_response(status: int, code: str, message: str, **data: Any) -> Response:
    payload = {"code": code, "message": message, "data": {"status": status, **data}}
    headers = [("Content-Type", "application/json; charset=UTF-8"), ("X-Robots-Tag", "noindex")]
    return Response(status, headers, php_json(payload).encode())


def invalid_param(name: str, message: str, code: str) -> RestError:
    """WordPress 5.7+'s ``rest_invalid_param`` error, with ``params`` and ``details``."""
    return RestError(
        400,
        "rest_invalid_param",
        f"Invalid parameter(s): {name}",
        params={name: message},
        details={name: {"code": code, "message": message, "data": None}},
    )


class Query:
    """The parameters of one request, read the way the REST API's argument schemas read them."""

    def __init__(self, query: str) -> None:
        self.params = parse_qsl(query, keep_blank_values=True)

    def values(self, name: str) -> list[str] | None:
        """``name=a,b`` and ``name[]=a&name[]=b`` alike; None when absent."""
        found = [value for key, value in self.params if key in (name, f"{name}[]")]
        if not found:
            return None
        return [item.strip() for value in found for item in value.split(",") if item.strip()]

    def one(self, name: str) -> str | None:
        found = [value for key, value in self.params if key == name]
        return found[-1] if found else None

    def integer(self, name: str, default: int, low: int, high: int | None) -> int:
        raw = self.one(name)
        if raw is None:
            return default
        if not raw.lstrip("-").isdigit():
            raise invalid_param(name, f"{name} is not of type integer.", "rest_invalid_type")
        value = int(raw)
        if high is not None and not low <= value <= high:
            message = f"{name} must be between {low} (inclusive) and {high} (inclusive)"
            raise invalid_param(name, message, "rest_out_of_bounds")
        if value < low:
            message = f"{name} must be greater than or equal to {low}"
            raise invalid_param(name, message, "rest_out_of_bounds")
        return value

    def ids(self, name: str) -> list[int] | None:
        values = self.values(name)
        if values is None:
            return None
        if not all(value.isdigit() for value in values):
            raise invalid_param(name, f"{name}[0] is not of type integer.", "rest_invalid_type")
        return [int(value) for value in values]

    def date(self, name: str, offset: int) -> datetime | None:
        raw = self.one(name)
        if raw is None:
            return None
        try:
            moment = datetime.fromisoformat(raw.replace(" ", "+"))
        except ValueError:
            raise invalid_param(name, "Invalid date.", "rest_invalid_date") from None
        if moment.tzinfo is None:  # WordPress reads a date without offset in the site's timezone
            moment = moment.replace(tzinfo=timezone(timedelta(hours=offset)))
        return moment

    def enum(self, name: str, default: str, allowed: Sequence[str]) -> str:
        value = self.one(name) or default
        if value not in allowed:
            message = f"{name} is not one of {', '.join(allowed)}."
            raise invalid_param(name, message, "rest_not_in_enum")
        return value

    def paginate(
        self, items: Sequence[Any], url: str, invalid_page: str
    ) -> tuple[list[Any], list[tuple[str, str]]]:
        """Cut one page out of ``items``: the page, and X-WP-Total / X-WP-TotalPages / Link."""
        per_page = self.integer("per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE)
        page = self.integer("page", 1, 1, None)
        total = len(items)
        pages = -(-total // per_page)
        if page > pages and total > 0:
            raise RestError(
                400,
                invalid_page,
                "The page number requested is larger than the number of pages available.",
            )
        headers = [("X-WP-Total", str(total)), ("X-WP-TotalPages", str(pages))]
        kept = [(key, value) for key, value in self.params if key != "page"]
        for rel, number in (("prev", page - 1), ("next", page + 1)):
            if 1 <= number <= pages:
                query = urlencode([*kept, ("page", str(number))])
                headers.append(("Link", f'<{url}?{query}>; rel="{rel}"'))
        return list(items[(page - 1) * per_page : page * per_page]), headers

    def embed_rels(self) -> set[str] | None:
        """None: no embedding; an empty set: embed everything; else the rels asked for."""
        value = self.one("_embed")
        if value is None:
            return None
        if value in ("", "1", "true"):
            return set()
        return {rel.strip() for rel in value.split(",")}


def filtered(item: dict[str, Any], fields: list[str] | None) -> dict[str, Any]:
    """``_fields``: keep the named top-level fields, or ``field.subfield``."""
    if fields is None:
        return item
    kept: dict[str, Any] = {}
    for name in fields:
        top, _, rest = name.partition(".")
        if top not in item:
            continue
        if rest and isinstance(item[top], dict):
            kept.setdefault(top, {})
            if rest in item[top]:
                kept[top][rest] = item[top][rest]
        else:
            kept[top] = item[top]
    return kept
