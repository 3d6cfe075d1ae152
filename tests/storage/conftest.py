"""Storage fixtures: every test runs on a fresh SQLite file and on a fresh PostgreSQL schema."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from storage.db import make_engine, session_factory, session_scope
from storage.migrate import upgrade
from storage.repositories import SourceSpec, sync_sources
from tests.storage.factories import OTHER_SOURCE_KEY, SOURCE_KEY, START


@pytest.fixture
def db_url(database_url: str) -> str:
    """An empty database on each backend (see tests/conftest.py)."""
    return database_url


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
