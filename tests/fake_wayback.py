"""A local stand-in for the Wayback Machine availability API (archive.org/wayback/available).

It speaks the API's JSON: ``GET /wayback/available?url=U&timestamp=YYYYMMDDhhmmss`` answers
``{"url": U, "timestamp": T, "archived_snapshots": {"closest": {"status", "available", "url",
"timestamp"}}}`` for the capture of U closest to T (preferring one at or before T, as the link
monitor wants), or ``{"url": U, "archived_snapshots": {}}`` when U was never captured.

>>> captures = {"http://example.com/": [("20200101000000", "200")]}  # doctest: +SKIP
>>> with FakeWayback(captures) as wayback:
...     lookup_snapshot(wayback.endpoint, "http://example.com/", now, user_agent="test")
"""

from __future__ import annotations

import json
import threading
import urllib.parse
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Literal

from w3lib.url import safe_url_string

from pipeline.replicas.server import StopOnExit

__all__ = ["API_PATH", "FakeWayback", "Mode", "WaybackRequest"]

API_PATH = "/wayback/available"

# "ok": the API; "unavailable": 503 to everything; "malformed": 200 with a body that is not JSON.
Mode = Literal["ok", "unavailable", "malformed"]

# A capture: when (datetime, or the API's 14-digit string) and the HTTP status archived with it
# (None: the answer has no "status" key).
Capture = tuple[datetime | str, str | None]


@dataclass(frozen=True)
class WaybackRequest:
    """One request as the fake saw it: the raw target and its decoded ``url`` / ``timestamp``."""

    target: str
    url: str | None
    timestamp: str | None
    user_agent: str | None


class _Server(ThreadingHTTPServer):
    daemon_threads = True


class FakeWayback(StopOnExit):
    """Serve the availability API from a daemon thread on ``127.0.0.1`` (a free port)."""

    def __init__(
        self,
        captures: Mapping[str, Sequence[Capture]] | None = None,
        *,
        mode: Mode = "ok",
        delay: float = 0.0,
        host: str = "127.0.0.1",
    ) -> None:
        # Keys are compared as the ASCII URLs, without fragment, that the archive stores.
        self.captures: dict[str, list[tuple[str, str | None]]] = {
            _key(url): [(_stamp(when), status) for when, status in found]
            for url, found in (captures or {}).items()
        }
        self.mode: Mode = mode
        self.delay = delay  # seconds before answering: a slow archive, for timeouts
        self._lock = threading.Lock()
        self._requests: list[WaybackRequest] = []
        self._stopping = threading.Event()
        self._httpd = _Server((host, 0), _handler_class(self))
        self.host, self.port = str(self._httpd.server_address[0]), self._httpd.server_address[1]
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"fake-wayback-{self.port}",
            daemon=True,
        )
        self._thread.start()

    @property
    def endpoint(self) -> str:
        return f"http://{self.host}:{self.port}{API_PATH}"

    @property
    def requests(self) -> list[WaybackRequest]:
        with self._lock:
            return list(self._requests)

    def answer(self, target: str, user_agent: str | None = None) -> tuple[int, bytes]:
        """Status and body for one request target (also usable without sockets)."""
        split = urllib.parse.urlsplit(target)
        query = urllib.parse.parse_qs(split.query)
        url = query.get("url", [None])[0]
        timestamp = query.get("timestamp", [None])[0]
        with self._lock:
            self._requests.append(WaybackRequest(target, url, timestamp, user_agent))
        if self.mode == "unavailable":
            return 503, b"<html><body>Service Unavailable</body></html>"
        if self.mode == "malformed":
            return 200, b'{"archived_snapshots": {"closest": '
        if split.path != API_PATH or url is None:
            return 404, json.dumps({"error": "not found"}).encode()
        return 200, json.dumps(self._payload(url, timestamp)).encode()

    def _payload(self, url: str, timestamp: str | None) -> dict[str, object]:
        payload: dict[str, object] = {"url": url, "archived_snapshots": {}}
        if timestamp is not None:
            payload["timestamp"] = timestamp
        capture = _closest(self.captures.get(_key(url), []), timestamp)
        if capture is not None:
            stamp, status = capture
            closest: dict[str, object] = {
                "available": True,
                "url": f"http://web.archive.org/web/{stamp}/{url}",
                "timestamp": stamp,
            }
            if status is not None:
                closest["status"] = status
            payload["archived_snapshots"] = {"closest": closest}
        return payload

    def wait(self) -> None:
        """Sleep ``delay`` seconds, or less when the server stops meanwhile."""
        if self.delay > 0:
            self._stopping.wait(self.delay)

    def stop(self) -> None:
        self._stopping.set()
        if self._thread.is_alive():
            self._httpd.shutdown()
            self._thread.join()
        self._httpd.server_close()


def _key(url: str) -> str:
    return safe_url_string(urllib.parse.urldefrag(url).url)


def _stamp(when: datetime | str) -> str:
    if isinstance(when, str):
        return when
    return when.astimezone(UTC).strftime("%Y%m%d%H%M%S")


def _closest(
    captures: Sequence[tuple[str, str | None]], timestamp: str | None
) -> tuple[str, str | None] | None:
    """The latest capture at or before ``timestamp``, else the earliest after it. A partial
    timestamp ("2020") is padded, and 14-digit stamps compare as strings."""
    if not captures:
        return None
    ordered = sorted(captures)
    if timestamp is None:
        return ordered[-1]
    wanted = timestamp.ljust(14, "0")
    before = [capture for capture in ordered if capture[0] <= wanted]
    return before[-1] if before else ordered[0]


def _handler_class(fake: FakeWayback) -> type[BaseHTTPRequestHandler]:
    class WaybackHandler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            status, body = fake.answer(self.path, self.headers.get("User-Agent"))
            fake.wait()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up waiting (a timeout test)

        def log_message(self, format: str, *args: object) -> None:
            pass

    return WaybackHandler
