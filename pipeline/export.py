"""The incremental export a downstream catalogue ingests: one JSON object per record (JSONL).

The fields are a contract (docs/export.md); add fields, never rename or remove them. Records come
in ``changed_at`` order, so a consumer keeps the last ``changed_at`` it read and passes it back
as ``--since`` (inclusive: a record may come twice, none is ever skipped). Each record and each
of its resources carries what the link monitor knows of its URL (`link`).

The links export (`export_links_jsonl`) is one object per monitored link, in the order of
`state_changed_at` (`first_seen` for a link never checked), incremental the same way.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime
from typing import IO, Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.models import Link, Record, Source, url_hash
from storage.repositories import records_changed_since
from storage.runs import require_aware

__all__ = [
    "EXPORT_FIELDS",
    "LINK_EXPORT_FIELDS",
    "LINK_STATUS_FIELDS",
    "ExportSummary",
    "export_jsonl",
    "export_links_jsonl",
    "link_statuses",
    "record_to_export",
]

EXPORT_FIELDS = (
    "id",
    "source",
    "kind",
    "url",
    "translations",
    "title",
    "summary",
    "city",
    "country",
    "organisations",
    "themes",
    "theme_labels",
    "language",
    "published",
    "updated",
    "resources",
    "status",
    "first_seen",
    "last_seen",
    "changed_at",
    "version",
    "link",
)
# The `link` object of a record and of each resource: the monitor's view of that URL.
LINK_STATUS_FIELDS = (
    "state",
    "class",
    "http_status",
    "suggested_url",
    "archive_url",
    "last_checked",
)
# One line of the links export.
LINK_EXPORT_FIELDS = (
    "url",
    "title",
    "origin",
    "cited_in",
    "record",
    "source",
    "class",
    "state",
    "http_status",
    "final_url",
    "suggested_url",
    "archive_url",
    "first_seen",
    "first_failed",
    "last_checked",
    "state_changed_at",
)
# Records whose links are looked up together, and URL hashes per IN (...): a few queries per
# thousand records, well under every backend's limit on bound parameters.
_BATCH = 500

_Item = TypeVar("_Item")


def record_to_export(record: Record, links: Mapping[str, dict[str, Any]]) -> dict[str, Any]:
    """A record as the export writes it; `links` maps URLs to `link` objects
    (`link_statuses`): a URL not in it was never checked, its `link` is null."""
    return {
        "id": record.stable_id,
        "source": record.source.key,
        "kind": record.kind,
        "url": record.url,
        "translations": [
            {"language": t.get("language"), "url": t.get("url"), "title": t.get("title")}
            for t in record.translations or []
        ],
        "title": record.title,
        "summary": record.summary,
        "city": record.city,
        "country": record.country,
        "organisations": list(record.organisations or []),
        "themes": list(record.themes or []),
        "theme_labels": list(record.theme_labels or []),
        "language": record.language,
        "published": record.published.isoformat() if record.published else None,
        "updated": record.updated.isoformat() if record.updated else None,
        "resources": [
            {"url": r.url, "title": r.title, "type": r.type, "link": links.get(r.url)}
            for r in sorted(record.resources, key=lambda r: r.id)
        ],
        "status": record.status,
        "first_seen": _iso(record.first_seen),
        "last_seen": _iso(record.last_seen),
        "changed_at": _iso(record.changed_at),
        "version": record.version,
        "link": links.get(record.url),
    }


def link_statuses(session: Session, urls: Iterable[str]) -> dict[str, dict[str, Any]]:
    """The `link` object of each of these URLs that was checked at least once."""
    hashes = sorted({url_hash(url) for url in urls})
    query = select(
        Link.url,
        Link.state,
        Link.last_class,
        Link.http_status,
        Link.suggested_url,
        Link.archive_url,
        Link.last_checked,
    ).where(Link.last_checked.is_not(None))
    statuses = {}
    for chunk in _batches(hashes, _BATCH):
        for row in session.execute(query.where(Link.url_hash.in_(chunk))):
            statuses[row.url] = {
                "state": row.state,
                "class": row.last_class,
                "http_status": row.http_status,
                "suggested_url": row.suggested_url,
                "archive_url": row.archive_url,
                "last_checked": _iso(row.last_checked),
            }
    return statuses


class ExportSummary:
    def __init__(self) -> None:
        self.count = 0
        self.last_changed_at: str | None = None


def export_lines(session: Session, since: datetime | None, summary: ExportSummary) -> Iterator[str]:
    for records in _batches(records_changed_since(session, since), _BATCH):
        urls = [url for record in records for url in _urls_of(record)]
        links = link_statuses(session, urls)
        for record in records:
            row = record_to_export(record, links)
            summary.count += 1
            summary.last_changed_at = row["changed_at"]
            yield json.dumps(row, ensure_ascii=False, sort_keys=False) + "\n"


def export_jsonl(session: Session, since: datetime | None, out: IO[str]) -> ExportSummary:
    summary = ExportSummary()
    for line in export_lines(session, since, summary):
        out.write(line)
    return summary


def _urls_of(record: Record) -> Iterator[str]:
    yield record.url
    for resource in record.resources:
        yield resource.url


# -- links ----------------------------------------------------------------------------------


def export_links_jsonl(session: Session, since: datetime | None, out: IO[str]) -> ExportSummary:
    """Every monitored link whose state changed at or after `since` (all if None), one JSON
    object a line (`LINK_EXPORT_FIELDS`); `summary.last_changed_at` is the next `since`."""
    summary = ExportSummary()
    for row in session.execute(_links_query(since)):
        summary.count += 1
        summary.last_changed_at = _iso(row.changed_at)
        out.write(json.dumps(_link_to_export(row), ensure_ascii=False) + "\n")
    return summary


def _links_query(since: datetime | None) -> Any:
    # A link never checked has no state change yet: it is placed when it was first seen.
    changed_at = func.coalesce(Link.state_changed_at, Link.first_seen)
    query = (
        select(
            Link.url,
            Link.title,
            Link.origin,
            Link.cited_in,
            Record.stable_id.label("record"),
            Source.key.label("source"),
            Link.last_class,
            Link.state,
            Link.http_status,
            Link.final_url,
            Link.suggested_url,
            Link.archive_url,
            Link.first_seen,
            Link.first_failed,
            Link.last_checked,
            Link.state_changed_at,
            changed_at.label("changed_at"),
        )
        .outerjoin(Record, Link.record_id == Record.id)
        .outerjoin(Source, Link.source_id == Source.id)
        .order_by(changed_at, Link.id)
        .execution_options(yield_per=_BATCH)
    )
    if since is not None:
        query = query.where(changed_at >= require_aware(since))
    return query


def _link_to_export(row: Any) -> dict[str, Any]:
    return {
        "url": row.url,
        "title": row.title,
        "origin": row.origin,
        "cited_in": row.cited_in,
        "record": row.record,
        "source": row.source,
        "class": row.last_class,
        "state": row.state,
        "http_status": row.http_status,
        "final_url": row.final_url,
        "suggested_url": row.suggested_url,
        "archive_url": row.archive_url,
        "first_seen": _iso(row.first_seen),
        "first_failed": _iso(row.first_failed),
        "last_checked": _iso(row.last_checked),
        "state_changed_at": _iso(row.state_changed_at),
    }


def _batches(items: Iterable[_Item], size: int) -> Iterator[list[_Item]]:
    batch: list[_Item] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _iso(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value else None
