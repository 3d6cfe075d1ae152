"""Monitored links: which URLs are watched, which are due, and what a report lists.

Persistence only: what a check means for a link's state is decided by
`pipeline.links.states` and written by `pipeline.links.outcomes`. Every function here reads or
writes in a few set-based queries, so 10,000 links cost a handful of round trips, not 10,000.

A link event's `detail` holds, besides what the caller adds (`evidence`, `distance`...)::

    url            the monitored URL
    title          its title as cited (cut to DETAIL_MAX_CHARS)
    class          class of the latest check (storage.models.LINK_CLASSES)
    http_status    status of the latest check's final answer
    final_url      URL of that answer
    suggested_url  where the content is now, for a moved link
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, case, delete, func, insert, or_, select
from sqlalchemy.orm import Session

from storage.events import shorten
from storage.models import (
    LINK_CLASSES,
    LINK_ORIGINS,
    LINK_STATES,
    ChangeEvent,
    Link,
    LinkCheck,
    Record,
    Resource,
    url_hash,
)
from storage.runs import require_aware
from storage.sources import get_source

__all__ = [
    "ARCHIVE_RETRY",
    "ARCHIVE_STATES",
    "LINK_EVENTS",
    "LinkRemoval",
    "LinkSpec",
    "count_links",
    "due_links",
    "link_event",
    "links_to_archive",
    "links_with_urls",
    "list_links",
    "record_link_specs",
    "remove_links",
    "reset_baseline",
    "set_archive",
    "sync_links",
]

LINK_EVENTS = (
    "link_failing",
    "link_broken",
    "link_moved",
    "link_recovered",
    "link_needs_review",
    "content_drifted",
)
# Links a reader cannot follow as cited: an archived copy is worth suggesting.
ARCHIVE_STATES = ("broken", "moved")
# An archive that had no copy of a link may have one later (it archives on request, too).
ARCHIVE_RETRY = timedelta(days=7)
# Bound parameters per IN (...): SQLite allows 32,766 and PostgreSQL 65,535 in one statement.
_CHUNK = 500
# `list_links` shows what needs a maintainer first.
_STATE_ORDER = {"broken": 0, "moved": 1, "failing": 2, "needs_review": 3, "healthy": 4}

_NEVER = datetime.min.replace(tzinfo=UTC)

_Item = TypeVar("_Item")


@dataclass(frozen=True, slots=True)
class LinkSpec:
    """A URL to monitor, with what is known of where it comes from."""

    url: str
    origin: str  # one of storage.models.LINK_ORIGINS
    title: str | None = None
    cited_in: str | None = None
    record_id: int | None = None
    source_id: int | None = None


def sync_links(session: Session, specs: Iterable[LinkSpec], now: datetime) -> int:
    """Add the URLs not monitored yet; return how many were added.

    A known URL keeps its origin, `first_seen` and history; its title, citation, record and
    source are filled in when they were unknown. The same URL twice in `specs` is one link. The
    caller commits.
    """
    require_aware(now)
    wanted: dict[str, LinkSpec] = {}
    for spec in specs:
        if spec.origin not in LINK_ORIGINS:
            raise ValueError(f"a link origin is one of {LINK_ORIGINS}, not {spec.origin!r}")
        key = url_hash(spec.url)
        earlier = wanted.get(key)
        wanted[key] = spec if earlier is None else _merged(earlier, spec)
    known: dict[str, Link] = {}
    for hashes in _chunks(list(wanted)):
        known.update(
            (link.url_hash, link)
            for link in session.scalars(select(Link).where(Link.url_hash.in_(hashes)))
        )
    added = []
    for key, spec in wanted.items():
        link = known.get(key)
        if link is None:
            added.append(
                {
                    "url": spec.url,
                    "url_hash": key,
                    "origin": spec.origin,
                    "title": spec.title,
                    "cited_in": spec.cited_in,
                    "record_id": spec.record_id,
                    "source_id": spec.source_id,
                    "first_seen": now,
                }
            )
            continue
        for name in ("title", "cited_in", "record_id", "source_id"):
            if getattr(link, name) is None and getattr(spec, name) is not None:
                setattr(link, name, getattr(spec, name))
    session.flush()
    if added:
        # One executemany: ORM objects would be inserted one statement each on SQLite.
        session.execute(insert(Link), added)
    return len(added)


def _merged(first: LinkSpec, later: LinkSpec) -> LinkSpec:
    return LinkSpec(
        url=first.url,
        origin=first.origin,
        title=first.title if first.title is not None else later.title,
        cited_in=first.cited_in if first.cited_in is not None else later.cited_in,
        record_id=first.record_id if first.record_id is not None else later.record_id,
        source_id=first.source_id if first.source_id is not None else later.source_id,
    )


def record_link_specs(session: Session) -> list[LinkSpec]:
    """Every record's own page (origin "record") and every resource it links to ("resource").

    Removed records are included: a page that disappeared is exactly what the monitor reports.
    """
    pages = select(Record.id, Record.url, Record.title, Record.source_id).order_by(Record.id)
    specs = [
        LinkSpec(url=url, origin="record", title=title, record_id=record_id, source_id=source_id)
        for record_id, url, title, source_id in session.execute(pages)
    ]
    resources = (
        select(Resource.url, Resource.title, Resource.record_id, Record.source_id)
        .join(Record, Resource.record_id == Record.id)
        .order_by(Resource.record_id, Resource.id)
    )
    specs.extend(
        LinkSpec(url=url, origin="resource", title=title, record_id=record_id, source_id=source_id)
        for url, title, record_id, source_id in session.execute(resources)
    )
    return specs


def due_links(
    session: Session,
    now: datetime,
    *,
    everything: bool = False,
    source_key: str | None = None,
    urls: Sequence[str] | None = None,
) -> list[Link]:
    """The links to check now: never checked or due by `now` (all of them with `everything`),
    optionally only a source's or only those with exactly these URLs. Never-checked first.

    `UnknownSource` if no source has `source_key`."""
    require_aware(now)
    conditions: list[ColumnElement[bool]] = []
    if not everything:
        conditions.append(or_(Link.next_check_at.is_(None), Link.next_check_at <= now))
    if source_key is not None:
        conditions.append(Link.source_id == _source_id(session, source_key))
    order = (Link.next_check_at.is_not(None), Link.next_check_at, Link.id)
    if urls is None:
        return list(session.scalars(select(Link).where(*conditions).order_by(*order)))
    found: list[Link] = []
    for hashes in _chunks(sorted({url_hash(url) for url in urls})):
        query = select(Link).where(Link.url_hash.in_(hashes), *conditions)
        found.extend(session.scalars(query))
    return sorted(found, key=_due_order)


def _due_order(link: Link) -> tuple[bool, datetime, int]:
    return link.next_check_at is not None, link.next_check_at or _NEVER, link.id


def _source_id(session: Session, source_key: str) -> int:
    return get_source(session, source_key).id


def list_links(
    session: Session,
    *,
    states: Sequence[str] = (),
    classes: Sequence[str] = (),
    source_key: str | None = None,
    match: re.Pattern[str] | None = None,
) -> list[Link]:
    """Links in any of `states` with a latest check of any of `classes` (empty: any) whose URL
    `match` finds (``re.search``; None: any), broken first, then moved, failing, needs_review,
    healthy and never checked; by URL within each.

    `UnknownSource` if no source has `source_key`."""
    query = select(Link).where(*_filters(session, states, classes, source_key))
    severity = case(_STATE_ORDER, value=Link.state, else_=len(_STATE_ORDER))
    links = session.scalars(query.order_by(severity, Link.url, Link.id))
    # Python's re, not the database's: SQLite has no REGEXP, and one syntax on both backends.
    return [link for link in links if match is None or match.search(link.url)]


def links_with_urls(session: Session, urls: Iterable[str]) -> dict[str, Link]:
    """The monitored links whose URL is exactly one of `urls`, by URL."""
    found: dict[str, Link] = {}
    for hashes in _chunks(sorted({url_hash(url) for url in urls})):
        found.update(
            (link.url, link)
            for link in session.scalars(select(Link).where(Link.url_hash.in_(hashes)))
        )
    return found


@dataclass(frozen=True, slots=True)
class LinkRemoval:
    """What `remove_links` deleted."""

    links: int
    checks: int
    events: int


def remove_links(session: Session, link_ids: Iterable[int]) -> LinkRemoval:
    """Forget these links: each link row with its checks (its history) and its events, as if
    it had never been monitored. Nothing else refers to a link. The caller commits, so the
    whole removal is one transaction."""
    ids = sorted(set(link_ids))
    links = checks = events = 0
    for chunk in _chunks(ids):
        events += _deleted(session, delete(ChangeEvent).where(ChangeEvent.link_id.in_(chunk)))
        checks += _deleted(session, delete(LinkCheck).where(LinkCheck.link_id.in_(chunk)))
        links += _deleted(session, delete(Link).where(Link.id.in_(chunk)))
    session.expire_all()  # deleted rows may be loaded in the session
    return LinkRemoval(links, checks, events)


def _deleted(session: Session, statement: Any) -> int:
    result = session.execute(statement.execution_options(synchronize_session=False))
    return int(getattr(result, "rowcount", 0) or 0)


def count_links(
    session: Session,
    *,
    states: Sequence[str] = (),
    classes: Sequence[str] = (),
    source_key: str | None = None,
) -> int:
    """How many links `list_links` would list, counted by the database."""
    query = select(func.count(Link.id)).where(*_filters(session, states, classes, source_key))
    return session.scalar(query) or 0


def _filters(
    session: Session, states: Sequence[str], classes: Sequence[str], source_key: str | None
) -> list[ColumnElement[bool]]:
    for state in states:
        if state not in LINK_STATES:
            raise ValueError(f"a link state is one of {LINK_STATES}, not {state!r}")
    for link_class in classes:
        if link_class not in LINK_CLASSES:
            raise ValueError(f"a link class is one of {LINK_CLASSES}, not {link_class!r}")
    filters: list[ColumnElement[bool]] = []
    if states:
        filters.append(Link.state.in_(list(states)))
    if classes:
        filters.append(Link.last_class.in_(list(classes)))
    if source_key is not None:
        filters.append(Link.source_id == _source_id(session, source_key))
    return filters


def links_to_archive(
    session: Session, now: datetime, retry_after: timedelta = ARCHIVE_RETRY
) -> list[Link]:
    """Broken or moved links with no archived copy yet, whose archive was never asked or was
    last asked longer than `retry_after` ago."""
    require_aware(now)
    query = (
        select(Link)
        .where(
            Link.state.in_(ARCHIVE_STATES),
            Link.archive_url.is_(None),
            or_(Link.archive_checked_at.is_(None), Link.archive_checked_at <= now - retry_after),
        )
        .order_by(Link.id)
    )
    return list(session.scalars(query))


def set_archive(session: Session, link: Link, archive_url: str | None, now: datetime) -> None:
    """Remember that the archive was asked at `now` and what it had (None: no usable copy, so
    `links_to_archive` asks again after its `retry_after`)."""
    link.archive_checked_at = require_aware(now)
    if archive_url is not None:
        link.archive_url = archive_url
    session.flush()


def reset_baseline(link: Link, now: datetime) -> None:
    """Accept the page as it is now: drift is measured from its latest usable fingerprint, and
    `content_drifted` may be raised again."""
    require_aware(now)
    link.baseline_text_hash = link.good_text_hash
    link.baseline_simhash = link.good_simhash
    link.baseline_at = now if link.good_text_hash is not None else None
    link.drifted_at = None


def link_event(link: Link, kind: str, now: datetime, **detail: Any) -> ChangeEvent:
    """An event of `kind` about `link` (flushed, so it has an id); not part of any crawl run."""
    if link.id is None:
        raise ValueError(f"link {link.url!r} is not flushed: an event needs its id")
    return ChangeEvent(
        run_id=None,
        source_id=link.source_id,
        record_id=link.record_id,
        link_id=link.id,
        kind=kind,
        fields_changed=[],
        detail={
            "url": link.url,
            "title": shorten(link.title),
            "class": link.last_class,
            "http_status": link.http_status,
            "final_url": link.final_url,
            "suggested_url": link.suggested_url,
            **detail,
        },
        created_at=require_aware(now),
    )


def _chunks(items: list[_Item]) -> Iterator[list[_Item]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]
