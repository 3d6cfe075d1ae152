"""The state policy, driven with a controllable clock: no false alarm from one bad night, each
event once, and a schedule that checks failing links sooner than healthy ones."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

import pytest

from pipeline.config import parse_config
from pipeline.links.classes import FAILURES, REVIEW
from pipeline.links.states import LinkPolicy, LinkStatus, Transition, moved_elsewhere, transition

START = datetime(2024, 5, 6, 3, 0, tzinfo=UTC)
POLICY = LinkPolicy()  # K = 3 failures, T = 3 days
NEW_URL = "https://example.org/new-home"


def day(days: float) -> datetime:
    return START + timedelta(days=days)


def run(
    checks: Iterable[tuple[float, str]], status: LinkStatus | None = None
) -> tuple[LinkStatus, list[tuple[float, str]], Transition]:
    """Apply (day, class) checks in order; the final status, every (day, event) raised and the
    last transition."""
    status = status or LinkStatus()
    events: list[tuple[float, str]] = []
    result = Transition(status)
    for when, link_class in checks:
        result = transition(status, link_class, day(when), POLICY, suggested_url=NEW_URL)
        status = result.status
        events.extend((when, event) for event in result.events)
    return status, events, result


def test_two_failures_in_one_day_are_failing_not_broken() -> None:
    status, events, _ = run([(0, "ok"), (0.1, "not_found"), (1, "not_found")])
    assert status.state == "failing"
    assert status.consecutive_failures == 2
    assert status.first_failed == day(0.1)
    assert events == [(0.1, "link_failing")]


def test_three_failures_over_three_days_are_broken() -> None:
    status, events, _ = run([(0, "ok"), (1, "timeout"), (2, "server_error"), (4, "dns_error")])
    assert status.state == "broken"
    assert events == [(1, "link_failing"), (4, "link_broken")]


def test_three_failures_within_three_days_are_not_enough() -> None:
    status, _events, _ = run([(0, "not_found"), (1, "not_found"), (2, "not_found")])
    assert status.state == "failing"
    status, events, _ = run([(3, "not_found")], status)
    assert status.state == "broken"
    assert events == [(3, "link_broken")]


def test_many_failures_in_a_short_time_are_not_broken_before_t() -> None:
    checks = [(hours / 24, "connection_error") for hours in range(0, 70, 2)]
    status, events, _ = run(checks)
    assert status.consecutive_failures == 35
    assert status.state == "failing"
    assert events == [(0, "link_failing")]


def test_a_success_in_between_resets_the_count() -> None:
    status, events, _ = run(
        [(0, "not_found"), (1, "not_found"), (2, "ok"), (3, "not_found"), (5, "not_found")]
    )
    assert status.state == "failing"
    assert (status.consecutive_failures, status.first_failed) == (2, day(3))
    assert events == [
        (0, "link_failing"),
        (2, "link_recovered"),
        (3, "link_failing"),
    ]


def test_recovery_is_raised_once() -> None:
    checks = [(0, "not_found"), (1, "not_found"), (4, "not_found"), (5, "ok"), (6, "ok")]
    status, events, _ = run(checks)
    assert status.state == "healthy"
    assert status.last_ok == day(6)
    assert (status.consecutive_failures, status.first_failed) == (0, None)
    assert events == [(0, "link_failing"), (4, "link_broken"), (5, "link_recovered")]


def test_broken_stays_broken_without_repeating_the_event() -> None:
    checks = [(number, "not_found") for number in range(10)]
    status, events, _ = run(checks)
    assert status.state == "broken"
    assert events == [(0, "link_failing"), (3, "link_broken")]


def test_a_first_check_that_works_raises_nothing() -> None:
    status, events, _ = run([(0, "ok"), (1, "redirected")])
    assert status.state == "healthy"
    assert status.state_changed_at == day(0)
    assert events == []


@pytest.mark.parametrize("link_class", sorted(REVIEW))
def test_review_classes_need_review_and_leave_the_failure_count(link_class: str) -> None:
    status, events, _ = run([(0, "not_found"), (1, link_class), (2, link_class)])
    assert status.state == "needs_review"
    assert (status.consecutive_failures, status.first_failed) == (1, day(0))
    assert events == [(0, "link_failing"), (1, "link_needs_review")]


def test_a_bot_wall_is_never_broken() -> None:
    status, events, _ = run([(when, "blocked") for when in range(0, 30, 3)])
    assert status.state == "needs_review"
    assert events == [(0, "link_needs_review")]


@pytest.mark.parametrize("state", ["healthy", "failing", "broken", "needs_review"])
def test_rate_limited_changes_nothing(state: str) -> None:
    status = LinkStatus(state=state, consecutive_failures=2, first_failed=day(-2), last_ok=day(-3))
    after, events, result = run([(0, "rate_limited")], status)
    assert after == status
    assert events == []
    assert result.next_check_at == day(0) + POLICY.recheck_failing


def test_a_first_check_rate_limited_needs_review() -> None:
    status, events, _ = run([(0, "rate_limited")])
    assert status.state == "needs_review"
    assert events == [(0, "link_needs_review")]


def test_failing_is_raised_once_from_review_too() -> None:
    status, events, _ = run([(0, "blocked"), (1, "timeout"), (2, "timeout")])
    assert status.state == "failing"
    assert events == [(0, "link_needs_review"), (1, "link_failing")]


def test_a_permanent_redirect_is_moved_once_and_again_when_its_target_changes() -> None:
    status = LinkStatus()
    events: list[tuple[int, str]] = []
    for when, target in [(0, NEW_URL), (7, NEW_URL), (14, NEW_URL + "-2")]:
        result = transition(status, "moved", day(when), POLICY, suggested_url=target)
        status = result.status
        events.extend((when, event) for event in result.events)
    assert (status.state, status.suggested_url, status.moved_by) == (
        "moved",
        NEW_URL + "-2",
        "redirect",
    )
    assert status.last_ok == day(14)
    assert events == [(0, "link_moved"), (14, "link_moved")]


def test_a_redirect_move_that_stops_working_is_failing() -> None:
    status, events, _ = run([(0, "moved"), (7, "not_found")])
    assert status.state == "failing"
    assert (status.suggested_url, status.moved_by) == (None, None)
    assert events == [(0, "link_moved"), (7, "link_failing")]


def test_a_redirect_move_undone_is_healthy_without_recovery() -> None:
    status, events, _ = run([(0, "moved"), (7, "ok")])
    assert status.state == "healthy"
    assert status.suggested_url is None
    assert events == [(0, "link_moved")]


def test_a_fingerprint_move_stays_moved_while_its_url_fails() -> None:
    failing, _events, _ = run([(0, "ok"), (1, "not_found")])
    moved = moved_elsewhere(failing, NEW_URL, day(1.5), POLICY)
    assert moved.events == ["link_moved"]
    assert moved.status.consecutive_failures == 1
    again = moved_elsewhere(moved.status, NEW_URL, day(2), POLICY)
    assert again.events == []
    status, events, _ = run(
        [(3, "not_found"), (5, "soft_404"), (9, "not_found"), (12, "rate_limited")],
        moved.status,
    )
    assert (status.state, status.suggested_url, status.moved_by) == (
        "moved",
        NEW_URL,
        "fingerprint",
    )
    assert status.consecutive_failures == 3  # the soft 404 is not a failure
    assert events == []


def test_a_fingerprint_move_whose_old_url_works_again_is_recovered() -> None:
    failing, _events, _ = run([(0, "ok"), (1, "not_found")])
    moved = moved_elsewhere(failing, NEW_URL, day(1.5), POLICY).status
    status, events, _ = run([(3, "ok")], moved)
    assert (status.state, status.suggested_url) == ("healthy", None)
    assert events == [(3, "link_recovered")]


@pytest.mark.parametrize(
    ("checks", "due_after"),
    [
        ([(0, "ok")], POLICY.recheck_healthy),
        ([(0, "moved")], POLICY.recheck_healthy),
        ([(0, "not_found")], POLICY.recheck_failing),
        ([(0, "not_found"), (1, "not_found"), (3, "not_found")], POLICY.recheck_healthy),
        ([(0, "blocked")], POLICY.recheck_review),
        ([(0, "ok"), (0, "rate_limited")], POLICY.recheck_failing),
    ],
    ids=["healthy", "moved", "failing", "broken", "needs_review", "rate_limited"],
)
def test_schedule_follows_the_state(checks: list[tuple[float, str]], due_after: timedelta) -> None:
    _status, _events, result = run(checks)
    assert result.next_check_at == day(checks[-1][0]) + due_after


def test_every_failure_class_counts() -> None:
    for link_class in sorted(FAILURES):
        status, _events, _ = run([(0, link_class), (1, link_class), (3, link_class)])
        assert status.state == "broken", link_class


def test_an_unknown_class_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown link class"):
        transition(LinkStatus(), "dead", START, POLICY)


def test_policy_reads_the_link_check_settings() -> None:
    config = parse_config(
        """
[link_check]
failures_before_broken = 5
broken_after_days = 1.5
recheck_healthy_days = 14
recheck_failing_hours = 6
recheck_review_days = 2
drift_bits = 20
""",
        "citywatch.toml",
    )
    assert LinkPolicy.from_settings(config.settings) == LinkPolicy(
        failures_before_broken=5,
        broken_after=timedelta(days=1.5),
        recheck_healthy=timedelta(days=14),
        recheck_failing=timedelta(hours=6),
        recheck_review=timedelta(days=2),
        drift_bits=20,
    )


def test_policy_defaults_are_the_settings_defaults() -> None:
    assert LinkPolicy.from_settings(parse_config("", "citywatch.toml").settings) == LinkPolicy()
    assert LinkPolicy.from_settings({}) == LinkPolicy()


def test_custom_k_and_t() -> None:
    policy = LinkPolicy(failures_before_broken=1, broken_after=timedelta(0))
    result = transition(LinkStatus(state="healthy"), "not_found", START, policy)
    assert (result.status.state, result.events) == ("broken", ["link_broken"])
