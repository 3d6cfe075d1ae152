"""Possible duplicates as stored: opened once, refreshed while open, left alone once decided."""

from __future__ import annotations

from dataclasses import replace
from typing import NamedTuple

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.duplicates import (
    DetectedPair,
    UnknownDuplicate,
    decide_duplicate,
    duplicate_candidates,
    list_duplicates,
    save_duplicates,
)
from storage.errors import StorageError, UnknownRun
from storage.models import ChangeEvent
from storage.records import RecordData
from storage.repositories import finish_run, get_record, save_records, start_run
from tests.storage.factories import OTHER_SOURCE_KEY, SOURCE_KEY, at, practice


def crawl(session: Session, source_key: str, records: list[RecordData], hours: float) -> int:
    run_id = start_run(session, source_key, at(hours))
    save_records(session, run_id, records, at(hours))
    finish_run(session, run_id, "finished", "finished", {}, 2, at(hours))
    session.commit()
    return run_id


def record_id(session: Session, stable_id: str) -> int:
    record = get_record(session, stable_id)
    assert record is not None
    return record.id


class Stored(NamedTuple):
    first: int  # the record of the first source
    second: int  # the two records of the other source
    third: int
    first_run: int
    last_run: int


def two_sources(session: Session) -> Stored:
    """One record of the first source, then two of the other, each source in its own run."""
    first_run = crawl(session, SOURCE_KEY, [practice(1)], 1)
    last_run = crawl(session, OTHER_SOURCE_KEY, [practice(n, OTHER_SOURCE_KEY) for n in (2, 3)], 2)
    return Stored(
        record_id(session, f"{SOURCE_KEY}:1"),
        record_id(session, f"{OTHER_SOURCE_KEY}:2"),
        record_id(session, f"{OTHER_SOURCE_KEY}:3"),
        first_run,
        last_run,
    )


def duplicate_events(session: Session) -> list[ChangeEvent]:
    query = select(ChangeEvent).where(ChangeEvent.kind == "possible_duplicate")
    return list(session.scalars(query.order_by(ChangeEvent.id)))


def test_a_new_pair_is_opened_lower_id_first_with_an_event_of_the_latest_run(
    session: Session,
) -> None:
    first, second, _, _, last_run = two_sources(session)
    evidence = {"title_similarity": 0.93, "same_city": "montevideo"}

    result = save_duplicates(session, [DetectedPair(second, first, 0.85, evidence)], at(3))
    session.commit()

    [pair] = list_duplicates(session)
    assert result.new_pair_ids == (pair.id,)
    assert (pair.record_id, pair.other_record_id) == (first, second)
    assert (pair.status, pair.score, pair.evidence) == ("open", 0.85, evidence)
    assert (pair.detected_at, pair.run_id, pair.decided_at) == (at(3), last_run, None)
    [event] = duplicate_events(session)
    assert (event.run_id, event.record_id) == (last_run, first)
    assert event.detail["pair_id"] == pair.id
    assert event.detail["other_url"] == "https://example.org/initiatives/practice-2"


def test_a_pair_can_be_attached_to_a_given_run(session: Session) -> None:
    first, second, _, first_run, _ = two_sources(session)

    save_duplicates(session, [DetectedPair(first, second, 0.8)], at(5), run_id=first_run)

    [pair] = list_duplicates(session)
    assert pair.run_id == first_run
    assert [event.run_id for event in duplicate_events(session)] == [first_run]
    with pytest.raises(UnknownRun):
        save_duplicates(session, [DetectedPair(first, second, 0.8)], at(5), run_id=999)


def test_an_open_pair_found_again_is_refreshed_without_a_second_event(session: Session) -> None:
    first, second, *_ = two_sources(session)
    save_duplicates(session, [DetectedPair(first, second, 0.8, {"same_city": "montevideo"})], at(3))
    session.commit()

    again = save_duplicates(session, [DetectedPair(second, first, 0.9, {"same_page": True})], at(4))
    session.commit()

    assert (again.new_pair_ids, again.refreshed) == ((), 1)
    [pair] = list_duplicates(session)
    assert (pair.score, pair.evidence, pair.detected_at) == (0.9, {"same_page": True}, at(3))
    assert len(duplicate_events(session)) == 1


