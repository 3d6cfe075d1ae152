"""Storing one check of one link: its `link_check` row, the link's new state, its fingerprints
and the events the check raised.

Two fingerprints are kept on the link, both from usable checks only:

- the *baseline*, the page as first seen with enough words to be compared: content drift is
  measured from it, and `content_drifted` is raised once, when the page's simhash first differs
  from it by more than `LinkPolicy.drift_bits` bits (again only after `reset_baseline`);
- the *good* one, the page as last seen working: when the link later fails, `find_moves` looks
  for that content at another URL. A 304 keeps the fingerprints it confirms.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from crawler.links import LinkObservation
from pipeline.links.classes import USABLE, Fingerprint, Verdict
from pipeline.links.fingerprint import simhash_distance, simhash_from_hex, simhash_to_hex
from pipeline.links.states import LinkPolicy, LinkStatus, Transition, transition
from pipeline.text import without_controls_in
from storage.links import link_event
from storage.models import ChangeEvent, Link, LinkCheck
from storage.runs import json_ready, require_aware

__all__ = [
    "WORD_BEARING",
    "apply_transition",
    "link_status",
    "record_outcome",
]

# Words a page needs before its simhash says anything: the simhashes of two near-empty pages
# (a "Loading..." shell, a bare heading) are close or far by chance.
WORD_BEARING = 5


def record_outcome(
    session: Session,
    link: Link,
    verdict: Verdict,
    observation: LinkObservation,
    policy: LinkPolicy,
    now: datetime,
) -> list[ChangeEvent]:
    """Store one check of `link` (dated `now`) and return the events it raised, added to the
    session. Nothing is flushed, so a batch of checks is written in one go when the caller
    commits."""
    require_aware(now)
    verdict = _storable(verdict)
    session.add(_check_row(link, verdict, observation, now))
    before = link_status(link)
    moved_to = verdict.suggested_url or verdict.final_url
    result = transition(before, verdict.link_class, now, policy, moved_to)
    apply_transition(link, result)
    link.last_class = verdict.link_class
    link.http_status = verdict.http_status
    link.final_url = verdict.final_url
    link.last_checked = now
    usable = verdict.link_class in USABLE
    if usable:
        _keep_validators(link, observation)
    drift = _keep_fingerprint(link, verdict.fingerprint, now, policy) if usable else None
    events = [
        link_event(link, kind, now, **_transition_detail(kind, before, link, verdict))
        for kind in result.events
    ]
    if drift is not None:
        events.append(link_event(link, "content_drifted", now, **drift))
    session.add_all(events)
    return events


def _storable(verdict: Verdict) -> Verdict:
    """What a site sent (a Location, a header, a heading quoted as evidence, an error naming
    them), without control characters: a terminal obeys them, PostgreSQL refuses NUL. The
    fingerprint's title and canonical URL are clean already (pipeline.links.fingerprint)."""
    return replace(
        verdict,
        final_url=without_controls_in(verdict.final_url),
        suggested_url=without_controls_in(verdict.suggested_url),
        evidence=without_controls_in(json_ready(verdict.evidence)),
        error=without_controls_in(verdict.error),
    )


def link_status(link: Link) -> LinkStatus:
    """What the state policy needs of a stored link."""
    return LinkStatus(
        state=link.state,
        consecutive_failures=link.consecutive_failures or 0,
        first_failed=link.first_failed,
        last_ok=link.last_ok,
        suggested_url=link.suggested_url,
        moved_by=link.moved_by,
        state_changed_at=link.state_changed_at,
    )


def apply_transition(link: Link, result: Transition) -> None:
    """Write a transition's status and schedule on the link (its events are the caller's)."""
    status = result.status
    link.state = status.state
    link.consecutive_failures = status.consecutive_failures
    link.first_failed = status.first_failed
    link.last_ok = status.last_ok
    link.suggested_url = status.suggested_url
    link.moved_by = status.moved_by
    link.state_changed_at = status.state_changed_at
    link.next_check_at = result.next_check_at


