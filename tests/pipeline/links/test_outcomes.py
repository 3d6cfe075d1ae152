"""Storing a check: its row, the link's state and fingerprints, drift raised once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from crawler.links import Hop, LinkObservation
from pipeline.links.classes import Fingerprint, Verdict
from pipeline.links.outcomes import record_outcome
from pipeline.links.states import LinkPolicy
from storage.links import LinkSpec, reset_baseline, sync_links
from storage.models import ChangeEvent, Link, LinkCheck

START = datetime(2024, 5, 6, 3, 0, tzinfo=UTC)
POLICY = LinkPolicy()
URL = "https://example.org/practices/kitchens"
SIMHASH = 0x0123_4567_89AB_CDEF


def day(days: float) -> datetime:
    return START + timedelta(days=days)


@pytest.fixture
def link(session: Session) -> Link:
    sync_links(session, [LinkSpec(URL, "config", title="Kitchens", cited_in="article")], START)
    session.commit()
    return session.scalars(select(Link)).one()


def page(text_hash: str = "a" * 64, simhash: int = SIMHASH, words: int = 300) -> Fingerprint:
    return Fingerprint(
        text_hash=text_hash,
        simhash=simhash,
        title="Neighbourhood kitchens",
        canonical_url=URL,
        words=words,
    )


def check(
    session: Session,
    link: Link,
    link_class: str,
    when: datetime,
    *,
    status: int | None = 200,
    fingerprint: Fingerprint | None = None,
    headers: dict[str, str] | None = None,
    not_modified: bool = False,
    suggested_url: str | None = None,
) -> list[ChangeEvent]:
    final_url = suggested_url or URL
    observation = LinkObservation(
        url=URL,
        link_ids=(link.id,),
        checked_at=when,
        hops=[Hop(URL, "GET", status)],
        status=status,
        final_url=final_url,
        headers=headers or {},
        attempts=1,
        latency_ms=12.5,
        size=2048,
        not_modified=not_modified,
    )
    verdict = Verdict(
        link_class=link_class,
        http_status=status,
        final_url=final_url,
        suggested_url=suggested_url,
        fingerprint=fingerprint,
        evidence={"status": status},
    )
    events = record_outcome(session, link, verdict, observation, POLICY, when)
    session.commit()
    return events


def kinds(events: list[ChangeEvent]) -> list[str]:
    return [event.kind for event in events]


def test_a_check_is_stored_with_its_chain_and_fingerprint(session: Session, link: Link) -> None:
    headers = {"etag": '"v1"', "last-modified": "Mon, 06 May 2024 00:00:00 GMT"}
    check(session, link, "ok", START, fingerprint=page(), headers=headers)
    stored = session.scalars(select(LinkCheck)).one()
    assert stored.checked_at == START
    assert (stored.link_class, stored.http_status, stored.final_url) == ("ok", 200, URL)
    assert stored.redirect_chain == [{"url": URL, "method": "GET", "status": 200}]
    assert (stored.latency_ms, stored.size, stored.attempts) == (12.5, 2048, 1)
    assert stored.fingerprint == "a" * 64
    assert stored.simhash == "0123456789abcdef"
    assert (stored.title, stored.canonical_url) == ("Neighbourhood kitchens", URL)
    assert stored.evidence == {"status": 200}
    assert stored.not_modified is False
    assert (link.state, link.last_class, link.http_status) == ("healthy", "ok", 200)
    assert (link.etag, link.last_modified) == (headers["etag"], headers["last-modified"])
    assert link.last_checked == START
    assert link.next_check_at == START + POLICY.recheck_healthy
    assert (link.baseline_text_hash, link.baseline_at) == ("a" * 64, START)
    assert (link.good_text_hash, link.good_simhash, link.good_at) == (
        "a" * 64,
        "0123456789abcdef",
        START,
    )


def test_hysteresis_and_events_through_storage(session: Session, link: Link) -> None:
    raised = []
    for when, link_class in [(0, "ok"), (1, "not_found"), (2, "not_found"), (4, "not_found")]:
        raised += kinds(check(session, link, link_class, day(when), status=404))
    assert raised == ["link_failing", "link_broken"]
    assert (link.state, link.consecutive_failures, link.first_failed) == ("broken", 3, day(1))
    assert link.last_ok == day(0)
    stored = session.scalars(select(ChangeEvent).order_by(ChangeEvent.id)).all()
    assert [(event.kind, event.link_id, event.run_id) for event in stored] == [
        ("link_failing", link.id, None),
        ("link_broken", link.id, None),
    ]
    broken = stored[1].detail
    assert broken["url"] == URL
    assert (broken["class"], broken["http_status"]) == ("not_found", 404)
    assert (broken["state"], broken["previous_state"]) == ("broken", "failing")
    assert broken["consecutive_failures"] == 3
    assert broken["first_failed"] == day(1).isoformat()
    assert kinds(check(session, link, "ok", day(5), fingerprint=page())) == ["link_recovered"]


def test_a_permanent_redirect_suggests_its_target(session: Session, link: Link) -> None:
    new = "https://example.org/en/kitchens"
    events = check(session, link, "moved", START, status=200, suggested_url=new)
    assert kinds(events) == ["link_moved"]
    assert events[0].detail["suggested_url"] == new
    assert (link.state, link.suggested_url, link.moved_by) == ("moved", new, "redirect")


def test_rate_limited_only_records_the_check(session: Session, link: Link) -> None:
    check(session, link, "ok", START, fingerprint=page(), headers={"etag": '"v1"'})
    assert check(session, link, "rate_limited", day(1), status=429) == []
    assert (link.state, link.last_ok, link.etag) == ("healthy", START, '"v1"')
    assert (link.last_class, link.http_status, link.last_checked) == ("rate_limited", 429, day(1))
    assert link.next_check_at == day(1) + POLICY.recheck_failing


def test_not_modified_keeps_the_fingerprints_and_validators(session: Session, link: Link) -> None:
    check(session, link, "ok", START, fingerprint=page(), headers={"etag": '"v1"'})
    check(session, link, "ok", day(7), status=304, not_modified=True)
    assert (link.good_text_hash, link.good_at, link.etag) == ("a" * 64, START, '"v1"')
    assert session.scalars(select(LinkCheck.not_modified).order_by(LinkCheck.id)).all() == [
        False,
        True,
    ]
    check(session, link, "ok", day(14), fingerprint=page("b" * 64))
    assert (link.good_text_hash, link.good_at, link.etag) == ("b" * 64, day(14), None)


def test_drift_is_raised_once_past_the_threshold(session: Session, link: Link) -> None:
    check(session, link, "ok", day(0), fingerprint=page())
    small = SIMHASH ^ 0b1111  # 4 bits: the same page with a new date
    assert check(session, link, "ok", day(7), fingerprint=page("b" * 64, small)) == []
    rewritten = SIMHASH ^ ((1 << 20) - 1)  # 20 bits > drift_bits
    events = check(session, link, "ok", day(14), fingerprint=page("c" * 64, rewritten))
    assert kinds(events) == ["content_drifted"]
    assert events[0].detail["distance"] == 20
    assert events[0].detail["baseline_at"] == day(0).isoformat()
    assert link.drifted_at == day(14)
    further = SIMHASH ^ ((1 << 40) - 1)
    assert check(session, link, "ok", day(21), fingerprint=page("d" * 64, further)) == []
    assert link.baseline_text_hash == "a" * 64
    reset_baseline(link, day(22))
    assert check(session, link, "ok", day(28), fingerprint=page("d" * 64, further)) == []
    events = check(session, link, "ok", day(35), fingerprint=page("e" * 64, SIMHASH))
    assert kinds(events) == ["content_drifted"]


def test_a_record_page_that_changes_is_an_updated_record_not_a_drifted_citation(
    session: Session, link: Link
) -> None:
    link.origin = "record"
    check(session, link, "ok", day(0), fingerprint=page())
    rewritten = SIMHASH ^ ((1 << 20) - 1)
    assert check(session, link, "ok", day(14), fingerprint=page("c" * 64, rewritten)) == []
    assert link.drifted_at is None


def test_no_baseline_from_a_near_empty_page(session: Session, link: Link) -> None:
    check(session, link, "ok", day(0), fingerprint=page("0" * 64, 0, words=2))
    assert (link.baseline_at, link.good_words) == (None, 2)
    assert check(session, link, "ok", day(7), fingerprint=page()) == []
    assert (link.baseline_text_hash, link.baseline_at) == ("a" * 64, day(7))


def test_failures_keep_the_last_good_fingerprint(session: Session, link: Link) -> None:
    check(session, link, "ok", day(0), fingerprint=page())
    check(session, link, "soft_404", day(7), fingerprint=page("f" * 64, 0))
    assert (link.good_text_hash, link.good_at) == ("a" * 64, day(0))
    assert session.scalars(select(LinkCheck.fingerprint).order_by(LinkCheck.id)).all() == [
        "a" * 64,
        "f" * 64,
    ]
