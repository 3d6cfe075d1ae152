"""The export contract the downstream catalogue relies on (docs/export.md)."""

from __future__ import annotations

import io
import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy
from sqlalchemy.orm import Session

from pipeline.export import (
    EXPORT_FIELDS,
    LINK_EXPORT_FIELDS,
    LINK_STATUS_FIELDS,
    ExportSummary,
    export_jsonl,
    export_links_jsonl,
)
from storage.db import make_engine, session_factory
from storage.links import LinkSpec, record_link_specs, set_archive, sync_links
from storage.repositories import SourceSpec, finish_run, save_records, start_run, sync_sources
from tests.conftest import Replica, run_cli
from tests.helpers import read_jsonl, write_config
from tests.pipeline.link_checks import answers, check, link_of, not_found_after_redirect
from tests.storage.factories import SOURCE_KEY, practice

DOC = Path(__file__).parents[2] / "docs" / "export.md"


def documented_fields(heading: str) -> list[str]:
    """The keys in the table of the section `heading` of docs/export.md (up to the next one)."""
    section = DOC.read_text("utf-8").split(f"\n{heading}\n", 1)[1].split("\n#", 1)[0]
    return re.findall(r"^\| `(\w+)` \|", section, flags=re.MULTILINE)


def test_every_export_field_is_documented() -> None:
    assert documented_fields("## Fields") == list(EXPORT_FIELDS)
    assert documented_fields("### The `link` object") == list(LINK_STATUS_FIELDS)
    assert documented_fields("## Links export") == list(LINK_EXPORT_FIELDS)


def test_incremental_export_returns_only_what_changed_since_the_cursor(
    mercociudades: Replica, tmp_path: Path
) -> None:
    config = str(
        write_config(tmp_path, f"{mercociudades.base_url}/covid-19/", f"sqlite:///{tmp_path}/e.db")
    )
    assert run_cli("--config", config, "init").code == 0
    assert run_cli("--config", config, "crawl").code == 0
    first = run_cli("--config", config, "export", "-o", str(tmp_path / "all.jsonl"))
    rows = read_jsonl((tmp_path / "all.jsonl").read_text("utf-8"))
    assert all(list(row) == list(EXPORT_FIELDS) for row in rows)
    cursor = re.search(r"next --since: (\S+)", first.stderr)
    assert cursor, first.stderr
    mercociudades.set_state(2)
    assert run_cli("--config", config, "crawl").code == 0
    later = read_jsonl(run_cli("--config", config, "export", "--since", cursor.group(1)).stdout)
    changed = [row for row in later if row["changed_at"] > cursor.group(1)]
    assert sorted(row["version"] for row in changed) == [1, 2]  # the added and the edited post
    assert all(row["country"] is None or re.fullmatch(r"[A-Z]{2}", row["country"]) for row in rows)
    assert all(row["language"] in ("es", "pt", "en") for row in rows)
    assert all(
        re.fullmatch(r"\d{4}-\d{2}-\d{2}", row["published"])
        for row in rows
        if row["kind"] == "post"
    )


# -- link state -----------------------------------------------------------------------------

DAY0 = datetime(2024, 5, 6, 3, 0, tzinfo=UTC)
PDF = "https://example.org/files/plan-1.pdf"
ARCHIVE = "https://web.archive.org/web/2024/https://example.org/files/plan-1.pdf"


def day(days: float) -> datetime:
    return DAY0 + timedelta(days=days)


@pytest.fixture
def session(session: Session) -> Session:
    """A migrated database of each backend with practices 1 and 2, their links monitored."""
    sync_sources(session, [SourceSpec(SOURCE_KEY, "Cities for Global Health", "c")], now=DAY0)
    run_id = start_run(session, SOURCE_KEY, DAY0)
    save_records(session, run_id, [practice(1), practice(2)], DAY0)
    finish_run(session, run_id, "finished", "finished", {}, 2, DAY0)
    sync_links(session, record_link_specs(session), DAY0)
    session.commit()
    return session


def exported(session: Session, since: datetime | None = None) -> list[dict[str, Any]]:
    out = io.StringIO()
    export_jsonl(session, since, out)
    return read_jsonl(out.getvalue())


def exported_links(
    session: Session, since: datetime | None = None
) -> tuple[list[dict[str, Any]], ExportSummary]:
    out = io.StringIO()
    summary = export_links_jsonl(session, since, out)
    return read_jsonl(out.getvalue()), summary


def broken(session: Session, url: str) -> None:
    check(session, url, day(0), answers(url, day(0)))
    for later in (1, 2, 4):
        check(session, url, day(later), not_found_after_redirect(url, day(later)))


