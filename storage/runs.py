"""Crawl runs: opening one, closing it, and what removal a complete run may decide.

A record is removed only by evidence: a run that finished a complete crawl of its source
without seeing it, `missed_runs_before_removal` times in a row. A partial, failed or aborted
run proves nothing about what is gone, so it never counts.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import ColumnElement, CursorResult, and_, func, or_, select, update
from sqlalchemy.orm import Session

from storage.errors import RunClosed, UnknownRun, UnknownSource
from storage.events import record_event
from storage.models import RUN_STATUSES, ChangeEvent, CrawlRun, Record, Source

__all__ = [
    "CLOSED_STATUSES",
    "FinishResult",
    "RunSummary",
    "finish_run",
    "get_run",
    "latest_run_ids",
    "run_ids_since",
    "run_summary",
    "start_run",
]

CLOSED_STATUSES = tuple(status for status in RUN_STATUSES if status != "running")


@dataclass(frozen=True, slots=True)
class FinishResult:
    """What closing a run decided; `records_missed` includes the records it removed."""

    run_id: int
    status: str
    records_seen: int
    records_new: int
    records_updated: int
    records_removed: int
    records_missed: int


@dataclass(frozen=True, slots=True)
class RunSummary:
    """One run as a report shows it."""

    run_id: int
    source_key: str
    source_name: str
    status: str
    started_at: datetime
    finished_at: datetime | None
    close_reason: str | None
    records_seen: int
    records_new: int
    records_updated: int
    records_removed: int
    stats: dict[str, Any]


def require_aware(now: datetime) -> datetime:
    """Refuse naive datetimes here, where the caller sees it, rather than deep in a flush."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError(f"naive datetime {now!r}: pass an aware datetime (e.g. UTC)")
    return now


def start_run(session: Session, source_key: str, now: datetime) -> int:
    """Open a `running` run of the source and return its id.

    A run of the same source still `running` was left by a process that died: it becomes
    `aborted`. What it wrote stays, since the pipeline commits every batch.
    """
    require_aware(now)
    source = session.scalar(select(Source).where(Source.key == source_key))
    if source is None:
        raise UnknownSource(f"no source {source_key!r} in the database: is it in the config?")
    left_running = select(CrawlRun).where(
        CrawlRun.source_id == source.id, CrawlRun.status == "running"
    )
    run = CrawlRun(source=source, started_at=now, status="running", stats={})
    session.add(run)
    session.flush()
    for stale in session.scalars(left_running.where(CrawlRun.id != run.id)):
        stale.status = "aborted"
        stale.close_reason = f"aborted: still running when run {run.id} started"
        _count_records(session, stale)
    session.flush()
    return run.id


def finish_run(
    session: Session,
    run_id: int,
    status: str,
    close_reason: str | None,
    stats: dict[str, Any],
    missed_runs_before_removal: int,
    now: datetime,
) -> FinishResult:
    """Close a run; only a `finished` one ages and removes the records it did not see."""
    require_aware(now)
    if status not in CLOSED_STATUSES:
        raise ValueError(f"a run closes as one of {CLOSED_STATUSES}, not {status!r}")
    if missed_runs_before_removal < 1:
        raise ValueError("missed_runs_before_removal must be at least 1")
    run = running_run(session, run_id)
    missed = 0
    if status == "finished":
        missed = _age_unseen_records(session, run, missed_runs_before_removal, now)
    run.status = status
    run.finished_at = now
    run.close_reason = close_reason
    run.stats = json_ready(stats)
    _count_records(session, run)
    session.flush()
    return FinishResult(
        run_id=run.id,
        status=status,
        records_seen=run.records_seen,
        records_new=run.records_new,
        records_updated=run.records_updated,
        records_removed=run.records_removed,
        records_missed=missed,
    )


def json_ready(value: Any) -> Any:
    """`value` as it will read back from a JSON column: tuples become lists, dates ISO text.

    Scrapy's stats hold datetimes (start_time, finish_time); anything else JSON cannot hold
    is kept as its str().
    """
    return json.loads(json.dumps(value, default=_to_json, ensure_ascii=False))


def _to_json(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, set | frozenset):
        return sorted(value, key=str)
    return str(value)


def running_run(session: Session, run_id: int) -> CrawlRun:
    """The run, which must still be `running` to take writes."""
    run = session.get(CrawlRun, run_id)
    if run is None:
        raise UnknownRun(f"no crawl run {run_id} in the database")
    if run.status != "running":
        raise RunClosed(f"crawl run {run_id} is already {run.status}")
    return run


