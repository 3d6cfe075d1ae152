"""A crawl killed at any point leaves the database consistent; the next crawl completes the work."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import Replica, run_cli, start_replica, stop_replica
from tests.helpers import wait_until, write_config

POSTS = 150


@dataclass
class Crawl:
    config: Path
    db: Path
    process: subprocess.Popen[str] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "pipeline", "--config", str(self.config), "crawl"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        wait_until(
            lambda: self.db.exists() and self.count("select count(*) from record") >= 20,
            timeout=60,
            what="the first batches to be committed",
        )

    def count(self, sql: str) -> int:
        with sqlite3.connect(self.db) as connection:
            return int(connection.execute(sql).fetchone()[0])


@pytest.fixture
def slow_site() -> Iterator[Replica]:
    """A site without the REST API: one request per post, so a crawl takes a while."""
    replica = start_replica("mercociudades_covid", "--size", str(POSTS), "--no-rest-api")
    yield replica
    stop_replica(replica)


@pytest.fixture
def crawl(slow_site: Replica, tmp_path: Path) -> Crawl:
    db = tmp_path / "c.db"
    config = write_config(
        tmp_path,
        f"{slow_site.base_url}/covid-19/",
        f"sqlite:///{db}",
        extra_crawl="[changes]\nbatch_size = 5",
    )
    config.write_text(
        config.read_text().replace("concurrency_per_host = 8", "concurrency_per_host = 1")
    )
    assert run_cli("--config", str(config), "init").code == 0
    return Crawl(config, db)


def test_killed_crawl_is_aborted_and_the_next_crawl_completes_it(crawl: Crawl) -> None:
    crawl.start()
    assert crawl.process is not None
    crawl.process.send_signal(signal.SIGKILL)
    crawl.process.communicate(timeout=10)
    saved = crawl.count("select count(*) from record")
    assert 20 <= saved < POSTS + 1
    assert crawl.count("select count(*) from crawl_run where status = 'running'") == 1
    assert crawl.count("select count(*) from record_version") == saved  # no half-written record

    again = run_cli("--config", str(crawl.config), "crawl")
    assert again.code == 0, again.stderr[-2000:]
    assert crawl.count("select count(*) from crawl_run where status = 'aborted'") == 1
    assert crawl.count("select count(*) from crawl_run where status = 'finished'") == 1
    assert crawl.count("select count(*) from record") == POSTS + 1  # the posts and the landing
    assert crawl.count("select count(*) from record where version != 1") == 0
    assert crawl.count("select count(*) from change_event where kind = 'new'") == POSTS + 1
    assert crawl.count("select count(*) from change_event where kind = 'removed'") == 0


def test_interrupted_crawl_closes_as_partial_and_exits_1(crawl: Crawl) -> None:
    crawl.start()
    assert crawl.process is not None
    crawl.process.send_signal(signal.SIGTERM)
    out, _ = crawl.process.communicate(timeout=60)
    assert crawl.process.returncode == 1
    assert "partial" in out
    with sqlite3.connect(crawl.db) as connection:
        status, reason = connection.execute("select status, close_reason from crawl_run").fetchone()
    assert (status, reason) == ("partial", "shutdown")
    assert crawl.count("select count(*) from change_event where kind = 'removed'") == 0