def test_export_carries_link_state_on_records_and_resources(session: Session) -> None:
    page = practice(1).url
    check(session, page, day(0), answers(page, day(0)))
    broken(session, PDF)
    set_archive(session, link_of(session, PDF), ARCHIVE, day(4))
    session.commit()

    first, second = sorted(exported(session), key=lambda row: row["id"])

    assert list(first) == list(EXPORT_FIELDS)
    assert first["link"] == {
        "state": "healthy",
        "class": "ok",
        "http_status": 200,
        "suggested_url": None,
        "archive_url": None,
        "last_checked": day(0).isoformat(),
    }
    [resource] = first["resources"]
    assert list(resource) == ["url", "title", "type", "link"]
    assert list(resource["link"]) == list(LINK_STATUS_FIELDS)
    assert (resource["link"]["state"], resource["link"]["class"]) == ("broken", "not_found")
    assert (resource["link"]["http_status"], resource["link"]["archive_url"]) == (404, ARCHIVE)
    assert resource["link"]["last_checked"] == day(4).isoformat()
    assert second["link"] is None  # monitored, never checked
    assert second["resources"][0]["link"] is None


def test_links_export_is_incremental_and_ordered(session: Session) -> None:
    page = practice(1).url
    cited = "https://example.net/bibliography/report.pdf"
    check(session, page, day(1), answers(page, day(1)))  # healthy since day 1
    check(session, PDF, day(0), answers(PDF, day(0)))
    check(session, PDF, day(1), answers(PDF, day(1)))  # no change of state
    check(session, PDF, day(3), not_found_after_redirect(PDF, day(3)))  # failing since day 3
    sync_links(session, [LinkSpec(cited, "config", title="Report", cited_in="[4]")], day(2))
    session.commit()
    for url in (practice(2).url, "https://example.org/files/plan-2.pdf"):
        session.delete(link_of(session, url))  # keep the ordering readable
    session.commit()

    rows, summary = exported_links(session)

    assert [row["url"] for row in rows] == [page, cited, PDF]  # day 1, first seen day 2, day 3
    assert all(list(row) == list(LINK_EXPORT_FIELDS) for row in rows)
    assert summary.count == 3 and summary.last_changed_at == day(3).isoformat()
    failing = rows[2]
    assert (failing["state"], failing["class"], failing["http_status"]) == (
        "failing",
        "not_found",
        404,
    )
    assert (failing["origin"], failing["record"], failing["source"]) == (
        "resource",
        f"{SOURCE_KEY}:1",
        SOURCE_KEY,
    )
    assert failing["final_url"] == PDF + "-new"
    assert failing["first_failed"] == failing["state_changed_at"] == day(3).isoformat()
    assert rows[1]["state"] is None and rows[1]["state_changed_at"] is None
    assert (rows[1]["cited_in"], rows[1]["first_seen"]) == ("[4]", day(2).isoformat())
    assert [row["url"] for row in exported_links(session, day(2))[0]] == [cited, PDF]
    assert [row["url"] for row in exported_links(session, day(3))[0]] == [PDF]  # inclusive
    later, nothing = exported_links(session, day(3) + timedelta(seconds=1))
    assert later == [] and nothing.last_changed_at is None


def test_exports_read_links_in_the_same_few_queries_however_many(session: Session) -> None:
    def queries() -> int:
        statements: list[str] = []
        bind = session.get_bind()

        def count(*_args: object) -> None:
            statements.append("")

        sqlalchemy.event.listen(bind, "before_cursor_execute", count)
        try:
            exported(session)
            exported_links(session)
        finally:
            sqlalchemy.event.remove(bind, "before_cursor_execute", count)
        return len(statements)

    few = queries()
    run_id = start_run(session, SOURCE_KEY, day(1))
    save_records(session, run_id, [practice(number) for number in range(1, 41)], day(1))
    finish_run(session, run_id, "finished", "finished", {}, 40, day(1))
    sync_links(session, record_link_specs(session), day(1))
    session.commit()
    for number in range(3, 41):
        url = practice(number).url
        check(session, url, day(2), answers(url, day(2)))

    assert queries() == few
    assert sum(row["link"] is not None for row in exported(session)) == 38


def test_cli_exports_links_and_reports_link_events_since_a_time(tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path / 'links.db'}"
    config = str(write_config(tmp_path, "http://127.0.0.1:9/", database))
    assert run_cli("--config", config, "init").code == 0
    engine = make_engine(database)
    try:
        with session_factory(engine)() as session:
            sync_links(session, [LinkSpec(PDF, "cli")], day(0))
            session.commit()
            broken(session, PDF)
    finally:
        engine.dispose()

    links = run_cli("--config", config, "export", "--links", "--since", "2024-05-09")
    report = run_cli("--config", config, "report", "--since", "2024-05-09", "--format", "json")
    none = run_cli("--config", config, "export", "--links", "--since", "2024-05-11")

    assert links.code == 0, links.stderr
    assert [row["state"] for row in read_jsonl(links.stdout)] == ["broken"]
    assert f"exported 1 link; next --since: {day(4).isoformat()}" in links.stderr
    assert (none.stdout, none.code) == ("", 0)
    assert report.code == 0, report.stderr
    listed = json.loads(report.stdout)["links"]
    assert listed["since"] == "2024-05-09T00:00:00+00:00"
    assert [entry["url"] for entry in listed["events"]["link_broken"]] == [PDF]
    assert listed["events"]["link_failing"] == []  # failing on day 1: before the window
