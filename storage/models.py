"""The tables citywatch keeps: sources, crawl runs, records and their versions, monitored links.

The migrations in `storage/migrations/versions/` must create exactly this schema;
`storage.migrate.schema_drift` (and a test) compares the two.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship, validates

__all__ = [
    "LINK_CLASSES",
    "LINK_MOVED_BY",
    "LINK_ORIGINS",
    "LINK_STATES",
    "MAX_ID",
    "RECORD_STATUSES",
    "RUN_STATUSES",
    "Base",
    "ChangeEvent",
    "CrawlRun",
    "Link",
    "LinkCheck",
    "PossibleDuplicate",
    "Record",
    "RecordVersion",
    "Resource",
    "Source",
    "UTCDateTime",
    "url_hash",
]

# The largest id a table holds: ids are Integer columns, 32 bits on PostgreSQL (SQLite's 64
# would take more). A larger one asked for is no id at all, refused before any query.
MAX_ID = 2**31 - 1

# Every constraint and index gets a predictable name, so later migrations can drop or alter it
# by name on both PostgreSQL and SQLite (batch mode rebuilds tables from these names).
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

RUN_STATUSES = ("running", "finished", "partial", "failed", "aborted")
RECORD_STATUSES = ("active", "removed")
LINK_ORIGINS = ("config", "record", "resource", "cli")
LINK_STATES = ("healthy", "failing", "broken", "moved", "needs_review")
# The class of one link check: the one vocabulary of the database, CLI, report and export,
# documented with what produces each in pipeline.links.classes and docs/links.md.
LINK_CLASSES = (
    "ok",
    "redirected",
    "moved",
    "not_found",
    "forbidden",
    "client_error",
    "blocked",
    "rate_limited",
    "server_error",
    "soft_404",
    "timeout",
    "dns_error",
    "connection_error",
    "tls_error",
    "redirect_loop",
    "robots_disallowed",
    "private_network",
    "unsafe_redirect",
    "invalid_url",
)
# How a link in state `moved` was found to have moved.
LINK_MOVED_BY = ("redirect", "fingerprint")
DUPLICATE_STATUSES = ("open", "confirmed", "rejected")

# JSONB on PostgreSQL (indexable, compact); plain JSON text elsewhere.
JSONType = JSON().with_variant(postgresql.JSONB(), "postgresql")


def _one_of(column: str, values: tuple[str, ...]) -> str:
    quoted = ", ".join(f"'{value}'" for value in values)
    return f"{column} IN ({quoted})"


def url_hash(url: str) -> str:
    """The sha256 hex digest that makes a URL of any length unique in an index."""
    return hashlib.sha256(url.encode("utf-8")).hexdigest()


class UTCDateTime(TypeDecorator[datetime]):
    """A point in time, always handed back as an aware UTC datetime.

    SQLite has no time zones, so it stores naive UTC; PostgreSQL stores timestamptz. Naive
    datetimes are refused on the way in: guessing their zone is how off-by-hours bugs start.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}: pass an aware datetime (e.g. UTC)")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base whose metadata names every constraint."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Source(Base):
    """A platform citywatch crawls, as configured (synced by `sync_sources`)."""

    __tablename__ = "source"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(Text)
    spider: Mapped[str] = mapped_column(String(64))
    start_urls: Mapped[list[str]] = mapped_column(JSONType, default=list)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CrawlRun(Base):
    """One crawl of one source, from start to close."""

    __tablename__ = "crawl_run"
    __table_args__ = (CheckConstraint(_one_of("status", RUN_STATUSES), name="status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("source.id"), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(16))
    close_reason: Mapped[str | None] = mapped_column(Text)
    stats: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    records_seen: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    records_new: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    records_updated: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    records_removed: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))

    source: Mapped[Source] = relationship()