def _check_row(
    link: Link, verdict: Verdict, observation: LinkObservation, now: datetime
) -> LinkCheck:
    fingerprint = verdict.fingerprint
    return LinkCheck(
        link_id=link.id,
        checked_at=now,
        link_class=verdict.link_class,
        http_status=verdict.http_status,
        final_url=verdict.final_url,
        suggested_url=verdict.suggested_url,
        redirect_chain=[
            {"url": hop.url, "method": hop.method, "status": hop.status} for hop in observation.hops
        ],
        latency_ms=observation.latency_ms,
        size=observation.size,
        attempts=observation.attempts,
        not_modified=observation.not_modified,
        fingerprint=fingerprint.text_hash if fingerprint else None,
        simhash=simhash_to_hex(fingerprint.simhash) if fingerprint else None,
        title=fingerprint.title if fingerprint else None,
        canonical_url=fingerprint.canonical_url if fingerprint else None,
        evidence=verdict.evidence,
        error=verdict.error or without_controls_in(observation.error),
    )


def _keep_validators(link: Link, observation: LinkObservation) -> None:
    """ETag and Last-Modified of a usable answer, to ask "unchanged?" next time. A 304 may
    omit them: the ones it answered to still hold."""
    etag = without_controls_in(observation.headers.get("etag"))
    last_modified = without_controls_in(observation.headers.get("last-modified"))
    if observation.not_modified:
        link.etag = etag or link.etag
        link.last_modified = last_modified or link.last_modified
    else:
        link.etag, link.last_modified = etag, last_modified


# Links the catalogue cites as they are (config [[links]] and start URLs, URLs checked by hand):
# the ones whose drift from what was cited is news.
CITED_ORIGINS = frozenset({"config", "cli"})


def _keep_fingerprint(
    link: Link, fingerprint: Fingerprint | None, now: datetime, policy: LinkPolicy
) -> dict[str, Any] | None:
    """Keep a usable check's fingerprint; the detail of a `content_drifted` event if this check
    is the one that shows the drift."""
    if fingerprint is None:
        return None
    simhash = simhash_to_hex(fingerprint.simhash)
    link.good_text_hash = fingerprint.text_hash
    link.good_simhash = simhash
    link.good_words = fingerprint.words
    link.good_title = fingerprint.title
    link.good_canonical_url = fingerprint.canonical_url
    link.good_at = now
    if link.baseline_simhash is None:
        if fingerprint.words >= WORD_BEARING:
            link.baseline_text_hash = fingerprint.text_hash
            link.baseline_simhash = simhash
            link.baseline_at = now
        return None
    if link.drifted_at is not None or fingerprint.words == 0:  # raised already; nothing read
        return None
    if link.origin not in CITED_ORIGINS:
        # A record's page or resource that changes is an `updated` record, found by the crawl
        # with the fields that changed; drift is about what the catalogue cites.
        return None
    distance = simhash_distance(simhash_from_hex(link.baseline_simhash), fingerprint.simhash)
    if fingerprint.text_hash == link.baseline_text_hash or distance <= policy.drift_bits:
        return None
    link.drifted_at = now
    return {
        "distance": distance,
        "drift_bits": policy.drift_bits,
        "baseline_at": link.baseline_at.isoformat() if link.baseline_at else None,
        "baseline_text_hash": link.baseline_text_hash,
        "text_hash": fingerprint.text_hash,
    }


def _transition_detail(
    kind: str, before: LinkStatus, link: Link, verdict: Verdict
) -> dict[str, Any]:
    detail: dict[str, Any] = {
        "state": link.state,
        "previous_state": before.state,
        "evidence": verdict.evidence,
    }
    if kind in ("link_failing", "link_broken"):
        detail["consecutive_failures"] = link.consecutive_failures
        detail["first_failed"] = link.first_failed.isoformat() if link.first_failed else None
    if verdict.error:
        detail["error"] = verdict.error
    return detail
