"""Migrations: they build exactly the models' schema, once, and an old database is refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.orm import Session

from storage.db import make_engine
from storage.errors import SchemaOutOfDate
from storage.migrate import (
    alembic_config,
    current_revision,
    ensure_current,
    head_revision,
    schema_drift,
    upgrade,
)
from storage.models import Link, Source, url_hash
from tests.storage.factories import START


def test_upgrade_from_empty_is_idempotent(db_url: str) -> None:
    assert current_revision(db_url) is None
    upgrade(db_url)
    assert current_revision(db_url) == head_revision()
    upgrade(db_url)
    assert current_revision(db_url) == head_revision()
    ensure_current(db_url)


def test_models_match_migrations(db_url: str) -> None:
    upgrade(db_url)
    assert schema_drift(db_url) == []


def test_schema_drift_reports_what_differs(db_url: str) -> None:
    upgrade(db_url)
    engine = make_engine(db_url)
    try:
        with engine.begin() as connection:
            connection.execute(text("DROP INDEX ix_record_changed_at"))
        drift = schema_drift(engine)
    finally:
        engine.dispose()
    assert drift == ["add_index: Index ix_record_changed_at"]


def test_ensure_current_refuses_a_database_never_initialised(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        with pytest.raises(SchemaOutOfDate) as raised:
            ensure_current(engine)
    finally:
        engine.dispose()
    assert f"is at revision none, expected {head_revision()}" in str(raised.value)
    assert "run `citywatch init`" in str(raised.value)


def test_alembic_config_finds_the_packaged_migrations() -> None:
    config = alembic_config("sqlite:///x%20y.db")
    assert config.get_main_option("script_location", "").endswith("storage/migrations")
    assert config.get_main_option("sqlalchemy.url") == "sqlite:///x%20y.db"


def test_timestamps_come_back_as_aware_utc(engine: Engine) -> None:
    montevideo = START.astimezone(timezone(timedelta(hours=-3)))
    with Session(engine) as session:
        session.add(Source(key="a", name="A", spider="a", created_at=montevideo, updated_at=START))
        session.commit()
    with Session(engine) as session:
        source = session.scalars(select(Source)).one()
        assert source.created_at == START
        assert source.created_at.tzinfo is UTC


def test_naive_datetime_is_refused(engine: Engine) -> None:
    with Session(engine) as session:
        session.add(
            Source(key="a", name="A", spider="a", created_at=datetime(2024, 1, 1), updated_at=START)
        )
        with pytest.raises(StatementError, match="naive datetime"):
            session.flush()


def test_link_url_is_unique_whatever_its_length(engine: Engine) -> None:
    long_url = "https://example.org/files/" + "x" * 5000 + ".pdf"
    with Session(engine) as session:
        link = Link(url=long_url, origin="record", first_seen=START)
        session.add(link)
        session.commit()
        assert link.url_hash == url_hash(long_url)
        assert link.state is None
        session.add(Link(url=long_url, origin="cli", first_seen=START))
        with pytest.raises(IntegrityError, match="url_hash"):
            session.commit()