def _age_unseen_records(session: Session, run: CrawlRun, limit: int, now: datetime) -> int:
    unseen: ColumnElement[bool] = and_(
        Record.source_id == run.source_id,
        Record.status == "active",
        or_(Record.last_seen_run_id.is_(None), Record.last_seen_run_id != run.id),
    )
    aged = session.execute(update(Record).where(unseen).values(missed_runs=Record.missed_runs + 1))
    missed = cast(CursorResult[Any], aged).rowcount
    for record in session.scalars(select(Record).where(unseen, Record.missed_runs >= limit)):
        record.status = "removed"
        record.removed_at = now
        record.changed_at = now
        event = record_event(
            run,
            record,
            "removed",
            now,
            last_seen=record.last_seen.isoformat(),
            missed_runs=record.missed_runs,
        )
        session.add(event)
    return missed


def _count_records(session: Session, run: CrawlRun) -> None:
    """Fill the run's counters from what it wrote, so they hold however many batches it took."""
    session.flush()
    by_kind = dict(
        session.execute(
            select(ChangeEvent.kind, func.count())
            .where(ChangeEvent.run_id == run.id)
            .group_by(ChangeEvent.kind)
        ).all()
    )
    run.records_new = by_kind.get("new", 0)
    run.records_updated = by_kind.get("updated", 0)
    run.records_removed = by_kind.get("removed", 0)
    run.records_seen = (
        session.scalar(
            select(func.count()).select_from(Record).where(Record.last_seen_run_id == run.id)
        )
        or 0
    )


def get_run(session: Session, run_id: int) -> CrawlRun | None:
    """The run with this id, if any."""
    return session.get(CrawlRun, run_id)


def latest_run_ids(session: Session) -> list[int]:
    """The id of the latest run of each source, in id order."""
    latest = select(func.max(CrawlRun.id)).group_by(CrawlRun.source_id)
    return sorted(session.scalars(latest))


def run_ids_since(session: Session, since: datetime) -> list[int]:
    """Runs started at or after `since`, in the order they started."""
    started = select(CrawlRun.id).where(CrawlRun.started_at >= require_aware(since))
    return list(session.scalars(started.order_by(CrawlRun.started_at, CrawlRun.id)))


def run_summary(session: Session, run_id: int) -> RunSummary:
    """The run as a report shows it; `UnknownRun` if there is none."""
    run = session.get(CrawlRun, run_id)
    if run is None:
        raise UnknownRun(f"no crawl run {run_id} in the database")
    return summarise(run, run.source)


def summarise(run: CrawlRun, source: Source) -> RunSummary:
    """A `RunSummary` of a loaded run and its source."""
    return RunSummary(
        run_id=run.id,
        source_key=source.key,
        source_name=source.name,
        status=run.status,
        started_at=run.started_at,
        finished_at=run.finished_at,
        close_reason=run.close_reason,
        records_seen=run.records_seen,
        records_new=run.records_new,
        records_updated=run.records_updated,
        records_removed=run.records_removed,
        stats=dict(run.stats),
    )


def last_finished_run(session: Session, source_key: str, before_run_id: int) -> CrawlRun | None:
    """The latest complete run of the source before this one: the baseline alarms compare to."""
    query = (
        select(CrawlRun)
        .join(Source, CrawlRun.source_id == Source.id)
        .where(Source.key == source_key, CrawlRun.status == "finished", CrawlRun.id < before_run_id)
        .order_by(CrawlRun.id.desc())
        .limit(1)
    )
    return session.scalar(query)


def add_run_event(
    session: Session, run_id: int, kind: str, detail: dict[str, Any], now: datetime
) -> ChangeEvent:
    """An event about the run itself (an extraction alarm), not about one record."""
    require_aware(now)
    run = running_run(session, run_id)
    event = ChangeEvent(
        run_id=run.id,
        source_id=run.source_id,
        kind=kind,
        fields_changed=[],
        detail=json_ready(detail),
        created_at=now,
    )
    session.add(event)
    session.flush()
    return event


def run_events(session: Session, run_id: int, kind: str) -> list[ChangeEvent]:
    query = select(ChangeEvent).where(ChangeEvent.run_id == run_id, ChangeEvent.kind == kind)
    return list(session.scalars(query.order_by(ChangeEvent.id)))
