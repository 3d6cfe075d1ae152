"""Crawl benchmark: every platform's replica, cold, warm, and after changes, beside the ceiling.

Serves the five platform replicas (each its own process) with ``--records`` records in total,
then, each in a fresh process as a user runs it:

1. a cold ``citywatch crawl`` of every source at once;
2. a fetch-only Scrapy spider over exactly the URLs the cold crawl fetched, same concurrency
   (the ceiling: what the crawl would cost if extraction, normalisation and storage were free);
3. a warm recrawl with nothing changed (conditional requests: pages answered 304);
4. a recrawl after every replica switched to its churn state (state 3: 1% of its records
   edited, their validators and sitemap lastmod moved with them).

It prints wall time, requests made, pages fetched in full, records/s and peak RSS for each.

    .venv/bin/python bench/crawl.py [--records 5000] [--concurrency 16]
    .venv/bin/python bench/crawl.py --only mercociudades_covid --records 2000 [--no-rest-api]
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
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.demo import START_PATHS  # noqa: E402
from tests.conftest import Replica, start_replica, stop_replica  # noqa: E402

PLATFORMS = (
    "mercociudades_covid",
    "cities_for_global_health",
    "beyond_the_outbreak",
    "bank_of_best_practices",
    "idb_cities_network",
)


def timed_child(args: list[str]) -> tuple[float, int]:
    """Wall seconds and peak RSS (MiB) of one child process."""
    started = time.perf_counter()
    child = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):  # 1: a run was partial; the figures still stand, the table says so
        raise SystemExit(f"{' '.join(args[:5])}... exited {code}")
    return wall, usage.ru_maxrss // 1024


def control(replica: Replica, action: str, body: bytes | None = None) -> Any:
    request = urllib.request.Request(
        f"{replica.base_url}/__replica__/{action}",
        data=body,
        method="POST" if body is not None else "GET",
    )
    with urllib.request.urlopen(request) as answer:
        return json.load(answer)


def write_config(directory: Path, replicas: dict[str, Replica], concurrency: int) -> Path:
    lines = [
        "[database]",
        f'url = "sqlite:///{directory}/bench.db"',
        "[crawl]",
        "allow_private_networks = true",
        "download_delay = 0.0",
        f"concurrency_per_host = {concurrency}",
        "retry_times = 1",
        f'http_cache_dir = "{directory}/httpcache"',
    ]
    for key, replica in replicas.items():
        urls = ", ".join(f'"{replica.base_url}{path}"' for path in START_PATHS[key])
        lines += ["[[sources]]", f'key = "{key}"', f'name = "{key}"', f"start_urls = [{urls}]"]
    path = directory / "citywatch.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


def run_stats(database: Path, since_run: int) -> dict[str, int]:
    """Records and page counts summed over the runs after ``since_run``."""
    totals = {"records": 0, "full": 0, "revalidated": 0, "responses": 0, "kept": 0}
    with sqlite3.connect(database) as db:
        rows = db.execute("select stats from crawl_run where id > ?", (since_run,)).fetchall()
    for (stats_json,) in rows:
        stats = json.loads(stats_json)
        totals["records"] += stats.get("citywatch/records_saved", 0)
        totals["kept"] += stats.get("citywatch/records_seen_unchanged", 0)
        totals["full"] += sum(  # a changed page answers 200 to its conditional request
            stats.get(f"httpcache/{name}", 0) for name in ("firsthand", "uncacheable", "invalidate")
        )
        totals["revalidated"] += stats.get("httpcache/revalidate", 0)
        totals["responses"] += stats.get("downloader/response_count", 0)
    return totals


def by_source(database: Path, since_run: int) -> list[str]:
    """One line per source: what its run after ``since_run`` fetched, extracted and kept."""
    lines = []
    with sqlite3.connect(database) as db:
        rows = db.execute(
            "select s.key, r.stats from crawl_run r join source s on s.id = r.source_id"
            " where r.id > ? order by s.key",
            (since_run,),
        ).fetchall()
    for key, stats_json in rows:
        stats = json.loads(stats_json)
        full = stats.get("httpcache/firsthand", 0) + stats.get("httpcache/invalidate", 0)
        lines.append(
            f"  {key:28}{stats.get('downloader/request_count', 0):7d} requests"
            f"{full:6d} in full"
            f"{stats.get('httpcache/revalidate', 0):6d} 304"
            f"{stats.get('citywatch/records_saved', 0):6d} extracted"
            f"{stats.get('citywatch/records_seen_unchanged', 0):6d} kept"
            f"{stats.get('citywatch/records_updated', 0):5d} updated"
            f"{stats.get('elapsed_time_seconds', 0):8.1f} s"
        )
    return lines


def last_run(database: Path) -> int:
    with sqlite3.connect(database) as db:
        return int(db.execute("select coalesce(max(id), 0) from crawl_run").fetchone()[0])


def requests_made(replicas: dict[str, Replica]) -> int:
    return sum(control(r, "stats")["total"] for r in replicas.values())


def reset(replicas: dict[str, Replica]) -> None:
    for replica in replicas.values():
        control(replica, "reset", b"")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=5000, help="records in total")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--only", choices=PLATFORMS, help="benchmark one platform")
    parser.add_argument("--no-rest-api", action="store_true", help="WordPress replicas without it")
    args = parser.parse_args()
    platforms = (args.only,) if args.only else PLATFORMS
    size = max(3, args.records // len(platforms))
    extra = ["--no-rest-api"] if args.no_rest_api else []
    replicas = {
        key: start_replica(
            key,
            "--size",
            str(size),
            *(extra if key in ("mercociudades_covid", "bank_of_best_practices") else []),
        )
        for key in platforms
    }
    try:
        with tempfile.TemporaryDirectory() as tmp:
            directory = Path(tmp)
            config = write_config(directory, replicas, args.concurrency)
            database = directory / "bench.db"
            cli = [sys.executable, "-m", "pipeline", "--config", str(config)]
            subprocess.run([*cli, "init"], check=True, capture_output=True)

            cold_wall, cold_rss = timed_child([*cli, "crawl"])
            cold = run_stats(database, 0)
            cold_requests = requests_made(replicas)
            cold_sources = by_source(database, 0)
            urls = [
                replica.base_url + target
                for replica in replicas.values()
                for target in control(replica, "stats")["counts"]
                if target != "/robots.txt"
            ]
            url_file = directory / "urls.txt"
            url_file.write_text("\n".join(urls))
            reset(replicas)
            ceiling_wall, ceiling_rss = timed_child(
                [
                    sys.executable,
                    str(ROOT / "bench" / "fetch_only.py"),
                    str(url_file),
                    str(args.concurrency),
                ]
            )

            reset(replicas)
            before = last_run(database)
            warm_wall, warm_rss = timed_child([*cli, "crawl"])
            warm, warm_requests = run_stats(database, before), requests_made(replicas)
            warm_sources = by_source(database, before)

            for replica in replicas.values():
                control(replica, "state", b"3")
            reset(replicas)
            before = last_run(database)
            changed_wall, changed_rss = timed_child([*cli, "crawl"])
            changed, changed_requests = run_stats(database, before), requests_made(replicas)
            changed_sources = by_source(database, before)
    finally:
        for replica in replicas.values():
            stop_replica(replica)

    print(
        f"\n== {', '.join(platforms)}: {size} records each, concurrency {args.concurrency}"
        + (" (WordPress without REST API)" if args.no_rest_api else "")
    )
    print(
        f"{'':26}{'wall s':>8}{'requests':>10}{'in full':>9}{'304':>7}{'extracted':>10}"
        f"{'kept':>7}{'records/s':>11}{'peak RSS':>10}"
    )

    def row(label: str, wall: float, requests: int, stats: dict[str, int], rss: int) -> None:
        records = stats["records"] + stats["kept"]
        print(
            f"{label:26}{wall:8.2f}{requests:10d}{stats['full']:9d}{stats['revalidated']:7d}"
            f"{stats['records']:10d}{stats['kept']:7d}{records / wall:11.1f}{rss:8d} MiB"
        )

    row("cold crawl", cold_wall, cold_requests, cold, cold_rss)
    print(
        f"{'fetch-only ceiling':26}{ceiling_wall:8.2f}{len(urls):10d}{len(urls):9d}{0:7d}"
        f"{'-':>10}{'-':>7}{'-':>11}{ceiling_rss:8d} MiB"
    )
    row("warm, nothing changed", warm_wall, warm_requests, warm, warm_rss)
    row("after 1% changed", changed_wall, changed_requests, changed, changed_rss)
    print("\ncold crawl by source:", *cold_sources, sep="\n")
    print("\nwarm recrawl by source:", *warm_sources, sep="\n")
    print("\nafter 1% changed, by source:", *changed_sources, sep="\n")
    print(f"\ncold crawl / ceiling: {ceiling_wall / cold_wall:.2f} (1.00 = as fast as fetching)")
    print(
        f"warm recrawl: {warm['full'] / max(1, cold['full']):.1%} of pages fetched in full, "
        f"{warm_wall / cold_wall:.0%} of the cold wall time"
    )


if __name__ == "__main__":
    main()
