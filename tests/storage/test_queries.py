"""The read side: exports, run reports, source listings."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.orm import Session, sessionmaker

from storage.records import ResourceData
from storage.repositories import (
    SourceSpec,
    events_for_run,
    finish_run,
    latest_run_ids,
    list_sources,
    records_changed_since,
    run_ids_since,
    save_records,
    start_run,
    sync_sources,
)
from tests.storage.factories import OTHER_SOURCE_KEY, SOURCE_KEY, at, practice


class StatementLog:
    """The SQL statements an engine runs while the log is attached."""

    def __init__(self, engine: Engine) -> None:
        self.statements: list[str] = []
        self.engine = engine

    def __enter__(self) -> StatementLog:
        event.listen(self.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *_exc: object) -> None:
        event.remove(self.engine, "before_cursor_execute", self._record)

    def _record(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        self.statements.append(statement)

    def count(self, fragment: str) -> int:
        return sum(fragment in statement for statement in self.statements)


def test_export_query_streams_in_changed_at_order(
    session: Session, sessions: sessionmaker[Session], engine: Engine
) -> None:
    run_id = start_run(session, SOURCE_KEY, at(0))
    # Saved in an order unlike changed_at order: 5, 4, 3 then 1 and 2 updated later.
    for hours, number in [(1, 5), (2, 4), (3, 3), (4, 1), (4, 2)]:
        resource = ResourceData(f"https://example.org/files/{number}.pdf")
        save_records(session, run_id, [practice(number, resources=(resource,))], at(hours))
    save_records(session, run_id, [practice(5, title="Renamed")], at(5))
    session.commit()

    with sessions() as reader, StatementLog(engine) as log:
        stream = records_changed_since(reader, at(2), chunk_size=2)
        first = next(stream)
        assert log.count("FROM resource") == 1  # only the first chunk's resources so far
        rest = list(stream)
        exported = [first, *rest]
        assert log.count("FROM resource") == 3  # one query per chunk of 2, not per record
        assert [r.stable_id.split(":")[1] for r in exported] == ["4", "3", "1", "2", "5"]
        assert [r.changed_at for r in exported] == [at(2), at(3), at(4), at(4), at(5)]
        statements_before = len(log.statements)
        assert [res.url for res in exported[0].resources] == ["https://example.org/files/4.pdf"]
        assert {r.source.key for r in exported} == {SOURCE_KEY}
        assert len(log.statements) == statements_before  # all loaded already

    with sessions() as reader:
        assert len(list(records_changed_since(reader, None))) == 5


def test_export_includes_removed_records(session: Session, sessions: sessionmaker[Session]) -> None:
    run_id = start_run(session, SOURCE_KEY, at(0))
    save_records(session, run_id, [practice(1), practice(2)], at(1))
    finish_run(session, run_id, "finished", "finished", {}, 1, at(2))
    run_id = start_run(session, SOURCE_KEY, at(24))
    save_records(session, run_id, [practice(1)], at(25))
    finish_run(session, run_id, "finished", "finished", {}, 1, at(26))
    session.commit()

    with sessions() as reader:
        exported = [(r.stable_id, r.status) for r in records_changed_since(reader, at(2))]
    assert exported == [(practice(2).stable_id, "removed")]


def test_events_for_run_carry_the_record_headline(
    session: Session, sessions: sessionmaker[Session]
) -> None:
    run_id = start_run(session, SOURCE_KEY, at(0))
    save_records(session, run_id, [practice(1), practice(2)], at(1))
    session.commit()

    with sessions() as reader:
        events = events_for_run(reader, run_id)
    assert [(e.kind, e.record.stable_id if e.record else None) for e in events] == [
        ("new", practice(1).stable_id),
        ("new", practice(2).stable_id),
    ]
    assert [e.record.title for e in events if e.record] == [
        "Emergency food plan 1",
        "Emergency food plan 2",
    ]


def test_latest_run_of_each_source_and_runs_since(session: Session) -> None:
    first = start_run(session, SOURCE_KEY, at(0))
    finish_run(session, first, "finished", "finished", {}, 2, at(1))
    other = start_run(session, OTHER_SOURCE_KEY, at(2))
    second = start_run(session, SOURCE_KEY, at(3))
    session.commit()

    assert latest_run_ids(session) == sorted([other, second])
    assert run_ids_since(session, at(2)) == [other, second]
    assert run_ids_since(session, at(0)) == [first, other, second]
    assert run_ids_since(session, at(4)) == []


def test_list_sources_counts_records_and_shows_last_run(session: Session) -> None:
    run_id = start_run(session, SOURCE_KEY, at(0))
    save_records(session, run_id, [practice(1), practice(2)], at(1))
    finish_run(session, run_id, "finished", "finished", {}, 1, at(2))
    run_id = start_run(session, SOURCE_KEY, at(24))
    save_records(session, run_id, [practice(1)], at(25))
    finish_run(session, run_id, "finished", "finished", {}, 1, at(26))
    session.commit()

    health, mercociudades = list_sources(session)
    assert (health.key, health.records_active, health.records_removed) == (SOURCE_KEY, 1, 1)
    assert health.last_run is not None
    assert (health.last_run.run_id, health.last_run.records_removed) == (run_id, 1)
    assert (mercociudades.key, mercociudades.records_active, mercociudades.last_run) == (
        OTHER_SOURCE_KEY,
        0,
        None,
    )


def test_sync_sources_updates_by_key_and_leaves_others(session: Session) -> None:
    renamed = SourceSpec(
        SOURCE_KEY,
        "Cities for Global Health (Metropolis)",
        "cities_for_global_health",
        ("https://www.citiesforglobalhealth.org/initiatives",),
        enabled=False,
    )
    sync_sources(session, [renamed], now=at(5))
    session.commit()

    health, mercociudades = list_sources(session)
    assert (health.name, health.start_urls, health.enabled) == (
        renamed.name,
        renamed.start_urls,
        False,
    )
    assert (mercociudades.name, mercociudades.enabled) == ("Mercociudades", True)
