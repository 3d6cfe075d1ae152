"""Shared fixtures: replica sites, servers in a thread, and a small HTTP client.

The client does not follow redirects (tests look at the 301s themselves) and always closes its
connection, since ``filterwarnings = error`` turns an unclosed socket into a failure.
"""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest
from parsel import Selector

from pipeline.replicas.mercociudades import MercociudadesSite
from pipeline.replicas.server import ReplicaServer


@dataclass(frozen=True)
class Fetched:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)

    def header_all(self, name: str) -> list[str]:
        return [v for k, v in self.headers if k.lower() == name.lower()]

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    @property
    def html(self) -> Selector:
        return Selector(text=self.text)


def fetch(url: str, method: str = "GET", body: bytes | None = None, **headers: str) -> Fetched:
    """One request; ``headers`` given as If_None_Match="..." (underscores become dashes)."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)
    try:
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        named = {name.replace("_", "-"): value for name, value in headers.items()}
        connection.request(method, target or "/", body=body, headers=named)
        response = connection.getresponse()
        return Fetched(response.status, response.getheaders(), response.read())
    finally:
        connection.close()


@pytest.fixture(scope="session")
def site() -> MercociudadesSite:
    return MercociudadesSite(seed=1, size=60)


@pytest.fixture(scope="session")
def server(site: MercociudadesSite) -> Iterator[ReplicaServer]:
    """A baseline (state 1) server shared by read-only tests; state tests start their own."""
    with ReplicaServer(site) as running:
        yield running


@pytest.fixture(scope="session")
def base(server: ReplicaServer) -> str:
    return server.base_url
