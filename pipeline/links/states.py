"""A link's state over time: one check is evidence, never a verdict on its own.

`transition` is the whole policy, a pure function of the link's status, the class of one check
and the time, so the hysteresis can be tested with any clock:

    usable (ok, redirected)  -> healthy; failures forgotten; `link_recovered` when it was
                                failing, broken, or moved by fingerprint (its URL works again)
    usable (moved)           -> moved to the permanent redirect's target; `link_moved` on
                                entering moved or when the target changes
    failure                  -> failing, or broken once K consecutive failures span T;
                                `link_failing` / `link_broken` on entering each
    review (blocked, ...)    -> needs_review; `link_needs_review` on entering it; the failure
                                counters are left as they were
    inconclusive (429)       -> nothing changes (a link never checked before: needs_review)

A link moved by fingerprint (its content found at another URL while its own URL fails) stays
moved whatever its own URL answers, except a usable answer: its failing is why it moved.
Each event is raised once, on the transition; a state that stays raises nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from pipeline.links.classes import FAILURES, INCONCLUSIVE, REVIEW, USABLE

__all__ = [
    "LinkPolicy",
    "LinkStatus",
    "Transition",
    "moved_elsewhere",
    "next_check",
    "transition",
]


@dataclass(frozen=True, slots=True)
class LinkPolicy:
    """The `[link_check]` settings that decide states, schedule and drift."""

    failures_before_broken: int = 3  # K
    broken_after: timedelta = timedelta(days=3)  # T
    recheck_healthy: timedelta = timedelta(days=7)  # healthy, moved and broken links
    recheck_failing: timedelta = timedelta(hours=24)  # failing and rate-limited links
    recheck_review: timedelta = timedelta(days=3)  # needs_review
    drift_bits: int = 12  # simhash bits that may differ from the baseline before drift

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> LinkPolicy:
        """The policy of `Config.settings` (dotted names); a missing key keeps its default."""
        default = cls()

        def days(name: str, fallback: timedelta) -> timedelta:
            value = settings.get(f"link_check.{name}")
            return fallback if value is None else timedelta(days=float(value))

        failing_hours = settings.get("link_check.recheck_failing_hours")
        return cls(
            failures_before_broken=int(
                settings.get("link_check.failures_before_broken", default.failures_before_broken)
            ),
            broken_after=days("broken_after_days", default.broken_after),
            recheck_healthy=days("recheck_healthy_days", default.recheck_healthy),
            recheck_failing=(
                default.recheck_failing
                if failing_hours is None
                else timedelta(hours=float(failing_hours))
            ),
            recheck_review=days("recheck_review_days", default.recheck_review),
            drift_bits=int(settings.get("link_check.drift_bits", default.drift_bits)),
        )


@dataclass(frozen=True, slots=True)
class LinkStatus:
    """What the policy remembers of a link between checks (columns of `storage.models.Link`)."""

    state: str | None = None  # None: never checked
    consecutive_failures: int = 0
    first_failed: datetime | None = None
    last_ok: datetime | None = None
    suggested_url: str | None = None
    moved_by: str | None = None  # "redirect" or "fingerprint" while moved
    state_changed_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Transition:
    """The link's status after a check, the events it raises, and when to check it again."""

    status: LinkStatus
    events: list[str] = field(default_factory=list)
    next_check_at: datetime | None = None


def transition(
    status: LinkStatus,
    verdict_class: str,
    now: datetime,
    policy: LinkPolicy,
    suggested_url: str | None = None,
) -> Transition:
    """Apply one check's class to a link's status (see the module docstring for the policy).

    `suggested_url` is the permanent redirect's target, for the class `moved`.
    """
    moved_by_fingerprint = status.state == "moved" and status.moved_by == "fingerprint"
    if verdict_class in INCONCLUSIVE:
        # A 429 says nothing of the link; ask again soon, when the server may have calmed down.
        settled = status if status.state is not None else _enter(status, "needs_review", now)
        return Transition(settled, _raised(status, settled), now + policy.recheck_failing)
    if verdict_class == "moved":
        return _moved(status, suggested_url, "redirect", now, policy)
    if verdict_class in USABLE:
        healthy = replace(status, consecutive_failures=0, first_failed=None, last_ok=now)
        after = _enter(healthy, "healthy", now)
        # A link moved by fingerprint whose own URL works again has recovered too.
        recovered = status.state in ("failing", "broken") or moved_by_fingerprint
        events = ["link_recovered"] if recovered else []
        return Transition(after, events, next_check(after, now, policy))
    if verdict_class in FAILURES:
        first_failed = status.first_failed or now
        failed = replace(
            status,
            consecutive_failures=status.consecutive_failures + 1,
            first_failed=first_failed,
        )
        if moved_by_fingerprint:
            return Transition(failed, [], next_check(failed, now, policy))
        broken = (
            failed.consecutive_failures >= policy.failures_before_broken
            and now - first_failed >= policy.broken_after
        )
        after = _enter(failed, "broken" if broken else "failing", now)
        return Transition(after, _raised(status, after), next_check(after, now, policy))
    if verdict_class in REVIEW:
        after = status if moved_by_fingerprint else _enter(status, "needs_review", now)
        return Transition(after, _raised(status, after), next_check(after, now, policy))
    raise ValueError(f"unknown link class {verdict_class!r}")


def moved_elsewhere(
    status: LinkStatus, new_url: str, now: datetime, policy: LinkPolicy
) -> Transition:
    """The link's content was found at `new_url` while its own URL fails (a move without a
    redirect); `link_moved` unless it was already moved there. Failure counters stay: the
    link's own URL still fails."""
    return _moved(status, new_url, "fingerprint", now, policy)


def _moved(
    status: LinkStatus, new_url: str | None, moved_by: str, now: datetime, policy: LinkPolicy
) -> Transition:
    target = new_url or status.suggested_url
    after = _enter(status, "moved", now)
    after = replace(after, suggested_url=target, moved_by=moved_by)
    if moved_by == "redirect":  # the content is reachable, through the redirect
        after = replace(after, consecutive_failures=0, first_failed=None, last_ok=now)
    changed = status.state != "moved" or target != status.suggested_url
    return Transition(after, ["link_moved"] if changed else [], next_check(after, now, policy))


_EVENT_ON_ENTERING = {
    "failing": "link_failing",
    "broken": "link_broken",
    "needs_review": "link_needs_review",
}


def _raised(before: LinkStatus, after: LinkStatus) -> list[str]:
    """The event of entering `after.state`, if the check changed the state and it has one."""
    event = _EVENT_ON_ENTERING.get(after.state or "")
    return [event] if event is not None and after.state != before.state else []


def _enter(status: LinkStatus, state: str, now: datetime) -> LinkStatus:
    """`status` in `state`, dated when it changes; a suggestion only lives while moved."""
    if state == status.state:
        return status
    entered = replace(status, state=state, state_changed_at=now)
    if state != "moved":
        entered = replace(entered, suggested_url=None, moved_by=None)
    return entered


def next_check(status: LinkStatus, now: datetime, policy: LinkPolicy) -> datetime:
    """When a link in `status.state` is due again: failing links soon, settled ones rarely."""
    if status.state == "failing":
        return now + policy.recheck_failing
    if status.state == "needs_review":
        return now + policy.recheck_review
    return now + policy.recheck_healthy
