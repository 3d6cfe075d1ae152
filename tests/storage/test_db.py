"""Opening databases: SQLite tuning, URL handling, clear errors, session scopes."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, make_url, text
from sqlalchemy.orm import Session, sessionmaker

from storage.db import display_url, make_engine, normalise_url, session_factory, session_scope
from storage.errors import DatabaseUnreachable, SchemaOutOfDate, StorageError
from storage.models import Source
from tests.storage.factories import START


def test_sqlite_connection_has_wal_and_foreign_keys(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'nested' / 'folder' / 'citywatch.db'}")
    try:
        with engine.connect() as connection:
            pragma = connection.exec_driver_sql
            assert pragma("PRAGMA journal_mode").scalar() == "wal"
            assert pragma("PRAGMA foreign_keys").scalar() == 1
            assert pragma("PRAGMA busy_timeout").scalar() == 30000
            assert pragma("PRAGMA synchronous").scalar() == 1  # NORMAL
    finally:
        engine.dispose()
    assert (tmp_path / "nested" / "folder" / "citywatch.db").exists()


def test_a_missing_sqlite_file_is_created_only_when_asked(tmp_path: Path) -> None:
    path = tmp_path / "data" / "citywatch.db"
    with pytest.raises(SchemaOutOfDate) as raised:
        make_engine(f"sqlite:///{path}", create=False)
    assert str(raised.value) == f"database file {path} does not exist: run `citywatch init`"
    assert list(tmp_path.iterdir()) == []
    make_engine(f"sqlite:///{path}").dispose()
    assert path.exists()


def test_bare_postgresql_url_uses_psycopg() -> None:
    assert normalise_url("postgresql://u@h/db").drivername == "postgresql+psycopg"
    assert normalise_url("postgres://u@h/db").drivername == "postgresql+psycopg"
    assert normalise_url("postgresql+psycopg://u@h/db").drivername == "postgresql+psycopg"


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("sqlite:////dev/null/citywatch.db", id="sqlite"),
        pytest.param("postgresql://citywatch:s3cret@127.0.0.1:1/citywatch", id="postgresql"),
    ],
)
def test_unreachable_database_raises_clear_error(url: str) -> None:
    with pytest.raises(DatabaseUnreachable) as raised:
        make_engine(url)
    message = str(raised.value)
    assert message.startswith("cannot open database at ")
    assert url.split("://")[1].split("@")[-1] in message
    assert "s3cret" not in message
    assert isinstance(raised.value, StorageError)


def test_unparseable_url_raises_clear_error() -> None:
    with pytest.raises(DatabaseUnreachable) as raised:
        make_engine("postgresql://citywatch:s3cret@db.example:port/citywatch")
    assert str(raised.value) == (
        "not a database URL: 'postgresql://citywatch:***@db.example:port/citywatch' "
        "(e.g. sqlite:///citywatch.db)"
    )


@pytest.mark.parametrize(
    "url", ["mysql://u:s3cret@127.0.0.1/db", "postgresql+psycopg2://u@h/db", "oracle://h/db"]
)
def test_a_backend_citywatch_does_not_install_is_refused_before_any_import(url: str) -> None:
    with pytest.raises(DatabaseUnreachable) as raised:
        make_engine(url)
    assert str(raised.value) == (
        f"{display_url(url)}: unsupported database; citywatch uses "
        "sqlite:///PATH or postgresql://USER@HOST/DATABASE (psycopg)"
    )
    assert "s3cret" not in str(raised.value)


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://u:s3cret@h/db", "postgresql://u:***@h/db"),
        (
            "postgresql://u@h/db?password=s3cret&sslmode=require",
            "postgresql://u@h/db?password=***&sslmode=require",
        ),
        ("postgresql://u:s3cret@h:port/db", "postgresql://u:***@h:port/db"),
        ("sqlite:///citywatch.db", "sqlite:///citywatch.db"),
        ("postgresql://u:s3@cret@127.0.0.1/db", "postgresql://u:***@127.0.0.1/db"),
        ("postgresql://u:s3@cr@et@127.0.0.1:5432/db", "postgresql://u:***@127.0.0.1:5432/db"),
        ("postgresql://u:s3/cret@h/db", "postgresql://u:***@h/db"),
        ("postgresql://u:s3:cret@h:5432/db", "postgresql://u:***@h:5432/db"),
        ("postgresql://u:s3%40cret@h/db", "postgresql://u:***@h/db"),
        ("postgresql://u:s3?cret@h/db", "postgresql://u:***@h/db"),
        ("postgresql://:s3cret@h/db", "postgresql://:***@h/db"),
        (
            "postgresql://u:s3@cret@h/db?password=s3@cret",
            "postgresql://u:***@h/db?password=***",
        ),
        ("postgresql://h:5432/db", "postgresql://h:5432/db"),
        (
            "postgresql://u@h:5432/db?application_name=a@b",
            "postgresql://u@h:5432/db?application_name=a@b",
        ),
        ("sqlite:////home/u:x@y/citywatch.db", "sqlite:////home/u:x@y/citywatch.db"),
    ],
)
def test_a_url_is_displayed_without_its_password(url: str, shown: str) -> None:
    assert display_url(url) == shown


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://u:s3@cret@127.0.0.1/db",
        "postgresql://u:s3/cret@127.0.0.1/db",
        "postgresql://u:s3:cret@127.0.0.1/db",
        "postgresql://u:s3%40cret@127.0.0.1/db",
    ],
)
def test_a_parsed_url_is_displayed_without_its_password(url: str) -> None:
    """However SQLAlchemy cut the URL (an unencoded @ ends its password early), nothing of the
    password shows."""
    assert display_url(make_url(url)) == "postgresql://u:***@127.0.0.1/db"


def test_session_scope_commits_or_rolls_back_whole(
    sessions: sessionmaker[Session], engine: Engine
) -> None:
    with session_scope(sessions) as session:
        session.add(Source(key="a", name="A", spider="a", created_at=START, updated_at=START))
    with pytest.raises(RuntimeError), session_scope(sessions) as session:
        session.add(Source(key="b", name="B", spider="b", created_at=START, updated_at=START))
        session.flush()
        raise RuntimeError("crawl died mid-batch")
    with engine.connect() as connection:
        keys = connection.execute(text("SELECT key FROM source ORDER BY key")).scalars().all()
    assert keys == ["a"]


def test_session_objects_stay_readable_after_commit(engine: Engine) -> None:
    sessions = session_factory(engine)
    with session_scope(sessions) as session:
        source = Source(key="a", name="A", spider="a", created_at=START, updated_at=START)
        session.add(source)
    assert source.name == "A"
    assert source.created_at == START