class Record(Base):
    """The current state of one practice, session, post or page; history is in `RecordVersion`."""

    __tablename__ = "record"
    __table_args__ = (
        CheckConstraint(_one_of("status", RECORD_STATUSES), name="status"),
        Index(None, "source_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    stable_id: Mapped[str] = mapped_column(String(255), unique=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("source.id"))
    kind: Mapped[str] = mapped_column(String(32))
    url: Mapped[str] = mapped_column(Text)
    canonical_url: Mapped[str | None] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(Text)
    summary: Mapped[str | None] = mapped_column(Text)
    body_text: Mapped[str | None] = mapped_column(Text)
    city: Mapped[str | None] = mapped_column(Text)
    city_normalised: Mapped[str | None] = mapped_column(Text)
    country: Mapped[str | None] = mapped_column(String(2))
    organisations: Mapped[list[str]] = mapped_column(JSONType, default=list)
    themes: Mapped[list[str]] = mapped_column(JSONType, default=list)
    theme_labels: Mapped[list[str]] = mapped_column(JSONType, default=list)
    language: Mapped[str | None] = mapped_column(String(8))
    published: Mapped[date | None] = mapped_column(Date)
    updated: Mapped[date | None] = mapped_column(Date)
    translations: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    extra: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    content_hash: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime)
    # The incremental export asks "what changed since T?": a new version or a status change.
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    last_seen_run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_run.id"))
    missed_runs: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # What the source's listing (sitemap lastmod, WordPress modified_gmt...) said of the page when
    # it was last extracted: a recrawl whose listing says the same skips the page. Not content.
    listing_marker: Mapped[str | None] = mapped_column(Text)
    # When the page was last fetched and extracted in full (not merely seen in a listing).
    extracted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    source: Mapped[Source] = relationship()
    resources: Mapped[list[Resource]] = relationship(
        back_populates="record",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Resource.id",
    )


class RecordVersion(Base):
    """The content of a record each time it changed, exactly as `RecordData.content()`."""

    __tablename__ = "record_version"
    __table_args__ = (UniqueConstraint("record_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("record.id"))
    version: Mapped[int] = mapped_column(Integer)
    run_id: Mapped[int] = mapped_column(ForeignKey("crawl_run.id"), index=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    content: Mapped[dict[str, Any]] = mapped_column(JSONType)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime)

    record: Mapped[Record] = relationship()


class Resource(Base):
    """A document or outbound link of the current version of a record."""

    __tablename__ = "resource"
    __table_args__ = (UniqueConstraint("record_id", "url"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("record.id", ondelete="CASCADE"))
    url: Mapped[str] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(Text)
    type: Mapped[str] = mapped_column(String(32))

    record: Mapped[Record] = relationship(back_populates="resources")


class Link(Base):
    """A URL the link monitor checks: cited in the article, in a record, or added by hand.

    URLs can be longer than any index allows, so uniqueness is on `url_hash`, which is kept in
    step with `url` whenever `url` is set. The state over time (`state`, `consecutive_failures`,
    `first_failed`, `last_ok`) is decided by `pipeline.links.states`; `last_class`, `http_status`
    and `final_url` are those of the latest check.
    """

    __tablename__ = "link"
    __table_args__ = (
        CheckConstraint(_one_of("origin", LINK_ORIGINS), name="origin"),
        CheckConstraint(_one_of("state", LINK_STATES), name="state"),
        CheckConstraint(_one_of("last_class", LINK_CLASSES), name="last_class"),
        CheckConstraint(_one_of("moved_by", LINK_MOVED_BY), name="moved_by"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(Text)
    url_hash: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str | None] = mapped_column(Text)
    cited_in: Mapped[str | None] = mapped_column(Text)
    origin: Mapped[str] = mapped_column(String(16))
    record_id: Mapped[int | None] = mapped_column(ForeignKey("record.id"), index=True)
    # The platform the link belongs to (a record's page or resource, a start URL), for --source.
    source_id: Mapped[int | None] = mapped_column(ForeignKey("source.id"), index=True)
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime)
    # NULL until the first check; a CHECK lets NULL through.
    state: Mapped[str | None] = mapped_column(String(16))
    state_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    first_failed: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_ok: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_checked: Mapped[datetime | None] = mapped_column(UTCDateTime)
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    last_class: Mapped[str | None] = mapped_column(String(32))
    http_status: Mapped[int | None] = mapped_column(Integer)
    final_url: Mapped[str | None] = mapped_column(Text)
    suggested_url: Mapped[str | None] = mapped_column(Text)
    # How a `moved` link was found to move: by a permanent redirect, or by its content turning
    # up at another URL while its own URL fails (then only a usable answer undoes it).
    moved_by: Mapped[str | None] = mapped_column(String(16))
    archive_url: Mapped[str | None] = mapped_column(Text)
    # When the archive was last asked (found or not), so a miss is retried only later.
    archive_checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    next_check_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    # Validators of the last usable answer, sent back to learn "unchanged" from a 304.
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)
    # The content as first seen (content drift is measured from it) and when drift was raised.
    baseline_text_hash: Mapped[str | None] = mapped_column(String(64))
    baseline_simhash: Mapped[str | None] = mapped_column(String(16))
    baseline_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    drifted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The content of the last usable check with a fingerprint: what a move is recognised by.
    good_text_hash: Mapped[str | None] = mapped_column(String(64))
    good_simhash: Mapped[str | None] = mapped_column(String(16))
    good_words: Mapped[int | None] = mapped_column(Integer)
    good_title: Mapped[str | None] = mapped_column(Text)
    good_canonical_url: Mapped[str | None] = mapped_column(Text)
    good_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @validates("url")
    def _keep_url_hash(self, _key: str, url: str) -> str:
        self.url_hash = url_hash(url)
        return url


class LinkCheck(Base):
    """One check of one link: what the server answered and how it was classed.

    `fingerprint` is the hash of the page's normalised main text, `simhash` its 64-bit simhash
    as 16 hex digits; both NULL when no body was read (HEAD, 304, an error).
    """

    __tablename__ = "link_check"
    __table_args__ = (
        Index(None, "link_id", "checked_at"),
        CheckConstraint(_one_of("link_class", LINK_CLASSES), name="link_class"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    link_id: Mapped[int] = mapped_column(ForeignKey("link.id"))
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime)
    link_class: Mapped[str] = mapped_column(String(32))
    http_status: Mapped[int | None] = mapped_column(Integer)
    final_url: Mapped[str | None] = mapped_column(Text)
    suggested_url: Mapped[str | None] = mapped_column(Text)
    # [{"url", "method", "status"}, ...] from the first request to the final answer.
    redirect_chain: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    latency_ms: Mapped[float | None] = mapped_column(Float)
    size: Mapped[int | None] = mapped_column(Integer)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    not_modified: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    fingerprint: Mapped[str | None] = mapped_column(String(128))
    simhash: Mapped[str | None] = mapped_column(String(16))
    title: Mapped[str | None] = mapped_column(Text)
    canonical_url: Mapped[str | None] = mapped_column(Text)
    # Why the class: {"signature": "cf-mitigated: challenge"}, {"phrase": ...}, ...
    evidence: Mapped[dict[str, Any]] = mapped_column(
        JSONType, default=dict, server_default=text("'{}'")
    )
    error: Mapped[str | None] = mapped_column(Text)


class ChangeEvent(Base):
    """Something a report should tell: a record new, updated, removed or back, a link failing...

    `kind` has no CHECK so later features can add kinds without a migration.
    """

    __tablename__ = "change_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_run.id"), index=True)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("source.id"))
    record_id: Mapped[int | None] = mapped_column(ForeignKey("record.id"), index=True)
    link_id: Mapped[int | None] = mapped_column(ForeignKey("link.id"))
    kind: Mapped[str] = mapped_column(String(32), index=True)
    # Names from `CONTENT_FIELDS`, in that order.
    fields_changed: Mapped[list[str]] = mapped_column(JSONType, default=list)
    detail: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    record: Mapped[Record | None] = relationship()


class PossibleDuplicate(Base):
    """Two records of different sources that look like the same practice, for a maintainer to
    confirm or reject: linked and reported, never merged. The pair is stored once, lower record
    id first."""

    __tablename__ = "possible_duplicate"
    __table_args__ = (
        UniqueConstraint("record_id", "other_record_id"),
        CheckConstraint(_one_of("status", DUPLICATE_STATUSES), name="status"),
        CheckConstraint("record_id < other_record_id", name="ordered_pair"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("record.id", ondelete="CASCADE"))
    other_record_id: Mapped[int] = mapped_column(
        ForeignKey("record.id", ondelete="CASCADE"), index=True
    )
    score: Mapped[float] = mapped_column(Float)
    # Why the two were paired: {"title_similarity": 0.93, "same_city": true, ...}.
    evidence: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    status: Mapped[str] = mapped_column(String(16), default="open")
    detected_at: Mapped[datetime] = mapped_column(UTCDateTime)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_run.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    record: Mapped[Record] = relationship(foreign_keys=[record_id])
    other_record: Mapped[Record] = relationship(foreign_keys=[other_record_id])
