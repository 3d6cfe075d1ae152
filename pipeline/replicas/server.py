"""A local HTTP server for replica sites, in a thread or (through ``__main__``) in a subprocess.

The server is generic: it owns sockets, request counting, the replica's *state* and the HTTP
validators (``ETag`` / ``Last-Modified`` and the 304 answers to conditional requests), so that
every replica behaves like a well-configured web server. What the replica serves is a `Site`: one
object answering ``handle(method, target, headers, state)``.

States (`pipeline.replicas.states`), each derived from the baseline, so that any switch is valid:

- 1: the baseline, as generated from the seed and the size;
- 2: one record added, one edited, one removed (the site's ``added_id``, ``edited_id``,
  ``removed_id``);
- 3: churn: about 1% of the records edited (at least one; the site's ``churned_ids``), nothing
  added or removed. An edited record changes everywhere a real CMS changes it (title or text,
  modified date in the REST API, meta tags and JSON-LD, ``Last-Modified`` / ``ETag``, sitemap
  ``lastmod``); every other record page keeps its bytes and validators.

Control endpoints, for tests that run the server out of process:

- ``POST /__replica__/state`` with body ``2`` switches to state 2 (``3``: state 3, ``1`` back to
  the baseline; anything else is a 400);
- ``GET /__replica__/stats`` returns ``{"state": n, "total": n, "counts": {path: n},
  "targets": {path_with_query: n}}``;
- ``POST /__replica__/reset`` zeroes the request counts.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import sys
import threading
import traceback
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Protocol, Self

from pipeline.replicas.states import checked_state

__all__ = [
    "CONTROL_PREFIX",
    "SITES",
    "SITE_MODULES",
    "ReplicaServer",
    "RequestRecord",
    "Response",
    "Site",
    "SiteOptions",
    "StopOnExit",
]

CONTROL_PREFIX = "/__replica__/"
DEFAULT_HOST = "127.0.0.1"


@dataclass(frozen=True)
class Response:
    """What a site answers: status, headers (a name may repeat, e.g. ``Link``) and body."""

    status: int
    headers: Sequence[tuple[str, str]] = ()
    body: bytes = b""

    def header(self, name: str) -> str | None:
        """The first value of header ``name`` (case-insensitive), or None."""
        wanted = name.lower()
        return next((value for key, value in self.headers if key.lower() == wanted), None)


class Site(Protocol):
    """A replica of one platform. ``headers`` has lower-cased names; ``target`` keeps its query."""

    def handle(
        self, method: str, target: str, headers: Mapping[str, str], state: int
    ) -> Response: ...


@dataclass(frozen=True)
class SiteOptions:
    """Options common to replica factories; a factory ignores those that mean nothing to it."""

    seed: int = 1
    size: int | None = None  # None: the site's own default
    rest_api: bool = True
    # Names from pipeline.replicas.wordpress.quirks.QUIRKS; a factory rejects unknown ones.
    quirks: frozenset[str] = frozenset()


def _lazy(module: str) -> Callable[[SiteOptions], Site]:
    """A replica defined in ``module`` by ``make_site(options) -> Site``, imported when served
    (so that the server module stays importable on its own: no import cycle)."""

    def factory(options: SiteOptions) -> Site:
        make_site: Callable[[SiteOptions], Site] = importlib.import_module(module).make_site
        return make_site(options)

    return factory


# The module of each replica: its ``make_site(options)``, ``QUIRKS`` (name -> what it changes)
# and ``DEFAULT_SIZE`` (absent when the site has a fixed content).
SITE_MODULES: dict[str, str] = {
    "mercociudades_covid": "pipeline.replicas.mercociudades",
    "cities_for_global_health": "pipeline.replicas.cities_for_global_health",
    "beyond_the_outbreak": "pipeline.replicas.beyond_the_outbreak",
    "bank_of_best_practices": "pipeline.replicas.bank_of_best_practices",
    "idb_cities_network": "pipeline.replicas.idb_cities_network",
    "bibliography": "pipeline.replicas.bibliography",
}
SITES: dict[str, Callable[[SiteOptions], Site]] = {
    key: _lazy(module) for key, module in SITE_MODULES.items()
}


@dataclass(frozen=True)
class RequestRecord:
    """One request as the server saw it (control requests are not recorded)."""

    method: str
    target: str
    status: int
    headers: Mapping[str, str] = field(default_factory=dict)


class _Server(ThreadingHTTPServer):
    # socketserver's default backlog of 5 drops the SYNs of a crawler opening 16 connections at
    # once; the kernel then retries after 1, 3, 7... seconds and requests time out.
    request_queue_size = 128
    daemon_threads = True


class StopOnExit(ABC):
    """``with server:`` stops the server on the way out, whatever happened inside."""

    @abstractmethod
    def stop(self) -> None: ...

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


class ReplicaServer(StopOnExit):
    """Serve ``site`` on ``host:port`` (0 = any free port) from a daemon thread, at once.

    >>> with ReplicaServer(site) as server:            # doctest: +SKIP
    ...     urlopen(server.base_url + "/covid-19/")
    """

    def __init__(
        self,
        site: Site,
        host: str = DEFAULT_HOST,
        port: int = 0,
        *,
        verbose: bool = False,
        handler: Callable[[ReplicaServer], type[BaseHTTPRequestHandler]] | None = None,
    ) -> None:
        self.site = site
        self.verbose = verbose
        self._state = 1
        self._lock = threading.Lock()
        self._counts: Counter[str] = Counter()  # by request target: path and query
        self._log: list[RequestRecord] = []
        # ``handler``: a handler class of one's own (the link zoo's answers TLS and hangs up).
        self._httpd = _Server((host, port), (handler or _handler_class)(self))
        self._httpd.daemon_threads = True
        bound_host, bound_port = self._httpd.server_address[:2]
        self.host = str(bound_host)
        self.port = int(bound_port)
        # A short poll interval, so that stop() (and each test's teardown) returns at once.
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"replica-{self.port}",
            daemon=True,
        )
        self._thread.start()

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def state(self) -> int:
        with self._lock:
            return self._state

    def set_state(self, state: int) -> None:
        checked_state(state)
        with self._lock:
            self._state = state

    @property
    def request_counts(self) -> dict[str, int]:
        """How many requests each path (query left out) received, control requests aside."""
        by_path: Counter[str] = Counter()
        for target, count in self.target_counts.items():
            by_path[target.split("?", 1)[0]] += count
        return dict(by_path)

    @property
    def target_counts(self) -> dict[str, int]:
        """How many requests each target (path with query) received, control requests aside."""
        with self._lock:
            return dict(self._counts)

    @property
    def request_log(self) -> list[RequestRecord]:
        with self._lock:
            return list(self._log)

    def reset_counts(self) -> None:
        with self._lock:
            self._counts.clear()
            self._log.clear()

    def stop(self) -> None:
        if self._thread.is_alive():
            self._httpd.shutdown()
            self._thread.join()
        self._httpd.server_close()

    def respond(
        self, method: str, target: str, headers: Mapping[str, str], body: bytes = b""
    ) -> Response:
        """Answer one request the way the HTTP handler does (also usable without sockets)."""
        if target.startswith(CONTROL_PREFIX):
            text = body.decode("utf-8", "replace")
            return _with_length(self._control(method, target, text))
        state = self.state
        response = self.site.handle(method, target, headers, state)
        response = _with_validators(response)
        if method in ("GET", "HEAD") and _not_modified(response, headers):
            kept = [(k, v) for k, v in response.headers if k.lower() != "content-length"]
            response = Response(304, kept, b"")
        with self._lock:
            self._counts[target] += 1
            self._log.append(RequestRecord(method, target, response.status, dict(headers)))
        return response

    def _control(self, method: str, target: str, body: str) -> Response:
        path = target.split("?", 1)[0]
        if path == CONTROL_PREFIX + "state" and method == "POST":
            try:
                self.set_state(int(body.strip()))
            except ValueError as error:
                return _json_response(400, {"error": str(error)})
            return _json_response(200, {"state": self.state})
        if path == CONTROL_PREFIX + "reset" and method == "POST":
            self.reset_counts()
            return _json_response(200, {"state": self.state})
        if path == CONTROL_PREFIX + "stats" and method in ("GET", "HEAD"):
            counts = self.request_counts
            stats = {
                "state": self.state,
                "total": sum(counts.values()),
                "counts": counts,
                "targets": self.target_counts,
            }
            return _json_response(200, stats)
        return _json_response(404, {"error": f"no control endpoint {method} {path}"})


def _json_response(status: int, payload: object) -> Response:
    body = json.dumps(payload, sort_keys=True).encode()
    return Response(status, [("Content-Type", "application/json")], body)


def _with_length(response: Response) -> Response:
    headers = [(k, v) for k, v in response.headers if k.lower() != "content-length"]
    headers.append(("Content-Length", str(len(response.body))))
    return Response(response.status, headers, response.body)


def _with_validators(response: Response) -> Response:
    """Add a strong ETag (body digest) to a 200 that has none, and a correct Content-Length."""
    if response.status == 200 and response.header("etag") is None:
        digest = hashlib.sha1(response.body).hexdigest()[:20]
        response = Response(200, [*response.headers, ("ETag", f'"{digest}"')], response.body)
    return _with_length(response)


def _not_modified(response: Response, request_headers: Mapping[str, str]) -> bool:
    """RFC 9110 section 13.2.2: If-None-Match decides when present, else If-Modified-Since."""
    if response.status != 200:
        return False
    if_none_match = request_headers.get("if-none-match")
    etag = response.header("etag")
    if if_none_match is not None:
        if etag is None:
            return False
        candidates = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return "*" in candidates or etag.removeprefix("W/") in candidates
    if_modified_since = request_headers.get("if-modified-since")
    last_modified = response.header("last-modified")
    if if_modified_since is None or last_modified is None:
        return False
    try:
        return parsedate_to_datetime(last_modified) <= parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError):
        return False  # an unparsable date is ignored, as servers do


def _handler_class(server: ReplicaServer) -> type[BaseHTTPRequestHandler]:
    class ReplicaRequestHandler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # As nginx's tcp_nodelay: headers and body are two writes, and Nagle's algorithm would
        # hold the second until the client's delayed ACK (40 ms) on every kept-alive request.
        disable_nagle_algorithm = True
        server_version = "Apache"
        timeout = 30  # an idle keep-alive connection must not pin a thread forever

        def version_string(self) -> str:
            return self.server_version

        def do_GET(self) -> None:
            self._answer("GET")

        def do_HEAD(self) -> None:
            self._answer("HEAD")

        def do_POST(self) -> None:
            self._answer("POST")

        def _answer(self, method: str) -> None:
            headers = {key.lower(): value for key, value in self.headers.items()}
            length = int(headers.get("content-length", "0") or "0")
            body = self.rfile.read(length) if length else b""
            try:
                response = server.respond(method, self.path, headers, body)
            except Exception as error:  # a replica bug must surface as a 500, not a hang
                sys.stderr.write(f"replica error on {method} {self.path}:\n")
                traceback.print_exc()
                body = f"replica error: {error!r}\n".encode()
                response = Response(500, [("Content-Type", "text/plain; charset=utf-8")], body)
                response = _with_validators(response)
            self.send_response(response.status)
            for name, value in response.headers:
                self.send_header(name, value)
            self.end_headers()
            if method != "HEAD" and response.status not in (204, 304):
                self.wfile.write(response.body)

        def log_message(self, format: str, *args: object) -> None:
            if server.verbose:
                sys.stderr.write(f"{self.address_string()} - {format % args}\n")

    return ReplicaRequestHandler
