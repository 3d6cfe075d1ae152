"""The export contract the downstream catalogue relies on (docs/export.md)."""

from __future__ import annotations

import re
from pathlib import Path

from pipeline.export import EXPORT_FIELDS
from tests.conftest import Replica, run_cli
from tests.helpers import read_jsonl, write_config

DOC = Path(__file__).parents[2] / "docs" / "export.md"


def test_every_export_field_is_documented() -> None:
    documented = re.findall(r"^\| `(\w+)` \|", DOC.read_text("utf-8"), flags=re.MULTILINE)
    assert documented == list(EXPORT_FIELDS)


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
