"""DNS rebinding: a name that answers a public address to the private-network guard and
127.0.0.1 to the connection gets nothing from the server on 127.0.0.1, in a link check (class
`private_network`, not `dns_error`) and in a crawl (counted, the run failed)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy import select

from pipeline.replicas.server import ReplicaServer, Response
from storage.db import make_engine, session_factory, session_scope
from storage.models import CrawlRun, LinkCheck
from tests.conftest import CliResult, run_cli
from tests.helpers import write_config
from tests.pipeline.links.test_check_links import listed, url_file, write_link_config

NAME = "rebind.citywatch.test"
PUBLIC = "93.184.216.34"  # what the name answers first; never connected to


class InternalSite:
    """What must stay unreachable: a page on 127.0.0.1 (an admin panel, a metadata service)."""

    def handle(self, method: str, target: str, headers: Mapping[str, str], state: int) -> Response:
        if urlsplit(target).path == "/robots.txt":
            return Response(404, [("Content-Type", "text/plain")], b"")
        body = b"<html><head><title>Internal admin</title></head><body>secrets</body></html>"
        return Response(200, [("Content-Type", "text/html")], body)


def rebinding_cli(*args: str) -> CliResult:
    completed = subprocess.run(
        [sys.executable, "-m", "tests.dns_rebinding", NAME, PUBLIC, "--", *args],
        capture_output=True,
        text=True,
        timeout=180,
    )
    return CliResult(completed.returncode, completed.stdout, completed.stderr)


def production(config: Path) -> None:
    """The config as in production: private networks refused."""
    text = config.read_text("utf-8").replace("allow_private_networks = true", "")
    config.write_text(text, "utf-8")


def test_a_rebinding_name_is_refused_by_the_link_checker(tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path / 'c.db'}"
    with ReplicaServer(InternalSite()) as internal:
        url = f"http://{NAME}:{internal.port}/admin"
        config = write_link_config(tmp_path, database)
        production(config)
        assert run_cli("--config", str(config), "init").code == 0
        checked = rebinding_cli(
            "--config", str(config), "check-links", str(url_file(tmp_path, [url]))
        )
        asked = internal.request_counts

    assert checked.code == 0, checked.stderr[-3000:]
    assert asked == {}
    assert listed(config)[url]["class"] == "private_network"
    engine = make_engine(database)
    try:
        with session_scope(session_factory(engine)) as session:
            error = session.scalars(select(LinkCheck.error)).one()
    finally:
        engine.dispose()
    assert f"{NAME} resolved to 127.0.0.1 when connecting: not public" in str(error)


def test_a_rebinding_name_is_refused_and_counted_by_a_crawl(tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path / 'c.db'}"
    with ReplicaServer(InternalSite()) as internal:
        config = write_config(tmp_path, f"http://{NAME}:{internal.port}/covid-19/", database)
        production(config)
        assert run_cli("--config", str(config), "init").code == 0
        crawled = rebinding_cli("--config", str(config), "crawl")
        asked = internal.request_counts

    assert crawled.code == 1, crawled.stderr[-3000:]
    assert asked == {}
    engine = make_engine(database)
    try:
        with session_scope(session_factory(engine)) as session:
            run = session.scalars(select(CrawlRun)).one()
            status, refused = run.status, run.stats.get("citywatch/refused_private_network")
    finally:
        engine.dispose()
    assert status == "failed"
    assert refused is not None and refused >= 1
