"""Saving a batch of records: the idempotent upsert that makes versions and change events.

Saving the same batch twice changes nothing but "last seen". A record whose content hash
changed gets a new `RecordVersion` and one `updated` event listing the fields that differ.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, and_, select, update
from sqlalchemy.orm import Session, selectinload

from storage.events import DETAIL_FIELDS, record_event, shorten
from storage.models import CrawlRun, Record, RecordVersion, Resource
from storage.records import CONTENT_FIELDS, RecordData, ResourceData
from storage.runs import json_ready, require_aware, running_run

__all__ = ["SaveResult", "mark_seen", "save_records"]

# Stay well under the bound-parameter limits of SQLite (32766) and PostgreSQL (65535).
LOOKUP_CHUNK = 500
# Longest value each length-limited column takes; checked up front so that SQLite (which
# ignores lengths) and PostgreSQL (which refuses the whole batch) behave alike.
_MAX_LENGTHS = {"stable_id": 255, "kind": 32, "country": 2, "language": 8, "resource type": 32}


@dataclass(frozen=True, slots=True)
class SaveResult:
    """How the records of one batch compared with what was stored.

    A removed record that comes back changed counts as both `reappeared` and `updated`.
    """

    new: int = 0
    updated: int = 0
    unchanged: int = 0
    reappeared: int = 0


def save_records(
    session: Session, run_id: int, records: Sequence[RecordData], now: datetime
) -> SaveResult:
    """Upsert records by stable_id for a running run; the caller commits.

    A stable_id given twice in one batch is saved once, as its last occurrence.
    """
    require_aware(now)
    run = running_run(session, run_id)
    batch = {record.stable_id: record for record in records}
    for data in batch.values():
        _check(data, run)
    # Hashing is the costly part of a batch: do it once per record.
    digests = {stable_id: data.content_hash() for stable_id, data in batch.items()}
    stored = _stored_records(session, list(batch))
    changed_ids = [
        record.id
        for stable_id, record in stored.items()
        if record.content_hash != digests[stable_id]
    ]
    old_contents = _current_contents(session, changed_ids)
    counts: Counter[str] = Counter()
    for stable_id, data in batch.items():
        record = stored.get(stable_id)
        if record is None:
            _insert(session, run, data, digests[stable_id], now)
            counts["new"] += 1
            continue
        came_back = record.status == "removed"
        _mark_seen(record, run, data, now)
        if came_back:
            _reappear(session, run, record, now)
            counts["reappeared"] += 1
        if record.content_hash != digests[stable_id]:
            old = old_contents.get(record.id, {})
            _new_version(session, run, record, data, digests[stable_id], old, now)
            counts["updated"] += 1
        elif not came_back:
            counts["unchanged"] += 1
    session.flush()
    return SaveResult(**counts)


def _check(data: RecordData, run: CrawlRun) -> None:
    if data.source_key != run.source.key:
        raise ValueError(
            f"record {data.stable_id!r} is from source {data.source_key!r}, "
            f"but run {run.id} crawls {run.source.key!r}"
        )
    values = [(name, getattr(data, name)) for name in ("stable_id", "kind", "country", "language")]
    values += [("resource type", resource.type) for resource in data.resources]
    for name, value in values:
        limit = _MAX_LENGTHS[name]
        if value is not None and len(value) > limit:
            raise ValueError(
                f"record {data.stable_id!r}: {name} {value!r} is longer than {limit} characters"
            )


def _chunks(values: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), LOOKUP_CHUNK):
        yield values[start : start + LOOKUP_CHUNK]


def _stored_records(session: Session, stable_ids: Sequence[str]) -> dict[str, Record]:
    found: dict[str, Record] = {}
    for chunk in _chunks(stable_ids):
        query = (
            select(Record)
            .where(Record.stable_id.in_(chunk))
            .options(selectinload(Record.resources))
        )
        found.update((record.stable_id, record) for record in session.scalars(query))
    return found


def _current_contents(session: Session, record_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """The stored content of each record's current version, to tell which fields changed."""
    contents: dict[int, dict[str, Any]] = {}
    for chunk in _chunks(record_ids):
        query = (
            select(RecordVersion.record_id, RecordVersion.content)
            .join(
                Record,
                and_(
                    Record.id == RecordVersion.record_id,
                    Record.version == RecordVersion.version,
                ),
            )
            .where(Record.id.in_(chunk))
        )
        contents.update(session.execute(query).all())
    return contents


