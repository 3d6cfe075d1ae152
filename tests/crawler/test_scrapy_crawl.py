"""`scrapy crawl <source key>` from the project root works like `citywatch crawl`."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import Replica, run_cli
from tests.helpers import read_jsonl, write_config

ROOT = Path(__file__).parents[2]


def test_scrapy_crawl_reads_citywatch_toml_and_stores_records(
    mercociudades: Replica, tmp_path: Path
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(ROOT / "scrapy.cfg", project / "scrapy.cfg")
    write_config(project, f"{mercociudades.base_url}/covid-19/", f"sqlite:///{tmp_path}/s.db")
    assert run_cli("init", cwd=project).code == 0
    crawled = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "mercociudades_covid", "-s", "LOG_LEVEL=INFO"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert crawled.returncode == 0, crawled.stderr[-3000:]
    assert "run 1 of mercociudades_covid: finished" in crawled.stderr
    exported = run_cli("export", cwd=project)
    assert len(read_jsonl(exported.stdout)) == 31  # 30 posts and the landing page
