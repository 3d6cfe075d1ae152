"""Extraction alarms: a crawl that "worked" but brought back too little, or too little of a field.

A site redesign rarely breaks a crawl outright; it makes selectors find nothing, and the
catalogue silently fills with empty records or loses them. Each check below compares what one
run saw with what it should have seen and, when it is off, says so with the evidence a
maintainer needs (counts, the field, sample URLs). A run with an alarm removes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from crawler.evidence import (
    BOUND_EVIDENCE,
    BOUND_LIMIT,
    BOUNDS_EXCEEDED,
    MALFORMED,
    MALFORMED_ENTRIES,
    MALFORMED_SAMPLES,
)
from crawler.middlewares.http_errors import (
    ERROR_URLS,
    EXPECTED_STATUS_COUNT,
    counts_as_http_error,
)

__all__ = ["ALARM_KINDS", "Alarm", "AlarmThresholds", "evaluate_alarms", "record_field_coverage"]

# Every kind of alarm, in the order a run's alarms are raised. The report and its tests go
# through this tuple, so a new kind is rendered and tested like the others.
ALARM_KINDS = (
    "zero_records",
    "record_count_drop",
    "field_coverage",
    "malformed_items",
    "http_error_rate",
    "bound_exceeded",
    "crawl_not_finished",
)

# Stats the normaliser keeps (see pipeline.normalise): records counted for coverage, and per
# field the records that lacked it, with a few sample URLs.
COUNTED = "citywatch/coverage/records"
MISSING = "citywatch/coverage/missing/"
SAMPLES = "citywatch/coverage/samples/"
SAMPLE_SIZE = 5
# Below this many records extracted in a run (an incremental recrawl extracts only what changed
# plus its recheck sample), field coverage says too little to raise an alarm.
MIN_COVERAGE_RECORDS = 10


@dataclass(frozen=True, slots=True)
class AlarmThresholds:
    required_fields: tuple[str, ...]
    min_field_coverage: float
    max_record_drop: float
    max_http_error_rate: float
    max_malformed_share: float = 0.0


@dataclass(frozen=True, slots=True)
class Alarm:
    kind: str  # one of ALARM_KINDS
    message: str
    evidence: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.kind not in ALARM_KINDS:
            raise ValueError(f"unknown alarm kind {self.kind!r}: add it to ALARM_KINDS")

    def detail(self) -> dict[str, Any]:
        return {"alarm": self.kind, "message": self.message, "evidence": self.evidence}


def record_field_coverage(stats: Any, record_url: str, missing_fields: list[str]) -> None:
    """Count one record for coverage (called by the normaliser for every non-page record)."""
    stats.inc_value(COUNTED)
    for name in missing_fields:
        stats.inc_value(MISSING + name)
        samples = stats.get_value(SAMPLES + name) or []
        if len(samples) < SAMPLE_SIZE:
            stats.set_value(SAMPLES + name, [*samples, record_url])


def evaluate_alarms(
    stats: dict[str, Any],
    reason: str,
    previous_seen: int | None,
    thresholds: AlarmThresholds,
) -> list[Alarm]:
    """Every alarm the run's stats call for, given the last complete run's record count."""
    alarms: list[Alarm] = []
    # Records extracted, and records whose unchanged listing entry (or 304) kept them alive.
    saved = int(stats.get("citywatch/records_saved", 0)) + int(
        stats.get("citywatch/records_seen_unchanged", 0)
    )
    listing_urls = list(stats.get("citywatch/listing_failure_urls", []))
    if saved == 0:
        alarms.append(
            Alarm(
                "zero_records",
                "the crawl brought back no record",
                {
                    "listing_failures": stats.get("citywatch/listing_failures", 0),
                    "pages_fetched": stats.get("downloader/response_count", 0),
                    "sample_urls": listing_urls,
                },
            )
        )
    elif previous_seen and saved < previous_seen * (1 - thresholds.max_record_drop):
        alarms.append(
            Alarm(
                "record_count_drop",
                f"{saved} records against {previous_seen} in the last complete run",
                {
                    "records": saved,
                    "previous": previous_seen,
                    "drop": round(1 - saved / previous_seen, 3),
                    "sample_urls": listing_urls,
                },
            )
        )
    alarms += _coverage_alarms(stats, thresholds)
    alarms += _malformed_alarms(stats, saved, thresholds)
    requests = int(stats.get("downloader/request_count", 0))
    failures = _failures(stats)
    errors = sum(failures.values())
    if requests and errors / requests > thresholds.max_http_error_rate:
        alarms.append(
            Alarm(
                "http_error_rate",
                f"{errors} of {requests} requests failed or answered 4xx/5xx ("
                + ", ".join(
                    f"{'HTTP ' if what.isdigit() else ''}{what}: {count}"
                    for what, count in failures.items()
                )
                + ")",
                {
                    "errors": errors,
                    "requests": requests,
                    "rate": round(errors / requests, 3),
                    "failures": failures,
                    "sample_urls": list(stats.get(ERROR_URLS, [])),
                },
            )
        )
    alarms += _bound_alarms(stats, reason)
    if reason != "finished" or stats.get("citywatch/listing_failures"):
        alarms.append(
            Alarm(
                "crawl_not_finished",
                f"the crawl closed as {reason!r}"
                + (" with listing pages unread" if stats.get("citywatch/listing_failures") else ""),
                {
                    "finish_reason": reason,
                    "listing_failures": stats.get("citywatch/listing_failures", 0),
                    "sample_urls": listing_urls,
                },
            )
        )
    return alarms


def _coverage_alarms(stats: dict[str, Any], thresholds: AlarmThresholds) -> list[Alarm]:
    counted = int(stats.get(COUNTED, 0))
    incremental = bool(stats.get("citywatch/records_seen_unchanged"))
    if not counted or (incremental and counted < MIN_COVERAGE_RECORDS):
        return []
    alarms = []
    for name in thresholds.required_fields:
        missing = int(stats.get(MISSING + name, 0))
        coverage = 1 - missing / counted
        if coverage < thresholds.min_field_coverage:
            alarms.append(
                Alarm(
                    "field_coverage",
                    f"{name!r} found in {coverage:.0%} of {counted} records "
                    f"(at least {thresholds.min_field_coverage:.0%} expected)",
                    {
                        "field": name,
                        "coverage": round(coverage, 3),
                        "records": counted,
                        "missing": missing,
                        "sample_urls": list(stats.get(SAMPLES + name, [])),
                    },
                )
            )
    return alarms


def _malformed_alarms(
    stats: dict[str, Any], saved: int, thresholds: AlarmThresholds
) -> list[Alarm]:
    """Listing entries the site sent malformed were dropped: their records are missing from
    this run. (Other malformed items, a JSON-LD node or a term, cost a record nothing.)"""
    dropped = int(stats.get(MALFORMED_ENTRIES, 0))
    if not dropped or dropped / (saved + dropped) <= thresholds.max_malformed_share:
        return []
    samples = list(stats.get(MALFORMED_SAMPLES, []))
    first = samples[0] if samples else None
    example = f" (e.g. {first['item']}: {first['field']}: {first['problem']})" if first else ""
    return [
        Alarm(
            "malformed_items",
            f"{dropped} listing entries were malformed and dropped, beside {saved} records "
            f"read{example}",
            {
                "dropped_entries": dropped,
                "dropped_items": int(stats.get(MALFORMED, 0)),
                "records": saved,
                "share": round(dropped / (saved + dropped), 3),
                "samples": samples,
                "sample_urls": list(dict.fromkeys(sample["url"] for sample in samples)),
            },
        )
    ]


def _bound_alarms(stats: dict[str, Any], reason: str) -> list[Alarm]:
    """The site made the crawl reach a bound (see crawler.evidence): pages that never end or
    loop, a count announced beyond belief or proved low, more sitemaps than read, or
    ``crawl.max_pages`` responses or ``crawl.max_records`` items. One alarm per kind of bound,
    naming the site, the bound and the evidence."""
    cases = list(stats.get(BOUND_EVIDENCE, []))
    stopped_by = {
        "closespider_pagecount": ("max_pages", "responses"),
        "closespider_itemcount": ("max_records", "items"),
    }
    if reason in stopped_by:
        name, counted = stopped_by[reason]
        limit = stats.get(BOUND_LIMIT + name)
        cases.append(
            {"kind": name, "url": None, "bound": f"crawl.{name}", "limit": limit,
             "reason": f"the crawl stopped after {limit} {counted}"}
        )  # fmt: skip
    alarms = []
    for kind in dict.fromkeys(case["kind"] for case in cases):
        of_kind = [case for case in cases if case["kind"] == kind]
        first = of_kind[0]
        site = f"{urlsplit(first['url']).netloc}: " if first["url"] else ""
        bound = f" ({first['bound']} = {first['limit']})" if first.get("bound") else ""
        alarms.append(
            Alarm(
                "bound_exceeded",
                f"{site}{first['reason']}{bound}",
                {
                    **first,
                    "exceeded": max(int(stats.get(BOUNDS_EXCEEDED, 0)), len(cases)),
                    "sample_urls": [case["url"] for case in of_kind if case["url"]],
                },
            )
        )
    return alarms


def _failures(stats: dict[str, Any]) -> dict[str, int]:
    """What failed, and how often: each erroneous HTTP status (see `counts_as_http_error`; an
    answer the request expected is none) and each exception a download raised (by its class
    name), most frequent first."""
    failures: dict[str, int] = {}
    typed = 0
    for key, value in stats.items():
        counter, _, name = key.rpartition("/")
        if counter == "downloader/response_status_count":
            expected = int(stats.get(EXPECTED_STATUS_COUNT + name, 0))  # past a listing's end
            if name.isdigit() and counts_as_http_error(int(name)) and int(value) > expected:
                failures[name] = int(value) - expected
        elif counter == "downloader/exception_type_count":
            short = name.rsplit(".", 1)[-1]
            failures[short] = failures.get(short, 0) + int(value)
            typed += int(value)
    # exception_count is the total of failed downloads, whether broken down by type or not.
    untyped = int(stats.get("downloader/exception_count", 0)) - typed
    if untyped > 0:
        failures["exception"] = untyped
    return dict(sorted(failures.items(), key=lambda item: (-item[1], item[0])))
