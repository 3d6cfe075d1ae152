"""Crawl runs: aborting the dead, closing, and removing records only on evidence."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy.orm import Session

from storage.errors import RunClosed, UnknownSource
from storage.repositories import (
    FinishResult,
    SaveResult,
    events_for_run,
    finish_run,
    get_record,
    get_run,
    run_summary,
    save_records,
    start_run,
)
from tests.storage.factories import SOURCE_KEY, at, practice

K = 2  # complete runs a record may miss before it is removed


def crawl(session: Session, day: int, numbers: list[int], status: str = "finished") -> FinishResult:
    """One daily crawl of the source that saw the practices `numbers`, committed."""
    run_id = start_run(session, SOURCE_KEY, at(24 * day))
    save_records(session, run_id, [practice(n) for n in numbers], at(24 * day + 1))
    result = finish_run(session, run_id, status, "finished", {}, K, at(24 * day + 2))
    session.commit()
    return result


def status_of(session: Session, number: int) -> tuple[str, int]:
    record = get_record(session, practice(number).stable_id)
    assert record is not None
    return record.status, record.missed_runs


def test_record_removed_only_after_k_successful_runs_missing(session: Session) -> None:
    crawl(session, 0, [1, 2])

    first_miss = crawl(session, 1, [1])
    assert status_of(session, 2) == ("active", 1)
    assert (first_miss.records_missed, first_miss.records_removed) == (1, 0)

    second_miss = crawl(session, 2, [1])
    assert status_of(session, 2) == ("removed", 2)
    assert status_of(session, 1) == ("active", 0)
    assert (second_miss.records_missed, second_miss.records_removed) == (1, 1)

    record = get_record(session, practice(2).stable_id)
    assert record is not None
    assert record.removed_at == record.changed_at == at(24 * 2 + 2)
    [event] = events_for_run(session, second_miss.run_id)
    assert (event.kind, event.record_id) == ("removed", record.id)
    assert event.detail == {
        "title": "Emergency food plan 2",
        "url": practice(2).url,
        "last_seen": at(1).isoformat(),
        "missed_runs": K,
    }

    third = crawl(session, 3, [1])
    assert (third.records_missed, third.records_removed) == (0, 0)
    assert status_of(session, 2) == ("removed", 2)


def test_seeing_a_record_again_resets_its_missed_runs(session: Session) -> None:
    crawl(session, 0, [1, 2])
    crawl(session, 1, [1])
    crawl(session, 2, [1, 2])
    crawl(session, 3, [1])
    assert status_of(session, 2) == ("active", 1)


@pytest.mark.parametrize("status", ["partial", "failed", "aborted"])
def test_partial_run_never_removes(session: Session, status: str) -> None:
    crawl(session, 0, [1, 2])
    for day in (1, 2, 3):
        result = crawl(session, day, [1], status=status)
        assert (result.records_missed, result.records_removed) == (0, 0)
    assert status_of(session, 2) == ("active", 0)


def test_reappearing_record_is_active_again(session: Session) -> None:
    crawl(session, 0, [1, 2])
    crawl(session, 1, [1])
    crawl(session, 2, [1])
    assert status_of(session, 2)[0] == "removed"

    run_id = start_run(session, SOURCE_KEY, at(24 * 3))
    result = save_records(session, run_id, [practice(1), practice(2)], at(24 * 3 + 1))
    session.commit()

    assert result == SaveResult(unchanged=1, reappeared=1)
    record = get_record(session, practice(2).stable_id)
    assert record is not None
    assert (record.status, record.missed_runs, record.removed_at) == ("active", 0, None)
    assert (record.version, record.changed_at) == (1, at(24 * 3 + 1))
    [event] = events_for_run(session, run_id)
    assert (event.kind, event.record_id) == ("reappeared", record.id)
    assert event.detail["removed_at"] == at(24 * 2 + 2).isoformat()


def test_record_that_comes_back_changed_is_reappeared_and_updated(session: Session) -> None:
    crawl(session, 0, [1])
    crawl(session, 1, [])
    crawl(session, 2, [])

    run_id = start_run(session, SOURCE_KEY, at(24 * 3))
    result = save_records(session, run_id, [practice(1, title="Renamed")], at(24 * 3 + 1))
    session.commit()

    assert result == SaveResult(updated=1, reappeared=1)
    assert [event.kind for event in events_for_run(session, run_id)] == ["reappeared", "updated"]
    assert status_of(session, 1) == ("active", 0)


def test_killed_run_is_marked_aborted_by_next_start(session: Session) -> None:
    killed = start_run(session, SOURCE_KEY, at(0))
    save_records(session, killed, [practice(1), practice(2)], at(0.5))
    session.commit()  # the last batch committed before the process died

    next_run = start_run(session, SOURCE_KEY, at(24))
    session.commit()

    summary = run_summary(session, killed)
    assert summary.status == "aborted"
    assert summary.close_reason == f"aborted: still running when run {next_run} started"
    assert summary.finished_at is None
    assert (summary.records_seen, summary.records_new) == (2, 2)
    assert status_of(session, 1) == ("active", 0)
    run = get_run(session, next_run)
    assert run is not None
    assert (run.status, run.started_at) == ("running", at(24))
    with pytest.raises(RunClosed):
        save_records(session, killed, [practice(3)], at(25))


def test_finish_run_records_counters_and_stats(session: Session) -> None:
    crawl(session, 0, [1, 2])
    run_id = start_run(session, SOURCE_KEY, at(24))
    save_records(session, run_id, [practice(1, title="Renamed")], at(25))
    save_records(session, run_id, [practice(3)], at(25.5))
    stats = {"item_scraped_count": 2, "start_time": datetime(2024, 3, 2, 6, tzinfo=UTC)}

    result = finish_run(session, run_id, "finished", "finished", stats, 1, at(26))
    session.commit()

    assert result == FinishResult(
        run_id=run_id,
        status="finished",
        records_seen=2,
        records_new=1,
        records_updated=1,
        records_removed=1,
        records_missed=1,
    )
    summary = run_summary(session, run_id)
    assert (summary.source_key, summary.status, summary.close_reason) == (
        SOURCE_KEY,
        "finished",
        "finished",
    )
    assert (summary.started_at, summary.finished_at) == (at(24), at(26))
    assert summary.stats == {"item_scraped_count": 2, "start_time": "2024-03-02T06:00:00+00:00"}
    assert (summary.records_new, summary.records_updated, summary.records_removed) == (1, 1, 1)


def test_a_run_closes_once(session: Session) -> None:
    result = crawl(session, 0, [1])

    with pytest.raises(RunClosed, match="already finished"):
        finish_run(session, result.run_id, "finished", "finished", {}, K, at(3))


def test_finish_run_refuses_a_status_that_is_not_closed(session: Session) -> None:
    run_id = start_run(session, SOURCE_KEY, at(0))

    with pytest.raises(ValueError, match="not 'running'"):
        finish_run(session, run_id, "running", None, {}, K, at(1))
    with pytest.raises(ValueError, match="at least 1"):
        finish_run(session, run_id, "finished", None, {}, 0, at(1))


def test_start_run_of_unknown_source_raises(session: Session) -> None:
    with pytest.raises(UnknownSource, match="no source 'nowhere'"):
        start_run(session, "nowhere", at(0))
