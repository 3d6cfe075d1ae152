"""The link zoo: every edge a link checker meets, served on 127.0.0.1 with its expected class.

>>> with LinkZoo(slow_seconds=2.0) as zoo:             # doctest: +SKIP
...     for link in zoo.links():                      # one link per case
...         print(link.case, link.url, link.expected_class)

Three addresses: the main origin (``main_url``, a WordPress site with one path family per case,
`pipeline.replicas.link_zoo.site.ZooSite`), a catch-all origin (``catchall_url``: any unknown
path answers 200 with the home page, so only a probe of a made-up URL reveals a deleted page)
and a port nothing listens on (``refused_url``; the zoo holds it bound, so no one else takes
it). TLS errors are an ``https://`` URL of the plain-HTTP main port; DNS errors ``.invalid``
hosts. `pipeline.replicas.link_zoo.cases` lists the cases and how a mix of N links is made.

State 2 (`set_state`): each ``/articles/old-<n>`` answers 404 and its article, under another
menu, appears at ``/articles/new-<n>`` with no redirect (`moved_pairs`); each ``/drift/<n>``
keeps its title over a rewritten text (`drifting_urls`).

``python -m pipeline.replicas.link_zoo`` serves the zoo in a process of its own.
"""

from __future__ import annotations

import socket
import sys
import traceback
from http.server import BaseHTTPRequestHandler

from pipeline.replicas.link_zoo.cases import CASES, Origins, ZooLink, case_counts, mix
from pipeline.replicas.link_zoo.site import HANGUP_PREFIX, PortalSite, ZooSite
from pipeline.replicas.server import CONTROL_PREFIX, ReplicaServer, Response, Site, StopOnExit

__all__ = ["CASES", "DEFAULT_SLOW_SECONDS", "LinkZoo", "ZooLink", "case_counts"]

DEFAULT_SLOW_SECONDS = 7.0
# What the plain-HTTP port answers to a TLS ClientHello: a TLS client reads "HTTP/1.1 400" as a
# record of an unknown type and fails its handshake ("wrong version number").
NOT_TLS = (
    b"HTTP/1.1 400 Bad Request\r\nServer: Apache\r\nContent-Type: text/html\r\n"
    b"Content-Length: 0\r\nConnection: close\r\n\r\n"
)


class LinkZoo(StopOnExit):
    """The zoo's two servers, started at once; a context manager that stops them."""

    def __init__(self, *, slow_seconds: float = DEFAULT_SLOW_SECONDS) -> None:
        self.site = ZooSite(slow_seconds)
        self.main = _serve(self.site)
        self.catchall = _serve(PortalSite())
        # Bound but not listening: connecting is refused, and no other socket takes the port.
        self._reserved = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._reserved.bind((self.main.host, 0))
        refused_port = self._reserved.getsockname()[1]
        self.main_url = self.main.base_url
        self.catchall_url = self.catchall.base_url
        self.refused_url = f"http://{self.main.host}:{refused_port}/x"
        self._origins = Origins(
            self.main_url, self.catchall_url, self.refused_url.removesuffix("/x")
        )

    def links(self, count: int | None = None) -> list[ZooLink]:
        """One link per case (None), or a mix of ``count`` (`cases.case_counts` says how many
        of each: the same for the same count)."""
        if count is None:
            return [case.link(self._origins, 0) for case in CASES]
        return mix(self._origins, count)

    def moved_pairs(self, count: int | None = None) -> list[tuple[str, str]]:
        """(old URL, new URL) of the ``moved-without-redirect`` links of ``links(count)``."""
        return [
            (link.url, link.url.replace("/articles/old-", "/articles/new-"))
            for link in self.links(count)
            if link.case == "moved-without-redirect"
        ]

    def drifting_urls(self, count: int | None = None) -> list[str]:
        """The links of ``links(count)`` whose text state 2 rewrites."""
        return [link.url for link in self.links(count) if link.case == "drift"]

    def set_state(self, state: int) -> None:
        self.main.set_state(state)
        self.catchall.set_state(state)

    def requests_made(self) -> int:
        """Requests both origins answered (or hung up on) since the start or `reset_counts`."""
        answered = sum(self.main.request_counts.values())
        answered += sum(self.catchall.request_counts.values())
        return answered + self.site.hangups

    def reset_counts(self) -> None:
        """Zero the request counts, and the flaky paths' counters: their next request fails
        again (between two checkers that did not make the same number of requests)."""
        self.main.reset_counts()
        self.catchall.reset_counts()
        self.site.reset()

    def stop(self) -> None:
        self.site.stopping.set()
        self.main.stop()
        self.catchall.stop()
        self._reserved.close()


def _serve(site: Site) -> ReplicaServer:
    server = ReplicaServer(site, handler=_handler_class)
    return server


def _handler_class(server: ReplicaServer) -> type[BaseHTTPRequestHandler]:
    """The replica handler, with what only the zoo needs: each response names its own
    ``Server``, ``/hangup/`` paths are closed unanswered, and a TLS handshake gets plain HTTP."""

    class ZooRequestHandler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # As nginx's tcp_nodelay: headers and body are two writes, and Nagle's algorithm would
        # hold the second until the client's delayed ACK (40 ms) on every kept-alive request.
        disable_nagle_algorithm = True
        timeout = 30  # an idle keep-alive connection must not pin a thread forever

        def handle(self) -> None:
            try:
                first = self.connection.recv(1, socket.MSG_PEEK)
                if first == b"\x16":  # a TLS record: the handshake of an https:// URL
                    # Read the ClientHello first: closing with unread data would send a reset.
                    self.connection.recv(65536)
                    self.wfile.write(NOT_TLS)
                    return
                super().handle()
            except (ConnectionError, TimeoutError):
                # A checker that gave up on a slow answer: the zoo's daily business, no error.
                self.close_connection = True

        def do_GET(self) -> None:
            self._answer("GET")

        def do_HEAD(self) -> None:
            self._answer("HEAD")

        def do_POST(self) -> None:
            self._answer("POST")

        def _answer(self, method: str) -> None:
            if self.path.startswith(HANGUP_PREFIX) and isinstance(server.site, ZooSite):
                server.site.hang_up()
                self.close_connection = True
                return
            headers = {key.lower(): value for key, value in self.headers.items()}
            length = int(headers.get("content-length", "0") or "0")
            body = self.rfile.read(length) if length else b""
            if self.path == CONTROL_PREFIX + "reset" and isinstance(server.site, ZooSite):
                server.site.reset()  # the flaky paths fail again, as after `reset_counts`
            try:
                response = server.respond(method, self.path, headers, body)
            except Exception as error:  # a zoo bug must surface as a 500, not a hang
                sys.stderr.write(f"link zoo error on {method} {self.path}:\n")
                traceback.print_exc()
                text = f"link zoo error: {error!r}\n".encode()
                response = Response(500, [("Content-Length", str(len(text)))], text)
            self.send_response_only(response.status)
            self.send_header("Date", self.date_time_string())
            # LinkChecker paces itself to a few requests a second per host unless the server
            # sends this header; the benchmark compares checkers at the same concurrency.
            self.send_header("LinkChecker", "allowed")
            for name, value in response.headers:
                self.send_header(name, value)
            self.end_headers()
            if method != "HEAD" and response.status not in (204, 304):
                self.wfile.write(response.body)

        def log_message(self, format: str, *args: object) -> None:
            if server.verbose:
                sys.stderr.write(f"{self.address_string()} - {format % args}\n")

    return ZooRequestHandler
