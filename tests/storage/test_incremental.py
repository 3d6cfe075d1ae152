"""What an incremental recrawl reads and writes: known pages, records kept unextracted."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy.orm import Session

from storage.records import RecordData
from storage.repositories import (
    finish_run,
    get_record,
    known_pages,
    mark_seen,
    save_records,
    start_run,
)
from tests.storage.factories import OTHER_SOURCE_KEY, SOURCE_KEY, at, practice


def crawl(
    session: Session, hours: float, records: list[RecordData], source: str = SOURCE_KEY
) -> int:
    run_id = start_run(session, source, at(hours))
    save_records(session, run_id, records, at(hours + 0.1))
    session.commit()
    return run_id


def test_known_pages_carry_the_listing_marker_and_the_translations(session: Session) -> None:
    crawl(session, 0, [replace(practice(1), listing_marker="2020-05-01T10:00:00Z")])
    [known] = known_pages(session, SOURCE_KEY)
    assert (known.url, known.stable_id, known.listing_marker) == (
        practice(1).url,
        practice(1).stable_id,
        "2020-05-01T10:00:00Z",
    )
    assert known.translation_urls == ("https://example.org/en/practice-1",)


def test_recheck_leaves_out_the_records_extracted_longest_ago(session: Session) -> None:
    crawl(session, 0, [practice(1), practice(2)])
    crawl(session, 1, [practice(3)])
    crawl(session, 2, [practice(1)])  # extracted again: now the most recent
    kept = [known.stable_id for known in known_pages(session, SOURCE_KEY, recheck=2)]
    assert kept == [practice(1).stable_id]


def test_known_pages_are_the_sources_own_active_records(session: Session) -> None:
    crawl(session, 0, [practice(1)])
    crawl(session, 0.5, [practice(2, source_key=OTHER_SOURCE_KEY)], source=OTHER_SOURCE_KEY)
    assert [k.stable_id for k in known_pages(session, SOURCE_KEY)] == [practice(1).stable_id]


def test_mark_seen_keeps_a_record_alive_without_a_version(session: Session) -> None:
    crawl(session, 0, [practice(1)])
    run_id = start_run(session, SOURCE_KEY, at(1))
    matched = mark_seen(session, run_id, [practice(1).stable_id, "unknown:id"], at(1.1))
    finish_run(session, run_id, "finished", "finished", {}, 2, at(1.2))
    session.commit()
    record = get_record(session, practice(1).stable_id)
    assert matched == 1
    assert record is not None
    assert (record.version, record.last_seen_run_id, record.missed_runs) == (1, run_id, 0)
    assert record.last_seen == at(1.1)
    assert record.extracted_at == at(0.1)  # seen, not extracted


def test_mark_seen_ignores_another_sources_records(session: Session) -> None:
    crawl(session, 0, [practice(2, source_key=OTHER_SOURCE_KEY)], source=OTHER_SOURCE_KEY)
    run_id = start_run(session, SOURCE_KEY, at(1))
    assert mark_seen(session, run_id, [practice(2).stable_id], at(1.1)) == 0
