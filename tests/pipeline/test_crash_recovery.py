"""A crawl killed at any point leaves the database consistent; the next crawl completes the work."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.conftest import run_cli, start_replica, stop_replica
from tests.helpers import wait_until, write_config

POSTS = 150


def count(db: Path, sql: str) -> int:
    with sqlite3.connect(db) as connection:
        return int(connection.execute(sql).fetchone()[0])


def test_killed_crawl_is_aborted_and_the_next_crawl_completes_it(tmp_path: Path) -> None:
    replica = start_replica("mercociudades_covid", "--size", str(POSTS), "--no-rest-api")
    db = tmp_path / "c.db"
    try:
        config = write_config(
            tmp_path,
            f"{replica.base_url}/covid-19/",
            f"sqlite:///{db}",
            extra_crawl="concurrency_per_host = 1\n[changes]\nbatch_size = 5",
        )
        config.write_text(config.read_text().replace("concurrency_per_host = 8\n", ""))
        assert run_cli("--config", str(config), "init").code == 0
        crawl = subprocess.Popen(
            [sys.executable, "-m", "pipeline", "--config", str(config), "crawl"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_until(
                lambda: db.exists() and count(db, "select count(*) from record") >= 20,
                timeout=60,
                what="the first batches to be committed",
            )
        finally:
            crawl.send_signal(signal.SIGKILL)
            crawl.wait(timeout=10)
        saved = count(db, "select count(*) from record")
        assert 20 <= saved < POSTS + 1
        assert count(db, "select count(*) from crawl_run where status = 'running'") == 1
        assert count(db, "select count(*) from record_version") == saved  # no half-written record

        again = run_cli("--config", str(config), "crawl")
        assert again.code == 0, again.stderr[-2000:]
    finally:
        stop_replica(replica)
    assert count(db, "select count(*) from crawl_run where status = 'aborted'") == 1
    assert count(db, "select count(*) from crawl_run where status = 'finished'") == 1
    assert count(db, "select count(*) from record") == POSTS + 1  # the posts and the landing page
    assert count(db, "select count(*) from record where version != 1") == 0
    assert count(db, "select count(*) from change_event where kind = 'new'") == POSTS + 1
    assert count(db, "select count(*) from change_event where kind = 'removed'") == 0


def test_interrupted_crawl_closes_as_partial_and_exits_1(tmp_path: Path) -> None:
    replica = start_replica("mercociudades_covid", "--size", str(POSTS), "--no-rest-api")
    db = tmp_path / "c.db"
    try:
        config = write_config(
            tmp_path,
            f"{replica.base_url}/covid-19/",
            f"sqlite:///{db}",
            extra_crawl="download_delay = 0.05\n[changes]\nbatch_size = 5",
        )
        config.write_text(config.read_text().replace("download_delay = 0.0\n", ""))
        assert run_cli("--config", str(config), "init").code == 0
        crawl = subprocess.Popen(
            [sys.executable, "-m", "pipeline", "--config", str(config), "crawl"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        wait_until(
            lambda: db.exists() and count(db, "select count(*) from record") >= 10,
            timeout=60,
            what="the first batches to be committed",
        )
        crawl.send_signal(signal.SIGTERM)
        out, _ = crawl.communicate(timeout=60)
    finally:
        stop_replica(replica)
    assert crawl.returncode == 1
    assert "partial" in out
    with sqlite3.connect(db) as connection:
        status, reason = connection.execute("select status, close_reason from crawl_run").fetchone()
    assert (status, reason) == ("partial", "shutdown")
    assert count(db, "select count(*) from change_event where kind = 'removed'") == 0
