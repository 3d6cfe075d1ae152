"""Incremental recrawl end to end: every platform's replica over real HTTP, crawled twice.

A recrawl of an unchanged site must keep every record alive while extracting only its recheck
sample, fetch (almost) nothing in full, and still notice edits, additions, removals and a
redesign.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from pipeline.demo import START_PATHS
from storage.db import make_engine
from storage.models import CrawlRun, Record
from tests.conftest import Replica, run_cli, start_replica, stop_replica
from tests.helpers import write_config

SIZE = 60
RECHECK = 5
VARIANTS = [
    pytest.param("mercociudades_covid", (), id="mercociudades-rest"),
    pytest.param("mercociudades_covid", ("--no-rest-api",), id="mercociudades-html"),
    pytest.param("cities_for_global_health", (), id="cities-for-global-health"),
    pytest.param("beyond_the_outbreak", (), id="beyond-the-outbreak"),
    pytest.param("bank_of_best_practices", (), id="bank-rest"),
    pytest.param("bank_of_best_practices", ("--no-rest-api",), id="bank-html"),
    pytest.param("idb_cities_network", (), id="idb-cities-network"),
]


def configure(tmp_path: Path, key: str, replica: Replica, database_url: str) -> str:
    config = write_config(
        tmp_path,
        replica.base_url + START_PATHS[key][0],
        database_url,
        key=key,
        extra_crawl=f"recheck_pages = {RECHECK}",
    )
    assert run_cli("--config", str(config), "init").code == 0
    return str(config)


def crawl(config: str, *args: str) -> None:
    result = run_cli("--config", config, "crawl", *args)
    assert result.code == 0, result.stderr[-3000:]


def last_run(database_url: str) -> CrawlRun:
    engine = make_engine(database_url)
    try:
        with Session(engine) as db:
            run = db.scalars(select(CrawlRun).order_by(CrawlRun.id.desc())).first()
            assert run is not None
            db.expunge(run)
            return run
    finally:
        engine.dispose()


def active_records(database_url: str) -> dict[str, Record]:
    engine = make_engine(database_url)
    try:
        with Session(engine) as db:
            query = select(Record).where(Record.status == "active")
            return {r.stable_id: r for r in db.scalars(query)}
    finally:
        engine.dispose()


def pages_in_full(stats: dict[str, Any]) -> int:
    names = ("firsthand", "uncacheable", "invalidate")  # invalidate: a 200 to a conditional request
    return sum(int(stats.get(f"httpcache/{name}", 0)) for name in names)


@pytest.mark.parametrize(("key", "replica_args"), VARIANTS)
def test_unchanged_site_is_recrawled_without_extracting_its_pages_again(
    tmp_path: Path, key: str, replica_args: tuple[str, ...]
) -> None:
    replica = start_replica(key, "--size", str(SIZE), *replica_args)
    try:
        database_url = f"sqlite:///{tmp_path / 'citywatch.db'}"
        config = configure(tmp_path, key, replica, database_url)
        crawl(config)
        cold, cold_requests = last_run(database_url), replica.stats()["total"]
        crawl(config)
        warm, warm_requests = last_run(database_url), replica.stats()["total"] - cold_requests
    finally:
        stop_replica(replica)
    assert warm.status == "finished" and warm.records_removed == 0
    assert warm.records_seen == cold.records_seen  # every record kept alive
    extracted = int(warm.stats.get("citywatch/records_saved", 0))
    kept = int(warm.stats.get("citywatch/records_seen_unchanged", 0))
    pages = int(warm.stats.get("citywatch/records/page", 0))  # entry pages are always read
    assert extracted + kept >= warm.records_seen
    assert extracted <= RECHECK + pages, warm.stats
    assert kept >= cold.records_seen - RECHECK - pages
    assert pages_in_full(warm.stats) <= max(2, pages_in_full(cold.stats) // 10), warm.stats
    # A REST API lists a whole site in a few requests; page by page, most are skipped.
    few = cold_requests < 20
    assert warm_requests <= (cold_requests if few else cold_requests * 0.5), (
        warm_requests,
        cold_requests,
    )


# Each platform's own end-to-end test runs its state-2 scenario incrementally (the default);
# these are the WordPress HTML paths, where the markers come from the sitemap.
SITEMAP_VARIANTS = [v for v in VARIANTS if "html" in str(v.id)]


@pytest.mark.parametrize(("key", "replica_args"), SITEMAP_VARIANTS)
def test_edits_additions_and_removals_are_found_by_an_incremental_recrawl(
    tmp_path: Path, key: str, replica_args: tuple[str, ...]
) -> None:
    replica = start_replica(key, "--size", str(SIZE), *replica_args)
    try:
        database_url = f"sqlite:///{tmp_path / 'citywatch.db'}"
        config = configure(tmp_path, key, replica, database_url)
        crawl(config)
        crawl(config)  # incremental from here on
        before = active_records(database_url)
        replica.set_state(2)
        crawl(config)
        crawl(config)  # removal needs two complete runs without the record
        report = run_cli("--config", config, "report", "--format", "json", "--since", "2000-01-01")
    finally:
        stop_replica(replica)
    assert report.code == 0, report.stderr
    events = json.loads(report.stdout)
    kinds = {
        kind: [e for run in events["runs"] for e in run["events"].get(kind, [])]
        for kind in ("new", "updated", "removed")
    }
    after = active_records(database_url)
    assert len(kinds["new"]) >= len(before) + 1, "state 2 adds a record"
    assert kinds["updated"], "state 2 edits a record: its listing marker changed"
    assert kinds["removed"], "state 2 removes a record"
    assert len(after) == len(before)  # one added, one removed


def test_full_recrawl_extracts_every_page_again(tmp_path: Path) -> None:
    key = "beyond_the_outbreak"
    replica = start_replica(key, "--size", str(SIZE))
    try:
        database_url = f"sqlite:///{tmp_path / 'citywatch.db'}"
        config = configure(tmp_path, key, replica, database_url)
        crawl(config)
        crawl(config, "--full")
        full = last_run(database_url)
    finally:
        stop_replica(replica)
    assert full.stats.get("citywatch/records_saved") == full.records_seen
    assert not full.stats.get("citywatch/records_seen_unchanged")


def test_redesign_behind_unchanged_listings_still_raises_an_alarm(tmp_path: Path) -> None:
    """The site is redesigned but its sitemap dates stay: the recheck sample finds out."""
    key = "cities_for_global_health"
    replica = start_replica(key, "--size", str(SIZE))
    port = str(urlsplit(replica.base_url).port)
    database_url = f"sqlite:///{tmp_path / 'citywatch.db'}"
    config = write_config(
        tmp_path,
        replica.base_url + START_PATHS[key][0],
        database_url,
        key=key,
        extra_crawl="recheck_pages = 12",
    )
    try:
        assert run_cli("--config", str(config), "init").code == 0
        crawl(str(config))
    finally:
        stop_replica(replica)
    redesigned = start_replica(key, "--size", str(SIZE), "--quirk", "redesign", "--port", port)
    try:
        result = run_cli("--config", str(config), "crawl", "--fail-on-alarm")
    finally:
        stop_replica(redesigned)
    run = last_run(database_url)
    assert result.code == 3, result.stderr[-2000:]
    assert run.status == "partial" and run.records_removed == 0
    assert int(run.stats.get("citywatch/records_seen_unchanged", 0)) > 0


@pytest.mark.parametrize("key", ["idb_cities_network", "cities_for_global_health"])
def test_every_edit_is_found_whichever_language_the_listing_names_first(
    tmp_path: Path, key: str
) -> None:
    """Both sites list each node in two languages; the record's own page decides (state 3 edits
    1% of the records)."""
    size = 300
    replica = start_replica(key, "--size", str(size))
    try:
        database_url = f"sqlite:///{tmp_path / 'citywatch.db'}"
        config = configure(tmp_path, key, replica, database_url)
        crawl(config)
        replica.set_state(3)
        crawl(config)
        churned = last_run(database_url)
    finally:
        stop_replica(replica)
    edited = max(1, round(size / 100))
    assert churned.records_updated == edited, churned.stats
    assert int(churned.stats.get("citywatch/records_seen_unchanged", 0)) > size // 2
