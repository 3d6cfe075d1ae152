"""The change report: scraped text is inert in Markdown and HTML."""

from __future__ import annotations

import json
from pathlib import Path

from pipeline.duplicates import detect_duplicates
from pipeline.report import build_report, md_escape, md_url, render_json, render_markdown
from storage.db import make_engine, session_factory, session_scope
from storage.migrate import upgrade
from storage.repositories import SourceSpec, finish_run, save_records, start_run, sync_sources
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