@pytest.mark.parametrize("decision", ["confirmed", "rejected"])
def test_a_decided_pair_is_never_reopened(session: Session, decision: str) -> None:
    first, second, *_ = two_sources(session)
    save_duplicates(session, [DetectedPair(first, second, 0.8)], at(3))
    [pair] = list_duplicates(session)
    decide_duplicate(session, pair.id, decision, at(4))
    session.commit()

    again = save_duplicates(session, [DetectedPair(first, second, 0.99)], at(5))
    session.commit()

    assert (again.new_pair_ids, again.refreshed, again.decided) == ((), 0, 1)
    assert list_duplicates(session, "open") == []
    [kept] = list_duplicates(session, decision)
    assert (kept.score, kept.decided_at) == (0.8, at(4))
    assert len(duplicate_events(session)) == 1


def test_pairs_are_listed_by_status_best_score_first(session: Session) -> None:
    first, second, third, _, last_run = two_sources(session)
    save_duplicates(
        session, [DetectedPair(first, second, 0.75), DetectedPair(first, third, 0.95)], at(3)
    )
    weaker, stronger = sorted(list_duplicates(session), key=lambda pair: pair.score)
    decide_duplicate(session, weaker.id, "confirmed", at(4))
    session.commit()

    assert [pair.id for pair in list_duplicates(session, "open")] == [stronger.id]
    assert [pair.id for pair in list_duplicates(session, "confirmed")] == [weaker.id]
    assert [pair.id for pair in list_duplicates(session, None)] == [stronger.id, weaker.id]
    assert len(list_duplicates(session, None, run_ids=[last_run])) == 2
    assert list_duplicates(session, None, run_ids=[last_run + 1]) == []
    assert list_duplicates(session, None)[0].other_record.source.key == OTHER_SOURCE_KEY


def test_deciding_again_keeps_the_first_decision_time_and_a_change_of_mind_is_kept(
    session: Session,
) -> None:
    first, second, *_ = two_sources(session)
    save_duplicates(session, [DetectedPair(first, second, 0.8)], at(3))
    [pair] = list_duplicates(session)

    decide_duplicate(session, pair.id, "confirmed", at(4))
    decide_duplicate(session, pair.id, "confirmed", at(5))
    assert pair.decided_at == at(4)
    decide_duplicate(session, pair.id, "rejected", at(6))
    session.commit()

    [decided] = list_duplicates(session, "rejected")
    assert decided.decided_at == at(6)


def test_an_unknown_pair_cannot_be_decided(session: Session) -> None:
    with pytest.raises(UnknownDuplicate, match="no possible duplicate 42") as raised:
        decide_duplicate(session, 42, "confirmed", at(1))
    assert isinstance(raised.value, StorageError)  # the CLI turns it into one line, exit 2
    with pytest.raises(ValueError, match="decision"):
        decide_duplicate(session, 42, "merged", at(1))


def test_records_of_one_source_cannot_be_a_pair(session: Session) -> None:
    _, second, third, *_ = two_sources(session)

    with pytest.raises(ValueError, match="same source"):
        save_duplicates(session, [DetectedPair(second, third, 0.9)], at(3))


def test_candidates_are_the_active_records_with_translations_and_resources(
    session: Session,
) -> None:
    crawl(session, SOURCE_KEY, [practice(1), practice(4, title="Gone soon")], 1)
    for hours in (2, 3):  # a record missing from two complete crawls is removed
        crawl(session, SOURCE_KEY, [practice(1)], hours)
    translated = replace(
        practice(2, OTHER_SOURCE_KEY),
        translations=(replace(practice(2).translations[0], title="Emergency food plan"),),
    )
    crawl(session, OTHER_SOURCE_KEY, [translated], 4)

    candidates = duplicate_candidates(session)

    assert [c.title for c in candidates] == ["Emergency food plan 1", "Emergency food plan 2"]
    first, second = candidates
    assert first.source_id != second.source_id
    assert (first.kind, first.city_normalised, first.country) == ("practice", "montevideo", "UY")
    assert first.resources == (("https://example.org/files/plan-1.pdf", "document"),)
    assert second.translations == (("https://example.org/en/practice-2", "Emergency food plan"),)
