"""Hostile-site benchmark: what each attack of issue 9 costs citywatch, and how it ends.

Each scenario serves a hostile site on 127.0.0.1 from this process and runs `citywatch` on it
in a fresh process, as a user does, with a deadline (then SIGTERM, then SIGKILL). It prints,
for each: wall seconds, the child's peak RSS, the requests the site answered, and what
citywatch made of it (run status, records, alarms; link classes; bytes of a local file stored).

    .venv/bin/python bench/hostile.py [--deadline 120] [--only NAME ...]
    .venv/bin/python bench/hostile.py --checkout ../old-citywatch   # the same sites, older code

``--checkout`` runs `python -m pipeline` from another checkout (its code on PYTHONPATH), so the
same hostile sites measure the code before a change. The scenarios:

- ``gzip-bomb``: a link check of a page whose 1 MB gzip body inflates to 1 GiB (the probe too);
- ``other-schemes``: a link check of pages redirecting to file:, data: and ftp: URLs;
- ``lying-page-count``: a crawl of a WordPress announcing ``X-WP-TotalPages: 999999``;
- ``looping-pager``: a crawl of an HTML archive whose pager never ends but repeats its posts;
- ``endless-archive``: a crawl of an archive with ten new posts on every page, forever
  (bounded by ``crawl.max_listing_pages``, 200 here so the scenario ends in seconds);
- ``sigterm-endless``: the same crawl with the default bounds, sent SIGTERM after 5 s;
- ``malformed-posts``: a REST listing of 100 posts of which 10 are malformed;
- ``header-flood-check``: a link check of a page whose server streams header lines forever,
  and of one sending 200 KiB of headers (under the bound);
- ``header-flood-crawl``: a crawl whose start page is that endless header block;
- ``low-page-count``: a crawl of a WordPress of 250 posts announcing ``X-WP-TotalPages: 1``;
- ``max-records``: a crawl of a WordPress of 2,000 posts with ``crawl.max_records = 500``.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.replicas.mercociudades import MercociudadesSite  # noqa: E402
from pipeline.replicas.server import ReplicaServer, Response, Site  # noqa: E402
from tests.header_flood import HeaderFloodServer  # noqa: E402
from tests.helpers import GIB, gzip_bomb  # noqa: E402
from tests.hostile_wordpress import (  # noqa: E402
    SECTION,
    EndlessArchive,
    HostileWordPress,
    post_json,
)

SECRET_TITLE = "Secret of the local disk"


@dataclass
class Outcome:
    wall: float
    rss_mib: int
    code: int | str  # the exit code, or how the deadline ended it
    requests: int
    result: str


@dataclass
class Scenario:
    name: str
    site: Callable[[Path], Site | HeaderFloodServer]
    command: tuple[str, ...]  # after `citywatch --config CONFIG`
    config: str = ""  # extra TOML for [crawl]
    start_path: str = SECTION
    sigterm_after: float | None = None


class Bomb:
    """Every page: 200 with a gzip body that inflates to 1 GiB."""

    def __init__(self, workdir: Path) -> None:
        head = b"<html><head><title>Informe anual</title></head><body><p>"
        self.body = gzip_bomb(workdir / "bomb.gz", GIB, head)

    def handle(self, method: str, target: str, headers: object, state: int) -> Response:
        if target == "/robots.txt":
            return Response(404, (("Content-Type", "text/plain"),), b"")
        kinds = (("Content-Type", "text/html; charset=utf-8"), ("Content-Encoding", "gzip"))
        return Response(200, kinds, self.body if method == "GET" else b"")


class Elsewhere:
    """``/to/file``, ``/to/data`` and ``/to/ftp`` redirect to another scheme; ``/page`` works."""

    def __init__(self, workdir: Path) -> None:
        self.secret = workdir / "secret.html"
        self.secret.write_text(f"<html><title>{SECRET_TITLE}</title><p>x</p></html>", "utf-8")

    def handle(self, method: str, target: str, headers: object, state: int) -> Response:
        locations = {
            "/to/file": self.secret.as_uri(),
            "/to/data": "data:text/html,<title>inline</title>",
            "/to/ftp": "ftp://127.0.0.1:9/pub/informe.pdf",
        }
        if target in locations:
            return Response(302, (("Location", locations[target]),), b"")
        if target == "/page":
            return Response(200, (("Content-Type", "text/html"),), b"<title>Page</title><p>ok</p>")
        return Response(404, (("Content-Type", "text/plain"),), b"not found")


def malformed_site(_: Path) -> Site:
    posts = [post_json(n, f"Plan {n}", f"<p>Texto del plan {n}.</p>") for n in range(1, 101)]
    for index in range(0, 100, 10):  # every tenth post is broken in a different way
        posts[index] = {**posts[index], **[{"id": "abc"}, {"date": 20200415}][index // 10 % 2]}
    return HostileWordPress(posts=posts)


SCENARIOS = (
    Scenario("gzip-bomb", Bomb, ("check-links", "URLS"), start_path="/informe"),
    Scenario("other-schemes", Elsewhere, ("check-links", "URLS"), start_path="/page"),
    Scenario(
        "lying-page-count",
        lambda _: MercociudadesSite(size=200, quirks={"lying-page-count"}),
        ("crawl",),
    ),
    Scenario(
        "looping-pager",
        lambda _: MercociudadesSite(size=200, rest_api=False, quirks={"looping-pager"}),
        ("crawl",),
    ),
    Scenario("endless-archive", lambda _: EndlessArchive(), ("crawl",), "max_listing_pages = 200"),
    Scenario("sigterm-endless", lambda _: EndlessArchive(), ("crawl",), sigterm_after=5.0),
    Scenario("malformed-posts", malformed_site, ("crawl",)),
    Scenario("header-flood-check", lambda _: HeaderFloodServer(), ("check-links", "URLS")),
    Scenario("header-flood-crawl", lambda _: HeaderFloodServer(), ("crawl",), start_path="/flood"),
    Scenario(
        "low-page-count",
        lambda _: MercociudadesSite(size=250, quirks={"low-page-count"}),
        ("crawl",),
    ),
    Scenario(
        "max-records", lambda _: MercociudadesSite(size=2000), ("crawl",), "max_records = 500"
    ),
)

URL_PATHS = {
    "gzip-bomb": ["/informe"],
    "other-schemes": ["/to/file", "/to/data", "/to/ftp", "/page"],
    "header-flood-check": ["/flood", "/headers/200"],
}


def write_config(workdir: Path, scenario: Scenario, base_url: str) -> Path:
    config = workdir / "citywatch.toml"
    config.write_text(
        f"""[database]
