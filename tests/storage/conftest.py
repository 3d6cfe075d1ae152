"""Storage fixtures: every test runs on a fresh SQLite file and on a fresh PostgreSQL schema."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

from storage.db import display_url, make_engine, session_factory, session_scope
from storage.errors import DatabaseUnreachable
from storage.migrate import upgrade
from storage.repositories import SourceSpec, sync_sources
from tests.storage.factories import OTHER_SOURCE_KEY, SOURCE_KEY, START

PG_URL = os.environ.get(
    "CITYWATCH_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
# Give up on an absent server fast: the suite would otherwise wait 10 s per test.
PG_CONNECT_TIMEOUT_S = 3


def reset_postgres(url: str) -> None:
    """Empty the database, skipping the test if the server is not there."""
    try:
        engine = make_engine(
            url,
            poolclass=NullPool,
            isolation_level="AUTOCOMMIT",
            connect_args={"connect_timeout": PG_CONNECT_TIMEOUT_S},
        )
    except DatabaseUnreachable:
        reason = f"PostgreSQL not reachable at {display_url(url)}"
        if os.environ.get("CITYWATCH_REQUIRE_POSTGRES"):  # CI: a missing server is a failure
            pytest.fail(f"{reason} (CITYWATCH_REQUIRE_POSTGRES set)")
        pytest.skip(reason)
    try:
        with engine.connect() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    finally:
        engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database: a SQLite file in tmp_path, or the test PostgreSQL schema reset."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'data' / 'citywatch.db'}"
    reset_postgres(PG_URL)
    return PG_URL


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """An engine on a database migrated to head."""
    upgrade(db_url)
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    return session_factory(engine)


@pytest.fixture
def session(sessions: sessionmaker[Session]) -> Iterator[Session]:
    """A session on a database that knows two sources; the test commits as it needs."""
    with session_scope(sessions) as setup:
        sync_sources(
            setup,
            [
                SourceSpec(SOURCE_KEY, "Cities for Global Health", "cities_for_global_health"),
                SourceSpec(OTHER_SOURCE_KEY, "Mercociudades", "mercociudades_covid"),
            ],
            now=START,
        )
    session = sessions()
    yield session
    session.close()
