"""Migrations: they build exactly the models' schema, once, and an old database is refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from alembic import command
from sqlalchemy import Engine, delete, func, select, text
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
from storage.models import Link, LinkCheck, Source, url_hash
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


def _downgrade(url: str, revision: str) -> None:
    """What `alembic downgrade` does, on the connection `storage.migrate.upgrade` would use."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            config = alembic_config(url)
            config.attributes["connection"] = connection
            command.downgrade(config, revision)
            connection.commit()
    finally:
        engine.dispose()


def _add_link(engine: Engine, url: str, link_class: str) -> None:
    with Session(engine) as session:
        link = Link(url=url, origin="cli", first_seen=START, last_class=link_class)
        session.add(link)
        session.flush()
        session.add(LinkCheck(link_id=link.id, checked_at=START, link_class=link_class))
        session.commit()


def test_0004_allows_unsafe_redirect_and_invalid_url_and_a_downgrade_loses_nothing(
    db_url: str,
) -> None:
    upgrade(db_url, "0003")
    engine = make_engine(db_url)
    try:
        with pytest.raises(IntegrityError, match="ck_link_last_class"):
            _add_link(engine, "https://a.example/", "unsafe_redirect")

        upgrade(db_url)
        _add_link(engine, "https://a.example/", "unsafe_redirect")
        _add_link(engine, "https://exa mple.org/", "invalid_url")
        with Session(engine) as session:
            stored = session.execute(select(Link.last_class, LinkCheck.link_class).join(Link))
            assert sorted(stored) == [
                ("invalid_url", "invalid_url"),
                ("unsafe_redirect", "unsafe_redirect"),
            ]
        with pytest.raises(RuntimeError) as refused:
            _downgrade(db_url, "0003")
        assert str(refused.value) == (
            "cannot downgrade to 0003: 2 link rows have last_class unsafe_redirect or "
            "invalid_url, which 0003 does not know; delete them first"
        )
        assert current_revision(db_url) == "0004"
        with Session(engine) as session:
            assert session.scalar(select(func.count()).select_from(LinkCheck)) == 2
            session.execute(delete(LinkCheck))
            session.execute(delete(Link))
            session.commit()

        _downgrade(db_url, "0003")
        assert current_revision(db_url) == "0003"
        _add_link(engine, "https://b.example/", "private_network")
        with pytest.raises(IntegrityError, match="ck_link_last_class"):
            _add_link(engine, "https://c.example/", "invalid_url")
    finally:
        engine.dispose()
