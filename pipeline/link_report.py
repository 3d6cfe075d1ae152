"""The link monitor's part of the change report: what changed for monitored links, and why.

`link_section` reads, in three queries whatever the number of links, the link events of a
window and the count of monitored links by state. Each link is listed once per window: under
its latest state event (a link that went failing then broken is listed as broken), and under
`content_drifted` too if its text drifted. `link_evidence` says in one line what showed it;
it may hold URLs and scraped text, so the Markdown renders it through `md_prose`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.models import LINK_STATES, ChangeEvent, Link, Record
from storage.runs import require_aware

__all__ = [
    "LINK_REPORT_KINDS",
    "LINK_TOTALS",
    "link_evidence",
    "link_section",
]

# The order a maintainer reads them in: what readers cannot follow first.
LINK_REPORT_KINDS = (
    "link_broken",
    "link_moved",
    "content_drifted",
    "link_needs_review",
    "link_failing",
    "link_recovered",
)
# `report.totals` key of each kind: how many links are listed under it.
LINK_TOTALS = {
    "link_broken": "links_broken",
    "link_moved": "links_moved",
    "content_drifted": "links_drifted",
    "link_needs_review": "links_needs_review",
    "link_failing": "links_failing",
    "link_recovered": "links_recovered",
}
# The state each state event enters: an entry whose link has left it since says so.
EVENT_STATE = {
    "link_broken": "broken",
    "link_moved": "moved",
    "link_needs_review": "needs_review",
    "link_failing": "failing",
    "link_recovered": "healthy",
}
_VENDORS = {
    "akamai": "Akamai",
    "aws-cloudfront": "AWS CloudFront",
    "aws-waf": "AWS WAF",
    "cloudflare": "Cloudflare",
    "datadome": "DataDome",
    "ddos-guard": "DDoS-Guard",
    "imperva": "Imperva",
    "linkedin": "LinkedIn",
    "perimeterx": "PerimeterX",
    "sucuri": "Sucuri",
    "vercel": "Vercel",
    "wordfence": "Wordfence",
}
_TRANSPORT = {
    "timeout": "no answer within the timeout",
    "dns": "the host name does not resolve",
    "connection": "connection refused or reset",
    "tls": "TLS handshake failed",
    "too_many_hops": "too many redirects",
    "loop": "redirect loop",
    "robots": "not fetched: robots.txt disallows it",
    "private_network": "not fetched: a private network address",
    "unsafe_redirect": "redirect to a scheme other than http(s), not followed",
    "invalid_url": "not fetched: not an http(s) URL that can be requested",
    "other": "no answer",
}
_MOVED_BY = {
    "text_hash": "same text at {url}",
    "simhash": "near-identical text ({distance} bits) at {url}",
    "canonical": "same canonical URL as {url}",
    "title": "same title, similar text ({distance} bits) at {url}",
}
_ERROR_CHARS = 120


def link_section(
    session: Session, since: datetime | None, until: datetime
) -> tuple[dict[str, Any], dict[str, int]]:
    """The report's `links` section for events from `since` (inclusive; None: all) to `until`,
    and its totals (`LINK_TOTALS`)."""
    require_aware(until)
    latest: dict[tuple[int, bool], dict[str, Any]] = {}
    for row in session.execute(_events_query(since, until)):
        drift = row.kind == "content_drifted"
        latest[row.link_id, drift] = _entry(row)  # a later event of the link replaces it
    events: dict[str, list[dict[str, Any]]] = {kind: [] for kind in LINK_REPORT_KINDS}
    for entry in latest.values():
        events[entry.pop("kind")].append(entry)
    for entries in events.values():
        entries.sort(key=lambda entry: (entry["at"], entry["url"] or ""))
    counts = link_counts(session)
    section = {
        "since": since.isoformat(timespec="seconds") if since else None,
        "monitored": sum(counts.values()),
        "counts": counts,
        "events": events,
    }
    return section, {LINK_TOTALS[kind]: len(events[kind]) for kind in LINK_REPORT_KINDS}


def link_counts(session: Session) -> dict[str, int]:
    """Monitored links by state, counted by the database; `unchecked`: never checked yet."""
    counts = dict.fromkeys((*LINK_STATES, "unchecked"), 0)
    for state, count in session.execute(select(Link.state, func.count()).group_by(Link.state)):
        counts[state or "unchecked"] = count
    return counts


def _events_query(since: datetime | None, until: datetime) -> Any:
    query = (
        select(
            ChangeEvent.link_id,
            ChangeEvent.kind,
            ChangeEvent.detail,
            ChangeEvent.created_at,
            Link.state,
            Link.origin,
            Link.cited_in,
            Link.archive_url,
            Record.stable_id,
        )
        .join(Link, ChangeEvent.link_id == Link.id)
        .outerjoin(Record, Link.record_id == Record.id)
        .where(ChangeEvent.kind.in_(LINK_REPORT_KINDS), ChangeEvent.created_at <= until)
        .order_by(ChangeEvent.created_at, ChangeEvent.id)
    )
    if since is not None:
        query = query.where(ChangeEvent.created_at >= require_aware(since))
    return query


def _entry(row: Any) -> dict[str, Any]:
    detail = row.detail or {}
    return {
        "kind": row.kind,
        "url": detail.get("url"),
        "title": detail.get("title"),
        "class": detail.get("class"),
        "http_status": detail.get("http_status"),
        "final_url": detail.get("final_url"),
        "suggested_url": detail.get("suggested_url"),
        "archive_url": row.archive_url,  # the link's current one: found after the event, too
        "evidence": link_evidence(row.kind, detail),
        "at": row.created_at.isoformat(timespec="seconds"),
        "state": row.state,
        # The link is no longer in the state this event entered (e.g. reviewed, then healthy).
        "left_state": row.kind in EVENT_STATE and EVENT_STATE[row.kind] != row.state,
        "origin": row.origin,
        "record": row.stable_id,
        "cited_in": row.cited_in,
    }


def link_evidence(kind: str, detail: Mapping[str, Any]) -> str:
    """What showed it, in one line: "404 after 301 chain", "bot wall: Cloudflare (...)"."""
    evidence = detail.get("evidence") or {}
    if kind == "content_drifted":
        return (
            f"text changed since first seen: {detail.get('distance')} of 64 simhash bits "
            f"differ (more than {detail.get('drift_bits')})"
        )
    if "new_url" in evidence:  # content found at another URL (pipeline.links.moves)
        template = _MOVED_BY.get(str(evidence.get("by")), "same content at {url}")
        return template.format(url=evidence["new_url"], distance=evidence.get("distance"))
    link_class = str(detail.get("class") or "")
    status = detail.get("http_status")
    if "error_kind" in evidence:
        return _transport(evidence, detail)
    if link_class == "blocked":
        vendor = str(evidence.get("vendor") or "")
        return f"bot wall: {_VENDORS.get(vendor, vendor)} ({evidence.get('signature')})"
    if link_class == "soft_404":
        return "soft 404: " + _soft_404(evidence)
    if link_class == "rate_limited":
        wait = evidence.get("retry_after")
        return f"HTTP {status} still after waiting" + (f" (Retry-After: {wait})" if wait else "")
    if link_class == "moved":  # to the suggested URL, shown beside it
        cosmetic = " (only the scheme, www. or a slash changed)" if evidence.get("cosmetic") else ""
        return _redirect(evidence, "permanent redirect") + cosmetic
    if link_class in ("ok", "redirected"):
        via = f", {_redirect(evidence, 'temporary redirect')}" if "chain" in evidence else ""
        return f"answers {status} again{via}"
    return _failure(link_class, status, evidence)


def _failure(link_class: str, status: Any, evidence: Mapping[str, Any]) -> str:
    redirects = _redirect_statuses(evidence)
    text = f"{status} after {redirects} chain" if redirects else f"HTTP {status}"
    if evidence.get("retried_statuses"):
        text += " after retries"
    if link_class == "forbidden":
        text += ", no bot-wall signature"
    if evidence.get("reason"):
        text += f" ({evidence['reason']})"
    return text


def _transport(evidence: Mapping[str, Any], detail: Mapping[str, Any]) -> str:
    kind = str(evidence["error_kind"])
    text = _TRANSPORT.get(kind, kind)
    if kind in ("loop", "too_many_hops") and evidence.get("chain"):
        return f"{text}: {len(evidence['chain'])} hops"
    error = " ".join(str(detail.get("error") or "").split())
    cut = error if len(error) <= _ERROR_CHARS else error[: _ERROR_CHARS - 1] + "…"
    if error and kind in ("unsafe_redirect", "invalid_url"):
        return cut  # says the scheme, or what is wrong with the URL
    if error and kind in ("dns", "connection", "tls", "other"):
        text += f": {cut}"
    return text


def _soft_404(evidence: Mapping[str, Any]) -> str:
    signal = evidence.get("signal")
    if signal == "body":
        where = {"title": "title", "h1": "heading"}.get(str(evidence.get("where")), "text")
        return f"{where} '{evidence.get('phrase')}'"
    if signal == "redirect":
        if evidence.get("target") == "site_root":
            return "a deep URL redirected to the site's root"
        return "redirected to an error-page URL"
    if signal == "probe":
        match = evidence.get("match")
        if match == "final_url":
            return "lands where a made-up URL of the site lands"
        how = "same text" if match == "text_hash" else f"{evidence.get('distance')} bits apart"
        return f"looks like the answer to a made-up URL ({how})"
    return "error page"


def _redirect(evidence: Mapping[str, Any], label: str) -> str:
    redirects = _redirect_statuses(evidence)
    return f"{label} ({redirects})" if redirects else label


def _redirect_statuses(evidence: Mapping[str, Any]) -> str:
    chain: Sequence[Any] = evidence.get("chain") or []
    statuses = [
        str(hop[1])
        for hop in chain[:-1]
        if isinstance(hop, Sequence) and len(hop) == 2 and isinstance(hop[1], int)
    ]
    return "→".join(statuses)
