"""The #BeyondTheOutbreak spider end to end: replica over real HTTP -> normalise -> database.

Every test runs `citywatch` in its own process against a replica served by another process; the
field tests run on a SQLite file and on PostgreSQL.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession

from pipeline.replicas.beyond_the_outbreak import BeyondTheOutbreakSite, Session
from storage.db import make_engine
from storage.models import Record
from tests.conftest import Replica, run_cli, start_replica, stop_replica
from tests.helpers import read_jsonl, write_config

KEY = "beyond_the_outbreak"
START = "/es/home-spanish"  # as cited: no trailing slash (the export answers 301)


@pytest.fixture
def outbreak() -> Iterator[Replica]:
    replica = start_replica(KEY)
    yield replica
    stop_replica(replica)


def configure(tmp_path: Path, replica: Replica, database_url: str, start: str = START) -> str:
    config = str(write_config(tmp_path, replica.base_url + start, database_url, key=KEY))
    result = run_cli("--config", config, "init")
    assert result.code == 0, result.stderr
    return config


def crawl_and_export(config: str) -> dict[str, dict[str, Any]]:
    crawled = run_cli("--config", config, "crawl")
    assert crawled.code == 0, crawled.stderr[-3000:]
    exported = run_cli("--config", config, "export")
    assert exported.code == 0, exported.stderr
    return {record["id"]: record for record in read_jsonl(exported.stdout)}


def stored(database_url: str) -> dict[str, Record]:
    """The records as stored (the export leaves ``extra`` and ``body_text`` out)."""
    engine = make_engine(database_url)
    try:
        with DbSession(engine) as db:
            return {r.stable_id: r for r in db.scalars(select(Record)).all()}
    finally:
        engine.dispose()


def assert_matches(record: dict[str, Any], session: Session) -> None:
    assert record["kind"] == "session" and record["source"] == KEY
    assert record["title"] == session.title
    assert record["url"].endswith(session.path)
    assert record["published"] == session.date.isoformat()
    assert record["updated"] == session.modified.date().isoformat()
    assert record["language"] == "en"
    assert record["summary"] == session.summary
    assert record["theme_labels"] == [session.topic] and record["themes"]
    assert record["organisations"] == list(session.organisations)
    assert (record["city"], record["country"]) == (None, None)
    documents = [(r["url"], r["title"]) for r in record["resources"] if r["type"] == "document"]
    assert [(url.split("/wp-content/", 1)[1], title) for url, title in documents] == [
        (session.briefing.path.split("/wp-content/", 1)[1], session.briefing.title)
    ]
    videos = [r["url"] for r in record["resources"] if r["type"] == "video"]
    assert videos == ([session.video_url] if session.video_url else [])
    if session.translation:
        [translation] = record["translations"]
        assert translation["language"] == "es"
        assert translation["url"].endswith(session.translation.path)
        assert translation["title"] == session.translation.title
    else:
        assert record["translations"] == []


def test_crawl_extracts_every_session_with_its_fields(
    outbreak: Replica, database_url: str, tmp_path: Path
) -> None:
    config = configure(tmp_path, outbreak, database_url)
    records = crawl_and_export(config)
    site = BeyondTheOutbreakSite()
    sessions = site.sessions(1)
    assert sorted(records) == sorted(s.stable_id for s in sessions)
    rows = stored(database_url)
    for session in sessions:
        record = records[session.stable_id]
        assert_matches(record, session)
        assert record["version"] == 1 and record["status"] == "active"
        row = rows[session.stable_id]
        assert row.extra.get("session_number") == session.number
        assert row.extra["speaker_roles"] == list(session.speaker_roles)
        assert row.extra.get("video_url") == session.video_url
        assert row.extra["topic"] == session.topic
        assert row.body_text is not None
        assert all(paragraph in row.body_text for paragraph in site.narrative(session))
        # People are never stored: no speaker's name in any field of the record.
        everything = json.dumps([record, row.body_text, row.extra], ensure_ascii=False)
        for speaker in session.speakers:
            assert speaker.name not in everything, (session.slug, speaker.name)


def test_same_crawl_twice_adds_no_version_and_no_event(
    outbreak: Replica, database_url: str, tmp_path: Path
) -> None:
    config = configure(tmp_path, outbreak, database_url)
    first = crawl_and_export(config)
    second = crawl_and_export(config)
    assert first.keys() == second.keys()
    assert {r["version"] for r in second.values()} == {1}
    report = json.loads(run_cli("--config", config, "report", "--format", "json").stdout)
    [run] = report["runs"]
    assert run["counts"]["new"] == 0 and run["counts"]["updated"] == 0


def test_added_edited_and_removed_sessions_are_reported(
    outbreak: Replica, database_url: str, tmp_path: Path
) -> None:
    config = configure(tmp_path, outbreak, database_url)
    crawl_and_export(config)
    site = BeyondTheOutbreakSite()
    outbreak.set_state(2)
    crawl_and_export(config)
    crawled = crawl_and_export(config)
    report = json.loads(
        run_cli("--config", config, "report", "--since", "2000-01-01", "--format", "json").stdout
    )
    later = report["runs"][1:]
    events = {
        kind: [e["stable_id"] for run in later for e in run["events"][kind]]
        for kind in ("new", "updated", "removed")
    }
    assert events == {
        "new": [f"{KEY}:session:{site.added_id}"],
        "updated": [f"{KEY}:session:{site.edited_id}"],
        "removed": [f"{KEY}:session:{site.removed_id}"],
    }
    edited = next(e for run in later for e in run["events"]["updated"])
    assert {"title", "body_text"} <= set(edited["fields_changed"])
    assert [run["counts"]["removed"] for run in later] == [0, 1]
    assert crawled[f"{KEY}:session:{site.removed_id}"]["status"] == "removed"
    by_slug = {s.slug: s for s in site.sessions(2)}
    assert_matches(crawled[f"{KEY}:session:{site.added_id}"], by_slug[site.added_id])
    assert_matches(crawled[f"{KEY}:session:{site.edited_id}"], by_slug[site.edited_id])


@pytest.mark.parametrize(
    ("variation", "start"),
    [("no-sitemap", START), ("english-home", "/"), ("one-session-page", "/housing/")],
)
def test_every_entry_point_gives_the_same_records(
    variation: str, start: str, tmp_path: Path
) -> None:
    args = ["--quirk", "no-sitemap"] if variation == "no-sitemap" else []
    replica = start_replica(KEY, "--size", "30", *args)
    try:
        config = configure(tmp_path, replica, f"sqlite:///{tmp_path}/v.db", start)
        records = crawl_and_export(config)
        report = json.loads(run_cli("--config", config, "report", "--format", "json").stdout)
    finally:
        stop_replica(replica)
    sessions = BeyondTheOutbreakSite(size=30).sessions()
    assert sorted(records) == sorted(s.stable_id for s in sessions)
    for session in sessions:
        assert_matches(records[session.stable_id], session)
    assert report["runs"][0]["status"] == "finished"


def test_redesigned_site_raises_an_extraction_alarm(tmp_path: Path) -> None:
    """The shipped profile misses the new theme's markup: the run must say so, not store
    empty records quietly (`crawl --fail-on-alarm` exits 3, the report lists the alarms)."""
    replica = start_replica(KEY, "--quirk", "redesign")
    try:
        config = configure(tmp_path, replica, f"sqlite:///{tmp_path}/r.db")
        crawled = run_cli("--config", config, "crawl", "--fail-on-alarm")
        report = run_cli("--config", config, "report", "--format", "json")
    finally:
        stop_replica(replica)
    assert crawled.code == 3, crawled.stdout + crawled.stderr[-3000:]
    assert report.code == 0, report.stderr
    [run] = json.loads(report.stdout)["runs"]
    assert run["alarms"], run
    assert run["status"] != "finished"  # an alarmed run removes nothing
