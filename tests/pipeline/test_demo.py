"""`citywatch demo` end to end, as a new user runs it: offline, against the bundled replica."""

from __future__ import annotations

from pathlib import Path

from pipeline.replicas.mercociudades import MercociudadesSite
from tests.conftest import run_cli


def test_demo_reports_the_added_edited_and_removed_post(tmp_path: Path) -> None:
    result = run_cli("demo", "--dir", str(tmp_path / "demo"), "--size", "20", cwd=tmp_path)
    assert result.code == 0, result.stderr[-3000:]
    site = MercociudadesSite(seed=1, size=20)
    added = site.post(site.added_id, state=2)
    edited = site.post(site.edited_id, state=2)
    removed = site.post(site.removed_id, state=1)
    assert added and edited and removed
    report = (tmp_path / "demo" / "report.md").read_text("utf-8")
    assert result.stdout.startswith(report)
    new_part = report.split("### New (1)")[1].split("###")[0]
    updated_part = report.split("### Updated (1)")[1].split("###")[0]
    removed_part = report.split("### Removed (1)")[1].split("###")[0]
    assert added.title in new_part
    assert edited.title in updated_part and "changed: title" in updated_part
    assert removed.title in removed_part
    assert f"database: {tmp_path / 'demo' / 'citywatch.db'}" in result.stdout
    assert (tmp_path / "demo" / "citywatch.db").exists()


def test_demo_runs_again_in_the_same_folder_from_an_empty_catalogue(tmp_path: Path) -> None:
    for _ in range(2):
        result = run_cli("demo", "--dir", str(tmp_path), "--size", "5", cwd=tmp_path)
        assert result.code == 0, result.stderr[-3000:]
        assert "1 new, 1 updated, 1 removed" in result.stdout
