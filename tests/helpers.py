"""Small builders shared by the end-to-end tests."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from pipeline.replicas.server import Response, Site


def write_config(
    directory: Path,
    start_url: str,
    database_url: str,
    *,
    key: str = "mercociudades_covid",
    extra_crawl: str = "",
    options: str = "",
) -> Path:
    """A config like a user's, with the source pointed at a replica on 127.0.0.1."""
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
start_urls = ["{start_url}"]
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
