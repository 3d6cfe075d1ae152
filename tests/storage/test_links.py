"""Monitored links in storage: registered once, due by their schedule, listed worst first."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from alembic import command
from sqlalchemy import event, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.db import make_engine
from storage.errors import UnknownSource
from storage.links import (
    LinkRemoval,
    LinkSpec,
    count_links,
    due_links,
    link_event,
    links_to_archive,
    links_with_urls,
    list_links,
    record_link_specs,
    remove_links,
    reset_baseline,
    set_archive,
    sync_links,
)
from storage.migrate import alembic_config, current_revision, schema_drift, upgrade
from storage.models import ChangeEvent, Link, LinkCheck, Record, Source
from storage.repositories import save_records, start_run
from tests.storage.factories import OTHER_SOURCE_KEY, SOURCE_KEY, START, at, practice

PAGE = "https://example.org/initiatives/practice-1"


def source_id(session: Session, key: str = SOURCE_KEY) -> int:
    found = session.scalar(select(Source.id).where(Source.key == key))
    assert found is not None
    return found


def links_by_url(session: Session) -> dict[str, Link]:
    return {link.url: link for link in session.scalars(select(Link))}


def test_sync_adds_new_urls_once_and_keeps_first_seen(session: Session) -> None:
    specs = [LinkSpec(PAGE, "config"), LinkSpec("https://example.org/b", "cli")]
    assert sync_links(session, specs, START) == 2
    assert sync_links(session, [*specs, LinkSpec("https://example.org/c", "cli")], at(24)) == 1
    session.commit()
    links = links_by_url(session)
    assert len(links) == 3
    assert links[PAGE].first_seen == START
    assert links["https://example.org/c"].first_seen == at(24)


def test_sync_fills_what_was_unknown_and_keeps_what_was_known(session: Session) -> None:
    sync_links(session, [LinkSpec(PAGE, "cli")], START)
    sync_links(
        session,
        [
            LinkSpec(PAGE, "record", title="Food plan", cited_in="record 1"),
            LinkSpec(PAGE, "config", title="Another title", source_id=source_id(session)),
        ],
        at(1),
    )
    session.commit()
    link = links_by_url(session)[PAGE]
    assert (link.origin, link.title, link.cited_in) == ("cli", "Food plan", "record 1")
    assert link.source_id == source_id(session)


def test_sync_refuses_an_unknown_origin(session: Session) -> None:
    with pytest.raises(ValueError, match="link origin"):
        sync_links(session, [LinkSpec(PAGE, "crawl")], START)


def test_record_specs_cover_pages_and_resources_of_removed_records_too(session: Session) -> None:
    run_id = start_run(session, SOURCE_KEY, START)
    save_records(session, run_id, [practice(1), practice(2)], START)
    session.execute(update(Record).where(Record.stable_id.endswith(":2")).values(status="removed"))
    session.commit()
    specs = record_link_specs(session)
    assert {(spec.url, spec.origin) for spec in specs} == {
        (PAGE, "record"),
        ("https://example.org/initiatives/practice-2", "record"),
        ("https://example.org/files/plan-1.pdf", "resource"),
        ("https://example.org/files/plan-2.pdf", "resource"),
    }
    assert {spec.source_id for spec in specs} == {source_id(session)}
    page = next(spec for spec in specs if spec.url == PAGE)
    assert page.title == "Emergency food plan 1"
    assert page.record_id is not None
    assert sync_links(session, specs, START) == 4


def test_due_links_are_the_unchecked_and_those_whose_time_has_come(session: Session) -> None:
    urls = [f"https://example.org/{name}" for name in ("never", "due", "later")]
    sync_links(session, [LinkSpec(url, "cli") for url in urls], START)
    links = links_by_url(session)
    links[urls[1]].next_check_at = at(10)
    links[urls[2]].next_check_at = at(30)
    session.commit()
    assert [link.url for link in due_links(session, at(20))] == urls[:2]
    assert [link.url for link in due_links(session, at(20), everything=True)] == urls
    assert [link.url for link in due_links(session, at(40))] == urls
    assert [link.url for link in due_links(session, at(20), urls=[urls[2]])] == []
    assert [link.url for link in due_links(session, at(20), urls=[urls[2]], everything=True)] == [
        urls[2]
    ]


def test_due_links_of_one_source(session: Session) -> None:
    sync_links(
        session,
        [
            LinkSpec("https://a.example/1", "record", source_id=source_id(session)),
            LinkSpec(
                "https://b.example/1", "record", source_id=source_id(session, OTHER_SOURCE_KEY)
            ),
            LinkSpec("https://c.example/", "config"),
        ],
        START,
    )
    session.commit()
    due = due_links(session, START, source_key=OTHER_SOURCE_KEY)
    assert [link.url for link in due] == ["https://b.example/1"]
    with pytest.raises(UnknownSource):
        due_links(session, START, source_key="nowhere")


def test_list_links_filters_by_state_and_class_worst_first(session: Session) -> None:
    rows = {
        "https://example.org/a-ok": ("healthy", "ok"),
        "https://example.org/b-gone": ("broken", "not_found"),
        "https://example.org/c-wall": ("needs_review", "blocked"),
        "https://example.org/d-new": (None, None),
        "https://example.org/e-gone": ("broken", "timeout"),
    }
    sync_links(session, [LinkSpec(url, "cli") for url in rows], START)
    for url, link in links_by_url(session).items():
        link.state, link.last_class = rows[url]
    session.commit()
    assert [link.url for link in list_links(session)] == [
        "https://example.org/b-gone",
        "https://example.org/e-gone",
        "https://example.org/c-wall",
        "https://example.org/a-ok",
        "https://example.org/d-new",
    ]
    assert [link.url for link in list_links(session, states=["broken"], classes=["timeout"])] == [
        "https://example.org/e-gone"
    ]
    assert count_links(session, states=["broken", "healthy"]) == 3
    assert count_links(session) == 5
    with pytest.raises(ValueError, match="link state"):
        list_links(session, states=["dead"])
    with pytest.raises(ValueError, match="link class"):
        list_links(session, classes=["gone"])


def test_list_links_finds_urls_by_a_regular_expression(session: Session) -> None:
    urls = ["https://a.example/x", "https://b.example/x", "https://exa mple.org/", "http://c.org/"]
    sync_links(session, [LinkSpec(url, "cli") for url in urls], START)
    session.commit()
    found = list_links(session, match=re.compile(r"\.example/|\s"))
    assert [link.url for link in found] == urls[:3]


def test_remove_links_forgets_each_link_with_its_checks_and_events(session: Session) -> None:
    urls = ["https://exa mple.org/", "https://example.org/kept", "https://example.org/gone"]
    sync_links(session, [LinkSpec(url, "cli") for url in urls], START)
    session.commit()
    links = links_by_url(session)
    for url in urls[1:]:
        for hours in (1, 2):
            session.add(LinkCheck(link_id=links[url].id, checked_at=at(hours), link_class="ok"))
        session.add(link_event(links[url], "link_failing", at(2)))
    session.commit()
    doomed = [links[urls[0]].id, links[urls[2]].id]

    removal = remove_links(session, doomed)
    session.commit()

    assert removal == LinkRemoval(links=2, checks=2, events=1)
    assert list(links_by_url(session)) == ["https://example.org/kept"]
    kept_id = links_by_url(session)["https://example.org/kept"].id
    assert session.scalars(select(LinkCheck.link_id)).all() == [kept_id, kept_id]
    assert session.scalars(select(ChangeEvent.link_id)).all() == [kept_id]
    assert remove_links(session, doomed) == LinkRemoval(links=0, checks=0, events=0)


def test_links_with_urls_finds_exact_spellings_only(session: Session) -> None:
    sync_links(session, [LinkSpec("https://EXAMPLE.org/a", "cli")], START)
    session.commit()
    found = links_with_urls(session, ["https://EXAMPLE.org/a", "https://example.org/a"])
    assert list(found) == ["https://EXAMPLE.org/a"]


def test_archive_is_asked_for_broken_and_moved_links_then_retried_later(session: Session) -> None:
    rows = {
        "https://example.org/broken": "broken",
        "https://example.org/moved": "moved",
        "https://example.org/failing": "failing",
    }
    sync_links(session, [LinkSpec(url, "cli") for url in rows], START)
    for url, link in links_by_url(session).items():
        link.state = rows[url]
    session.commit()
    retry = timedelta(days=7)
    broken, moved = links_to_archive(session, at(1), retry)
    set_archive(
        session, broken, "https://web.archive.org/web/2020/https://example.org/broken", at(1)
    )
    set_archive(session, moved, None, at(1))
    session.commit()
    assert links_to_archive(session, at(2), retry) == []
    assert [link.url for link in links_to_archive(session, at(1) + retry, retry)] == [
        "https://example.org/moved"
    ]
    assert broken.archive_checked_at == at(1)


def test_link_event_carries_the_latest_answer(session: Session) -> None:
    sync_links(session, [LinkSpec(PAGE, "record", title="Food plan")], START)
    link = links_by_url(session)[PAGE]
    link.last_class, link.http_status, link.final_url = "moved", 301, PAGE + "-new"
    link.suggested_url = PAGE + "-new"
    event = link_event(link, "link_moved", at(1), evidence={"redirect": "permanent"})
    session.add(event)
    session.commit()
    assert event.link_id == link.id and event.run_id is None
    assert event.detail == {
        "url": PAGE,
        "title": "Food plan",
        "class": "moved",
        "http_status": 301,
        "final_url": PAGE + "-new",
        "suggested_url": PAGE + "-new",
        "evidence": {"redirect": "permanent"},
    }


def test_an_event_needs_a_stored_link() -> None:
    with pytest.raises(ValueError, match="not flushed"):
        link_event(Link(url=PAGE, origin="cli", first_seen=START), "link_failing", START)


def test_reset_baseline_takes_the_latest_fingerprint(session: Session) -> None:
    sync_links(session, [LinkSpec(PAGE, "cli")], START)
    link = links_by_url(session)[PAGE]
    link.baseline_text_hash, link.baseline_simhash, link.drifted_at = "a" * 64, "0" * 16, at(1)
    link.good_text_hash, link.good_simhash = "b" * 64, "f" * 16
    reset_baseline(link, at(2))
    session.commit()
    assert (link.baseline_text_hash, link.baseline_simhash) == ("b" * 64, "f" * 16)
    assert link.baseline_at == at(2)
    assert link.drifted_at is None


def test_classes_outside_the_vocabulary_are_refused(session: Session) -> None:
    sync_links(session, [LinkSpec(PAGE, "cli")], START)
    session.commit()
    link = links_by_url(session)[PAGE]
    session.add(LinkCheck(link_id=link.id, checked_at=START, link_class="dead"))
    with pytest.raises(IntegrityError, match="link_class"):
        session.commit()
    session.rollback()
    link = links_by_url(session)[PAGE]
    link.last_class = "dead"
    with pytest.raises(IntegrityError, match="last_class"):
        session.commit()


def test_ten_thousand_links_in_a_few_statements(session: Session) -> None:
    specs = [LinkSpec(f"https://example.org/page/{number}", "cli") for number in range(10_000)]
    statements: list[str] = []
    engine = session.get_bind()

    def count(*_args: object) -> None:
        statements.append("")

    event.listen(engine, "before_cursor_execute", count)
    try:
        assert sync_links(session, specs, START) == 10_000
        session.commit()
        assert sync_links(session, specs, at(1)) == 0
        assert len(due_links(session, at(1), urls=[spec.url for spec in specs])) == 10_000
        assert len(list_links(session)) == 10_000
    finally:
        event.remove(engine, "before_cursor_execute", count)
    # Inserts go in batches (insertmanyvalues) and look-ups in chunks of 500: far below one
    # statement per link.
    assert len(statements) < 200
    assert session.scalar(select(func.count()).select_from(Link)) == 10_000


def test_the_link_monitoring_migration_goes_down_and_up_again(db_url: str) -> None:
    upgrade(db_url)
    engine = make_engine(db_url)
    try:
        with Session(engine) as session:
            sync_links(session, [LinkSpec(PAGE, "cli")], START)
            session.commit()
        config = alembic_config(db_url)
        with engine.connect() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0002")
            connection.commit()
        assert current_revision(engine) == "0002"
        upgrade(db_url)
        assert schema_drift(engine) == []
        with Session(engine) as session:
            assert session.scalars(select(Link.url)).all() == [PAGE]
    finally:
        engine.dispose()
