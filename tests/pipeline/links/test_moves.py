"""Moves without a redirect: a lost page's content found at another URL of the same site."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import event, insert, select
from sqlalchemy.orm import Session

from crawler.links import LinkObservation
from pipeline.links.classes import Fingerprint, Verdict
from pipeline.links.fingerprint import simhash_to_hex
from pipeline.links.moves import find_moves
from pipeline.links.outcomes import record_outcome
from pipeline.links.states import LinkPolicy
from storage.links import LinkSpec, sync_links
from storage.models import ChangeEvent, Link, url_hash

START = datetime(2024, 5, 6, 3, 0, tzinfo=UTC)
POLICY = LinkPolicy()
OLD = "https://www.example.org/practices/kitchens"
NEW = "http://example.org/en/practices/neighbourhood-kitchens"
SIMHASH = 0x0123_4567_89AB_CDEF


def day(days: float) -> datetime:
    return START + timedelta(days=days)


def page(
    text_hash: str = "a" * 64,
    simhash: int = SIMHASH,
    *,
    title: str | None = "Neighbourhood kitchens",
    canonical_url: str | None = None,
    words: int = 300,
) -> Fingerprint:
    return Fingerprint(text_hash, simhash, title, canonical_url, words)


def check(
    session: Session, url: str, link_class: str, when: datetime, fingerprint: Fingerprint | None
) -> list[ChangeEvent]:
    """Store one check of `url` (registered if new), as the link checker would."""
    sync_links(session, [LinkSpec(url, "record")], when)
    link = session.scalars(select(Link).where(Link.url_hash == url_hash(url))).one()
    status = 404 if link_class == "not_found" else 200
    observation = LinkObservation(url=url, link_ids=(link.id,), checked_at=when, status=status)
    verdict = Verdict(link_class, status, url, fingerprint=fingerprint)
    events = record_outcome(session, link, verdict, observation, POLICY, when)
    session.commit()
    return events


def link_at(session: Session, url: str) -> Link:
    return session.scalars(select(Link).where(Link.url_hash == url_hash(url))).one()


def lose(session: Session, fingerprint: Fingerprint, lost_class: str = "not_found") -> None:
    """OLD worked with `fingerprint`, then stopped working."""
    check(session, OLD, "ok", day(0), fingerprint)
    check(session, OLD, lost_class, day(7), None)


def moves(session: Session, when: datetime | None = None) -> list[ChangeEvent]:
    events = find_moves(session, when or day(8), POLICY)
    session.commit()
    return events


def test_the_same_text_at_a_new_url_is_a_move(session: Session) -> None:
    lose(session, page())
    check(session, NEW, "ok", day(7), page())
    [moved] = moves(session)
    assert moved.kind == "link_moved"
    assert moved.detail["evidence"] == {"by": "text_hash", "distance": 0, "new_url": NEW}
    assert (moved.detail["url"], moved.detail["suggested_url"]) == (OLD, NEW)
    assert moved.detail["class"] == "not_found"
    old = link_at(session, OLD)
    assert (old.state, old.suggested_url, old.moved_by) == ("moved", NEW, "fingerprint")


def test_a_move_is_raised_once(session: Session) -> None:
    lose(session, page())
    check(session, NEW, "ok", day(7), page())
    assert len(moves(session, day(8))) == 1
    assert moves(session, day(9)) == []
    assert check(session, OLD, "not_found", day(15), None) == []
    assert moves(session, day(15)) == []
    assert link_at(session, OLD).state == "moved"
    assert [event.kind for event in check(session, OLD, "ok", day(22), page())] == [
        "link_recovered"
    ]


def test_a_near_duplicate_is_a_move_by_simhash(session: Session) -> None:
    lose(session, page())
    check(session, NEW, "ok", day(7), page("b" * 64, SIMHASH ^ 0b101, title="Kitchens"))
    [moved] = moves(session)
    assert moved.detail["evidence"] == {"by": "simhash", "distance": 2, "new_url": NEW}


def test_a_soft_404_can_have_moved_too(session: Session) -> None:
    lose(session, page(), lost_class="soft_404")
    check(session, NEW, "ok", day(7), page())
    [moved] = moves(session)
    assert link_at(session, OLD).state == "moved"
    assert moved.detail["class"] == "soft_404"


def test_a_page_naming_the_old_url_canonical_is_a_move(session: Session) -> None:
    lose(session, page(canonical_url=OLD))
    rewritten = page("b" * 64, ~SIMHASH & (2**64 - 1), title="Kitchens", canonical_url=OLD)
    check(session, NEW, "ok", day(7), rewritten)
    [moved] = moves(session)
    assert moved.detail["evidence"] == {"by": "canonical", "distance": 64, "new_url": NEW}


def test_the_same_title_needs_a_similar_text(session: Session) -> None:
    lose(session, page())
    far = SIMHASH ^ ((1 << 20) - 1)
    check(session, NEW, "ok", day(7), page("b" * 64, far, title="  NEIGHBOURHOOD   kitchens "))
    assert moves(session) == []
    near = SIMHASH ^ 0b1111111  # 7 bits: too far for simhash alone, close enough with the title
    check(session, NEW, "ok", day(8), page("c" * 64, near, title="Neighbourhood kitchens"))
    [moved] = moves(session, day(9))
    assert moved.detail["evidence"] == {"by": "title", "distance": 7, "new_url": NEW}


def test_no_move_to_another_site(session: Session) -> None:
    lose(session, page())
    check(session, "https://other.example/practices/kitchens", "ok", day(7), page())
    check(session, "https://example.org:8443/kitchens", "ok", day(7), page())
    assert moves(session) == []
    assert link_at(session, OLD).state == "failing"


def test_no_move_when_two_pages_hold_the_content(session: Session) -> None:
    lose(session, page())
    check(session, NEW, "ok", day(7), page())
    check(session, NEW + "-copy", "ok", day(7), page())
    assert moves(session) == []


def test_fragments_of_one_page_are_one_page(session: Session) -> None:
    lose(session, page())
    check(session, NEW, "ok", day(7), page())
    check(session, NEW + "#menu", "ok", day(7), page())
    [moved] = moves(session)
    assert moved.detail["evidence"]["new_url"] == NEW


def test_near_empty_pages_are_never_matched(session: Session) -> None:
    lose(session, page("0" * 64, 0, words=2))
    check(session, NEW, "ok", day(7), page("0" * 64, 0, words=2))
    assert moves(session) == []


def test_no_move_to_a_page_that_does_not_work_now(session: Session) -> None:
    lose(session, page())
    check(session, NEW, "ok", day(1), page())
    check(session, NEW, "not_found", day(7), None)
    assert moves(session) == []


def test_a_page_that_never_worked_has_nothing_to_find(session: Session) -> None:
    check(session, OLD, "not_found", day(0), None)
    check(session, NEW, "ok", day(0), page())
    assert moves(session) == []


def test_a_canonical_pointing_at_the_home_page_proves_nothing(session: Session) -> None:
    home = "https://example.org/"
    lose(session, page(canonical_url=home))
    other = page("b" * 64, ~SIMHASH & (2**64 - 1), title="Home", canonical_url=home)
    check(session, NEW, "ok", day(7), other)
    check(session, home, "ok", day(7), other)
    assert moves(session) == []


def test_ten_thousand_links_in_a_few_statements(session: Session) -> None:
    """1,000 lost pages among 10,000 links on one host: found by index, not by pairs."""
    rows = []
    for number in range(10_000):
        lost = number < 1_000
        # Spread simhashes over every band; a lost page's content is at link number + 5,000.
        content = number + 5_000 if lost else number
        simhash = (content * 0x9E37_79B9_7F4A_7C15) & (2**64 - 1)
        rows.append(
            {
                "url": f"https://example.org/page/{number}",
                "url_hash": url_hash(f"https://example.org/page/{number}"),
                "origin": "record",
                "first_seen": START,
                "state": "failing" if lost else "healthy",
                "last_class": "not_found" if lost else "ok",
                "consecutive_failures": 1 if lost else 0,
                "good_text_hash": f"{content:064x}",
                "good_simhash": simhash_to_hex(simhash),
                "good_words": 300,
                "good_title": f"Practice {content}",
                "good_at": START,
            }
        )
    session.execute(insert(Link), rows)
    session.commit()
    selects: list[str] = []

    def count(_connection: object, _cursor: object, statement: str, *_args: object) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            selects.append(statement)

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", count)
    started = time.perf_counter()
    try:
        events = moves(session)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(events) == 1_000
    assert all(event.detail["evidence"]["by"] == "text_hash" for event in events)
    assert time.perf_counter() - started < 20
    assert len(selects) <= 2  # the lost links, the working pages: no query per link
