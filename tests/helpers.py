"""Small builders shared by the end-to-end tests."""

from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import sys
import threading
import time
import zlib
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.test import get_crawler

from crawler.evidence import SiteEvidence
from pipeline.replicas.server import Response, Site


def write_config(
    directory: Path,
    start_url: str | list[str],
    database_url: str,
    *,
    key: str = "mercociudades_covid",
    extra_crawl: str = "",
    options: str = "",
) -> Path:
    """A config like a user's, with the source pointed at a replica on 127.0.0.1 (one start
    URL, or several)."""
    start_urls = json.dumps([start_url] if isinstance(start_url, str) else start_url)
    path = directory / "citywatch.toml"
    path.write_text(
        f"""
[database]
url = "{database_url}"

[crawl]
allow_private_networks = true
download_delay = 0.0
concurrency_per_host = 8
timeout = 10.0
http_cache_dir = "{directory / "httpcache"}"
{extra_crawl}

[[sources]]
key = "{key}"
name = "replica of {key}"
start_urls = {start_urls}
{options}
""",
        "utf-8",
    )
    return path


def read_jsonl(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def wait_until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    """Poll ``condition`` until it holds; fail naming ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    pause = threading.Event()
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g}s waiting for {what}")
        pause.wait(0.05)


class FailingSite:
    """A replica whose answers to some targets are replaced by an error status."""

    def __init__(self, site: Site, status: int, fails: Callable[[str], bool]) -> None:
        self.site, self.status, self.fails = site, status, fails

    def handle(self, method: str, target: str, headers: Mapping[str, str], state: int) -> Response:
        if self.fails(target):
            return Response(self.status, (("Content-Type", "text/plain"),), b"unavailable")
        return self.site.handle(method, target, headers, state)


def run_cli_in_terminal(
    *args: str, columns: int, cwd: Path | None = None, timeout: float = 120
) -> tuple[int, str, str]:
    """`citywatch ARGS` with stdout on a pseudo-terminal `columns` wide, as a user sees it
    (TERM=dumb: no colours to strip); (exit code, stdout, stderr)."""
    import os
    import pty
    import subprocess
    import sys
    import tempfile

    controller, terminal = pty.openpty()
    environment = {**os.environ, "TERM": "dumb", "COLUMNS": str(columns), "LINES": "50"}
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(
            [sys.executable, "-m", "pipeline", *args],
            stdin=subprocess.DEVNULL,
            stdout=terminal,
            stderr=errors,
            cwd=cwd,
            env=environment,
        )
        os.close(terminal)
        chunks = []
        while True:
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # EIO: the process closed the terminal
                break
            if not chunk:
                break
            chunks.append(chunk)
        code = process.wait(timeout=timeout)
        os.close(controller)
        errors.seek(0)
        stderr = errors.read().decode("utf-8")
    stdout = b"".join(chunks).decode("utf-8").replace("\r\n", "\n")
    return code, stdout, stderr


def accepted_connections(listening: socket.socket) -> Iterator[socket.socket]:
    """Each connection ``listening`` accepts, until the socket is closed."""
    while True:
        try:
            connection, _ = listening.accept()
        except OSError:  # closed
            return
        yield connection


class ListeningCounter:
    """A TCP port on 127.0.0.1 that accepts connections and counts them, saying nothing: where
    something must never be reached (an FTP server, a rebound address), the count proves it."""

    def __init__(self) -> None:
        self._socket = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._socket.getsockname()[1]
        self._lock = threading.Lock()
        self._accepted = 0
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def accepted(self) -> int:
        with self._lock:
            return self._accepted

    def _accept(self) -> None:
        for connection in accepted_connections(self._socket):
            with self._lock:
                self._accepted += 1
            connection.close()

    def close(self) -> None:
        self._socket.close()


GIB = 1 << 30


def gzip_bomb(path: Path, inflated_bytes: int, head: bytes = b"") -> bytes:
    """A gzip body that inflates to ``head`` and then ``inflated_bytes`` spaces: 1 GiB makes
    about 1 MB. Written once to ``path`` (compressed in 1 MiB steps, never held inflated)."""
    if not path.exists():
        compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
        step = b" " * (1 << 20)
        with path.open("wb") as out:
            out.write(compressor.compress(head))
            for _ in range(inflated_bytes // len(step)):
                out.write(compressor.compress(step))
            out.write(compressor.flush())
    return path.read_bytes()


def run_cli_measured(*args: str, timeout: float = 300) -> tuple[int, str, int]:
    """`citywatch ARGS` in a fresh process: its exit code, its stderr and its peak RSS in MiB
    (``ru_maxrss`` of that one child, from ``wait4``)."""
    with open(os.devnull, "wb") as devnull:
        process = subprocess.Popen(
            [sys.executable, "-m", "pipeline", *args],
            stdout=devnull,
            stderr=subprocess.PIPE,
            env={**os.environ, "COLUMNS": "200"},
        )
        assert process.stderr is not None
        timer = threading.Timer(timeout, process.kill)
        timer.start()
        try:
            stderr = process.stderr.read().decode("utf-8", "replace")
            _, status, usage = os.wait4(process.pid, 0)
        finally:
            timer.cancel()
            process.stderr.close()
    process.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
    return process.returncode, stderr, usage.ru_maxrss // 1024


def site_evidence() -> SiteEvidence:
    """Evidence noted into a real Scrapy stats collector (``.stats.get_stats()``)."""
    return SiteEvidence(MemoryStatsCollector(get_crawler()), logging.getLogger("citywatch.test"))
