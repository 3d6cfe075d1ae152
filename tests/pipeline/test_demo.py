"""`citywatch demo` end to end, as a new user runs it: offline, against the bundled replicas."""

from __future__ import annotations

import json
from pathlib import Path

from pipeline.demo import DEMO_SOURCES
from pipeline.replicas.mercociudades import MercociudadesSite
from pipeline.replicas.shared_practices import shared_practices
from tests.conftest import run_cli


def events_by_source(report: dict) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = {}
    for run in report["runs"]:
        source = counts.setdefault(run["source"], {"new": 0, "updated": 0, "removed": 0})
        for kind in source:
            source[kind] += len(run["events"][kind])
    return counts


def test_demo_reports_what_was_added_edited_and_removed_on_every_replica(tmp_path: Path) -> None:
    result = run_cli("demo", "--dir", str(tmp_path / "demo"), "--size", "20", cwd=tmp_path)
    assert result.code == 0, result.stderr[-3000:]
    report_md = (tmp_path / "demo" / "report.md").read_text("utf-8")
    assert result.stdout.startswith(report_md)
    assert f"database: {tmp_path / 'demo' / 'citywatch.db'}" in result.stdout
    report = json.loads((tmp_path / "demo" / "report.json").read_text("utf-8"))
    counts = events_by_source(report)
    assert set(counts) == set(DEMO_SOURCES)
    for source, changes in counts.items():
        expected = (
            {"new": 0, "updated": 1, "removed": 1}
            if source == "bibliography"
            else {"new": 1, "updated": 1, "removed": 1}
        )
        assert changes == expected, source
    assert all(run["alarms"] == [] for run in report["runs"])
    site = MercociudadesSite(seed=1, size=20)
    mercociudades = [run for run in report["runs"] if run["source"] == "mercociudades_covid"]
    added = site.post(site.added_id, state=2)
    edited = site.post(site.edited_id, state=2)
    assert added and edited
    assert [e["title"] for run in mercociudades for e in run["events"]["new"]] == [added.title]
    updated = [e for run in mercociudades for e in run["events"]["updated"]]
    assert [e["title"] for e in updated] == [edited.title]
    assert "title" in updated[0]["fields_changed"]
    assert added.title in report_md and edited.title in report_md
    # The replicas publish a few practices on two platforms: each pair is linked, no other.
    pairs = report["possible_duplicates"]
    paired_sources = sorted(tuple(sorted(r["source"] for r in p["records"])) for p in pairs)
    expected_sources = sorted(
        tuple(sorted(publication.platform for publication in practice.publications))
        for practice in shared_practices()
    )
    assert paired_sources == expected_sources
    assert all(p["status"] == "open" for p in pairs)
    assert "Possible duplicates" in report_md


def test_demo_runs_again_in_the_same_folder_from_an_empty_catalogue(tmp_path: Path) -> None:
    for _ in range(2):
        result = run_cli("demo", "--dir", str(tmp_path), "--size", "5", cwd=tmp_path)
        assert result.code == 0, result.stderr[-3000:]
        assert "extraction alarm" not in result.stdout
