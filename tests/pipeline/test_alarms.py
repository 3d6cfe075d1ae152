"""Extraction alarms: what a run's stats must show before a maintainer is told, and what not."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from crawler.evidence import BOUND_EVIDENCE, BOUNDS_EXCEEDED, MALFORMED, MALFORMED_ENTRIES
from pipeline.alarms import Alarm, AlarmThresholds, evaluate_alarms
from tests.conftest import Replica, run_cli, start_replica, stop_replica
from tests.helpers import write_config

THRESHOLDS = AlarmThresholds(("title", "published"), 0.9, 0.3, 0.1)


def healthy(**changes: Any) -> dict[str, Any]:
    stats: dict[str, Any] = {
        "citywatch/records_saved": 100,
        "citywatch/coverage/records": 99,
        "downloader/request_count": 120,
        "downloader/response_status_count/200": 119,
        "downloader/response_status_count/404": 1,
    }
    stats.update(changes)
    return stats


def kinds(stats: dict[str, Any], reason: str = "finished", previous: int | None = 100) -> list[str]:
    return [alarm.kind for alarm in evaluate_alarms(stats, reason, previous, THRESHOLDS)]


def test_a_bound_exceeded_names_the_site_the_bound_and_the_evidence() -> None:
    lying = {"kind": "announced_count", "url": "https://a.org/wp-json/wp/v2/posts?page=1",
             "reason": "X-WP-TotalPages announces 999999", "bound": "crawl.max_listing_pages",
             "limit": 10000, "announced": 999999}  # fmt: skip
    page = "https://a.org/covid-19/page/4/"
    looping = {"kind": "looping_pager", "url": page, "reason": f"{page} lists only entries seen"}
    stats = healthy(**{BOUND_EVIDENCE: [lying, looping], BOUNDS_EXCEEDED: 2})
    [announced, loop] = evaluate_alarms(stats, "finished", 100, THRESHOLDS)
    assert (announced.kind, loop.kind) == ("bound_exceeded", "bound_exceeded")
    assert announced.message == (
        "a.org: X-WP-TotalPages announces 999999 (crawl.max_listing_pages = 10000)"
    )
    assert announced.evidence == {**lying, "exceeded": 2, "sample_urls": [lying["url"]]}
    assert loop.message == f"a.org: {page} lists only entries seen"


def test_a_crawl_stopped_by_max_pages_names_the_bound() -> None:
    stats = healthy(**{"citywatch/bound/max_pages": 500})
    [bound, _] = evaluate_alarms(stats, "closespider_pagecount", 100, THRESHOLDS)
    assert bound.message == "the crawl stopped after 500 responses (crawl.max_pages = 500)"
    assert (bound.evidence["bound"], bound.evidence["limit"]) == ("crawl.max_pages", 500)


def test_a_crawl_stopped_by_max_records_names_the_bound() -> None:
    stats = healthy(**{"citywatch/bound/max_records": 100_000})
    [bound, unfinished] = evaluate_alarms(stats, "closespider_itemcount", 100, THRESHOLDS)
    assert bound.message == "the crawl stopped after 100000 items (crawl.max_records = 100000)"
    assert (bound.evidence["bound"], bound.evidence["limit"]) == ("crawl.max_records", 100_000)
    assert unfinished.kind == "crawl_not_finished"


def test_an_expected_error_status_is_no_http_error() -> None:
    """WordPress's 400 past a listing's end, asked for to verify a page count."""
    expected = {"citywatch/expected_status_count/400": 1}
    past_the_end = healthy(**{"downloader/response_status_count/400": 1, **expected})
    assert evaluate_alarms(past_the_end, "finished", 100, THRESHOLDS) == []
    refused = healthy(**{"downloader/response_status_count/400": 31, **expected})
    [alarm] = evaluate_alarms(refused, "finished", 100, THRESHOLDS)
    assert alarm.evidence["failures"] == {"400": 30}


def test_malformed_entries_raise_an_alarm_beyond_the_tolerated_share() -> None:
    sample = {"url": "https://a.org/wp-json/wp/v2/posts?page=1", "item": "post 2 (id 'abc')",
              "field": "id", "problem": "not an id: str 'abc'"}  # fmt: skip
    stats = healthy(**{MALFORMED_ENTRIES: 5, MALFORMED: 6, "citywatch/malformed_samples": [sample]})
    [alarm] = evaluate_alarms(stats, "finished", 100, THRESHOLDS)
    assert alarm.message == (
        "5 listing entries were malformed and dropped, beside 100 records read "
        "(e.g. post 2 (id 'abc'): id: not an id: str 'abc')"
    )
    assert (alarm.evidence["share"], alarm.evidence["sample_urls"]) == (0.048, [sample["url"]])
    tolerant = AlarmThresholds(("title",), 0.9, 0.3, 0.1, max_malformed_share=0.05)
    assert evaluate_alarms(stats, "finished", 100, tolerant) == []


def test_a_healthy_run_raises_no_alarm() -> None:
    assert kinds(healthy()) == []


def test_a_first_run_has_no_baseline_to_drop_from() -> None:
    assert kinds(healthy(), previous=None) == []


@pytest.mark.parametrize(
    ("changes", "reason", "expected"),
    [
        (
            {"citywatch/records_saved": 0, "citywatch/coverage/records": 0},
            "finished",
            ["zero_records"],
        ),
        ({"citywatch/records_saved": 60}, "finished", ["record_count_drop"]),
        ({"citywatch/coverage/missing/published": 20}, "finished", ["field_coverage"]),
        ({"downloader/response_status_count/503": 30}, "finished", ["http_error_rate"]),
        ({"downloader/exception_count": 30}, "finished", ["http_error_rate"]),
        ({"downloader/response_status_count/403": 30}, "finished", ["http_error_rate"]),
        ({"downloader/response_status_count/404": 30}, "finished", []),
        ({}, "closespider_pagecount", ["bound_exceeded", "crawl_not_finished"]),
        ({MALFORMED_ENTRIES: 1, MALFORMED: 1}, "finished", ["malformed_items"]),
        ({MALFORMED: 3}, "finished", []),  # a JSON-LD node, a term: no record lost
        ({"citywatch/listing_failures": 1}, "finished", ["crawl_not_finished"]),
    ],
)
def test_each_symptom_raises_its_alarm(
    changes: dict[str, Any], reason: str, expected: list[str]
) -> None:
    assert kinds(healthy(**changes), reason) == expected


def test_coverage_alarm_carries_field_counts_and_sample_urls() -> None:
    stats = healthy(
        **{
            "citywatch/coverage/missing/title": 50,
            "citywatch/coverage/samples/title": ["https://e.org/a"],
        }
    )
    (alarm,) = evaluate_alarms(stats, "finished", 100, THRESHOLDS)
    assert alarm.evidence == {
        "field": "title",
        "coverage": 0.495,
        "records": 99,
        "missing": 50,
        "sample_urls": ["https://e.org/a"],
    }


def test_http_error_alarm_names_what_failed_and_where() -> None:
    stats = healthy(
        **{
            "downloader/response_status_count/503": 20,
            "downloader/response_status_count/403": 4,
            "downloader/exception_count": 6,
            "downloader/exception_type_count/twisted.internet.error.ConnectionRefusedError": 6,
            "citywatch/http_error_urls": ["https://e.org/a", "https://e.org/b"],
        }
    )
    (alarm,) = evaluate_alarms(stats, "finished", 100, THRESHOLDS)
    assert alarm.message == (
        "30 of 120 requests failed or answered 4xx/5xx "
        "(HTTP 503: 20, ConnectionRefusedError: 6, HTTP 403: 4)"
    )
    assert alarm.evidence == {
        "errors": 30,
        "requests": 120,
        "rate": 0.25,
        "failures": {"503": 20, "ConnectionRefusedError": 6, "403": 4},
        "sample_urls": ["https://e.org/a", "https://e.org/b"],
    }


def test_an_alarm_of_an_unknown_kind_cannot_be_raised() -> None:
    with pytest.raises(ValueError, match="unknown alarm kind 'typo': add it to ALARM_KINDS"):
        Alarm("typo", "message")


BROKEN_PROFILE = """
[listing]
entries = ["div.no-such-entry"]
entry_url = ["a::attr(href)"]
next_page = ["a.no-such-next::attr(href)"]
[landing]
title = ["h1"]
body_html = [".no-such-body"]
[post]
title = ["h1.no-such-title"]
body_html = [".no-such-body"]
summary_html = [".no-such-summary"]
published = ["time.no-such-date::attr(datetime)"]
updated = ["time.no-such-date::attr(datetime)"]
categories = ["a.no-such-category::text"]
tags = ["a.no-such-tag::text"]
"""


def crawl_json(config: Path, *flags: str) -> tuple[int, dict[str, Any]]:
    crawled = run_cli("--config", str(config), "crawl", *flags)
    report = run_cli("--config", str(config), "report", "--format", "json")
    return crawled.code, json.loads(report.stdout)


def test_normal_replica_raises_no_alarm(mercociudades: Replica, tmp_path: Path) -> None:
    config = write_config(
        tmp_path, f"{mercociudades.base_url}/covid-19/", f"sqlite:///{tmp_path}/a.db"
    )
    assert run_cli("--config", str(config), "init").code == 0
    code, report = crawl_json(config, "--fail-on-alarm")
    assert code == 0
    assert report["runs"][0]["alarms"] == []


def test_selectors_that_find_nothing_raise_an_alarm_and_remove_nothing(tmp_path: Path) -> None:
    replica = start_replica("mercociudades_covid", "--size", "20", "--no-rest-api")
    try:
        profile = tmp_path / "broken.toml"
        profile.write_text(BROKEN_PROFILE)
        good = write_config(tmp_path, f"{replica.base_url}/covid-19/", f"sqlite:///{tmp_path}/b.db")
        assert run_cli("--config", str(good), "init").code == 0
        assert crawl_json(good)[0] == 0
        broken = tmp_path / "broken-citywatch.toml"
        broken.write_text(good.read_text() + f'options = {{ profile = "{profile}" }}\n')
        for _ in range(2):  # twice: a removal would need two complete runs
            code, report = crawl_json(broken, "--fail-on-alarm")
            assert code == 3
    finally:
        stop_replica(replica)
    run = report["runs"][0]
    assert {alarm["kind"] for alarm in run["alarms"]} >= {"record_count_drop", "crawl_not_finished"}
    assert run["status"] in ("failed", "partial")
    assert run["counts"]["removed"] == 0
    exported = run_cli("--config", str(good), "export").stdout
    assert exported.count('"status": "active"') == 21


def test_redesigned_site_raises_an_alarm_and_removes_nothing(tmp_path: Path) -> None:
    replica = start_replica("mercociudades_covid", "--size", "20", "--no-rest-api")
    try:
        config = write_config(
            tmp_path, f"{replica.base_url}/covid-19/", f"sqlite:///{tmp_path}/r.db"
        )
        assert run_cli("--config", str(config), "init").code == 0
        assert crawl_json(config, "--fail-on-alarm")[0] == 0
    finally:
        stop_replica(replica)
    redesigned = start_replica(
        "mercociudades_covid", "--size", "20", "--no-rest-api", "--quirk", "redesign"
    )
    try:
        moved = config.read_text().replace(replica.base_url, redesigned.base_url)
        config.write_text(moved)
        for _ in range(2):
            code, report = crawl_json(config, "--fail-on-alarm")
            assert code == 3
    finally:
        stop_replica(redesigned)
    run = report["runs"][0]
    assert run["alarms"], run
    assert run["counts"]["removed"] == 0
    assert all(alarm["message"] for alarm in run["alarms"])