url = "sqlite:///{workdir / "citywatch.db"}"

[crawl]
allow_private_networks = true
download_delay = 0.0
concurrency_per_host = 8
timeout = 10.0
{scenario.config}

[link_check]
download_delay = 0.0
archive_endpoint = ""

[[sources]]
key = "mercociudades_covid"
name = "a hostile WordPress"
start_urls = ["{base_url}{scenario.start_path}"]
""",
        "utf-8",
    )
    return config


def run(
    args: list[str], env: dict[str, str], deadline: float, sigterm_after: float | None, errors: Any
) -> tuple[float, int, int | str]:
    """Run one child, its stderr to `errors`; (wall, peak RSS MiB, exit code or how it
    was ended)."""
    started = time.perf_counter()
    # (cwd: `python -m` puts the working folder first on the path)
    child = subprocess.Popen(
        args, stdout=subprocess.DEVNULL, stderr=errors, env=env, cwd=env["PYTHONPATH"]
    )
    ended: list[str] = []

    def end(signum: int, label: str) -> None:
        if child.poll() is None:
            ended.append(label)
            child.send_signal(signum)

    timers = [
        threading.Timer(deadline, end, (signal.SIGTERM, f"SIGTERM at {deadline:g} s")),
        threading.Timer(deadline + 30, end, (signal.SIGKILL, "SIGKILL")),
    ]
    if sigterm_after is not None:
        timers.append(threading.Timer(sigterm_after, end, (signal.SIGTERM, "SIGTERM (asked)")))
    for timer in timers:
        timer.start()
    try:
        _, status, usage = os.wait4(child.pid, 0)
    finally:
        for timer in timers:
            timer.cancel()
    child.returncode = os.waitstatus_to_exitcode(status)
    code: int | str = child.returncode
    if ended:
        code = f"{child.returncode} ({ended[-1]})"
    return time.perf_counter() - started, usage.ru_maxrss // 1024, code


def crawl_result(database: Path) -> str:
    with sqlite3.connect(database) as db:
        run_row = db.execute("SELECT id, status FROM crawl_run ORDER BY id DESC LIMIT 1").fetchone()
        if run_row is None:
            return "no run"
        records = db.execute("SELECT count(*) FROM record WHERE status = 'active'").fetchone()[0]
        alarms = [
            json.loads(detail).get("alarm", "?")
            for (detail,) in db.execute(
                "SELECT detail FROM change_event WHERE kind = 'extraction_alarm' AND run_id = ?",
                (run_row[0],),
            )
        ]
    return f"run {run_row[1]}, {records} records, alarms: {', '.join(alarms) or 'none'}"


def check_result(database: Path) -> str:
    with sqlite3.connect(database) as db:
        rows = db.execute(
            "SELECT link.url, link_check.link_class, link_check.size, link_check.title "
            "FROM link_check JOIN link ON link.id = link_check.link_id ORDER BY link.url"
        ).fetchall()
        stored = db.execute(
            "SELECT count(*) FROM link_check WHERE title = ? OR redirect_chain LIKE '%file:%'",
            (SECRET_TITLE,),
        ).fetchone()[0]
    classes = ", ".join(f"{urlsplit(url).path}: {link_class}" for url, link_class, *_ in rows)
    return f"{classes}; rows naming the local file: {stored}"


def run_scenario(scenario: Scenario, python: str, checkout: Path, deadline: float) -> Outcome:
    with tempfile.TemporaryDirectory(prefix=f"hostile-{scenario.name}-") as folder:
        workdir = Path(folder)
        made = scenario.site(workdir)
        server = made if isinstance(made, HeaderFloodServer) else ReplicaServer(made)
        with server:
            config = write_config(workdir, scenario, server.base_url)
            env = {**os.environ, "PYTHONPATH": str(checkout), "COLUMNS": "200"}
            cli = [python, "-m", "pipeline", "--config", str(config)]
            init = subprocess.run([*cli, "init"], capture_output=True, env=env, cwd=checkout)
            if init.returncode != 0:  # an older citywatch may not know a setting used here
                refusal = (init.stderr.decode().strip().splitlines() or [""])[-1][:200]
                return Outcome(0.0, 0, init.returncode, 0, f"init refused: {refusal}")
            command = list(scenario.command)
            if "URLS" in command:
                urls = workdir / "urls.txt"
                paths = URL_PATHS[scenario.name]
                urls.write_text("".join(f"{server.base_url}{p}\n" for p in paths), "utf-8")
                command[command.index("URLS")] = str(urls)
            if isinstance(server, ReplicaServer):
                server.reset_counts()
            with (workdir / "stderr.txt").open("w+") as errors:
                wall, rss, code = run(
                    [*cli, *command], env, deadline, scenario.sigterm_after, errors
                )
                errors.seek(0)
                last_line = (errors.read().strip().splitlines() or [""])[-1][:200]
            if isinstance(server, ReplicaServer):
                requests = sum(server.request_counts.values())
            else:
                requests = server.requests
        database = workdir / "citywatch.db"
        result = check_result(database) if "check-links" in command else crawl_result(database)
        if code not in (0, 1):
            result += f" (last line on stderr: {last_line})"
        return Outcome(wall, rss, code, requests, result)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--deadline", type=float, default=120.0, help="seconds per scenario")
    parser.add_argument("--only", action="append", choices=[s.name for s in SCENARIOS])
    parser.add_argument("--checkout", type=Path, default=ROOT, help="the citywatch to run")
    args = parser.parse_args()
    checkout = args.checkout.resolve()
    print(f"citywatch from {checkout} (git {git_head(checkout)}), deadline {args.deadline:g} s")
    print(f"{'scenario':<18} {'wall s':>7} {'RSS MiB':>8} {'requests':>9}  exit   outcome")
    for scenario in SCENARIOS:
        if args.only and scenario.name not in args.only:
            continue
        outcome = run_scenario(scenario, sys.executable, checkout, args.deadline)
        print(
            f"{scenario.name:<18} {outcome.wall:>7.1f} {outcome.rss_mib:>8} "
            f"{outcome.requests:>9}  {outcome.code!s:<5}  {outcome.result}",
            flush=True,
        )


def git_head(checkout: Path) -> str:
    found = subprocess.run(
        ["git", "-C", str(checkout), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
    )
    return found.stdout.strip() or "?"


if __name__ == "__main__":
    main()
