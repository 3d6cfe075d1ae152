"""Fixtures of the link-store tests: a config naming links in two spellings, a database that
knows its source (SQLite and PostgreSQL, see tests/pipeline/conftest.py)."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from pipeline.config import Config, parse_config
from storage.repositories import SourceSpec, sync_sources
from tests.storage.factories import SOURCE_KEY, START

CONFIG = f"""
[[sources]]
key = "{SOURCE_KEY}"
name = "Cities for Global Health"
start_urls = ["https://WWW.CitiesForGlobalHealth.org:443/"]

[[links]]
url = "HTTPS://Proyectoallas.NET/wp-content/Cuaderno-7.pdf"
title = "Cuaderno AL-LAs 7"
"""


@pytest.fixture
def cited() -> Config:
    """A config citing a document and a start URL, each spelt otherwise than the link store."""
    return parse_config(CONFIG, "citywatch.toml")


@pytest.fixture
def with_source(session: Session) -> Session:
    sync_sources(session, [SourceSpec(SOURCE_KEY, "C4GH", SOURCE_KEY)], now=START)
    session.commit()
    return session
