"""The IDB Cities Network spider end to end: replica over real HTTP -> normalise -> database.

The source lists two start URLs, as a maintainer would for a section known to move: the cited
Spanish URL and the site root. Every test runs `citywatch` in its own process against a replica
served by another process, on a SQLite file and on PostgreSQL.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.test import get_crawler
from sqlalchemy import select
from sqlalchemy.pool import NullPool
from twisted.python.failure import Failure

from crawler.spiders.idb_cities_network import IdbCitiesNetworkSpider
from pipeline.replicas.idb_cities_network import (
    CITED_PATH,
    LANDING_PATHS,
    ExpectedRecord,
    IdbCitiesNetworkSite,
)
from pipeline.replicas.idb_cities_network.content import SPEAKER_NAMES
from pipeline.replicas.idb_cities_network.site import TOPIC_PATHS
from storage.db import make_engine
from storage.models import CrawlRun, Record
from tests.conftest import Replica, run_cli, start_replica, stop_replica
from tests.helpers import read_jsonl, write_config

KEY = "idb_cities_network"
SIZE = 30


@pytest.fixture
def idb() -> Iterator[Replica]:
    replica = start_replica(KEY, "--size", str(SIZE))
    yield replica
    stop_replica(replica)


def configure(
    tmp_path: Path,
    base_url: str,
    database_url: str,
    *,
    starts: tuple[str, ...] = (CITED_PATH, "/"),
    options: str = "",
) -> Path:
    """A source with start URLs (by default the cited URL and the site root); the database
    created."""
    cited = base_url + CITED_PATH
    config = write_config(tmp_path, cited, database_url, key=KEY, options=options)
    starts_list = ", ".join(f'"{base_url}{path}"' for path in starts)
    text = config.read_text("utf-8")
    config.write_text(
        text.replace(f'start_urls = ["{cited}"]', f"start_urls = [{starts_list}]"), "utf-8"
    )
    initialised = run_cli("--config", str(config), "init")
    assert initialised.code == 0, initialised.stderr
    return config


def crawl_and_export(config: Path) -> dict[str, dict[str, Any]]:
    crawled = run_cli("--config", str(config), "crawl")
    assert crawled.code == 0, crawled.stderr[-3000:]
    exported = run_cli("--config", str(config), "export")
    assert exported.code == 0, exported.stderr
    return {r["id"]: r for r in read_jsonl(exported.stdout)}


def stored(database_url: str) -> tuple[dict[str, dict[str, Any]], list[dict[str, Any]]]:
    """Each record's ``extra`` and each run's stats, as the database keeps them."""
    engine = make_engine(database_url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            extras = {
                row.stable_id: dict(row.extra)
                for row in connection.execute(select(Record.stable_id, Record.extra))
            }
            runs = [
                dict(row.stats)
                for row in connection.execute(select(CrawlRun.stats).order_by(CrawlRun.id))
            ]
    finally:
        engine.dispose()
    return extras, runs


def stored_bodies(database_url: str) -> list[str | None]:
    engine = make_engine(database_url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            return list(connection.scalars(select(Record.body_text)))
    finally:
        engine.dispose()


def assert_matches(record: dict[str, Any], expected: ExpectedRecord) -> None:
    assert record["kind"] == expected.kind
    assert record["url"].endswith(expected.path)
    assert record["title"] == expected.title
    assert record["language"] == expected.language
    assert record["published"] == (expected.published and expected.published.isoformat())
    assert record["updated"] == (expected.updated and expected.updated.isoformat())
    assert record["summary"] == expected.summary
    assert (record["city"], record["country"]) == (expected.city, expected.country)
    assert tuple(record["organisations"]) == expected.organisations
    assert tuple(record["theme_labels"]) == expected.categories
    by_type: dict[str, set[str]] = {}
    for resource in record["resources"]:
        by_type.setdefault(resource["type"], set()).add(resource["url"])
    assert by_type.get("video", set()) == ({expected.video} if expected.video else set())
    documents = by_type.get("document", set())
    if expected.pdf:
        assert len(documents) == 1 and documents.pop().endswith(expected.pdf)
    else:
        assert not documents
    if expected.translation:
        language, path, title = expected.translation
        assert [t["language"] for t in record["translations"]] == [language]
        assert record["translations"][0]["url"].endswith(path)
        assert record["translations"][0]["title"] == title
    else:
        assert record["translations"] == []


def test_crawl_extracts_every_record_and_notes_the_redirected_start_url(
    idb: Replica, database_url: str, tmp_path: Path
) -> None:
    config = configure(tmp_path, idb.base_url, database_url)
    records = crawl_and_export(config)
    expected = IdbCitiesNetworkSite(seed=1, size=SIZE).records(1)
    assert sorted(records) == sorted(e.stable_id for e in expected)
    for each in expected:
        assert_matches(records[each.stable_id], each)
        assert records[each.stable_id]["version"] == 1
    extras, runs = stored(database_url)
    landing = extras[f"{KEY}:page:24511"]
    assert landing["member_cities"] == "200+ ciudades"
    assert landing["moved_from"] == idb.base_url + CITED_PATH
    assert landing["found_at"] == idb.base_url + LANDING_PATHS["es"]
    assert landing["moved_status"] == 301
    assert runs[-1]["citywatch/start_url_moved"] == 1
    # Speakers are named on webinar pages; only their institutions may be stored.
    stored_text = json.dumps(list(records.values()), ensure_ascii=False) + json.dumps(
        stored_bodies(database_url), ensure_ascii=False
    )
    assert not [name for name in SPEAKER_NAMES if name in stored_text]


def test_a_section_moved_without_redirect_is_found_from_the_other_start_url(
    database_url: str, tmp_path: Path
) -> None:
    check_moved_without_redirect(database_url, tmp_path, (CITED_PATH, "/"))


@pytest.mark.parametrize(
    "starts",
    [("/", CITED_PATH), (CITED_PATH, TOPIC_PATHS["es"]), (CITED_PATH,)],
    ids=["root-first", "topic-page", "cited-only"],
)
def test_the_moved_section_is_found_whatever_the_start_urls(
    starts: tuple[str, ...], tmp_path: Path
) -> None:
    check_moved_without_redirect(f"sqlite:///{tmp_path / 'm.db'}", tmp_path, starts)


def check_moved_without_redirect(
    database_url: str, tmp_path: Path, starts: tuple[str, ...]
) -> None:
    replica = start_replica(KEY, "--size", str(SIZE), "--quirk", "moved-without-redirect")
    try:
        config = configure(tmp_path, replica.base_url, database_url, starts=starts)
        crawled = run_cli("--config", str(config), "crawl")
        exported = run_cli("--config", str(config), "export")
        records = {r["id"]: r for r in read_jsonl(exported.stdout)}
    finally:
        stop_replica(replica)
    assert crawled.code == 0, crawled.stderr[-3000:]
    assert "finished" in crawled.stdout  # a moved start URL alone does not make it partial
    expected = IdbCitiesNetworkSite(seed=1, size=SIZE).records(1)
    assert sorted(records) == sorted(e.stable_id for e in expected)
    for each in expected:
        assert_matches(records[each.stable_id], each)
    extras, runs = stored(database_url)
    landing = extras[f"{KEY}:page:24511"]
    assert landing["moved_from"] == replica.base_url + CITED_PATH
    assert landing["found_at"] == replica.base_url + LANDING_PATHS["es"]
    assert landing["moved_status"] == 404
    assert runs[-1]["citywatch/start_url_moved"] == 1


def test_english_as_primary_language_makes_spanish_the_translation(
    idb: Replica, tmp_path: Path
) -> None:
    options = 'options = { primary_language = "en" }'
    database_url = f"sqlite:///{tmp_path / 'en.db'}"
    config = configure(tmp_path, idb.base_url, database_url, options=options)
    records = crawl_and_export(config)
    expected = IdbCitiesNetworkSite(seed=1, size=SIZE).records(1, primary_language="en")
    assert sorted(records) == sorted(e.stable_id for e in expected)
    for each in expected:
        assert_matches(records[each.stable_id], each)
    extras, _ = stored(database_url)
    assert extras[f"{KEY}:page:24511"]["member_cities"] == "200+ cities"
    # The cited URL is the Spanish page: it now lives at the Spanish landing, whatever the primary.
    assert extras[f"{KEY}:page:24511"]["found_at"] == idb.base_url + LANDING_PATHS["es"]


def test_same_crawl_twice_adds_no_version_and_no_event(
    idb: Replica, database_url: str, tmp_path: Path
) -> None:
    config = configure(tmp_path, idb.base_url, database_url)
    first = crawl_and_export(config)
    second = crawl_and_export(config)
    assert first.keys() == second.keys()
    assert {r["version"] for r in second.values()} == {1}
    report = json.loads(run_cli("--config", str(config), "report", "--format", "json").stdout)
    assert report["runs"][0]["counts"]["new"] == 0
    assert report["runs"][0]["counts"]["updated"] == 0


def test_added_edited_and_removed_nodes_are_reported(
    idb: Replica, database_url: str, tmp_path: Path
) -> None:
    config = configure(tmp_path, idb.base_url, database_url)
    crawl_and_export(config)
    site = IdbCitiesNetworkSite(seed=1, size=SIZE)
    kinds = {r.node_id: r.kind for r in [*site.records(1), *site.records(2)]}
    idb.set_state(2)
    crawl_and_export(config)
    crawled = crawl_and_export(config)
    report = json.loads(
        run_cli(
            "--config", str(config), "report", "--since", "2000-01-01", "--format", "json"
        ).stdout
    )
    later = report["runs"][1:]
    events = {
        kind: [e["stable_id"] for run in later for e in run["events"][kind]]
        for kind in ("new", "updated", "removed")
    }
    stable_id = {n: f"{KEY}:{kinds[n]}:{n}" for n in kinds}
    assert events == {
        "new": [stable_id[site.added_id]],
        "updated": [stable_id[site.edited_id]],
        "removed": [stable_id[site.removed_id]],
    }
    edited = next(e for run in later for e in run["events"]["updated"])
    assert {"title", "body_text"} <= set(edited["fields_changed"])
    assert [run["counts"]["removed"] for run in later] == [0, 1]
    assert crawled[stable_id[site.removed_id]]["status"] == "removed"
    expected = {r.stable_id: r for r in site.records(2)}
    assert_matches(crawled[stable_id[site.added_id]], expected[stable_id[site.added_id]])
    assert_matches(crawled[stable_id[site.edited_id]], expected[stable_id[site.edited_id]])


def test_redesigned_site_raises_an_extraction_alarm(tmp_path: Path) -> None:
    # Needs the extraction alarms (`crawl --fail-on-alarm`, `alarms` in the JSON report).
    replica = start_replica(KEY, "--size", str(SIZE), "--quirk", "redesign")
    try:
        config = configure(tmp_path, replica.base_url, f"sqlite:///{tmp_path / 'r.db'}")
        crawled = run_cli("--config", str(config), "crawl", "--fail-on-alarm")
    finally:
        stop_replica(replica)
    assert crawled.code == 3, crawled.stderr[-3000:]
    report = json.loads(run_cli("--config", str(config), "report", "--format", "json").stdout)
    assert report["runs"][0]["alarms"]


@pytest.mark.parametrize(
    ("status", "stat"),
    [
        (404, "citywatch/detail_gone"),
        (410, "citywatch/detail_gone"),
        (500, "citywatch/detail_failures"),
    ],
)
def test_a_node_gone_since_it_was_listed_is_told_apart_from_a_failure(
    status: int, stat: str
) -> None:
    # Only a failure (not a 404/410) makes the crawl partial: see pipeline.store.run_status.
    crawler = get_crawler(IdbCitiesNetworkSpider)
    spider = IdbCitiesNetworkSpider.from_crawler(crawler)
    request = Request("https://www.iadb.org/es/blog/desarrollo-urbano/2021/05/gone")
    response = HtmlResponse(request.url, status=status, request=request)
    failure = Failure(HttpError(response, "ignored"))  # type: ignore[no-untyped-call]
    failure.request = request  # type: ignore[attr-defined]  # as Scrapy sets it on errbacks
    spider.detail_failed(failure)
    assert crawler.stats is not None
    counted = {k: v for k, v in crawler.stats.get_stats().items() if k.startswith("citywatch/")}
    assert counted == {stat: 1}
