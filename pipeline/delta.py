"""What an incremental recrawl of a source knows before it starts: its pages as last extracted.

Read from the database for the Scrapy add-on, which passes it to the crawler in the
``CITYWATCH_KNOWN_PAGES`` setting (see `crawler.delta`): data flows into the crawler as
configuration, the crawler never reads storage.
"""

from __future__ import annotations

import logging

from sqlalchemy.exc import SQLAlchemyError

from crawler.delta import TRANSLATION_MARKER
from storage.db import make_engine, session_factory, session_scope
from storage.errors import SchemaOutOfDate, StorageError
from storage.migrate import ensure_current
from storage.repositories import known_pages

__all__ = ["known_pages_for"]

logger = logging.getLogger(__name__)


def known_pages_for(
    database_url: str, source_key: str, recheck: int
) -> dict[str, list[str | None]]:
    """``{url: [stable_id, marker]}`` for the source, translations included (marked as such);
    empty for a database not set up yet (the crawl itself then says what is wrong with it)."""
    try:
        engine = make_engine(database_url, create=False)
    except SchemaOutOfDate as exc:  # no database file: never create one here
        logger.info("no known pages for %s (%s): a full crawl", source_key, exc)
        return {}
    try:
        ensure_current(engine)
        with session_scope(session_factory(engine)) as session:
            records = known_pages(session, source_key, recheck)
    except (StorageError, SQLAlchemyError) as exc:
        logger.info("no known pages for %s (%s): a full crawl", source_key, exc)
        return {}
    finally:
        engine.dispose()
    pages: dict[str, list[str | None]] = {}
    for record in records:
        for url in record.translation_urls:
            pages.setdefault(url, [record.stable_id, TRANSLATION_MARKER, record.url])
    for record in records:
        pages[record.url] = [record.stable_id, record.listing_marker]
    return pages
