"""The incremental export a downstream catalogue ingests: one JSON object per record (JSONL).

The fields are a contract (docs/export.md); add fields, never rename or remove them. Records come
in ``changed_at`` order, so a consumer keeps the last ``changed_at`` it read and passes it back
as ``--since`` (inclusive: a record may come twice, none is ever skipped).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from typing import IO, Any

from sqlalchemy.orm import Session

from storage.models import Record
from storage.repositories import records_changed_since

__all__ = ["EXPORT_FIELDS", "ExportSummary", "export_jsonl", "record_to_export"]

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
)


def record_to_export(record: Record) -> dict[str, Any]:
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
            {"url": r.url, "title": r.title, "type": r.type}
            for r in sorted(record.resources, key=lambda r: r.id)
        ],
        "status": record.status,
        "first_seen": _iso(record.first_seen),
        "last_seen": _iso(record.last_seen),
        "changed_at": _iso(record.changed_at),
        "version": record.version,
    }


class ExportSummary:
    def __init__(self) -> None:
        self.count = 0
        self.last_changed_at: str | None = None


def export_lines(session: Session, since: datetime | None, summary: ExportSummary) -> Iterator[str]:
    for record in records_changed_since(session, since):
        row = record_to_export(record)
        summary.count += 1
        summary.last_changed_at = row["changed_at"]
        yield json.dumps(row, ensure_ascii=False, sort_keys=False) + "\n"


def export_jsonl(session: Session, since: datetime | None, out: IO[str]) -> ExportSummary:
    summary = ExportSummary()
    for line in export_lines(session, since, summary):
        out.write(line)
    return summary


def _iso(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value else None
