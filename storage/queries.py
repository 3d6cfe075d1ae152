"""Reading records and events back for reports and exports."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from storage.models import ChangeEvent, Record, RecordVersion, Resource, Source
from storage.runs import require_aware

__all__ = [
    "EXPORT_CHUNK",
    "KnownRecord",
    "events_for_run",
    "get_record",
    "known_pages",
    "record_resources",
    "record_versions",
    "records_changed_since",
]

# Records fetched (with their resources) per round trip while an export streams.
EXPORT_CHUNK = 500


def events_for_run(session: Session, run_id: int) -> list[ChangeEvent]:
    """The run's events in the order they happened, each with its record's headline loaded.

    Only the record's stable_id, kind, url, title and status are loaded; other attributes
    load on first use, while the session is open.
    """
    query = (
        select(ChangeEvent)
        .where(ChangeEvent.run_id == run_id)
        .options(
            joinedload(ChangeEvent.record).load_only(
                Record.stable_id, Record.kind, Record.url, Record.title, Record.status
            )
        )
        .order_by(ChangeEvent.id)
    )
    return list(session.scalars(query))


def records_changed_since(
    session: Session, since: datetime | None, chunk_size: int = EXPORT_CHUNK
) -> Iterator[Record]:
    """Records whose `changed_at` is at or after `since` (all if None), by changed_at then id.

    Inclusive, so an export that passes the last `changed_at` it wrote may see a record again
    but never misses one changed in the same instant. Removed records are included (their
    status says so). Streams `chunk_size` records at a time with resources and source loaded;
    keep the session open while iterating.
    """
    query = (
        select(Record)
        .options(selectinload(Record.resources), selectinload(Record.source))
        .order_by(Record.changed_at, Record.id)
        .execution_options(yield_per=chunk_size)
    )
    if since is not None:
        query = query.where(Record.changed_at >= require_aware(since))
    yield from session.scalars(query)


def get_record(session: Session, stable_id: str) -> Record | None:
    """The record with this stable_id, if stored."""
    return session.scalar(select(Record).where(Record.stable_id == stable_id))


def record_resources(session: Session, record_id: int) -> list[Resource]:
    """The resources of a record's current version."""
    query = select(Resource).where(Resource.record_id == record_id).order_by(Resource.id)
    return list(session.scalars(query))


def record_versions(session: Session, record_id: int) -> list[RecordVersion]:
    """Every stored version of a record, oldest first."""
    query = (
        select(RecordVersion)
        .where(RecordVersion.record_id == record_id)
        .order_by(RecordVersion.version)
    )
    return list(session.scalars(query))


@dataclass(frozen=True, slots=True)
class KnownRecord:
    """What an incremental recrawl needs of a stored record: where it was found, and what the
    listing said of it then."""

    url: str
    stable_id: str
    listing_marker: str | None
    translation_urls: tuple[str, ...]


def known_pages(session: Session, source_key: str, recheck: int = 0) -> list[KnownRecord]:
    """The source's active records, for an incremental recrawl; the ``recheck`` records
    extracted longest ago are left out, so that the crawl extracts them again whatever their
    listing says."""
    query = (
        select(Record.url, Record.stable_id, Record.listing_marker, Record.translations)
        .join(Source, Source.id == Record.source_id)
        .where(Source.key == source_key, Record.status == "active")
        .order_by(Record.extracted_at.is_not(None), Record.extracted_at, Record.id)
    )
    return [
        KnownRecord(
            url,
            stable_id,
            marker,
            tuple(
                str(t["url"]) for t in translations or [] if isinstance(t, dict) and t.get("url")
            ),
        )
        for url, stable_id, marker, translations in session.execute(query).all()[recheck:]
    ]
