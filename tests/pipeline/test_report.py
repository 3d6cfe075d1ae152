"""The change report: scraped text is inert in Markdown and HTML; link changes come with
their evidence."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy
from sqlalchemy.orm import Session

from pipeline.duplicates import detect_duplicates
from pipeline.link_report import link_evidence
from pipeline.report import (
    build_report,
    md_escape,
    md_prose,
    md_url,
    render_json,
    render_markdown,
)
from storage.db import make_engine, session_factory, session_scope
from storage.links import LinkSpec, record_link_specs, set_archive, sync_links
from storage.migrate import upgrade
from storage.records import RecordData
from storage.repositories import SourceSpec, finish_run, save_records, start_run, sync_sources
from tests.pipeline.link_checks import (
    answers,
    bot_wall,
    check,
    link_of,
    moved_to,
    not_found_after_redirect,
    refused,
    soft_404,
)
from tests.storage.factories import OTHER_SOURCE_KEY, SOURCE_KEY, at, practice


def test_scraped_markup_is_escaped_not_rendered() -> None:
    hostile = "<script>alert(1)</script> [click](http://evil.example) | **bold**"
    escaped = md_escape(hostile)
    assert "<script>" not in escaped
    assert "&lt;script&gt;" in escaped
    assert "[click](" not in escaped
    assert "\\|" in escaped and "\\*\\*" in escaped


def test_newlines_in_a_title_cannot_break_the_report_layout() -> None:
    assert "\n" not in md_escape("line one\n# heading\n- item")


def test_control_characters_stored_before_never_reach_the_report() -> None:
    # A database written before control characters were stripped at normalisation.
    hostile = "Plan \x1b[31mrojo\x1b[0m\x07 de\x9b agua\u202e"
    assert md_escape(hostile) == "Plan rojo de agua"
    assert md_prose(hostile + " http://e.org/\x1b[2J") == "Plan rojo de agua `http://e.org/`"
    assert md_url("http://e.org/\x00a") == "`http://e.org/a`"
    assert json.loads(render_json({"title": hostile, "list": [hostile]})) == {
        "title": "Plan rojo de agua",
        "list": ["Plan rojo de agua"],
    }


def test_urls_are_shown_as_code_not_as_links() -> None:
    assert md_url("https://e.org/a`b") == "`https://e.org/a%60b`"
    assert md_url(None) == ""


def test_report_lists_new_updated_and_removed_with_changed_fields() -> None:
    def event(title: str, **extra: object) -> dict[str, object]:
        return {
            "stable_id": "s:" + title,
            "title": title,
            "url": "https://e.org/" + title,
            "fields_changed": [],
            "old": {},
            "new": {},
            **extra,
        }

    report = {
        "generated_at": "2026-11-28T00:00:00+00:00",
        "totals": {"new": 1, "updated": 1, "removed": 1, "reappeared": 0, "alarms": 1},
        "runs": [
            {
                "run_id": 7,
                "source": "mercociudades_covid",
                "source_name": "M",
                "status": "finished",
                "close_reason": "finished",
                "started_at": "t0",
                "finished_at": "t1",
                "listing_path": "rest_api",
                "counts": {
                    "pages_fetched": 3,
                    "records_seen": 2,
                    "new": 1,
                    "updated": 1,
                    "removed": 1,
                    "listing_failures": 0,
                    "detail_failures": 0,
                    "dropped_missing_title": 0,
                    "dropped_malformed": 0,
                },
                "unmapped_labels": {"Juventudes": 2},
                "missing_fields": {"city": 3},
                "records_counted": 9,
                "alarms": [
                    {
                        "kind": "field_coverage",
                        "message": "'published' found in 10% of 9 records",
                        "detail": {"sample_urls": ["https://e.org/<b>x"]},
                    }
                ],
                "events": {
                    "new": [event("Added <b>post</b>")],
                    "updated": [
                        event(
                            "Edited",
                            fields_changed=["title", "body_text"],
                            old={"title": "Before"},
                            new={"title": "After"},
                        )
                    ],
                    "removed": [event("Gone")],
                    "reappeared": [],
                },
            }
        ],
    }
    text = render_markdown(report)
    assert "### New (1)" in text and "Added &lt;b&gt;post&lt;/b&gt;" in text
    assert "changed: title, body_text" in text and "Before → After" in text
    assert "### Removed (1)" in text and "Gone" in text
    assert "Juventudes (2 record(s))" in text
    assert "city: 3 of 9" in text
    assert "**1 extraction alarm(s)**" in text and "`field_coverage`" in text
    assert "`https://e.org/<b>x`" in text  # a URL as code, never a link


# -- possible duplicates --------------------------------------------------------------------


def duplicate(title: str, **changes: object) -> dict[str, object]:
    pair: dict[str, object] = {
        "id": 12,
        "status": "open",
        "score": 0.9,
        "reasons": ["titles 100% alike", "same city (<i>montevideo</i>)"],
        "records": [
            {
                "source": "mercociudades_covid",
                "title": title,
                "url": "https://m.example/post",
                "status": "active",
            },
            {
                "source": "cities_for_global_health",
                "title": "Plan ABC",
                "url": "https://c.example/[x](y)",
                "status": "removed",
            },
        ],
        "confirm": "citywatch duplicates confirm 12",
        "reject": "citywatch duplicates reject 12",
    }
    return {**pair, **changes}


def test_possible_duplicates_show_both_records_why_and_how_to_decide() -> None:
    report = {
        "generated_at": "2026-11-28T00:00:00+00:00",
        "totals": {
            "new": 0,
            "updated": 0,
            "removed": 0,
            "reappeared": 0,
            "alarms": 0,
            "possible_duplicates": 1,
        },
        "runs": [],
        "possible_duplicates": [
            duplicate("<img src=x> [Plan](http://evil.example) **ABC**"),
            duplicate("Decided", id=13, status="rejected"),
        ],
    }

    text = render_markdown(report)

    assert "**1 possible duplicate(s) to review**" in text
    assert "## Possible duplicates (2)" in text
    assert "&lt;img src=x&gt; \\[Plan\\](http://evil.example) \\*\\*ABC\\*\\*" in text
    assert "<img" not in text and "<i>" not in text
    assert "same city (&lt;i&gt;montevideo&lt;/i&gt;)" in text
    assert "`https://c.example/[x](y)` (removed)" in text  # a URL as code, never a link
    assert "**#12** score 0.90 (open)" in text and "`citywatch duplicates reject 12`" in text
    assert "**#13** score 0.90 (rejected)" in text
    assert "duplicates confirm 13" not in text  # decided: nothing left to do


def test_a_report_without_possible_duplicates_has_no_such_section() -> None:
    report = {
        "generated_at": "2026-11-28T00:00:00+00:00",
        "totals": {"new": 0, "updated": 0, "removed": 0, "reappeared": 0, "alarms": 0},
        "runs": [],
    }

    assert "duplicate" not in render_markdown(report)


def test_the_report_of_a_run_lists_the_pairs_it_found_in_md_and_json(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'citywatch.db'}"
    upgrade(url)
    engine = make_engine(url)
    sessions = session_factory(engine)
    try:
        with session_scope(sessions) as session:
            sync_sources(
                session,
                [
                    SourceSpec(SOURCE_KEY, "Cities for Global Health", "cities_for_global_health"),
                    SourceSpec(OTHER_SOURCE_KEY, "Mercociudades", "mercociudades_covid"),
                ],
                now=at(0),
            )
            runs = []
            same_pdf = practice(1).resources  # the same plan-1.pdf on both platforms
            for hours, source_key, record in (
                (1, SOURCE_KEY, practice(1, title="Plan ABC de apoyo básico en Montevideo")),
                (
                    2,
                    OTHER_SOURCE_KEY,
                    practice(2, OTHER_SOURCE_KEY, title="Plan ABC <b>", resources=same_pdf),
                ),
            ):
                runs.append(start_run(session, source_key, at(hours)))
                save_records(session, runs[-1], [record], at(hours))
                finish_run(session, runs[-1], "finished", "finished", {}, 2, at(hours))
            detect_duplicates(session, at(3))
            later_run = start_run(session, SOURCE_KEY, at(4))

        with session_scope(sessions) as session:
            report = build_report(session, runs, at(5))
            other_report = build_report(session, [later_run], at(5))
    finally:
        engine.dispose()

    [pair] = report["possible_duplicates"]
    assert report["totals"]["possible_duplicates"] == 1
    assert [r["source"] for r in pair["records"]] == [SOURCE_KEY, OTHER_SOURCE_KEY]
    assert (
        pair["run_id"] == runs[1]
        and pair["confirm"] == f"citywatch duplicates confirm {pair['id']}"
    )
    assert "same document (1)" in pair["reasons"]
    assert all(
        set(run["events"]) == {"new", "updated", "removed", "reappeared"} for run in report["runs"]
    )
    assert json.loads(render_json(report))["possible_duplicates"][0]["id"] == pair["id"]
    assert "Plan ABC &lt;b&gt;" in render_markdown(report)
    assert other_report["possible_duplicates"] == []


# -- links ----------------------------------------------------------------------------------

DAY0 = datetime(2024, 5, 6, 3, 0, tzinfo=UTC)
PAGE = practice(1).url
PDF = "https://example.org/files/plan-1.pdf"
ARCHIVE = "https://web.archive.org/web/20240101000000/https://example.org/files/plan-1.pdf"


def day(days: float) -> datetime:
    return DAY0 + timedelta(days=days)


@pytest.fixture
def session(session: Session) -> Session:
    """A migrated database of each backend that knows one source."""
    sync_sources(session, [SourceSpec(SOURCE_KEY, "Cities for Global Health", "c")], now=DAY0)
    session.commit()
    return session


def crawled(session: Session, when: datetime, *records: RecordData) -> int:
    """A finished run that saw `records`, whose pages and resources are then monitored."""
    run_id = start_run(session, SOURCE_KEY, when)
    save_records(session, run_id, list(records), when)
    finish_run(session, run_id, "finished", "finished", {}, len(records), when)
    sync_links(session, record_link_specs(session), when)
    session.commit()
    return run_id


def broken(session: Session, url: str, first_ok: float = 0) -> None:
    """Checked fine at `first_ok`, then 404 (after a 301) one, two and four days later."""
    check(session, url, day(first_ok), answers(url, day(first_ok)))
    for later in (1, 2, 4):
        when = day(first_ok + later)
        check(session, url, when, not_found_after_redirect(url, when))


def test_report_lists_a_broken_link_once_with_its_evidence_and_archive_url(
    session: Session,
) -> None:
    run_id = crawled(session, day(0), practice(1))
    broken(session, PDF)
    set_archive(session, link_of(session, PDF), ARCHIVE, day(4))
    session.commit()

    report = build_report(session, [run_id], day(5))

    links = report["links"]
    [entry] = links["events"]["link_broken"]
    assert links["events"]["link_failing"] == []  # the same link: listed once, as broken
    assert entry["evidence"] == "404 after 301 chain"
    assert (entry["url"], entry["class"], entry["http_status"]) == (PDF, "not_found", 404)
    assert entry["final_url"] == PDF + "-new"
    assert entry["archive_url"] == ARCHIVE  # found after the event: the link's current one
    assert (entry["record"], entry["origin"], entry["at"]) == (
        f"{SOURCE_KEY}:1",
        "resource",
        day(4).isoformat(),
    )
    assert (entry["state"], entry["left_state"]) == ("broken", False)
    assert report["totals"]["links_broken"] == 1 and report["totals"]["links_failing"] == 0
    assert links["since"] == day(0).isoformat()  # the window opens when the run started
    assert json.loads(render_json(report))["links"] == links
    text = render_markdown(report)
    assert "**Links: 1 broken, 0 moved** of 2 monitored" in text
    assert "### Broken (1)" in text and "### Failing" not in text
    assert text.count(f"`{PDF}`") == 1
    assert f"not\\_found 404 · 404 after 301 chain · archived copy: `{ARCHIVE}`" in text
    assert f"in `{SOURCE_KEY}:1`" in text


def test_the_link_window_opens_at_links_since(session: Session) -> None:
    run_id = crawled(session, day(0), practice(1))
    broken(session, PDF)

    since_day_3 = build_report(session, [run_id], day(5), links_since=day(3))
    after_it_broke = build_report(session, [run_id], day(5), links_since=day(4.5))
    before_it_broke = build_report(session, [run_id], day(3))

    assert [e["url"] for e in since_day_3["links"]["events"]["link_broken"]] == [PDF]
    assert after_it_broke["links"]["events"]["link_broken"] == []
    assert after_it_broke["links"]["counts"]["broken"] == 1  # still broken: counted, not listed
    assert "**Links: 1 broken, 0 moved**" in render_markdown(after_it_broke)
    assert before_it_broke["links"]["counts"]["broken"] == 1  # counts are of now...
    assert [e["url"] for e in before_it_broke["links"]["events"]["link_failing"]] == [PDF]


def test_report_escapes_a_malicious_link_title_and_url(session: Session) -> None:
    evil = "https://evil.example/<img src=x onerror=alert(1)>/[click](javascript:alert(1))"
    title = "<script>alert(1)</script> [click](http://evil.example) **bold** | cell"
    sync_links(session, [LinkSpec(evil, "config", title=title)], day(0))
    session.commit()
    check(session, evil, day(1), bot_wall(evil, day(1)))

    text = render_markdown(build_report(session, [], day(2)))

    assert "&lt;script&gt;alert(1)&lt;/script&gt; \\[click\\](http://evil.example)" in text
    assert "\\*\\*bold\\*\\* \\| cell" in text
    assert f"`{evil}`" in text  # a URL as code, never a link
    assert "<" not in text.replace(f"`{evil}`", "")
    assert "bot wall: Cloudflare (cf-mitigated: challenge)" in text


def test_urls_in_evidence_are_code_and_the_rest_is_escaped() -> None:
    shown = md_prose("same text at https://e.org/a_b*c`d <b>x</b> [y](z)")
    assert shown == "same text at `https://e.org/a_b*c%60d` &lt;b&gt;x&lt;/b&gt; \\[y\\](z)"


def test_report_counts_monitored_links_by_state_and_says_why_each_changed(
    session: Session,
) -> None:
    urls = {state: f"https://example.net/{state}" for state in ("healthy", "failing", "broken")}
    urls |= {"moved": "https://example.net/old", "review": "https://example.net/gone"}
    urls["unchecked"] = "https://example.net/later"
    sync_links(session, [LinkSpec(url, "config") for url in urls.values()], day(0))
    session.commit()
    check(session, urls["healthy"], day(1), answers(urls["healthy"], day(1)))
    check(session, urls["failing"], day(1), refused(urls["failing"], day(1)))
    broken(session, urls["broken"])
    new = "https://example.net/new"
    check(session, urls["moved"], day(1), moved_to(urls["moved"], new, day(1)))
    check(session, urls["review"], day(1), soft_404(urls["review"], day(1)))

    report = build_report(session, [], day(5))  # no runs: the link section still shows

    links = report["links"]
    assert links["counts"] == {
        "healthy": 1,
        "failing": 1,
        "broken": 1,
        "moved": 1,
        "needs_review": 1,
        "unchecked": 1,
    }
    assert links["monitored"] == 6 and links["since"] is None
    assert list(links["events"]) == [
        "link_broken",
        "link_moved",
        "content_drifted",
        "link_needs_review",
        "link_failing",
        "link_recovered",
    ]
    evidence = {kind: [e["evidence"] for e in found] for kind, found in links["events"].items()}
    assert evidence["link_moved"] == ["permanent redirect (301)"]
    assert evidence["link_needs_review"] == ["soft 404: title 'página no encontrada'"]
    assert evidence["link_failing"] == [
        "connection refused or reset: Connection was refused by other side: 111"
    ]
    text = render_markdown(report)
    assert report["runs"] == [] and "## Links" in text
    assert (
        "6 monitored: 1 broken, 1 moved, 1 failing, 1 to review, 1 healthy, 1 not checked yet"
        in text
    )
    assert f"`{urls['moved']}` → `{new}` · moved 200 · permanent redirect (301) · 2024" in text


def test_a_link_that_left_its_state_says_where_it_is_now(session: Session) -> None:
    url = "https://example.net/wall"
    sync_links(session, [LinkSpec(url, "config")], day(0))
    session.commit()
    check(session, url, day(1), bot_wall(url, day(1)))
    check(session, url, day(2), answers(url, day(2)))  # reviewed, and fine: no event

    [entry] = build_report(session, [], day(3))["links"]["events"]["link_needs_review"]
    assert (entry["state"], entry["left_state"]) == ("healthy", True)
    assert "· now healthy" in render_markdown(build_report(session, [], day(3)))


def test_the_report_reads_links_in_the_same_few_queries_however_many(session: Session) -> None:
    def failing(first: int, count: int) -> None:
        urls = [f"https://example.net/{number}" for number in range(first, first + count)]
        sync_links(session, [LinkSpec(url, "config") for url in urls], day(0))
        session.commit()
        for url in urls:
            check(session, url, day(1), refused(url, day(1)))

    def queries() -> int:
        statements: list[str] = []
        bind = session.get_bind()

        def count(*_args: object) -> None:
            statements.append("")

        sqlalchemy.event.listen(bind, "before_cursor_execute", count)
        try:
            build_report(session, [], day(2))
        finally:
            sqlalchemy.event.remove(bind, "before_cursor_execute", count)
        return len(statements)

    failing(0, 2)
    few = queries()
    failing(2, 40)
    assert queries() == few
    assert len(build_report(session, [], day(2))["links"]["events"]["link_failing"]) == 42


@pytest.mark.parametrize(
    ("kind", "detail", "line"),
    [
        (
            "link_moved",
            {"class": "not_found", "evidence": {"by": "text_hash", "new_url": "https://e.org/n"}},
            "same text at https://e.org/n",
        ),
        (
            "link_moved",
            {"class": "not_found", "evidence": {"by": "simhash", "distance": 2, "new_url": "u"}},
            "near-identical text (2 bits) at u",
        ),
        (
            "content_drifted",
            {"class": "ok", "distance": 20, "drift_bits": 12},
            "text changed since first seen: 20 of 64 simhash bits differ (more than 12)",
        ),
        (
            "link_needs_review",
            {"class": "soft_404", "evidence": {"signal": "redirect", "target": "site_root"}},
            "soft 404: a deep URL redirected to the site's root",
        ),
        (
            "link_needs_review",
            {
                "class": "soft_404",
                "evidence": {"signal": "probe", "match": "simhash", "distance": 1},
            },
            "soft 404: looks like the answer to a made-up URL (1 bits apart)",
        ),
        (
            "link_failing",
            {"class": "server_error", "http_status": 503, "evidence": {"retried_statuses": [503]}},
            "HTTP 503 after retries",
        ),
        (
            "link_failing",
            {"class": "timeout", "evidence": {"error_kind": "timeout"}},
            "no answer within the timeout",
        ),
        (
            "link_failing",
            {"class": "redirect_loop", "evidence": {"error_kind": "loop", "chain": [[1, 2]] * 3}},
            "redirect loop: 3 hops",
        ),
        (
            "link_failing",
            {"class": "forbidden", "http_status": 403, "evidence": {}},
            "HTTP 403, no bot-wall signature",
        ),
        (
            "link_recovered",
            {
                "class": "redirected",
                "http_status": 200,
                "evidence": {"chain": [["a", 302], ["b", 200]]},
            },
            "answers 200 again, temporary redirect (302)",
        ),
    ],
)
def test_each_kind_of_evidence_reads_as_one_line(
    kind: str, detail: dict[str, object], line: str
) -> None:
    assert link_evidence(kind, detail) == line
