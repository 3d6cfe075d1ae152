"""Crawl benchmark: the Mercociudades replica at N posts, cold, beside the fetch-only ceiling.

For each listing path (the REST API, and the HTML archives of a site without the API) it runs
`citywatch crawl` in a fresh process against a replica served by another process, then a
fetch-only Scrapy spider over exactly the URLs that crawl fetched (same concurrency), and prints
pages/s, records/s, peak RSS and the crawl's share of the ceiling. Then it recrawls the unchanged
site once, to show what an idle night costs.

    .venv/bin/python bench/crawl.py [--posts 2000] [--concurrency 16]
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.conftest import start_replica, stop_replica  # noqa: E402
from tests.helpers import write_config  # noqa: E402


def timed_child(args: list[str]) -> tuple[float, int, str]:
    """Wall seconds, peak RSS (MiB) and stdout of one child process."""
    started = time.perf_counter()
    child = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert child.stdout is not None
    out = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(args[:4])}... exited {os.waitstatus_to_exitcode(status)}")
    return wall, usage.ru_maxrss // 1024, out


def replica_targets(base_url: str) -> list[str]:
    with urllib.request.urlopen(f"{base_url}/__replica__/stats") as answer:
        counts = json.load(answer)["counts"]
    return [base_url + target for target in counts if target != "/robots.txt"]


def reset(base_url: str) -> None:
    urllib.request.urlopen(
        urllib.request.Request(f"{base_url}/__replica__/reset", data=b"", method="POST")
    ).close()


def bench_path(label: str, replica_args: list[str], posts: int, concurrency: int) -> None:
    replica = start_replica("mercociudades_covid", "--size", str(posts), *replica_args)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            config = write_config(
                Path(tmp),
                f"{replica.base_url}/covid-19/",
                f"sqlite:///{tmp}/bench.db",
                extra_crawl="retry_times = 1\n",
            ).as_posix()
            text = (
                Path(config)
                .read_text()
                .replace("concurrency_per_host = 8", f"concurrency_per_host = {concurrency}")
            )
            Path(config).write_text(text)
            cli = [sys.executable, "-m", "pipeline", "--config", config]
            subprocess.run([*cli, "init"], check=True, capture_output=True)
            cold_wall, cold_rss, _ = timed_child([*cli, "crawl"])
            urls = replica_targets(replica.base_url)
            report = json.loads(
                subprocess.run(
                    [*cli, "report", "--format", "json"], check=True, capture_output=True, text=True
                ).stdout
            )
            run = report["runs"][0]
            pages, records = run["counts"]["pages_fetched"], run["counts"]["records_seen"]
            url_file = Path(tmp) / "urls.txt"
            url_file.write_text("\n".join(urls))
            fetch_wall, fetch_rss, _ = timed_child(
                [
                    sys.executable,
                    str(ROOT / "bench" / "fetch_only.py"),
                    str(url_file),
                    str(concurrency),
                ]
            )
            reset(replica.base_url)
            warm_wall, _, _ = timed_child([*cli, "crawl"])
            with urllib.request.urlopen(f"{replica.base_url}/__replica__/stats") as answer:
                warm_requests = json.load(answer)["total"]
            with sqlite3.connect(f"{tmp}/bench.db") as db:
                (stats_json,) = db.execute(
                    "select stats from crawl_run order by id desc limit 1"
                ).fetchone()
            warm_stats = json.loads(stats_json)
    finally:
        stop_replica(replica)
    print(f"\n== {label}: {posts} posts, concurrency {concurrency}")
    print(
        f"cold crawl:   {cold_wall:7.2f} s  {pages:6d} pages  {pages / cold_wall:8.1f} pages/s  "
        f"{records:6d} records  {records / cold_wall:8.1f} records/s  peak RSS {cold_rss} MiB"
    )
    print(
        f"fetch-only:   {fetch_wall:7.2f} s  {len(urls):6d} pages  "
        f"{len(urls) / fetch_wall:8.1f} pages/s  (ceiling)  peak RSS {fetch_rss} MiB"
    )
    print(f"crawl / ceiling: {fetch_wall / cold_wall:.2f} (1.00 = as fast as fetching alone)")
    full = warm_stats.get("httpcache/firsthand", 0) + warm_stats.get("httpcache/uncacheable", 0)
    print(
        f"recrawl, nothing changed: {warm_wall:7.2f} s ({warm_wall / cold_wall:.0%} of cold)  "
        f"{warm_requests} requests, {warm_stats.get('httpcache/revalidate', 0)} answered 304, "
        f"{full} fetched in full"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()
    bench_path("REST API", [], args.posts, args.concurrency)
    bench_path("HTML archives (no REST API)", ["--no-rest-api"], args.posts, args.concurrency)


if __name__ == "__main__":
    main()
