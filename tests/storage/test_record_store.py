"""save_records: the idempotent upsert, its versions and its change events."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from storage.errors import RunClosed, UnknownRun
from storage.events import DETAIL_MAX_CHARS
from storage.models import ChangeEvent, Record, RecordVersion, Resource
from storage.records import ResourceData
from storage.repositories import (
    SaveResult,
    events_for_run,
    finish_run,
    get_record,
    record_resources,
    record_versions,
    save_records,
    start_run,
)
from tests.storage.factories import OTHER_SOURCE_KEY, SOURCE_KEY, at, practice


def count(session: Session, model: type[object]) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def new_run(session: Session, hours: float = 0) -> int:
    run_id = start_run(session, SOURCE_KEY, at(hours))
    session.commit()
    return run_id


def test_new_record_gets_version_one_its_resources_and_a_new_event(session: Session) -> None:
    run_id = new_run(session)
    data = practice(1)
    result = save_records(session, run_id, [data], at(0.1))
    session.commit()

    assert result == SaveResult(new=1)
    record = get_record(session, data.stable_id)
    assert record is not None
    assert (record.version, record.status, record.content_hash) == (
        1,
        "active",
        data.content_hash(),
    )
    assert record.first_seen == record.last_seen == record.changed_at == at(0.1)
    assert record.last_seen_run_id == run_id
    assert record.themes == ["food-security"]
    assert record.published == date(2020, 4, 2)
    assert record.translations == [
        {"language": "en", "url": "https://example.org/en/practice-1", "title": None}
    ]
    [version] = record_versions(session, record.id)
    assert version.content == data.content()
    assert [(r.url, r.type) for r in record_resources(session, record.id)] == [
        ("https://example.org/files/plan-1.pdf", "document")
    ]
    [event] = events_for_run(session, run_id)
    assert (event.kind, event.record_id, event.fields_changed) == ("new", record.id, [])
    assert event.detail == {"title": data.title, "url": data.url}


def test_same_record_twice_adds_no_version_and_no_event(session: Session) -> None:
    first_run = new_run(session)
    save_records(session, first_run, [practice(1)], at(0.1))
    finish_run(session, first_run, "finished", "finished", {}, 2, at(0.2))
    second_run = new_run(session, 24)

    result = save_records(session, second_run, [practice(1)], at(24.1))
    session.commit()

    assert result == SaveResult(unchanged=1)
    assert count(session, RecordVersion) == 1
    assert count(session, ChangeEvent) == 1
    record = get_record(session, practice(1).stable_id)
    assert record is not None
    assert (record.version, record.changed_at) == (1, at(0.1))
    assert (record.last_seen, record.last_seen_run_id) == (at(24.1), second_run)


def test_changed_record_adds_one_version_and_one_updated_event_listing_changed_fields(
    session: Session,
) -> None:
    run_id = new_run(session)
    save_records(session, run_id, [practice(1)], at(0.1))
    session.commit()
    changed = practice(
        1,
        title="Emergency food plan, second phase",
        body_text="Kitchens now also deliver.",
        themes=("food-security", "social-protection"),
        resources=(ResourceData("https://example.org/files/phase-2.pdf", type="document"),),
    )

    result = save_records(session, run_id, [changed], at(0.5))
    session.commit()

    assert result == SaveResult(updated=1)
    record = get_record(session, changed.stable_id)
    assert record is not None
    assert (record.version, record.title, record.changed_at) == (2, changed.title, at(0.5))
    assert [v.content for v in record_versions(session, record.id)] == [
        practice(1).content(),
        changed.content(),
    ]
    [_, event] = events_for_run(session, run_id)
    assert event.kind == "updated"
    assert event.fields_changed == ["title", "body_text", "themes", "resources"]
    assert event.detail == {
        "title": changed.title,
        "url": changed.url,
        "old": {"title": "Emergency food plan 1", "themes": ["food-security"]},
        "new": {"title": changed.title, "themes": ["food-security", "social-protection"]},
    }


def test_resources_follow_the_current_version(session: Session) -> None:
    run_id = new_run(session)
    kept = ResourceData("https://example.org/files/plan.pdf", "Plan", "document")
    dropped = ResourceData("https://example.org/video", "Video", "video")
    save_records(session, run_id, [practice(1, resources=(kept, dropped))], at(0.1))
    session.commit()
    retitled = replace(kept, title="Plan (2021)")
    added = ResourceData("https://example.org/annex.pdf", None, "document")

    save_records(session, run_id, [practice(1, resources=(added, retitled, added))], at(0.2))
    session.commit()

    record = get_record(session, practice(1).stable_id)
    assert record is not None
    resources = record_resources(session, record.id)
    assert sorted((r.url, r.title) for r in resources) == [
        ("https://example.org/annex.pdf", None),
        ("https://example.org/files/plan.pdf", "Plan (2021)"),
    ]
    assert count(session, Resource) == 2


def test_record_given_twice_in_one_batch_is_saved_once_as_the_last(session: Session) -> None:
    run_id = new_run(session)
    last = practice(1, title="Final title")

    result = save_records(session, run_id, [practice(1), practice(2), last], at(0.1))
    session.commit()

    assert result == SaveResult(new=2)
    record = get_record(session, last.stable_id)
    assert record is not None
    assert (record.title, record.version) == ("Final title", 1)
    assert count(session, RecordVersion) == 2


def test_updated_event_detail_cuts_long_strings(session: Session) -> None:
    run_id = new_run(session)
    save_records(session, run_id, [practice(1)], at(0.1))
    long_title = "Plan " * 200

    save_records(session, run_id, [practice(1, title=long_title)], at(0.2))
    session.commit()

    event = events_for_run(session, run_id)[-1]
    assert len(event.detail["new"]["title"]) == DETAIL_MAX_CHARS
    assert event.detail["new"]["title"].endswith("…")
    assert len(event.detail["title"]) == DETAIL_MAX_CHARS


def test_save_leaves_the_commit_to_the_caller(
    session: Session, sessions: sessionmaker[Session]
) -> None:
    run_id = new_run(session)
    save_records(session, run_id, [practice(1), practice(2)], at(0.1))
    session.rollback()

    with sessions() as other:
        assert count(other, Record) == 0
        assert count(other, ChangeEvent) == 0


def test_batch_with_a_bad_record_writes_nothing(session: Session) -> None:
    run_id = new_run(session)
    batch = [practice(1), practice(2, country="Uruguay")]

    with pytest.raises(ValueError, match="country 'Uruguay' is longer than 2"):
        save_records(session, run_id, batch, at(0.1))
    assert count(session, Record) == 0


def test_record_of_another_source_is_refused(session: Session) -> None:
    run_id = new_run(session)

    with pytest.raises(ValueError, match=f"from source '{OTHER_SOURCE_KEY}'"):
        save_records(session, run_id, [practice(1, source_key=OTHER_SOURCE_KEY)], at(0.1))


def test_saving_into_a_closed_or_unknown_run_raises(session: Session) -> None:
    run_id = new_run(session)
    finish_run(session, run_id, "failed", "shutdown", {}, 2, at(0.1))

    with pytest.raises(RunClosed, match=f"crawl run {run_id} is already failed"):
        save_records(session, run_id, [practice(1)], at(0.2))
    with pytest.raises(UnknownRun):
        save_records(session, run_id + 100, [practice(1)], at(0.2))


def test_naive_now_is_refused_before_anything_is_written(session: Session) -> None:
    run_id = new_run(session)

    with pytest.raises(ValueError, match="naive datetime"):
        save_records(session, run_id, [practice(1)], at(0.1).replace(tzinfo=None))
