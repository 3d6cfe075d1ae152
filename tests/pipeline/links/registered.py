"""Small builders of the link-store tests (fixtures in conftest.py)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Link
from storage.repositories import save_records, start_run
from tests.storage.factories import SOURCE_KEY, START, practice


def stored_urls(session: Session) -> list[str]:
    return sorted(session.scalars(select(Link.url)))


def save_practice(session: Session, **changes: object) -> None:
    run_id = start_run(session, SOURCE_KEY, START)
    save_records(session, run_id, [practice(1, **changes)], START)  # type: ignore[arg-type]
    session.commit()
