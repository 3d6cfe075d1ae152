"""Small builders shared by the end-to-end tests."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


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
        while True:
            try:
                connection, _ = self._socket.accept()
            except OSError:  # closed
                return
            with self._lock:
                self._accepted += 1
            connection.close()

    def close(self) -> None:
        self._socket.close()