def _columns(data: RecordData, content: dict[str, Any]) -> dict[str, Any]:
    """Record columns holding the current content; JSON ones from the JSON-ready content."""
    columns = {name: getattr(data, name) for name in CONTENT_FIELDS if name != "resources"}
    for name in ("organisations", "themes", "theme_labels", "translations", "extra"):
        columns[name] = content[name]
    return columns


def _insert(session: Session, run: CrawlRun, data: RecordData, digest: str, now: datetime) -> None:
    content = json_ready(data.content())
    record = Record(
        stable_id=data.stable_id,
        source_id=run.source_id,
        canonical_url=data.canonical_url,
        content_hash=digest,
        version=1,
        status="active",
        first_seen=now,
        last_seen=now,
        changed_at=now,
        last_seen_run_id=run.id,
        missed_runs=0,
        listing_marker=data.listing_marker,
        extracted_at=now,
        **_columns(data, content),
    )
    record.resources = _resources(record, data.resources)
    session.add(record)
    _add_version(session, run, record, content, now)
    session.add(record_event(run, record, "new", now))


def _mark_seen(record: Record, run: CrawlRun, data: RecordData, now: datetime) -> None:
    record.last_seen = now
    record.last_seen_run_id = run.id
    record.missed_runs = 0
    record.canonical_url = data.canonical_url
    record.listing_marker = data.listing_marker
    record.extracted_at = now


def mark_seen(session: Session, run_id: int, stable_ids: Sequence[str], now: datetime) -> int:
    """Count active records of the run's source as seen, unchanged, without extracting them
    (their page's listing entry or a 304 said so). Returns how many records that matched."""
    require_aware(now)
    run = running_run(session, run_id)
    matched = 0
    for chunk in _chunks(sorted(set(stable_ids))):
        result = session.execute(
            update(Record)
            .where(
                Record.stable_id.in_(chunk),
                Record.source_id == run.source_id,
                Record.status == "active",
            )
            .values(last_seen=now, last_seen_run_id=run.id, missed_runs=0)
        )
        matched += cast("CursorResult[Any]", result).rowcount
    return matched


def _reappear(session: Session, run: CrawlRun, record: Record, now: datetime) -> None:
    removed_at = record.removed_at.isoformat() if record.removed_at else None
    record.status = "active"
    record.removed_at = None
    record.changed_at = now
    session.add(record_event(run, record, "reappeared", now, removed_at=removed_at))


def _new_version(
    session: Session,
    run: CrawlRun,
    record: Record,
    data: RecordData,
    digest: str,
    old: dict[str, Any],
    now: datetime,
) -> None:
    content = json_ready(data.content())
    changed = [name for name in CONTENT_FIELDS if old.get(name) != content[name]]
    for name, value in _columns(data, content).items():
        setattr(record, name, value)
    record.resources = _resources(record, data.resources)
    record.content_hash = digest
    record.version += 1
    record.changed_at = now
    _add_version(session, run, record, content, now)
    shown = [name for name in DETAIL_FIELDS if name in changed]
    event = record_event(
        run,
        record,
        "updated",
        now,
        fields_changed=changed,
        old={name: shorten(old.get(name)) for name in shown},
        new={name: shorten(content[name]) for name in shown},
    )
    session.add(event)


def _resources(record: Record, wanted: Iterable[ResourceData]) -> list[Resource]:
    """The record's resources as `wanted`, reusing rows by URL (first of a URL wins).

    Reusing rows, rather than deleting all and inserting anew, keeps the flush from
    inserting a URL before the old row with that URL is deleted.
    """
    stored = {resource.url: resource for resource in record.resources}
    kept: dict[str, Resource] = {}
    for item in wanted:
        if item.url in kept:
            continue
        resource = stored.get(item.url) or Resource(url=item.url)
        resource.title = item.title
        resource.type = item.type
        kept[item.url] = resource
    return list(kept.values())


def _add_version(
    session: Session, run: CrawlRun, record: Record, content: dict[str, Any], now: datetime
) -> None:
    session.add(
        RecordVersion(
            record=record,
            version=record.version,
            run_id=run.id,
            content_hash=record.content_hash,
            content=content,
            seen_at=now,
        )
    )
