"""Benchmark the link checker on the link zoo, beside LinkChecker, lychee and linkinator.

The zoo (`pipeline.replicas.link_zoo`) serves N links of every class and edge from its own
process; each checker checks the same URL list with the same timeout (5 s) and concurrency
(32), the zoo's flaky counters reset before each. Printed: wall time, URLs/s, requests made (as
the zoo counted them), peak RSS and exact-class accuracy, per class too, and how many usable
links (ok, redirected, moved) each reported as a failure; then our re-checks of the unchanged
set: the next night's `check-links --due`, and a forced `check-links --all`.

    .venv/bin/python bench/linkcheck.py                      # 10,000 links, all three peers
    .venv/bin/python bench/linkcheck.py --links 2000 --peer lychee
    .venv/bin/python bench/linkcheck.py --no-peers

Peers are installed on first use under .bench/ (see bench/peers.py).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.request import Request, urlopen

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from peers import PEERS, ensure_peers, run_peer  # noqa: E402

from pipeline.links.classes import FAILURES, USABLE  # noqa: E402
from storage.models import LINK_CLASSES  # noqa: E402

TIMEOUT_S = 5.0
CONCURRENCY = 32
SLOW_SECONDS = 7.0  # the zoo's slow answers: beyond the timeout


@dataclass
class Run:
    name: str
    wall_s: float
    classes: dict[str, str]  # url -> class
    requests: int | None
    peak_rss_mib: float | None
    note: str = ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--links", type=int, default=10_000)
    parser.add_argument("--peer", action="append", choices=PEERS, help="only this peer")
    parser.add_argument("--no-peers", action="store_true")
    parser.add_argument("--deadline", type=float, default=600.0, help="seconds per peer run")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="citywatch-linkbench-"))
    links_file = workdir / "zoo.jsonl"
    zoo = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pipeline.replicas.link_zoo",
            "--count",
            str(args.links),
            "--slow-seconds",
            str(SLOW_SECONDS),
            "--links",
            str(links_file),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert zoo.stdout is not None
        origins = json.loads(zoo.stdout.readline())
        zoo_links = [json.loads(line) for line in links_file.read_text().splitlines()]
        expected = {link["url"]: link["expected_class"] for link in zoo_links}
        urls = [link["url"] for link in zoo_links]
        (workdir / "urls.txt").write_text("\n".join(urls) + "\n", "utf-8")
        bases = [origins["main_url"], origins["catchall_url"]]
        print(
            f"link zoo: {len(urls)} links ({len(set(urls))} distinct URLs), "
            f"{len(set(expected.values()))} classes; timeout {TIMEOUT_S:g} s, "
            f"concurrency {CONCURRENCY}, this machine: {os.cpu_count()} cores\n"
        )
        runs = ours(workdir, urls, bases)
        runs += ours(workdir, urls, bases, retries=0)
        chosen = [] if args.no_peers else (args.peer or list(PEERS))
        if chosen:
            ensure_peers(ROOT)
        for name in chosen:
            reset(bases)
            peer = run_peer(
                name,
                urls,
                timeout=TIMEOUT_S,
                concurrency=CONCURRENCY,
                retries=True,
                workdir=workdir / "peers",
                deadline=args.deadline,
            )
            runs.append(
                Run(
                    f"{peer.name} {peer.version}",
                    peer.wall_s,
                    peer.classes,
                    requests_made(bases),
                    peer.peak_rss_mib,
                    peer.error or "",
                )
            )
        report(runs, expected)
    finally:
        zoo.terminate()
        zoo.wait(10)


def ours(workdir: Path, urls: list[str], bases: list[str], *, retries: int = 2) -> list[Run]:
    """Our checker cold, then the next night's --due run, then a forced --all re-check; with
    ``retries=0``, the cold run alone (as LinkChecker, which has no retries, checks)."""
    home = workdir / f"citywatch-{retries}"
    home.mkdir()
    config = home / "citywatch.toml"
    config.write_text(
        f"""[database]
