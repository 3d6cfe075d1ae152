"""The Bank of Best Practices spider end to end: replica over real HTTP -> normalise -> database
-> export, through the REST API and through the HTML archive, on SQLite and PostgreSQL.

No personal data of the people responsible for a practice (names, e-mail addresses, phone
numbers) may reach the database or the export: the pages show them, the records must not.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import sqlalchemy

from crawler.spiders.bank_of_best_practices import without_personal_data
from pipeline.replicas.bank_of_best_practices import BankOfBestPracticesSite, Practice
from storage.db import make_engine
from tests.conftest import Replica, run_cli, start_replica, stop_replica
from tests.helpers import read_jsonl, write_config

KEY = "bank_of_best_practices"
SIZE = 30
PATHS = {"rest_api": [], "html_archive": ["--no-rest-api"]}


@pytest.fixture(params=list(PATHS))
def bank(request: pytest.FixtureRequest) -> Iterator[tuple[str, Replica]]:
    replica = start_replica(KEY, "--size", str(SIZE), *PATHS[request.param])
    yield request.param, replica
    stop_replica(replica)


def init(config: Path) -> None:
    result = run_cli("--config", str(config), "init")
    assert result.code == 0, result.stderr


def crawl_and_export(config: Path) -> list[dict[str, Any]]:
    crawled = run_cli("--config", str(config), "crawl")
    assert crawled.code == 0, crawled.stderr[-3000:]
    exported = run_cli("--config", str(config), "export")
    assert exported.code == 0, exported.stderr
    return read_jsonl(exported.stdout)


def stored_rows(database_url: str) -> list[dict[str, Any]]:
    """Every stored record and record version, as JSON-ready dicts."""
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            rows = [
                dict(row._mapping)
                for table in ("record", "record_version")
                for row in connection.execute(sqlalchemy.text(f"SELECT * FROM {table}"))
            ]
    finally:
        engine.dispose()
    return rows


def assert_record_is(record: dict[str, Any], practice: Practice) -> None:
    assert record["kind"] == "practice" and record["source"] == KEY
    assert record["url"].endswith(practice.path)
    assert record["title"] == practice.title
    assert record["summary"] == practice.summary
    assert record["published"] == practice.published.isoformat()
    assert record["language"] == practice.language
    assert (record["city"], record["country"]) == (practice.city, practice.country)
    assert record["organisations"] == list(practice.organisations)
    assert record["theme_labels"] == list(practice.areas)
    assert record["themes"], practice.areas
    documents = [(urlsplit(r["url"]).path, r["title"], r["type"]) for r in record["resources"]]
    assert documents == [(d.path, d.title, "document") for d in practice.documents]
    assert record["version"] == 1 and record["status"] == "active"


def test_crawl_extracts_every_practice_with_its_fields(
    bank: tuple[str, Replica], database_url: str, tmp_path: Path
) -> None:
    path, replica = bank
    config = write_config(tmp_path, f"{replica.base_url}/practicas", database_url, key=KEY)
    init(config)
    records = {r["id"]: r for r in crawl_and_export(config)}
    practices = BankOfBestPracticesSite(seed=1, size=SIZE).practices(1)
    assert sorted(records) == sorted(f"{KEY}:practice:{p.id}" for p in practices)
    for practice in practices:
        assert_record_is(records[f"{KEY}:practice:{practice.id}"], practice)
    stored = {row["stable_id"]: row for row in stored_rows(database_url) if "stable_id" in row}
    for practice in practices:
        row = stored[f"{KEY}:practice:{practice.id}"]
        extra = row["extra"] if isinstance(row["extra"], dict) else json.loads(row["extra"])
        assert extra["local_government_type"] == practice.government_type
        assert extra["status"] == practice.status
        assert extra.get("sdgs", []) == list(practice.sdgs)
        assert extra.get("year") == practice.year
        assert extra["listing"] == path
        assert row["body_text"] == "\n\n".join(practice.paragraphs)


def test_no_personal_data_is_stored_or_exported(
    bank: tuple[str, Replica], database_url: str, tmp_path: Path
) -> None:
    _, replica = bank
    config = write_config(tmp_path, f"{replica.base_url}/practicas/", database_url, key=KEY)
    init(config)
    exported = json.dumps(crawl_and_export(config), ensure_ascii=False)
    stored = json.dumps(stored_rows(database_url), ensure_ascii=False, default=str)
    practices = BankOfBestPracticesSite(seed=1, size=SIZE).practices(1)
    assert any(p.contact_paragraph for p in practices)  # the body of some names a contact
    for text in (exported, stored):
        assert not re.search(r"[\w.+-]+@[\w-]+\.[\w.-]+", text), "an e-mail address was kept"
        assert "mailto:" not in text and "tel:" not in text
        for practice in practices:
            for contact in practice.contacts:
                assert contact.name not in text and contact.email not in text
                assert contact.phone not in text
                assert re.sub(r"\D", "", contact.phone) not in re.sub(r"\D", "", text)


def test_same_crawl_twice_adds_no_version_and_no_event(
    bank: tuple[str, Replica], database_url: str, tmp_path: Path
) -> None:
    _, replica = bank
    config = write_config(tmp_path, f"{replica.base_url}/practicas/", database_url, key=KEY)
    init(config)
    first = crawl_and_export(config)
    second = crawl_and_export(config)
    assert len(first) == len(second) == SIZE
    assert [r["version"] for r in second] == [1] * SIZE
    report = run_cli("--config", str(config), "report", "--format", "json")
    assert report.code == 0, report.stderr
    assert '"new": 0' in report.stdout and '"updated": 0' in report.stdout


def test_added_edited_and_removed_practices_are_reported(
    bank: tuple[str, Replica], database_url: str, tmp_path: Path
) -> None:
    _, replica = bank
    config = write_config(tmp_path, f"{replica.base_url}/practicas/", database_url, key=KEY)
    init(config)
    crawl_and_export(config)
    site = BankOfBestPracticesSite(seed=1, size=SIZE)
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
        "new": [f"{KEY}:practice:{site.added_id}"],
        "updated": [f"{KEY}:practice:{site.edited_id}"],
        "removed": [f"{KEY}:practice:{site.removed_id}"],
    }
    edited = next(e for run in later for e in run["events"]["updated"])
    assert "title" in edited["fields_changed"] and "body_text" in edited["fields_changed"]
    # Removal needs two complete crawls without the practice: after the first it stays active.
    assert [run["counts"]["removed"] for run in later] == [0, 1]
    assert crawled[f"{KEY}:practice:{site.removed_id}"]["status"] == "removed"
    added = site.practice(site.added_id, 2)
    assert added is not None
    assert_record_is(crawled[f"{KEY}:practice:{site.added_id}"], added)
    assert crawled[f"{KEY}:practice:{site.edited_id}"]["title"].endswith(
        "(actualizada)"
    ) or crawled[f"{KEY}:practice:{site.edited_id}"]["title"].endswith("(atualizada)")


def test_rest_api_without_acf_fields_reads_each_practice_page(tmp_path: Path) -> None:
    replica = start_replica(KEY, "--size", str(SIZE), "--quirk", "acf-hidden")
    try:
        config = write_config(
            tmp_path, f"{replica.base_url}/practicas/", f"sqlite:///{tmp_path / 'a.db'}", key=KEY
        )
        init(config)
        records = {r["id"]: r for r in crawl_and_export(config)}
        requested = replica.stats()["counts"]
    finally:
        stop_replica(replica)
    practices = BankOfBestPracticesSite(seed=1, size=SIZE).practices(1)
    assert sorted(records) == sorted(f"{KEY}:practice:{p.id}" for p in practices)
    for practice in practices:
        assert_record_is(records[f"{KEY}:practice:{practice.id}"], practice)
    assert "/wp-json/wp/v2/practica" in requested  # listed by the API, read from the pages
    assert "/practicas/page/2/" not in requested


@pytest.mark.parametrize("path", list(PATHS))
def test_entry_at_the_site_root_or_an_area_filter(path: str, tmp_path: Path) -> None:
    replica = start_replica(KEY, "--size", str(SIZE), *PATHS[path])
    site = BankOfBestPracticesSite(seed=1, size=SIZE)
    label = site.practices()[0].areas[0]
    try:
        found = {}
        for name, start in (
            ("root", f"{replica.base_url}/"),
            ("area", f"{replica.base_url}/practicas/?area={site.area_slug(label)}"),
        ):
            (tmp_path / name).mkdir()
            config = write_config(
                tmp_path / name, start, f"sqlite:///{tmp_path / name / 'c.db'}", key=KEY
            )
            init(config)
            found[name] = {r["id"] for r in crawl_and_export(config)}
    finally:
        stop_replica(replica)
    assert found["root"] == {f"{KEY}:practice:{p.id}" for p in site.practices()}
    assert found["area"] == {f"{KEY}:practice:{p.id}" for p in site.practices() if label in p.areas}


def test_redesigned_site_raises_an_extraction_alarm(tmp_path: Path) -> None:
    """The new theme's markup escapes the shipped profile: the crawl must not silently store
    empty practices. Needs the extraction alarms (`crawl --fail-on-alarm`, report "alarms")."""
    replica = start_replica(KEY, "--size", str(SIZE), "--no-rest-api", "--quirk", "redesign")
    try:
        config = write_config(
            tmp_path, f"{replica.base_url}/practicas/", f"sqlite:///{tmp_path / 'r.db'}", key=KEY
        )
        init(config)
        crawled = run_cli("--config", str(config), "crawl", "--fail-on-alarm")
    finally:
        stop_replica(replica)
    assert crawled.code == 3, crawled.stdout + crawled.stderr[-3000:]
    report = run_cli("--config", str(config), "report", "--format", "json")
    assert report.code == 0, report.stderr
    alarms = [alarm for run in json.loads(report.stdout)["runs"] for alarm in run["alarms"]]
    assert alarms and all({"kind", "detail"} <= alarm.keys() for alarm in alarms)


def test_crawl_of_unreachable_site_fails_and_removes_nothing(tmp_path: Path) -> None:
    config = write_config(
        tmp_path,
        "http://127.0.0.1:9/practicas/",
        f"sqlite:///{tmp_path / 'c.db'}",
        key=KEY,
        extra_crawl="retry_times = 0",
    )
    init(config)
    result = run_cli("--config", str(config), "crawl")
    assert result.code == 1
    assert "failed" in result.stdout


@pytest.mark.parametrize(
    ("html", "kept"),
    [
        ("<p>Texto.</p><p>Escribir a ana.sosa@unr.edu.ar</p>", "<p>Texto.</p>"),
        ("<p>Texto.</p><p>Llamar al +54 341 480-2600.</p>", "<p>Texto.</p>"),
        ("<p>Texto.</p><p>Tel. (0341) 480-2600</p>", "<p>Texto.</p>"),
        ('<p>Texto.</p><p><a href="mailto:x@y.org">Escribinos</a></p>', "<p>Texto.</p>"),
        (
            '<p>Texto.</p><section class="practica-contacto"><p>Ana Sosa</p></section>',
            "<p>Texto.</p>",
        ),
        # Years, year ranges and amounts are not phone numbers.
        ("<p>Entre 2014-2018 llegó a 12.000 vecinos y 1 200 familias.</p>", None),
    ],
)
def test_personal_data_is_removed_from_html(html: str, kept: str | None) -> None:
    exclude = (".practica-contacto", "a[href^='mailto:']")
    assert without_personal_data(html, exclude) == (kept or html)
    assert without_personal_data('<p><a href="tel:+5434148">+54 341 480-2600</a></p>') is None
