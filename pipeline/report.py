"""The change report a maintainer reviews: per crawl run, what is new, updated, removed.

`build_report` reads storage into plain dicts (the JSON format is exactly that structure);
`render_markdown` renders it with a Jinja2 template. Every scraped string is escaped for
Markdown and HTML before it reaches the page: a title is data, never markup.

The report also lists the possible duplicates its runs found (`duplicate_listing` and
`render_duplicates_markdown` are what `citywatch duplicates` prints) and what the link monitor
found in the report's window (`pipeline.link_report`).
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crawler.evidence import MALFORMED
from pipeline.duplicates import evidence_reasons
from pipeline.link_report import link_section
from pipeline.text import without_controls, without_controls_in
from storage.duplicates import DUPLICATE_EVENT, list_duplicates
from storage.events import shorten
from storage.models import CrawlRun, PossibleDuplicate, Record
from storage.repositories import events_for_run, run_summary

__all__ = [
    "build_report",
    "duplicate_entry",
    "duplicate_listing",
    "md_escape",
    "md_prose",
    "md_url",
    "render_duplicates_markdown",
    "render_json",
    "render_markdown",
]

REPORT_FORMAT_VERSION = 1
_EVENT_KINDS = ("new", "updated", "removed", "reappeared")
# Inline only: every scraped value follows other text on its line, so line-start syntax
# (#, -, +, 1.) cannot trigger; < > & are HTML-escaped first.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")
# A URL inside prose, up to the next space: shown as code, like every URL of the report.
_URL_IN_TEXT = re.compile(r"((?:https?|ftp)://\S+|www\.\S+)", re.IGNORECASE)


def build_report(
    session: Session,
    run_ids: Sequence[int],
    generated_at: datetime,
    *,
    links_since: datetime | None = None,
) -> dict[str, Any]:
    """The report of these runs, with the link events from `links_since` to `generated_at`.

    Without `links_since` the link window opens when the earliest of the runs started; with
    no runs either, it holds every link event up to `generated_at`.
    """
    runs = [_run_section(session, run_id) for run_id in sorted(run_ids)]
    duplicates = [
        duplicate_entry(pair) for pair in list_duplicates(session, None, run_ids=list(run_ids))
    ]
    if links_since is None and run_ids:
        links_since = session.scalar(
            select(func.min(CrawlRun.started_at)).where(CrawlRun.id.in_(list(run_ids)))
        )
    links, link_totals = link_section(session, links_since, generated_at)
    totals = {kind: sum(len(run["events"][kind]) for run in runs) for kind in _EVENT_KINDS}
    totals["alarms"] = sum(len(run["alarms"]) for run in runs)
    totals["possible_duplicates"] = sum(pair["status"] == "open" for pair in duplicates)
    totals.update(link_totals)
    return {
        "format_version": REPORT_FORMAT_VERSION,
        "generated_at": generated_at.isoformat(timespec="seconds"),
        "totals": totals,
        "runs": runs,
        "possible_duplicates": duplicates,
        "links": links,
    }


def _run_section(session: Session, run_id: int) -> dict[str, Any]:
    summary = run_summary(session, run_id)
    stats = summary.stats or {}
    events: dict[str, list[dict[str, Any]]] = {kind: [] for kind in _EVENT_KINDS}
    alarms: list[dict[str, Any]] = []
    for event in events_for_run(session, run_id):
        if event.kind == "extraction_alarm":
            alarms.append(
                {
                    "kind": event.detail.get("alarm"),
                    "message": event.detail.get("message"),
                    "detail": event.detail.get("evidence", {}),
                }
            )
            continue
        if event.kind == DUPLICATE_EVENT:
            continue  # listed once for the whole report, under possible_duplicates
        if event.kind not in events:
            events.setdefault(event.kind, [])
        record = event.record
        events[event.kind].append(
            {
                "stable_id": record.stable_id if record else None,
                "title": event.detail.get("title"),
                "url": event.detail.get("url"),
                "fields_changed": list(event.fields_changed or []),
                "old": event.detail.get("old", {}),
                "new": event.detail.get("new", {}),
            }
        )
    return {
        "run_id": summary.run_id,
        "source": summary.source_key,
        "source_name": summary.source_name,
        "status": summary.status,
        "close_reason": summary.close_reason,
        "started_at": summary.started_at.isoformat(timespec="seconds"),
        "finished_at": summary.finished_at.isoformat(timespec="seconds")
        if summary.finished_at
        else None,
        "counts": {
            "pages_fetched": stats.get("downloader/response_count", 0),
            "records_seen": summary.records_seen,
            "new": summary.records_new,
            "updated": summary.records_updated,
            "removed": summary.records_removed,
            "listing_failures": stats.get("citywatch/listing_failures", 0),
            "detail_failures": stats.get("citywatch/detail_failures", 0),
            "dropped_missing_title": stats.get("citywatch/dropped/missing_title", 0),
            "dropped_malformed": stats.get(MALFORMED, 0),
        },
        "listing_path": stats.get("citywatch/listing_path"),
        "unmapped_labels": _prefixed(stats, "citywatch/unmapped_label/"),
        "missing_fields": _prefixed(stats, "citywatch/coverage/missing/"),
        "records_counted": stats.get("citywatch/coverage/records", 0),
        "alarms": alarms,
        "events": events,
    }


def duplicate_entry(pair: PossibleDuplicate) -> dict[str, Any]:
    """A pair as the report and `citywatch duplicates` show it; its records must be loaded."""
    return {
        "id": pair.id,
        "status": pair.status,
        "score": pair.score,
        "detected_at": pair.detected_at.isoformat(timespec="seconds"),
        "decided_at": pair.decided_at.isoformat(timespec="seconds") if pair.decided_at else None,
        "run_id": pair.run_id,
        "records": [_duplicate_record(pair.record), _duplicate_record(pair.other_record)],
        "reasons": evidence_reasons(pair.evidence),
        "evidence": pair.evidence,
        "confirm": f"citywatch duplicates confirm {pair.id}",
        "reject": f"citywatch duplicates reject {pair.id}",
    }


def _duplicate_record(record: Record) -> dict[str, Any]:
    return {
        "stable_id": record.stable_id,
        "source": record.source.key,
        "title": shorten(record.title),
        "url": record.url,
        "status": record.status,
    }


def duplicate_listing(
    session: Session, status: str | None, generated_at: datetime
) -> dict[str, Any]:
    """Every pair with this status (all if None): what `citywatch duplicates` prints."""
    return {
        "format_version": REPORT_FORMAT_VERSION,
        "generated_at": generated_at.isoformat(timespec="seconds"),
        "status": status or "all",
        "possible_duplicates": [duplicate_entry(pair) for pair in list_duplicates(session, status)],
    }


def render_duplicates_markdown(listing: dict[str, Any]) -> str:
    """The listing as Markdown, each pair laid out as in the report."""
    pairs = listing["possible_duplicates"]
    header = (
        "# citywatch possible duplicates\n\n"
        f"Generated {listing['generated_at']} · {len(pairs)} pair(s) {listing['status']}\n\n"
    )
    body = "\n\n".join(md_duplicate(pair) for pair in pairs) if pairs else "None."
    return header + body + "\n"


def md_duplicate(pair: dict[str, Any]) -> str:
    """One pair as a Markdown list item: both records, why, and the commands to decide."""
    reasons = " · ".join(md_escape(reason) for reason in pair["reasons"])
    lines = [f"- **#{pair['id']}** score {pair['score']:.2f} ({pair['status']}) · {reasons}"]
    for record in pair["records"]:
        removed = " (removed)" if record["status"] != "active" else ""
        lines.append(
            f"  - `{record['source']}`: **{md_escape(record['title'])}** "
            f"{md_url(record['url'])}{removed}"
        )
    if pair["status"] == "open":
        lines.append(f"  - same practice? `{pair['confirm']}` · not the same? `{pair['reject']}`")
    return "\n".join(lines)


def _prefixed(stats: dict[str, Any], prefix: str) -> dict[str, int]:
    return {k[len(prefix) :]: int(v) for k, v in sorted(stats.items()) if k.startswith(prefix)}


def md_escape(value: Any) -> str:
    """Scraped text made inert in Markdown and HTML (no links, no tags, no tables broken)."""
    text = _one_line(value)
    return _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=True))


def md_prose(value: Any) -> str:
    """Text that may hold URLs (a link's evidence): the URLs as code, the rest escaped (quotes
    stay: with < and > escaped no tag, hence no attribute, can open)."""
    text = _one_line(value)
    pieces = _URL_IN_TEXT.split(text)  # the URLs at odd positions
    return "".join(
        md_url(piece) if position % 2 else _MD_SPECIAL.sub(r"\\\1", html.escape(piece, quote=False))
        for position, piece in enumerate(pieces)
    )


def md_url(value: Any) -> str:
    """A URL shown as code: never a live link to whatever a page claimed."""
    text = without_controls(str(value or "")).replace("`", "%60").replace("\n", "")
    return f"`{text}`" if text else ""


def _one_line(value: Any) -> str:
    """Text on one line, without control characters: storage strips them since issue 9, but a
    database written before may still hold an escape sequence meant for a terminal."""
    return " ".join(without_controls(str(value)).split()) if value is not None else ""


def render_markdown(report: dict[str, Any]) -> str:
    env = Environment(
        loader=PackageLoader("pipeline", "templates"),
        undefined=StrictUndefined,
        autoescape=False,  # Markdown: escaping is explicit through the md filter
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = md_escape
    env.filters["url"] = md_url
    env.filters["prose"] = md_prose
    env.filters["duplicate"] = md_duplicate
    return env.get_template("report.md.j2").render(report=report)


def render_json(report: dict[str, Any]) -> str:
    # JSON escapes C0 controls but not C1 controls or bidi overrides: strip them all.
    return json.dumps(without_controls_in(report), ensure_ascii=False, indent=2) + "\n"
