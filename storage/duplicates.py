"""Possible duplicates: two records of different sources that look like one practice.

Finding them is the pipeline's job (`pipeline.duplicates`); storage keeps the pairs and what a
maintainer decided, and never merges the records:

    open       found, waiting for a maintainer; a later detection refreshes score and evidence
    confirmed  the same practice: the two stay linked, each on its own platform
    rejected   not the same practice: never re-opened, never reported again

A new pair is also a `possible_duplicate` change event of a crawl run, so that run's report
lists it. `UnknownDuplicate` is a `StorageError`: a pair id that is not in the database.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from storage.errors import StorageError, UnknownRun
from storage.events import shorten
from storage.models import (
    DUPLICATE_STATUSES,
    ChangeEvent,
    CrawlRun,
    PossibleDuplicate,
    Record,
    Resource,
)
from storage.runs import json_ready, require_aware

__all__ = [
    "DUPLICATE_DECISIONS",
    "DUPLICATE_EVENT",
    "DUPLICATE_STATUSES",
    "CandidateRecord",
    "DetectedPair",
    "DuplicateSaveResult",
    "UnknownDuplicate",
    "decide_duplicate",
    "duplicate_candidates",
    "list_duplicates",
    "save_duplicates",
]

DUPLICATE_EVENT = "possible_duplicate"
DUPLICATE_DECISIONS = ("confirmed", "rejected")


class UnknownDuplicate(StorageError):
    """A possible-duplicate pair id that is not in the `possible_duplicate` table."""


@dataclass(frozen=True, slots=True)
class CandidateRecord:
    """What duplicate detection compares of one active record."""

    record_id: int
    source_id: int
    kind: str
    url: str
    canonical_url: str | None
    title: str | None
    city_normalised: str | None
    country: str | None
    published: date | None
    translations: tuple[tuple[str, str | None], ...] = ()  # (url, title)
    resources: tuple[tuple[str, str], ...] = ()  # (url, type)


@dataclass(frozen=True, slots=True)
class DetectedPair:
    """Two records that may be one practice, with why (a JSON-ready dict)."""

    record_id: int
    other_record_id: int
    score: float
    evidence: dict[str, Any] = field(default_factory=dict)

    def ordered(self) -> tuple[int, int]:
        """The pair as the table keeps it: lower record id first."""
        return min(self.record_id, self.other_record_id), max(self.record_id, self.other_record_id)


@dataclass(frozen=True, slots=True)
class DuplicateSaveResult:
    """What saving one detection did: pairs opened, open pairs refreshed, decided pairs left."""

    new_pair_ids: tuple[int, ...] = ()
    refreshed: int = 0
    decided: int = 0


def duplicate_candidates(session: Session) -> list[CandidateRecord]:
    """Every active record, with its translations and resources, in id order."""
    resources: dict[int, list[tuple[str, str]]] = {}
    active_resources = (
        select(Resource.record_id, Resource.url, Resource.type)
        .join(Record, Resource.record_id == Record.id)
        .where(Record.status == "active")
        .order_by(Resource.id)
    )
    for record_id, url, kind in session.execute(active_resources):
        resources.setdefault(record_id, []).append((url, kind))
    query = select(
        Record.id,
        Record.source_id,
        Record.kind,
        Record.url,
        Record.canonical_url,
        Record.title,
        Record.city_normalised,
        Record.country,
        Record.published,
        Record.translations,
    ).where(Record.status == "active")
    return [
        CandidateRecord(
            record_id=row.id,
            source_id=row.source_id,
            kind=row.kind,
            url=row.url,
            canonical_url=row.canonical_url,
            title=row.title,
            city_normalised=row.city_normalised,
            country=row.country,
            published=row.published,
            translations=_translations(row.translations),
            resources=tuple(resources.get(row.id, ())),
        )
        for row in session.execute(query.order_by(Record.id))
    ]


def _translations(stored: Any) -> tuple[tuple[str, str | None], ...]:
    found = []
    for translation in stored or ():
        if isinstance(translation, dict) and translation.get("url"):
            title = translation.get("title")
            found.append((str(translation["url"]), str(title) if title else None))
    return tuple(found)


def save_duplicates(
    session: Session, pairs: Iterable[DetectedPair], now: datetime, run_id: int | None = None
) -> DuplicateSaveResult:
    """Store a detection: open new pairs, refresh open ones, leave decided ones alone.

    Each new pair becomes a `possible_duplicate` event of `run_id` or, when None, of the latest
    run of either record's source. The caller commits.
    """
    require_aware(now)
    if run_id is not None and session.get(CrawlRun, run_id) is None:
        raise UnknownRun(f"no crawl run {run_id} in the database")
    stored = {(pair.record_id, pair.other_record_id): pair for pair in _all_pairs(session)}
    latest_runs: dict[int, int] | None = None
    new_pairs: list[PossibleDuplicate] = []
    refreshed = decided = 0
    for detected in pairs:
        record_id, other_record_id = detected.ordered()
        evidence = json_ready(detected.evidence)
        existing = stored.get((record_id, other_record_id))
        if existing is not None and existing.status != "open":
            decided += 1
            continue
        if existing is not None:
            if existing.score != detected.score or existing.evidence != evidence:
                existing.score, existing.evidence = detected.score, evidence
                refreshed += 1
            continue
        record, other = _pair_records(session, record_id, other_record_id)
        if latest_runs is None:
            latest_runs = _latest_run_by_source(session)
        chosen_run = (
            run_id
            if run_id is not None
            else _latest_of(latest_runs, record.source_id, other.source_id)
        )
        pair = PossibleDuplicate(
            record_id=record_id,
            other_record_id=other_record_id,
            score=detected.score,
            evidence=evidence,
            status="open",
            detected_at=now,
            run_id=chosen_run,
        )
        session.add(pair)
        stored[(record_id, other_record_id)] = pair
        new_pairs.append(pair)
    session.flush()
    for pair in new_pairs:
        session.add(_pair_event(session, pair, now))
    session.flush()
    return DuplicateSaveResult(tuple(pair.id for pair in new_pairs), refreshed, decided)


def _all_pairs(session: Session) -> list[PossibleDuplicate]:
    return list(session.scalars(select(PossibleDuplicate)))


def _pair_records(session: Session, record_id: int, other_record_id: int) -> tuple[Record, Record]:
    record, other = session.get(Record, record_id), session.get(Record, other_record_id)
    if record is None or other is None:
        missing = record_id if record is None else other_record_id
        raise ValueError(f"possible duplicate of record {missing}, which is not stored")
    if record.source_id == other.source_id:
        raise ValueError(
            f"records {record_id} and {other_record_id} are of the same source: "
            "only records of different sources can be possible duplicates"
        )
    return record, other


def _latest_run_by_source(session: Session) -> dict[int, int]:
    latest = select(CrawlRun.source_id, func.max(CrawlRun.id)).group_by(CrawlRun.source_id)
    return {source_id: run_id for source_id, run_id in session.execute(latest)}


def _latest_of(latest_runs: dict[int, int], *source_ids: int) -> int | None:
    runs = [latest_runs[source_id] for source_id in source_ids if source_id in latest_runs]
    return max(runs, default=None)


def _pair_event(session: Session, pair: PossibleDuplicate, now: datetime) -> ChangeEvent:
    run = session.get(CrawlRun, pair.run_id) if pair.run_id is not None else None
    record, other = pair.record, pair.other_record
    return ChangeEvent(
        run_id=pair.run_id,
        source_id=run.source_id if run else None,
        record_id=record.id,
        kind=DUPLICATE_EVENT,
        fields_changed=[],
        detail={
            "pair_id": pair.id,
            "score": pair.score,
            "title": shorten(record.title),
            "url": shorten(record.url),
            "other_record_id": other.id,
            "other_title": shorten(other.title),
            "other_url": shorten(other.url),
        },
        created_at=now,
    )


def list_duplicates(
    session: Session, status: str | None = "open", run_ids: Sequence[int] | None = None
) -> list[PossibleDuplicate]:
    """Pairs with this status (every status if None), optionally only those found by `run_ids`.

    Each pair comes with both records and their sources loaded, best score first.
    """
    query = select(PossibleDuplicate).options(
        joinedload(PossibleDuplicate.record).joinedload(Record.source),
        joinedload(PossibleDuplicate.other_record).joinedload(Record.source),
    )
    if status is not None:
        if status not in DUPLICATE_STATUSES:
            raise ValueError(f"a possible duplicate is one of {DUPLICATE_STATUSES}, not {status!r}")
        query = query.where(PossibleDuplicate.status == status)
    if run_ids is not None:
        query = query.where(PossibleDuplicate.run_id.in_(list(run_ids)))
    order = (PossibleDuplicate.score.desc(), PossibleDuplicate.id)
    return list(session.scalars(query.order_by(*order)))


def decide_duplicate(
    session: Session, pair_id: int, decision: str, now: datetime
) -> PossibleDuplicate:
    """Record a maintainer's decision on a pair; deciding the same again changes nothing.

    A maintainer may change their mind (confirmed to rejected and back): `decided_at` says when.
    """
    require_aware(now)
    if decision not in DUPLICATE_DECISIONS:
        raise ValueError(f"a decision is one of {DUPLICATE_DECISIONS}, not {decision!r}")
    pair = session.get(PossibleDuplicate, pair_id)
    if pair is None:
        raise UnknownDuplicate(
            f"no possible duplicate {pair_id} in the database "
            "(`citywatch duplicates --status all` lists them)"
        )
    if pair.status != decision:
        pair.status = decision
        pair.decided_at = now
        session.flush()
    return pair
