"""The Cities for Global Health spider end to end: replica over real HTTP -> normalise ->
database -> export, from the site root as cited, on a SQLite file and on PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.pool import NullPool

from crawler.spiders.cities_for_global_health import MAX_COUNTER, read_counters
from pipeline.replicas.cities_for_global_health import CitiesForGlobalHealthSite, Initiative
from storage.db import make_engine
from storage.models import CrawlRun, Record
from tests.conftest import Replica, run_cli, start_replica, stop_replica
from tests.helpers import read_jsonl, write_config

KEY = "cities_for_global_health"
SIZE = 30


@pytest.fixture
def replica() -> Iterator[Replica]:
    running = start_replica(KEY, "--size", str(SIZE))
    yield running
    stop_replica(running)


def init(config: Path) -> None:
    result = run_cli("--config", str(config), "init")
    assert result.code == 0, result.stderr


def crawl_and_export(config: Path) -> list[dict[str, Any]]:
    crawled = run_cli("--config", str(config), "crawl")
    assert crawled.code == 0, crawled.stderr[-3000:]
    exported = run_cli("--config", str(config), "export")
    assert exported.code == 0, exported.stderr
    return read_jsonl(exported.stdout)


def stored(database_url: str) -> tuple[dict[str, dict[str, Any]], list[dict[str, Any]]]:
    """``extra`` of every record by stable id, and the stats of every run (oldest first)."""
    engine = make_engine(database_url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            extras = {
                stable_id: extra
                for stable_id, extra in connection.execute(select(Record.stable_id, Record.extra))
            }
            query = select(CrawlRun.stats).order_by(CrawlRun.id)
            runs = [row[0] for row in connection.execute(query)]
    finally:
        engine.dispose()
    return extras, runs


def assert_matches(record: dict[str, Any], node: Initiative) -> None:
    assert record["kind"] == "initiative" and record["source"] == KEY
    assert record["title"] == node.title
    assert record["url"].endswith(node.path)
    assert record["language"] == node.language
    assert record["published"] == node.published.isoformat()
    assert (record["city"], record["country"]) == (node.city, node.country)
    assert record["organisations"] == list(node.organisations)
    assert record["theme_labels"] == list(node.categories)
    assert "emergency_response" in record["themes"]  # every phase maps there
    assert record["summary"] == node.original.summary.removesuffix("…").rstrip()
    documents = sorted(r["url"] for r in record["resources"] if r["type"] == "document")
    assert [url.split("/", 3)[3] for url in documents] == sorted(d.path[1:] for d in node.documents)
    links = {r["url"] for r in record["resources"] if r["type"] == "link"}
    assert links == {link.url for link in node.links}
    expected = [(v.language, v.title) for v in node.versions[1:]]
    assert [(t["language"], t["title"]) for t in record["translations"]] == expected
    for translation, version in zip(record["translations"], node.versions[1:], strict=True):
        assert translation["url"].endswith(version.path)


def test_crawl_from_the_root_extracts_every_initiative_with_its_fields(
    replica: Replica, database_url: str, tmp_path: Path
) -> None:
    config = write_config(tmp_path, replica.base_url, database_url, key=KEY)
    init(config)
    records = {r["id"]: r for r in crawl_and_export(config)}
    site = CitiesForGlobalHealthSite(seed=1, size=SIZE)
    nodes = site.initiatives(1)
    assert sorted(k for k, r in records.items() if r["kind"] == "initiative") == sorted(
        f"{KEY}:node:{node.nid}" for node in nodes
    )
    for node in nodes:
        assert_matches(records[f"{KEY}:node:{node.nid}"], node)
        assert records[f"{KEY}:node:{node.nid}"]["version"] == 1
    home = records[f"{KEY}:page:/"]
    assert home["kind"] == "page" and home["title"] == site.home(1).title
    assert [t["language"] for t in home["translations"]] == ["es"]
    extras, runs = stored(database_url)
    counters = {"initiatives": site.home(1).initiatives, "cities": site.home(1).cities}
    assert extras[f"{KEY}:page:/"] == counters
    assert {f"citywatch/source_stat/{kind}": value for kind, value in counters.items()}.items() <= (
        runs[-1].items()
    )
    for node in nodes:
        assert extras[f"{KEY}:node:{node.nid}"] == {"nid": node.nid, "phase": node.phase}


def test_same_crawl_twice_adds_no_version_and_no_event(
    replica: Replica, database_url: str, tmp_path: Path
) -> None:
    config = write_config(tmp_path, replica.base_url, database_url, key=KEY)
    init(config)
    first = crawl_and_export(config)
    second = crawl_and_export(config)
    assert len(first) == len(second) == SIZE + 1
    assert [r["version"] for r in second] == [1] * len(second)
    report = json.loads(run_cli("--config", str(config), "report", "--format", "json").stdout)
    (run,) = report["runs"]
    assert (run["counts"]["new"], run["counts"]["updated"], run["counts"]["removed"]) == (0, 0, 0)


def test_added_edited_and_removed_initiatives_are_reported(
    replica: Replica, database_url: str, tmp_path: Path
) -> None:
    config = write_config(tmp_path, replica.base_url, database_url, key=KEY)
    init(config)
    crawl_and_export(config)
    site = CitiesForGlobalHealthSite(seed=1, size=SIZE)
    replica.set_state(2)
    crawl_and_export(config)
    crawled = {r["id"]: r for r in crawl_and_export(config)}
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
    assert events == {
        "new": [f"{KEY}:node:{site.added_id}"],
        "updated": [f"{KEY}:node:{site.edited_id}"],
        "removed": [f"{KEY}:node:{site.removed_id}"],
    }
    edited = next(e for run in later for e in run["events"]["updated"])
    assert {"title", "body_text"} <= set(edited["fields_changed"])
    assert [run["counts"]["removed"] for run in later] == [0, 1]  # two complete crawls
    assert crawled[f"{KEY}:node:{site.removed_id}"]["status"] == "removed"
    for nid in (site.added_id, site.edited_id):
        node = site.initiative(nid, 2)
        assert node is not None
        assert_matches(crawled[f"{KEY}:node:{nid}"], node)


@pytest.mark.parametrize("entry", ["/es", "/initiatives"])
def test_other_entry_points_give_the_same_initiatives(
    replica: Replica, entry: str, tmp_path: Path
) -> None:
    config = write_config(
        tmp_path, replica.base_url + entry, f"sqlite:///{tmp_path / 'e.db'}", key=KEY
    )
    init(config)
    records = crawl_and_export(config)
    site = CitiesForGlobalHealthSite(seed=1, size=SIZE)
    assert sorted(r["id"] for r in records if r["kind"] == "initiative") == sorted(
        f"{KEY}:node:{node.nid}" for node in site.initiatives(1)
    )
    pages = [r["id"] for r in records if r["kind"] == "page"]
    assert pages == ([f"{KEY}:page:/es/"] if entry == "/es" else [])


def test_initiatives_left_out_of_a_capped_listing_come_from_the_sitemap(tmp_path: Path) -> None:
    capped = start_replica(KEY, "--size", str(SIZE), "--quirk", "listing-capped")
    try:
        database_url = f"sqlite:///{tmp_path / 'c.db'}"
        config = write_config(tmp_path, capped.base_url, database_url, key=KEY)
        init(config)
        records = {r["id"]: r for r in crawl_and_export(config)}
    finally:
        stop_replica(capped)
    site = CitiesForGlobalHealthSite(seed=1, size=SIZE)
    nodes = site.initiatives(1)
    assert sorted(k for k, r in records.items() if r["kind"] == "initiative") == sorted(
        f"{KEY}:node:{node.nid}" for node in nodes
    )
    for node in nodes:
        if node.translation is None:  # with two versions, the sitemap cannot tell the original
            assert_matches(records[f"{KEY}:node:{node.nid}"], node)
    _, runs = stored(database_url)
    assert runs[-1]["citywatch/sitemap_only"] == SIZE - 20


def test_redesigned_site_raises_an_alarm_instead_of_empty_records(tmp_path: Path) -> None:
    """Needs the extraction alarms (``crawl --fail-on-alarm``, ``report`` "alarms")."""
    redesigned = start_replica(KEY, "--size", str(SIZE), "--quirk", "redesign")
    try:
        config = write_config(
            tmp_path, redesigned.base_url, f"sqlite:///{tmp_path / 'r.db'}", key=KEY
        )
        init(config)
        crawled = run_cli("--config", str(config), "crawl", "--fail-on-alarm")
    finally:
        stop_replica(redesigned)
    assert crawled.code == 3, crawled.stderr[-3000:]
    report = json.loads(run_cli("--config", str(config), "report", "--format", "json").stdout)
    alarms = [alarm for run in report["runs"] for alarm in run["alarms"]]
    assert alarms and all({"kind", "detail"} <= alarm.keys() for alarm in alarms)


def test_a_counter_beyond_belief_is_refused() -> None:
    """A counter is a source statistic, never a loop bound; a made-up one is not kept (and
    5,000 digits, which int() refuses, do not stop the crawl)."""
    huge = "9" * 5000
    found, refused = read_counters(
        ["612 initiatives uploaded", f"{huge} cities with initiatives", "1.204 iniciativas"]
    )
    assert found == {"initiatives": 612}
    assert refused == {"cities": huge}
    assert read_counters([f"{MAX_COUNTER + 1} cities"]) == ({}, {"cities": str(MAX_COUNTER + 1)})
