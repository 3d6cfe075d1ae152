"""The normaliser's worker processes die with their parent, and a dead worker is explained."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from scrapy.settings import Settings
from scrapy.statscollectors import MemoryStatsCollector

from crawler.items import PageRecord
from pipeline import workers
from pipeline.normalise import NormalisePipeline
from tests.conftest import Replica, run_cli, start_replica, stop_replica
from tests.helpers import wait_until, write_config


def _children(pid: int) -> list[int]:
    """Processes whose parent is ``pid`` that are multiprocessing's spawned workers."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        if parent == pid and b"spawn_main" in cmdline:
            found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    """Running, not merely a zombie waiting for whoever inherited it to reap it."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.fixture
def slow_listing() -> Iterator[Replica]:
    # The HTML path (one request per post) paced by download_delay keeps the crawl going for
    # several seconds after the worker pool starts (at record 201).
    replica = start_replica("mercociudades_covid", "--size", "400", "--no-rest-api")
    yield replica
    stop_replica(replica)


def test_workers_end_when_the_crawl_is_killed(slow_listing: Replica, tmp_path: Path) -> None:
    config = write_config(
        tmp_path,
        f"{slow_listing.base_url}/covid-19/",
        f"sqlite:///{tmp_path}/w.db",
        extra_crawl="normalise_processes = 2",
        options="concurrency_per_host = 1\ndownload_delay = 0.02",
    )
    assert run_cli("--config", str(config), "init").code == 0
    crawl = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "--config", str(config), "crawl"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until(lambda: len(_children(crawl.pid)) == 2, 60, "two normaliser workers")
        spawned = _children(crawl.pid)
        assert crawl.poll() is None  # still crawling: the workers are in use
        crawl.send_signal(signal.SIGKILL)
        crawl.wait(timeout=10)
        wait_until(lambda: not any(map(_alive, spawned)), 10, f"workers {spawned} to end")
    finally:
        if crawl.poll() is None:
            crawl.kill()
            crawl.wait()
        for pid in _children(os.getpid()):
            os.kill(pid, signal.SIGKILL)


def test_a_dead_worker_is_named_with_its_signal_and_the_crawl_goes_on(
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings = Settings({"CITYWATCH_NORMALISE_PROCESSES": 1})
    stats = MemoryStatsCollector(SimpleNamespace(settings=settings))  # type: ignore[arg-type]
    crawler = SimpleNamespace(settings=settings, stats=stats)
    pipeline = NormalisePipeline(crawler)  # type: ignore[arg-type]
    pipeline.inline_left = 1  # the next record starts the pool
    page = PageRecord(
        source_key="mercociudades_covid",
        kind="post",
        stable_id="mercociudades_covid:wp:1",
        url="http://127.0.0.1/covid-19/una-practica/",
        title="Una práctica",
        body_html="<p>Montevideo abrió ollas populares.</p>",
    )

    async def normalise_twice() -> tuple[str | None, str | None]:
        first = await pipeline.normalise(page)  # inline, and the pool is made
        pool = pipeline.pool
        assert pool is not None
        assert (await pipeline.normalise(page)).record.title == "Una práctica"  # in a worker
        (worker_pid,) = pool._processes  # type: ignore[attr-defined]
        os.kill(worker_pid, signal.SIGKILL)
        wait_until(lambda: bool(pool._broken), 10, "the pool to notice")  # type: ignore[attr-defined]
        with caplog.at_level(logging.WARNING, logger="pipeline.normalise"):
            second = await pipeline.normalise(page)
        assert pipeline.pool is None
        assert workers._pool is None  # the next crawl gets a fresh pool
        return first.record.title, second.record.title

    try:
        assert asyncio.run(normalise_twice()) == ("Una práctica", "Una práctica")
    finally:
        workers.shutdown_pool()
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "was killed by SIGKILL" in warnings[0]
    assert warnings[0].startswith("the normaliser's worker process died (pid ")
