"""Counts a site announces are capped and checked as pages arrive; listing pages are asked a
window ahead, never all at once; a pager that never ends, or loops, is stopped with the
``bound_exceeded`` alarm (the run removes nothing); SIGTERM ends such a crawl at once.

Every crawl runs as a user runs it, in its own process, against a replica or a hostile site on
127.0.0.1; its peak RSS is read from the kernel (``wait4``)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from pipeline.replicas.mercociudades import MercociudadesSite
from pipeline.replicas.server import ReplicaServer
from pipeline.settings_table import setting
from tests.conftest import CliResult, run_cli, start_replica, stop_replica
from tests.helpers import read_jsonl, wait_until, write_config
from tests.hostile_wordpress import SECTION, EndlessArchive, HostileWordPress, post_json

# A crawl of a few hundred records stays near 150 MiB; before, X-WP-TotalPages: 999999 took 3 GB.
RSS_LIMIT_MIB = 400
POSTS_ROUTE = "/wp-json/wp/v2/posts"


@dataclass
class Crawl:
    """A `citywatch crawl` process, and once it ended: its exit code, output, peak RSS."""

    process: subprocess.Popen[bytes]
    output: Any
    started: float
    code: int | None = None
    rss_mib: int = 0
    seconds: float = 0.0

    @classmethod
    def start(cls, config: Path) -> Crawl:
        # A file, not a pipe: a pipe nobody reads would fill and block the crawl.
        output = tempfile.TemporaryFile()  # noqa: SIM115  (closed by `close`)
        process = subprocess.Popen(
            [sys.executable, "-m", "pipeline", "--config", str(config), "crawl"],
            stdout=output,
            stderr=subprocess.STDOUT,
            env={**os.environ, "COLUMNS": "200"},
        )
        return cls(process, output, time.monotonic())

    def ended(self) -> bool:
        pid, status, usage = os.wait4(self.process.pid, os.WNOHANG)
        if not pid:
            return False
        self.code = self.process.returncode = os.waitstatus_to_exitcode(status)
        self.rss_mib = usage.ru_maxrss // 1024
        self.seconds = time.monotonic() - self.started
        return True

    def wait(self, timeout: float) -> None:
        try:
            wait_until(self.ended, timeout, "the crawl to end")
        except AssertionError:
            self.process.kill()
            self.process.wait()
            raise

    @property
    def text(self) -> str:
        self.output.seek(0)
        return str(self.output.read().decode("utf-8", "replace"))

    def close(self) -> None:
        if self.code is None:
            self.process.kill()
            self.process.wait()
        self.output.close()


def report_of(config: Path) -> dict[str, Any]:
    report = run_cli("--config", str(config), "report", "--format", "json")
    assert report.code == 0, report.stderr
    return dict(json.loads(report.stdout))


def post_ids(config: Path) -> list[str]:
    exported = read_jsonl(run_cli("--config", str(config), "export").stdout)
    return sorted(r["id"] for r in exported if r["kind"] == "post")


def test_listings_are_bounded_by_default() -> None:
    assert setting("crawl.max_listing_pages").default == 10_000
    assert setting("crawl.max_pages").default == 200_000
    assert setting("crawl.max_records").default == 250_000


def test_a_lying_page_count_is_capped_and_the_real_records_kept(tmp_path: Path) -> None:
    """X-WP-TotalPages: 999999 on a site of 200 posts (two pages of 100; then empty pages)."""
    replica = start_replica("mercociudades_covid", "--size", "200", "--quirk", "lying-page-count")
    crawl = None
    try:
        config = write_config(
            tmp_path, f"{replica.base_url}/covid-19/", f"sqlite:///{tmp_path}/b.db"
        )
        assert run_cli("--config", str(config), "init").code == 0
        crawl = Crawl.start(config)
        crawl.wait(timeout=90)
        targets = replica.stats()["targets"]
    finally:
        if crawl is not None:
            crawl.close()
        stop_replica(replica)
    assert crawl.code == 1, crawl.text[-3000:]  # partial: a run with an alarm removes nothing
    site = MercociudadesSite(seed=1, size=200)
    assert post_ids(config) == sorted(f"mercociudades_covid:wp:{p.id}" for p in site.posts(1))
    pages = [t for t in targets if t.startswith(POSTS_ROUTE + "?")]
    assert len(pages) == 3, pages  # the two real pages and the empty one that ends the walk
    [run] = report_of(config)["runs"]
    [alarm] = [a for a in run["alarms"] if a["kind"] == "bound_exceeded"]
    assert alarm["detail"]["announced"] == 999999
    assert alarm["detail"]["bound"] == "crawl.max_listing_pages"
    assert alarm["detail"]["limit"] == 10_000
    assert "page=1" in alarm["detail"]["url"] and alarm["detail"]["sample_urls"]
    assert replica.base_url.removeprefix("http://") in alarm["message"]
    assert run["status"] == "partial"
    assert crawl.rss_mib < RSS_LIMIT_MIB and crawl.seconds < 60


def test_a_pager_that_loops_is_stopped_with_the_alarm(tmp_path: Path) -> None:
    """Past its last page, the archive answers every page with earlier posts again."""
    replica = start_replica(
        "mercociudades_covid", "--size", "30", "--no-rest-api", "--quirk", "looping-pager"
    )
    try:
        config = write_config(
            tmp_path, f"{replica.base_url}/covid-19/", f"sqlite:///{tmp_path}/l.db"
        )
        assert run_cli("--config", str(config), "init").code == 0
        crawled = run_cli("--config", str(config), "crawl", timeout=90)
        counts = replica.stats()["counts"]
    finally:
        stop_replica(replica)
    assert crawled.code == 1, crawled.stderr[-3000:]
    site = MercociudadesSite(seed=1, size=30)
    assert post_ids(config) == sorted(f"mercociudades_covid:wp:{p.id}" for p in site.posts(1))
    archive = sorted(path for path in counts if path.startswith("/covid-19/page/"))
    assert archive == ["/covid-19/page/2/", "/covid-19/page/3/", "/covid-19/page/4/"]
    [run] = report_of(config)["runs"]
    [alarm] = [a for a in run["alarms"] if a["kind"] == "bound_exceeded"]
    assert alarm["detail"]["url"] == f"{replica.base_url}/covid-19/page/4/"
    assert "already listed" in alarm["message"]


@pytest.fixture
def endless() -> Iterator[ReplicaServer]:
    with ReplicaServer(EndlessArchive()) as server:
        yield server


def test_an_endless_pager_of_new_posts_stops_at_the_listing_bound(
    endless: ReplicaServer, tmp_path: Path
) -> None:
    config = write_config(
        tmp_path,
        endless.base_url + SECTION,
        f"sqlite:///{tmp_path}/e.db",
        extra_crawl="max_listing_pages = 12",
    )
    assert run_cli("--config", str(config), "init").code == 0
    crawled = run_cli("--config", str(config), "crawl", timeout=90)
    assert crawled.code == 1, crawled.stderr[-3000:]
    # The start page and pages 2 to 12: ten posts each.
    assert post_ids(config) == sorted(f"mercociudades_covid:wp:{i}" for i in range(10, 130))
    archive = [path for path in endless.request_counts if path.startswith(SECTION)]
    assert len(archive) == 12
    [run] = report_of(config)["runs"]
    [alarm] = [a for a in run["alarms"] if a["kind"] == "bound_exceeded"]
    assert alarm["detail"]["bound"] == "crawl.max_listing_pages"
    assert alarm["detail"]["limit"] == 12
    assert alarm["detail"]["url"] == f"{endless.base_url}{SECTION}page/13/"
    assert run["status"] == "partial"


def test_sigterm_ends_the_crawl_of_an_endless_listing_within_seconds(tmp_path: Path) -> None:
    """A REST API announcing 999999 pages of 100 new posts each, for ever."""
    with ReplicaServer(HostileWordPress(endless=True, announced_pages=999999)) as server:
        config = write_config(tmp_path, server.base_url + SECTION, f"sqlite:///{tmp_path}/s.db")
        assert run_cli("--config", str(config), "init").code == 0
        crawl = Crawl.start(config)
        try:
            wait_until(
                lambda: server.request_counts.get(POSTS_ROUTE, 0) >= 3,
                60,
                "three pages of posts asked for",
            )
            crawl.process.send_signal(signal.SIGTERM)
            crawl.wait(timeout=15)
        finally:
            crawl.close()
    assert crawl.code == 1, crawl.text[-3000:]
    assert crawl.rss_mib < RSS_LIMIT_MIB
    [run] = report_of(config)["runs"]
    assert (run["status"], run["close_reason"]) == ("partial", "shutdown")


def test_a_page_count_announced_too_low_is_read_past_with_the_alarm(tmp_path: Path) -> None:
    """X-WP-TotalPages: 1 on a site of 250 posts: the full first page makes the crawl ask the
    next, which lists more; every post is stored and the count is named in an alarm."""
    with ReplicaServer(MercociudadesSite(size=250, quirks={"low-page-count"})) as server:
        config = write_config(
            tmp_path, f"{server.base_url}/covid-19/", f"sqlite:///{tmp_path}/l.db"
        )
        assert run_cli("--config", str(config), "init").code == 0
        crawl = run_cli("--config", str(config), "crawl")
        targets = [
            target
            for target in server.target_counts
            if target.startswith(POSTS_ROUTE + "?") and "categories=" in target
        ]
    assert crawl.code == 1, crawl.stderr[-3000:]  # partial: a run with an alarm removes nothing
    site = MercociudadesSite(seed=1, size=250)
    assert post_ids(config) == sorted(f"mercociudades_covid:wp:{p.id}" for p in site.posts(1))
    assert len(targets) == 3, targets  # pages 1 and 2 full, page 3 short: the end
    [run] = report_of(config)["runs"]
    [alarm] = [a for a in run["alarms"] if a["kind"] == "bound_exceeded"]
    assert alarm["detail"]["kind"] == "announced_count_low"
    assert alarm["detail"]["announced"] == 1
    assert "page=2" in alarm["detail"]["url"]
    assert alarm["message"] == (
        f"{server.base_url.removeprefix('http://')}: X-WP-TotalPages announces 1 pages, but "
        "page 2 lists more items: every page is read one at a time"
    )


def test_a_crawl_stops_at_max_records_with_the_alarm(tmp_path: Path) -> None:
    """An archive that brings ten new posts on every page, forever: crawl.max_records stops the
    crawl after that many items, the run is partial, and the alarm names the bound."""
    with ReplicaServer(EndlessArchive()) as server:
        config = write_config(
            tmp_path,
            server.base_url + SECTION,
            f"sqlite:///{tmp_path}/r.db",
            extra_crawl="max_records = 30",
        )
        assert run_cli("--config", str(config), "init").code == 0
        crawl = run_cli("--config", str(config), "crawl")
    assert crawl.code == 1, crawl.stderr[-3000:]
    stored = len(post_ids(config))
    assert 30 <= stored <= 60, stored  # the pages in flight when it stopped are still read
    [run] = report_of(config)["runs"]
    assert run["status"] == "partial"
    [alarm] = [a for a in run["alarms"] if a["kind"] == "bound_exceeded"]
    assert alarm["message"] == "the crawl stopped after 30 items (crawl.max_records = 30)"
    assert (alarm["detail"]["bound"], alarm["detail"]["limit"]) == ("crawl.max_records", 30)


def hostile_posts(count: int) -> list[dict[str, Any]]:
    return [post_json(n, f"Plan {n}", f"<p>Texto del plan {n}.</p>") for n in range(1, count + 1)]


def crawl_hostile(tmp_path: Path, site: HostileWordPress) -> tuple[CliResult, Path]:
    with ReplicaServer(site) as server:
        config = write_config(tmp_path, server.base_url + SECTION, f"sqlite:///{tmp_path}/h.db")
        assert run_cli("--config", str(config), "init").code == 0
        return run_cli("--config", str(config), "crawl"), config


def test_a_page_count_of_zero_over_a_full_page_is_read_past_with_the_alarm(
    tmp_path: Path,
) -> None:
    crawl, config = crawl_hostile(tmp_path, HostileWordPress(hostile_posts(150), 0))
    assert crawl.code == 1, crawl.stderr[-3000:]
    assert len(post_ids(config)) == 150
    [run] = report_of(config)["runs"]
    [alarm] = [a for a in run["alarms"] if a["kind"] == "bound_exceeded"]
    assert (alarm["detail"]["kind"], alarm["detail"]["announced"]) == ("announced_count_low", 0)
    assert "page=1" in alarm["detail"]["url"]


def test_an_api_answering_its_last_page_again_past_a_true_count_ends_cleanly(
    tmp_path: Path,
) -> None:
    """200 posts, two full pages: the page asked past the count answers page 2 again (a clamping
    API, not WordPress's 400). That is the end of the listing, not a pager that loops."""
    crawl, config = crawl_hostile(tmp_path, HostileWordPress(hostile_posts(200), past_end="clamp"))
    assert crawl.code == 0, crawl.stderr[-3000:]
    assert len(post_ids(config)) == 200
    [run] = report_of(config)["runs"]
    assert (run["status"], run["alarms"]) == ("finished", [])


def test_a_listing_of_full_pages_ends_at_the_400_past_it_without_an_alarm(tmp_path: Path) -> None:
    """100 posts, one full page: the page after is asked (the count is verified) and WordPress
    answers it 400, an expected answer, not an HTTP error counted by the alarm."""
    crawl, config = crawl_hostile(tmp_path, HostileWordPress(hostile_posts(100)))
    assert crawl.code == 0, crawl.stderr[-3000:]
    assert len(post_ids(config)) == 100
    [run] = report_of(config)["runs"]
    assert (run["status"], run["alarms"]) == ("finished", [])
