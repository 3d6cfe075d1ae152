"""Change events about records, built one way so every report reads the same shape.

Every record event's `detail` holds the record's `title` and `url` at the time of the event
(cut to `DETAIL_MAX_CHARS`), plus, by kind:

    new          -
    updated      old, new: {field: value} for the DETAIL_FIELDS among fields_changed
    reappeared   removed_at: ISO time it had been removed
    removed      last_seen: ISO time it was last seen, missed_runs: complete runs it missed
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from storage.models import ChangeEvent, CrawlRun, Record

__all__ = ["DETAIL_FIELDS", "DETAIL_MAX_CHARS", "record_event", "shorten"]

# Fields short enough to show old and new side by side in a report.
DETAIL_FIELDS = ("title", "url", "published", "updated", "themes")
DETAIL_MAX_CHARS = 300


def record_event(
    run: CrawlRun,
    record: Record,
    kind: str,
    now: datetime,
    fields_changed: list[str] | None = None,
    **detail: Any,
) -> ChangeEvent:
    """An event of `kind` about `record`, found by `run`."""
    return ChangeEvent(
        run_id=run.id,
        source_id=run.source_id,
        record=record,
        kind=kind,
        fields_changed=fields_changed or [],
        detail={"title": shorten(record.title), "url": shorten(record.url), **detail},
        created_at=now,
    )


def shorten(value: Any) -> Any:
    """Long text cut to `DETAIL_MAX_CHARS`, so an event never carries a whole page."""
    if isinstance(value, str) and len(value) > DETAIL_MAX_CHARS:
        return value[: DETAIL_MAX_CHARS - 1] + "…"
    if isinstance(value, list):
        return [shorten(item) for item in value]
    return value
