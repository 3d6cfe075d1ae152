"""The change report: scraped text is inert in Markdown and HTML."""

from __future__ import annotations

from pipeline.report import md_escape, md_url, render_markdown


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
