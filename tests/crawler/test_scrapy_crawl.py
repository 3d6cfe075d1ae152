"""`scrapy crawl <source key>` from the project root works like `citywatch crawl`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.replicas.mercociudades import MercociudadesSite
from pipeline.replicas.server import ReplicaServer
from tests.conftest import Replica, run_cli
from tests.helpers import FailingSite, read_jsonl, write_config

ROOT = Path(__file__).parents[2]


def project_with(tmp_path: Path, start_url: str) -> tuple[Path, Path]:
    """A project folder as a user has it (scrapy.cfg, citywatch.toml) and its database file."""
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(ROOT / "scrapy.cfg", project / "scrapy.cfg")
    database = tmp_path / "s.db"
    write_config(project, start_url, f"sqlite:///{database}")
    return project, database


def scrapy_crawl(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", *args],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def test_scrapy_crawl_reads_citywatch_toml_and_stores_records(
    mercociudades: Replica, tmp_path: Path
) -> None:
    project, _ = project_with(tmp_path, f"{mercociudades.base_url}/covid-19/")
    assert run_cli("init", cwd=project).code == 0
    crawled = scrapy_crawl(project, "mercociudades_covid", "-s", "LOG_LEVEL=INFO")
    assert crawled.returncode == 0, crawled.stderr[-3000:]
    assert "run 1 of mercociudades_covid: finished" in crawled.stderr
    exported = run_cli("export", cwd=project)
    assert len(read_jsonl(exported.stdout)) == 31  # 30 posts and the landing page


def test_scrapy_crawl_before_init_says_so_in_one_line_and_creates_nothing(
    tmp_path: Path,
) -> None:
    project, database = project_with(tmp_path, "http://127.0.0.1:9/covid-19/")
    before = sorted(p.name for p in tmp_path.rglob("*"))

    crawled = scrapy_crawl(project, "mercociudades_covid")
    citywatch = run_cli("crawl", cwd=project)

    assert crawled.returncode == citywatch.code == 2
    assert crawled.stderr == (
        f"scrapy crawl: error: database file {database} does not exist: run `citywatch init`\n"
    )
    assert citywatch.stderr == (
        f"citywatch: error: database file {database} does not exist: run `citywatch init`\n"
    )
    assert crawled.stdout == ""
    assert sorted(p.name for p in tmp_path.rglob("*")) == before  # no database, no cache


def test_scrapy_crawl_of_a_failing_site_exits_1_as_citywatch_crawl_does(tmp_path: Path) -> None:
    site = FailingSite(MercociudadesSite(size=10), 503, lambda target: True)
    with ReplicaServer(site) as server:
        project, _ = project_with(tmp_path, f"{server.base_url}/covid-19/")
        assert run_cli("init", cwd=project).code == 0

        crawled = scrapy_crawl(project, "mercociudades_covid")
        citywatch = run_cli("crawl", cwd=project)

    assert (crawled.returncode, citywatch.code) == (1, 1), crawled.stderr[-3000:]
    assert "run 1 of mercociudades_covid: failed (finished)" in crawled.stderr
    assert "Task exception was never retrieved" not in crawled.stderr
    both = run_cli("report", "--run", "1", "--run", "2", "--format", "json", cwd=project)
    runs = json.loads(both.stdout)["runs"]
    assert [(run["run_id"], run["status"], len(run["alarms"])) for run in runs] == [
        (1, "failed", 3),  # scrapy crawl
        (2, "failed", 3),  # citywatch crawl
    ]


SOURCE_SPIDERS = "(the sources' spiders: mercociudades_covid)"


@pytest.mark.parametrize(
    ("spider", "error"),
    [
        ("nosuch", f"no spider named 'nosuch' {SOURCE_SPIDERS}"),
        (
            "link_checker",
            "'link_checker' is citywatch's link checker, not a source: `citywatch check-links` "
            "runs it",
        ),
        (
            "cities_for_global_health",
            "citywatch.toml: no source is crawled by spider 'cities_for_global_health' "
            f"{SOURCE_SPIDERS}",
        ),
    ],
)
def test_scrapy_crawl_of_a_spider_that_crawls_no_source_is_one_line_and_exit_2(
    tmp_path: Path, spider: str, error: str
) -> None:
    """As `citywatch crawl --source KEY` refuses a key the config does not define."""
    project, _ = project_with(tmp_path, "http://127.0.0.1:9/covid-19/")
    assert run_cli("init", cwd=project).code == 0
    before = sorted(p.name for p in tmp_path.rglob("*"))

    crawled = scrapy_crawl(project, spider)

    assert (crawled.returncode, crawled.stdout) == (2, ""), crawled.stderr[-3000:]
    assert crawled.stderr == f"scrapy crawl: error: {error}\n"
    assert sorted(p.name for p in tmp_path.rglob("*")) == before  # no cache, no job files
    runs = run_cli("report", "--format", "json", cwd=project)
    assert json.loads(runs.stdout)["runs"] == []


def test_scrapy_crawl_shows_a_config_error_with_its_control_characters_escaped(
    tmp_path: Path,
) -> None:
    project, database = project_with(tmp_path, "http://127.0.0.1:9/covid-19/")
    write_config(
        project,
        "http://127.0.0.1:9/covid-19/",
        f"sqlite:///{database}",
        options='schedule = "\\u001b[31m0 2 * * *"',
    )

    crawled = scrapy_crawl(project, "mercociudades_covid")

    assert (crawled.returncode, crawled.stdout) == (2, "")
    assert crawled.stderr == (
        "scrapy crawl: error: citywatch.toml:17: sources[0].schedule: '\\x1b[31m0 2 * * *': not a "
        'valid cron expression (Unrecognized expression "\\x1b[31m0" for field "minute")\n'
    )
