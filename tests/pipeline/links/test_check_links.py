"""`citywatch check-links` end to end: the link zoo served on 127.0.0.1, the CLI in its own
process, a real SQLite file (and PostgreSQL), the Wayback fake for archived copies."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from pipeline.replicas.link_zoo import LinkZoo, ZooLink
from storage.db import make_engine, session_factory, session_scope
from storage.models import ChangeEvent, Link, LinkCheck
from tests.conftest import run_cli
from tests.fake_wayback import FakeWayback

DAY0 = datetime(2026, 11, 2, 3, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def zoo() -> Iterator[LinkZoo]:
    with LinkZoo(slow_seconds=2.5) as served:
        yield served


def write_link_config(
    directory: Path, database_url: str, *, extra: str = "", archive_endpoint: str = ""
) -> Path:
    """A config for checking the zoo quickly: short timeout, one retry, Retry-After up to 3 s."""
    path = directory / "citywatch.toml"
    path.write_text(
        f"""
[database]
url = "{database_url}"

[crawl]
allow_private_networks = true

[link_check]
timeout = 1.0
retry_times = 1
max_retry_after = 3.0
download_delay = 0.0
concurrency = 32
concurrency_per_host = 16
archive_endpoint = "{archive_endpoint}"
{extra}
""",
        "utf-8",
    )
    return path


def check(config: Path, *args: str, now: datetime | None = None) -> None:
    extra = ["--now", now.isoformat()] if now else []
    result = run_cli("--config", str(config), "check-links", *extra, *args)
    assert result.code == 0, result.stderr[-3000:]


def listed(config: Path, *args: str) -> dict[str, dict[str, object]]:
    result = run_cli("--config", str(config), "links", "--format", "json", *args)
    assert result.code == 0, result.stderr[-3000:]
    return {row["url"]: row for row in json.loads(result.stdout)}


def url_file(directory: Path, links: list[ZooLink] | list[str], name: str = "urls.txt") -> Path:
    path = directory / name
    urls = [link.url if isinstance(link, ZooLink) else link for link in links]
    path.write_text("# links to check\n" + "\n".join(urls) + "\n", "utf-8")
    return path


def test_every_case_of_the_link_zoo_gets_its_class(
    zoo: LinkZoo, tmp_path: Path, database_url: str
) -> None:
    config = write_link_config(tmp_path, database_url)
    assert run_cli("--config", str(config), "init").code == 0
    cases = zoo.links(None)
    check(config, str(url_file(tmp_path, cases)))

    rows = listed(config)
    wrong = {
        f"{link.case} {link.url}": (rows[link.url]["class"], link.expected_class)
        for link in cases
        if rows[link.url]["class"] != link.expected_class
    }
    assert not wrong, wrong
    produced = {row["class"] for row in rows.values()}
    assert produced >= {link.expected_class for link in cases}

    engine = make_engine(database_url)
    try:
        with session_scope(session_factory(engine)) as session:
            checks = {
                link.url: check_row
                for link, check_row in session.execute(
                    select(Link, LinkCheck).join(LinkCheck, LinkCheck.link_id == Link.id)
                )
            }
    finally:
        engine.dispose()
    moved = next(link for link in cases if link.expected_class == "moved")
    chain = checks[moved.url].redirect_chain
    assert chain[0]["status"] in (301, 308)
    assert rows[moved.url]["suggested_url"] == rows[moved.url]["final_url"] != moved.url
    gone = next(
        link
        for link in cases
        if link.case.startswith("redirect") and link.expected_class == "not_found"
    )
    assert [hop["status"] for hop in checks[gone.url].redirect_chain][-1] == 404
    # One bad night is not an alarm: nothing is broken after one check.
    assert {row["state"] for row in rows.values()} <= {
        "healthy",
        "failing",
        "moved",
        "needs_review",
    }


def test_a_link_is_broken_only_after_three_failures_over_three_days_and_events_come_once(
    zoo: LinkZoo, tmp_path: Path
) -> None:
    database = f"sqlite:///{tmp_path / 'c.db'}"
    config = write_link_config(tmp_path, database)
    assert run_cli("--config", str(config), "init").code == 0
    gone = next(link for link in zoo.links(None) if link.case == "status-404")
    urls = str(url_file(tmp_path, [gone.url]))
    states = []
    for day in (0, 1, 2, 3, 4):
        check(config, urls, now=DAY0 + timedelta(days=day))
        states.append(listed(config)[gone.url]["state"])
    assert states == ["failing", "failing", "failing", "broken", "broken"]
    row = listed(config)[gone.url]
    assert row["first_failed"].startswith(DAY0.date().isoformat())

    kinds = _event_kinds(database)
    assert kinds.count("link_failing") == 1
    assert kinds.count("link_broken") == 1
    assert run_cli("--config", str(config), "links", "--fail-on-broken").code == 3


def test_a_page_moved_without_a_redirect_is_found_by_its_fingerprint_and_drift_is_raised_once(
    tmp_path: Path,
) -> None:
    database = f"sqlite:///{tmp_path / 'c.db'}"
    with LinkZoo(slow_seconds=1.0) as zoo:
        old, new = zoo.moved_pairs()[0]
        drifting = zoo.drifting_urls()[0]
        with FakeWayback({old: [("20200105000000", "200")]}) as wayback:
            config = write_link_config(tmp_path, database, archive_endpoint=wayback.endpoint)
            assert run_cli("--config", str(config), "init").code == 0
            urls = str(url_file(tmp_path, [old, new, drifting]))
            check(config, urls, now=DAY0)
            before = listed(config)
            assert before[old]["class"] == "ok"
            assert before[new]["class"] == "not_found"

            zoo.set_state(2)
            check(config, urls, now=DAY0 + timedelta(days=1))
            after = listed(config)
            assert after[old]["state"] == "moved"
            assert after[old]["suggested_url"] == new
            assert "web.archive.org/web/20200105000000" in str(after[old]["archive_url"])
            assert after[new]["class"] == "ok"
            assert after[drifting]["class"] == "ok"

            check(config, urls, now=DAY0 + timedelta(days=2))
    kinds = _event_kinds(database)
    assert kinds.count("link_moved") == 1
    assert kinds.count("content_drifted") == 1
    moved_event = _events(database, "link_moved")[0]
    assert moved_event.detail["evidence"]["by"] in {"text_hash", "simhash", "canonical", "title"}


def test_robots_txt_is_obeyed_by_default_and_can_be_ignored_for_link_checks(
    zoo: LinkZoo, tmp_path: Path
) -> None:
    private = next(link for link in zoo.links(None) if link.expected_class == "robots_disallowed")
    obeying = write_link_config(tmp_path, f"sqlite:///{tmp_path / 'a.db'}")
    assert run_cli("--config", str(obeying), "init").code == 0
    check(obeying, str(url_file(tmp_path, [private.url])))
    assert listed(obeying)[private.url]["class"] == "robots_disallowed"

    other = tmp_path / "other"
    other.mkdir()
    ignoring = write_link_config(other, f"sqlite:///{other / 'b.db'}", extra="obey_robots = false")
    assert run_cli("--config", str(ignoring), "init").code == 0
    check(ignoring, str(url_file(other, [private.url])))
    assert listed(ignoring)[private.url]["class"] != "robots_disallowed"


def test_a_production_config_refuses_to_check_loopback_addresses(
    zoo: LinkZoo, tmp_path: Path
) -> None:
    config = write_link_config(tmp_path, f"sqlite:///{tmp_path / 'c.db'}")
    text = config.read_text("utf-8").replace("allow_private_networks = true", "")
    config.write_text(text, "utf-8")
    assert run_cli("--config", str(config), "init").code == 0
    page = next(link for link in zoo.links(None) if link.expected_class == "ok")
    check(config, str(url_file(tmp_path, [page.url])))
    assert listed(config)[page.url]["class"] == "private_network"


def test_a_bad_line_in_the_url_file_is_one_line_naming_file_and_line(tmp_path: Path) -> None:
    config = write_link_config(tmp_path, f"sqlite:///{tmp_path / 'c.db'}")
    assert run_cli("--config", str(config), "init").code == 0
    path = tmp_path / "urls.txt"
    path.write_text("https://example.org/a\n\nnot-a-url\nftp://example.org/\n", "utf-8")
    result = run_cli("--config", str(config), "check-links", str(path))
    assert result.code == 2
    assert result.stderr.strip().splitlines() == [
        f"citywatch: error: {path}:3: not a URL (not shown)",
        f"citywatch: error: {path}:4: 'ftp://example.org/': not an http(s) URL",
    ]


def _events(database: str, kind: str | None = None) -> list[ChangeEvent]:
    engine = make_engine(database)
    try:
        with session_scope(session_factory(engine)) as session:
            query = select(ChangeEvent).where(ChangeEvent.link_id.is_not(None))
            if kind:
                query = query.where(ChangeEvent.kind == kind)
            events = list(session.scalars(query.order_by(ChangeEvent.id)))
            session.expunge_all()
            return events
    finally:
        engine.dispose()


def _event_kinds(database: str) -> list[str]:
    return [event.kind for event in _events(database)]


def test_docs_name_every_class_state_and_event() -> None:
    from storage.links import LINK_EVENTS
    from storage.models import LINK_CLASSES, LINK_STATES

    text = (Path(__file__).parents[3] / "docs" / "links.md").read_text("utf-8")
    for name in (*LINK_CLASSES, *LINK_STATES, *LINK_EVENTS):
        assert f"`{name}`" in text, name


def test_a_timeout_is_retried_for_a_healthy_link_but_not_again_once_it_is_failing(
    zoo: LinkZoo, tmp_path: Path
) -> None:
    database = f"sqlite:///{tmp_path / 'c.db'}"
    config = write_link_config(tmp_path, database)
    assert run_cli("--config", str(config), "init").code == 0
    slow = next(link for link in zoo.links(None) if link.expected_class == "timeout")
    urls = str(url_file(tmp_path, [slow.url]))
    check(config, urls, now=DAY0)
    check(config, urls, now=DAY0 + timedelta(days=1))

    engine = make_engine(database)
    try:
        with session_scope(session_factory(engine)) as session:
            attempts = list(
                session.scalars(select(LinkCheck.attempts).order_by(LinkCheck.checked_at))
            )
    finally:
        engine.dispose()
    assert attempts == [2, 1]  # retry_times = 1 in this config, then the night is the retry
