"""Fixtures of the pipeline tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session

from storage.db import make_engine, session_factory
from storage.migrate import upgrade


@pytest.fixture
def session(database_url: str) -> Iterator[Session]:
    """A session on a migrated, empty database of each backend (see tests/conftest.py)."""
    upgrade(database_url)
    engine = make_engine(database_url)
    session = session_factory(engine)()
    yield session
    session.close()
    engine.dispose()
