"""Every extraction alarm, raised by a real crawl of a site that fails in that way, in every
format of the report: the report is needed most exactly when a crawl went wrong.

The test goes through `ALARM_KINDS` and the report's own `--format` choices, so a new alarm
kind, or a new format, is tested here or fails here for want of a crawl that raises it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
import pytest

from pipeline.alarms import ALARM_KINDS
from pipeline.cli import main
from pipeline.replicas.mercociudades import MercociudadesSite
from pipeline.replicas.server import ReplicaServer
from pipeline.report import md_prose, md_url
from tests.conftest import invoke_cli, run_cli
from tests.helpers import FailingSite, write_config
from tests.hostile_wordpress import SECTION, HostileWordPress, post_json


def report_formats() -> tuple[str, ...]:
    """What `citywatch report --format` offers."""
    report = main.commands["report"]
    (fmt,) = (param for param in report.params if param.name == "fmt")
    assert isinstance(fmt.type, click.Choice)
    return tuple(str(choice) for choice in fmt.type.choices)


@dataclass(frozen=True, eq=False)
class AnyOf:
    """`size` distinct URLs of `urls`, in any order: pages are fetched concurrently."""

    urls: frozenset[str]
    size: int

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, list)
            and len(other) == len(set(other)) == self.size
            and set(other) <= self.urls
        )


@dataclass(frozen=True)
class Crawled:
    """A database whose latest run raised the alarm; `evidence` is what the alarm must carry."""

    config: Path
    evidence: dict[str, Any]


def crawl(config: Path, expected_code: int) -> None:
    result = run_cli("--config", str(config), "crawl")
    assert result.code == expected_code, result.stderr[-3000:]


def start(tmp_path: Path, server: ReplicaServer, extra_crawl: str = "", options: str = "") -> Path:
    return start_at(tmp_path, server, "/covid-19/", extra_crawl, options)


def start_at(
    tmp_path: Path, server: ReplicaServer, path: str, extra_crawl: str = "", options: str = ""
) -> Path:
    config = write_config(
        tmp_path,
        server.base_url + path,
        f"sqlite:///{tmp_path / 'citywatch.db'}",
        extra_crawl=extra_crawl,
        options=options,
    )
    assert invoke_cli("--config", str(config), "init").code == 0
    return config


def site_that_fails_everything(tmp_path: Path) -> Crawled:
    """Every answer a 503: the night the site is down (zero records, errors, no listing)."""
    site = FailingSite(MercociudadesSite(size=10), 503, lambda target: True)
    with ReplicaServer(site) as server:
        config = start(tmp_path, server)
        crawl(config, 1)
    base = server.base_url
    return Crawled(
        config,
        {
            # robots.txt and the listing, each tried three times (crawl.retry_times = 2)
            "zero_records": {
                "listing_failures": 1,
                "pages_fetched": 6,
                "sample_urls": [f"{base}/covid-19/"],
            },
            "http_error_rate": {
                "errors": 6,
                "requests": 6,
                "rate": 1.0,
                "failures": {"503": 6},
                "sample_urls": [f"{base}/robots.txt", f"{base}/covid-19/"],
            },
            "crawl_not_finished": {
                "finish_reason": "finished",
                "listing_failures": 1,
                "sample_urls": [f"{base}/covid-19/"],
            },
        },
    )


def site_that_lost_records(tmp_path: Path) -> Crawled:
    """30 posts, then 10: a listing that lost two thirds of its records."""
    with ReplicaServer(MercociudadesSite(size=30)) as server:
        config = start(tmp_path, server)
        crawl(config, 0)
        server.site = MercociudadesSite(size=10)
        crawl(config, 1)
    # (the posts and the landing page: 11 against 31)
    return Crawled(
        config,
        {"record_count_drop": {"records": 11, "previous": 31, "drop": 0.645, "sample_urls": []}},
    )


# The redesigned replica's markup (pipeline/replicas/wordpress/redesign.py), but for the
# publication date: a profile fixed in haste after a redesign.
HALF_FIXED_PROFILE = """
[listing]
entries = ["div.mc-card"]
entry_url = ["h3.mc-card__heading a::attr(href)"]
next_page = ["a.mc-pager__next::attr(href)"]
[landing]
title = ["h1.mc-article__headline"]
body_html = ["section.mc-article__body"]
[post]
title = ["h1.mc-article__headline"]
body_html = ["section.mc-article__body"]
summary_html = ["div.mc-card__excerpt"]
published = ["time.entry-date::attr(datetime)"]
updated = ["time.updated::attr(datetime)"]
categories = ["ul.mc-tags li a::text"]
tags = ["ul.mc-keywords li a::text"]
"""


def site_redesigned_without_dates(tmp_path: Path) -> Crawled:
    """A redesign the profile caught up with, but for the date: records without `published`."""
    profile = tmp_path / "profile.toml"
    profile.write_text(HALF_FIXED_PROFILE, "utf-8")
    site = MercociudadesSite(size=20, rest_api=False, quirks={"redesign"})
    with ReplicaServer(site) as server:
        config = start(tmp_path, server, options=f'options = {{ profile = "{profile}" }}')
        crawl(config, 1)
        posts = frozenset(server.base_url + post.path for post in site.posts())
    return Crawled(
        config,
        {
            "field_coverage": {
                "field": "published",
                "coverage": 0.0,
                "records": 20,
                "missing": 20,
                "sample_urls": AnyOf(posts, 5),
            }
        },
    )


def site_refusing_some_pages(tmp_path: Path) -> Crawled:
    """Five of twenty post pages answer 403: a firewall that turned on the crawler midway."""
    site = MercociudadesSite(size=20, rest_api=False)
    refused = {post.path for post in site.posts()[:5]}
    with ReplicaServer(FailingSite(site, 403, lambda target: target in refused)) as server:
        config = start(tmp_path, server)
        crawl(config, 1)
        urls = frozenset(server.base_url + path for path in refused)
    return Crawled(
        config,
        {
            "http_error_rate": {
                "errors": 5,
                # robots.txt twice, 3 sitemaps, 2 archive pages, 20 posts, 6 translations
                "requests": 33,
                "rate": 0.152,
                "failures": {"403": 5},
                "sample_urls": AnyOf(urls, 5),
            }
        },
    )


def crawl_cut_short(tmp_path: Path) -> Crawled:
    """crawl.max_pages stops the crawl before its listing is read."""
    with ReplicaServer(MercociudadesSite(size=30, rest_api=False)) as server:
        config = start(tmp_path, server, extra_crawl="max_pages = 3")
        crawl(config, 1)
    return Crawled(
        config,
        {
            "crawl_not_finished": {
                "finish_reason": "closespider_pagecount",
                "listing_failures": 0,
                "sample_urls": [],
            }
        },
    )


def site_with_a_malformed_post(tmp_path: Path) -> Crawled:
    """A REST listing whose second post has an id that is not a number: dropped, the rest kept."""
    site = HostileWordPress()
    with ReplicaServer(site) as server:
        posts = [post_json(n, f"Post {n}", f"<p>Texto {n}.</p>") for n in (101, 102, 104)]
        posts.insert(1, {**post_json(103, "Post 103", "<p>Texto 103.</p>"), "id": "abc"})
        site.posts = posts
        config = start_at(tmp_path, server, SECTION)
        crawl(config, 1)
        page = server.base_url + "/wp-json/wp/v2/posts?categories=47&per_page=100&page=1"
    return Crawled(
        config,
        {
            "malformed_items": {
                # three posts and the landing page read, one post dropped
                "dropped_entries": 1,
                "dropped_items": 1,
                "records": 4,
                "share": 0.2,
                "samples": [
                    {
                        "url": page + "&_embed=wp%3Aterm",
                        "item": "post 1 (id 'abc')",
                        "field": "id",
                        "problem": "not an id: str 'abc'",
                    }
                ],
                "sample_urls": [page + "&_embed=wp%3Aterm"],
            }
        },
    )


def site_announcing_a_million_pages(tmp_path: Path) -> Crawled:
    """X-WP-TotalPages: 999999 on a listing of 20 posts: not believed, the real posts kept."""
    with ReplicaServer(MercociudadesSite(size=20, quirks={"lying-page-count"})) as server:
        config = start(tmp_path, server)
        crawl(config, 1)
        page = (
            server.base_url
            + "/wp-json/wp/v2/posts?categories=47&per_page=100&page=1&_embed=wp%3Aterm"
        )
    return Crawled(
        config,
        {
            "bound_exceeded": {
                "kind": "announced_count",
                "url": page,
                "reason": "X-WP-TotalPages announces 999999",
                "bound": "crawl.max_listing_pages",
                "limit": 10000,
                "announced": 999999,
                "exceeded": 1,
                "sample_urls": [page],
            }
        },
    )


# A crawl raising each kind (it may raise others too).
SCENARIOS: dict[str, Callable[[Path], Crawled]] = {
    "zero_records": site_that_fails_everything,
    "record_count_drop": site_that_lost_records,
    "field_coverage": site_redesigned_without_dates,
    "malformed_items": site_with_a_malformed_post,
    "http_error_rate": site_refusing_some_pages,
    "bound_exceeded": site_announcing_a_million_pages,
    "crawl_not_finished": crawl_cut_short,
}


def reports(config: Path) -> dict[str, str]:
    """The default report (the latest run of each source) in every format."""
    rendered = {}
    for fmt in report_formats():
        result = invoke_cli("--config", str(config), "report", "--format", fmt)  # no crawl
        assert result.code == 0, f"{fmt}: {result.stderr[-3000:]}"
        assert result.stderr == ""
        rendered[fmt] = result.stdout
    assert set(rendered) == {"md", "json"}, "a new report format: check it below too"
    return rendered


def assert_md_lists_every_alarm(markdown: str, report: dict[str, Any]) -> None:
    (run,) = report["runs"]
    assert f"## `mercociudades_covid`: run {run['run_id']} ({run['status']})" in markdown
    for alarm in run["alarms"]:
        line = f"> - `{alarm['kind']}`: {md_prose(alarm['message'])}"
        samples = alarm["detail"]["sample_urls"][:3]
        if samples:
            line += " (e.g. " + ", ".join(md_url(url) for url in samples) + ")"
        assert line + "\n" in markdown, (line, markdown)


@pytest.mark.parametrize("kind", ALARM_KINDS)
def test_every_alarm_kind_is_reported_in_every_format(kind: str, tmp_path: Path) -> None:
    assert kind in SCENARIOS, f"no crawl in this file raises {kind!r}: add one to SCENARIOS"
    crawled = SCENARIOS[kind](tmp_path)

    rendered = reports(crawled.config)

    report = json.loads(rendered["json"])
    (run,) = report["runs"]
    (alarm,) = (alarm for alarm in run["alarms"] if alarm["kind"] == kind)
    assert alarm["detail"] == crawled.evidence[kind]
    assert alarm["message"]
    assert report["totals"]["alarms"] == len(run["alarms"])
    assert_md_lists_every_alarm(rendered["md"], report)


def test_the_report_of_a_failed_crawl_lists_what_failed(tmp_path: Path) -> None:
    """The issue's crash: the default Markdown report after a crawl of a site that is down."""
    crawled = site_that_fails_everything(tmp_path)

    rendered = reports(crawled.config)

    report = json.loads(rendered["json"])
    (run,) = report["runs"]
    assert run["status"] == "failed"
    assert [(a["kind"], a["detail"]) for a in run["alarms"]] == list(crawled.evidence.items())
    assert [a["message"] for a in run["alarms"]] == [
        "the crawl brought back no record",
        "6 of 6 requests failed or answered 4xx/5xx (HTTP 503: 6)",
        "the crawl closed as 'finished' with listing pages unread",
    ]
    markdown = rendered["md"]
    assert "**3 extraction alarm(s)**" in markdown
    assert "**This run did not complete** (failed)" in markdown
    assert_md_lists_every_alarm(markdown, report)
