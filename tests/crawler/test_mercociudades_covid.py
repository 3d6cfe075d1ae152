"""The Mercociudades spider end to end: replica over real HTTP -> normalise -> database -> export.

Every test runs `citywatch` in its own process against a replica served by another process, on
a SQLite file and on PostgreSQL.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.replicas.mercociudades import MercociudadesSite
from tests.conftest import Replica, run_cli, start_replica, stop_replica
from tests.helpers import read_jsonl, write_config

SIZE = 30


def crawl_and_export(config: Path) -> list[dict]:
    crawled = run_cli("--config", str(config), "crawl")
    assert crawled.code == 0, crawled.stderr[-3000:]
    exported = run_cli("--config", str(config), "export")
    assert exported.code == 0, exported.stderr
    return read_jsonl(exported.stdout)


def init(config: Path) -> None:
    result = run_cli("--config", str(config), "init")
    assert result.code == 0, result.stderr


def test_crawl_extracts_every_post_with_its_fields(
    mercociudades: Replica, database_url: str, tmp_path: Path
) -> None:
    config = write_config(tmp_path, f"{mercociudades.base_url}/covid-19/", database_url)
    init(config)
    records = {r["id"]: r for r in crawl_and_export(config)}
    site = MercociudadesSite(seed=1, size=SIZE)
    posts = site.posts(1)
    assert len([r for r in records.values() if r["kind"] == "post"]) == len(posts)
    landing = [r for r in records.values() if r["kind"] == "page"]
    assert len(landing) == 1 and landing[0]["title"] == "COVID-19"
    assert any(res["type"] == "link" for res in landing[0]["resources"])
    for post in posts:
        record = records[f"mercociudades_covid:wp:{post.id}"]
        assert record["title"] == post.title
        assert record["published"] == post.date.date().isoformat()
        assert record["language"] == "es"
        assert record["source"] == "mercociudades_covid"
        assert record["url"].endswith(post.path)
        assert record["theme_labels"] == list(post.categories)
        assert "emergency_response" in record["themes"] or "public_health" in record["themes"]
        if post.city:
            assert (record["city"], record["country"]) == (post.city, post.country)
        pdfs = {r["url"].rsplit("/", 1)[-1] for r in record["resources"] if r["type"] == "document"}
        assert pdfs == {pdf.path.rsplit("/", 1)[-1] for pdf in post.pdfs}
        if post.translation:
            assert [t["language"] for t in record["translations"]] == ["pt"]
            assert record["translations"][0]["url"].endswith(post.translation.path)
            assert record["translations"][0]["title"] == post.translation.title
        else:
            assert record["translations"] == []
        assert record["version"] == 1 and record["status"] == "active"


def test_html_archive_fallback_gives_the_same_records_as_the_api(
    database_url: str, tmp_path: Path
) -> None:
    with_api, without_api = (
        start_replica("mercociudades_covid", "--size", str(SIZE)),
        start_replica("mercociudades_covid", "--size", str(SIZE), "--no-rest-api"),
    )
    try:
        (tmp_path / "api").mkdir()
        (tmp_path / "html").mkdir()
        api_config = write_config(
            tmp_path / "api",
            f"{with_api.base_url}/covid-19/",
            f"sqlite:///{tmp_path / 'api' / 'a.db'}",
        )
        html_config = write_config(
            tmp_path / "html", f"{without_api.base_url}/covid-19/", database_url
        )
        init(api_config)
        init(html_config)
        by_api = {r["id"]: r for r in crawl_and_export(api_config)}
        by_html = {r["id"]: r for r in crawl_and_export(html_config)}
    finally:
        stop_replica(with_api)
        stop_replica(without_api)
    assert by_api.keys() == by_html.keys()
    fields = ("title", "published", "language", "theme_labels", "themes", "city", "country")
    for key, record in by_api.items():
        if record["kind"] != "post":
            continue
        assert {f: record[f] for f in fields} == {f: by_html[key][f] for f in fields}, key
        assert [t["language"] for t in record["translations"]] == [
            t["language"] for t in by_html[key]["translations"]
        ]


def test_same_crawl_twice_adds_no_version_and_no_event(
    mercociudades: Replica, database_url: str, tmp_path: Path
) -> None:
    config = write_config(tmp_path, f"{mercociudades.base_url}/covid-19/", database_url)
    init(config)
    first = crawl_and_export(config)
    second = crawl_and_export(config)
    assert [r["version"] for r in second] == [1] * len(second)
    assert len(first) == len(second)
    report = run_cli("--config", str(config), "report", "--format", "json")
    assert report.code == 0, report.stderr
    assert '"new": 0' in report.stdout and '"updated": 0' in report.stdout


def test_added_edited_and_removed_posts_are_reported(
    mercociudades: Replica, database_url: str, tmp_path: Path
) -> None:
    import json

    config = write_config(tmp_path, f"{mercociudades.base_url}/covid-19/", database_url)
    init(config)
    crawl_and_export(config)
    site = MercociudadesSite(seed=1, size=SIZE)
    mercociudades.set_state(2)
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
    assert events == {
        "new": [f"mercociudades_covid:wp:{site.added_id}"],
        "updated": [f"mercociudades_covid:wp:{site.edited_id}"],
        "removed": [f"mercociudades_covid:wp:{site.removed_id}"],
    }
    edited = next(e for run in later for e in run["events"]["updated"])
    assert "title" in edited["fields_changed"] and "body_text" in edited["fields_changed"]
    # Removal needs two complete crawls without the post: after the first it is still active.
    assert [run["counts"]["removed"] for run in later] == [0, 1]
    statuses = {r["id"]: r["status"] for r in crawled}
    assert statuses[f"mercociudades_covid:wp:{site.removed_id}"] == "removed"


@pytest.mark.parametrize("bad", ["http://127.0.0.1:9/covid-19/"])
def test_crawl_of_unreachable_site_fails_and_removes_nothing(bad: str, tmp_path: Path) -> None:
    config = write_config(
        tmp_path, bad, f"sqlite:///{tmp_path / 'c.db'}", extra_crawl="retry_times = 0"
    )
    init(config)
    result = run_cli("--config", str(config), "crawl")
    assert result.code == 1
    assert "failed" in result.stdout
