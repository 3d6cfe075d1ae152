"""The configured sources, kept in the database so runs and records can refer to them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.errors import UnknownSource
from storage.models import CrawlRun, Record, Source
from storage.runs import RunSummary, require_aware, summarise

__all__ = ["SourceSpec", "SourceSummary", "get_source", "list_sources", "sync_sources"]


@dataclass(frozen=True, slots=True)
class SourceSpec:
    """A source as the citywatch config describes it."""

    key: str
    name: str
    spider: str
    start_urls: tuple[str, ...] = ()
    enabled: bool = True


@dataclass(frozen=True, slots=True)
class SourceSummary:
    """A source with how many records it has and how its latest run went."""

    key: str
    name: str
    spider: str
    start_urls: tuple[str, ...]
    enabled: bool
    records_active: int
    records_removed: int
    last_run: RunSummary | None


def sync_sources(
    session: Session, specs: Iterable[SourceSpec], now: datetime | None = None
) -> None:
    """Insert or update each source by key; sources missing from `specs` are left as they are.

    A source dropped from the config keeps its rows (its records and runs refer to it); turn it
    off with `enabled=False` instead.
    """
    now = require_aware(now or datetime.now(UTC))
    by_key: dict[str, SourceSpec] = {}
    for spec in specs:
        if spec.key in by_key:
            raise ValueError(f"source key {spec.key!r} is configured twice")
        by_key[spec.key] = spec
    stored = {
        source.key: source
        for source in session.scalars(select(Source).where(Source.key.in_(by_key)))
    }
    for key, spec in by_key.items():
        source = stored.get(key)
        if source is None:
            session.add(Source(key=key, created_at=now, **_columns(spec), updated_at=now))
            continue
        values = _columns(spec)
        if any(getattr(source, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(source, name, value)
            source.updated_at = now
    session.flush()


def _columns(spec: SourceSpec) -> dict[str, object]:
    return {
        "name": spec.name,
        "spider": spec.spider,
        "start_urls": list(spec.start_urls),
        "enabled": spec.enabled,
    }


def get_source(session: Session, key: str) -> Source:
    """The source stored under `key`; `UnknownSource` if `sync_sources` never stored it."""
    source = session.scalar(select(Source).where(Source.key == key))
    if source is None:
        raise UnknownSource(f"no source {key!r} in the database: is it in the config?")
    return source


def list_sources(session: Session) -> list[SourceSummary]:
    """Every source, by key, with its record counts and latest run (three queries in all)."""
    counts: dict[tuple[int, str], int] = {
        (source_id, status): count
        for source_id, status, count in session.execute(
            select(Record.source_id, Record.status, func.count()).group_by(
                Record.source_id, Record.status
            )
        )
    }
    latest = select(func.max(CrawlRun.id)).group_by(CrawlRun.source_id).scalar_subquery()
    last_runs = {
        run.source_id: run
        for run in session.scalars(select(CrawlRun).where(CrawlRun.id.in_(latest)))
    }
    summaries = []
    for source in session.scalars(select(Source).order_by(Source.key)):
        run = last_runs.get(source.id)
        summaries.append(
            SourceSummary(
                key=source.key,
                name=source.name,
                spider=source.spider,
                start_urls=tuple(source.start_urls),
                enabled=source.enabled,
                records_active=counts.get((source.id, "active"), 0),
                records_removed=counts.get((source.id, "removed"), 0),
                last_run=summarise(run, source) if run is not None else None,
            )
        )
    return summaries