url = "sqlite:///{home / "citywatch.db"}"
[crawl]
allow_private_networks = true  # the zoo is on 127.0.0.1
[link_check]
concurrency = {CONCURRENCY}
concurrency_per_host = {CONCURRENCY}
download_delay = 0.0
timeout = {TIMEOUT_S}
retry_times = {retries}
archive_endpoint = ""
""",
        "utf-8",
    )
    cli = [sys.executable, "-m", "pipeline", "--config", str(config)]
    subprocess.run([*cli, "init"], check=True, cwd=ROOT, capture_output=True)
    night = datetime.now(UTC)
    runs = []
    plan: list[tuple[str, list[str]]] = [
        ("citywatch (cold)", ["--now", night.isoformat(timespec="seconds")]),
        (
            "citywatch (next night, --due)",
            ["--due", "--now", (night + timedelta(days=1)).isoformat(timespec="seconds")],
        ),
        ("citywatch (forced --all)", ["--all"]),
    ]
    if not retries:
        plan = [("citywatch (cold, no retries)", plan[0][1])]
    for name, extra in plan:
        reset(bases)
        command = [*cli, "check-links", *extra]
        if "(cold" in name:
            command.append(str(workdir / "urls.txt"))
        wall, rss, output = timed(command)
        classes = {
            row["url"]: row["class"]
            for row in json.loads(
                subprocess.run(
                    [*cli, "links", "--format", "json"],
                    check=True,
                    cwd=ROOT,
                    capture_output=True,
                    text=True,
                ).stdout
            )
        }
        note = next((line for line in output.splitlines() if "requests in" in line), "")
        runs.append(Run(name, wall, classes, requests_made(bases), rss, note.strip()))
    return runs


def timed(command: list[str]) -> tuple[float, float, str]:
    """Wall seconds, peak RSS (MiB) of the child alone, and its stderr."""
    with tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        child = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
        err.seek(0)
        text = err.read().decode("utf-8", "replace")
    if os.waitstatus_to_exitcode(status) not in (0, 3):
        raise SystemExit(f"{' '.join(command)} failed:\n{text[-2000:]}")
    return wall, usage.ru_maxrss / 1024, text


def reset(bases: list[str]) -> None:
    """Zero the zoo's request counts and flaky counters on every origin."""
    for base in bases:
        urlopen(Request(base + "/__replica__/reset", data=b"", method="POST"), timeout=5).read()


def requests_made(bases: list[str]) -> int:
    total = 0
    for base in bases:
        with urlopen(base + "/__replica__/stats", timeout=5) as answer:
            total += int(json.loads(answer.read())["total"])
    return total


def report(runs: list[Run], expected: dict[str, str]) -> None:
    cold = runs[0]
    print(
        f"{'checker':34} {'wall s':>8} {'URLs/s':>8} {'requests':>9} {'RSS MiB':>8} "
        f"{'exact':>8} {'usable→broken':>14}"
    )
    for run in runs:
        got = run.classes
        checked = "(cold" in run.name or not run.name.startswith("citywatch (")
        right = sum(got.get(url) == cls for url, cls in expected.items())
        usable_broken = sum(
            cls in USABLE and got.get(url) in FAILURES for url, cls in expected.items()
        )
        accuracy = f"{100 * right / len(expected):.2f}%" if checked else "-"
        print(
            f"{run.name:34} {run.wall_s:8.1f} {len(expected) / run.wall_s:8.0f} "
            f"{run.requests if run.requests is not None else '-':>9} "
            f"{run.peak_rss_mib or 0:8.0f} {accuracy:>8} "
            f"{usable_broken if checked else '-':>14}"
        )
        if run.note:
            print(f"{'':34} {run.note}")
    print("\nper class (right / links):")
    peers = [run for run in runs if "(cold" in run.name or not run.name.startswith("citywatch (")]
    print(f"{'class':18}" + "".join(f"{_short(run.name):>14}" for run in peers))
    counts = Counter(expected.values())
    for cls in LINK_CLASSES:
        if not counts[cls]:
            continue
        cells = []
        for run in peers:
            got = run.classes
            right = sum(got.get(url) == cls for url, want in expected.items() if want == cls)
            cells.append(f"{right}/{counts[cls]}")
        print(f"{cls:18}" + "".join(f"{cell:>14}" for cell in cells))
    print()
    bare = next((run for run in runs if "no retries" in run.name), None)
    for run in runs[1:]:
        if run.name.startswith("citywatch (") and run is not bare:
            print(f"{run.name}: {100 * run.wall_s / cold.wall_s:.0f}% of the cold wall time")
        elif not run.name.startswith("citywatch ("):
            line = f"citywatch cold / {run.name}: {cold.wall_s / run.wall_s:.2f}x its wall time"
            if bare is not None:
                line += f" (without retries: {bare.wall_s / run.wall_s:.2f}x)"
            print(line)


def _short(name: str) -> str:
    """A column heading: the checker, and for ours which run."""
    if name.startswith("citywatch ("):
        return "citywatch" if name == "citywatch (cold)" else "cw no retry"
    return name.split()[0][:12]


if __name__ == "__main__":
    main()
