"""A link check decodes a compressed body no further than it reads it: a gzip bomb (1 MB that
inflates to 1 GiB) costs `link_check.max_body_bytes`, not a gigabyte, on every path (the page,
the probe, robots.txt), and the page is classified by what it answered."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from pipeline.replicas.server import ReplicaServer, Response
from storage.db import make_engine, session_factory, session_scope
from storage.models import Link, LinkCheck
from tests.conftest import run_cli
from tests.helpers import GIB, gzip_bomb, run_cli_measured
from tests.pipeline.links.test_check_links import listed, url_file, write_link_config

# What the checking process may reach: its own baseline is about 140 MiB; without a bound on
# decoding, the bomb alone inflates to 1,024 MiB.
MAX_RSS_MIB = 400
HEAD = b"<html><head><title>Annual report</title></head><body><p>Annual report.</p>"
ARTICLE = (
    b"<html><head><title>Participatory budget</title></head><body><main><h1>Participatory "
    b"budget</h1><p>The city council approved a participatory budget that gives each district "
    b"a share of the public works money, voted in open assemblies held in schools.</p></main>"
    b"</body></html>"
)


class BombSite:
    """``/bomb`` and every unknown path (the probe) answer the 1 GiB bomb, robots.txt a 100 MiB
    one (robots.txt is read up to 500 kB as sent), ``/page`` a plain page."""

    def __init__(self, bomb: bytes, robots_bomb: bytes) -> None:
        self.bomb = bomb
        self.robots_bomb = robots_bomb

    def handle(self, method: str, target: str, headers: Mapping[str, str], state: int) -> Response:
        path = urlsplit(target).path
        if path == "/page":
            return Response(200, [("Content-Type", "text/html")], ARTICLE)
        body = self.robots_bomb if path == "/robots.txt" else self.bomb
        kind = "text/plain" if path == "/robots.txt" else "text/html; charset=utf-8"
        return Response(200, [("Content-Type", kind), ("Content-Encoding", "gzip")], body)


@pytest.fixture(scope="module")
def bombs(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, bytes]:
    folder = tmp_path_factory.mktemp("bombs")
    return (
        gzip_bomb(folder / "1gib.gz", GIB, HEAD),
        gzip_bomb(folder / "100mib.gz", 100 << 20, b"User-agent: *\nDisallow: /private/\n"),
    )


def test_a_gzip_bomb_is_read_up_to_the_bound_and_classified(
    tmp_path: Path, bombs: tuple[bytes, bytes]
) -> None:
    bomb, robots_bomb = bombs
    assert len(bomb) < 1_100_000
    with ReplicaServer(BombSite(bomb, robots_bomb)) as server:
        database = f"sqlite:///{tmp_path / 'c.db'}"
        config = write_link_config(tmp_path, database)
        assert run_cli("--config", str(config), "init").code == 0
        urls = [f"{server.base_url}/bomb", f"{server.base_url}/page"]
        code, stderr, peak_mib = run_cli_measured(
            "--config", str(config), "check-links", str(url_file(tmp_path, urls))
        )
        rows = listed(config)
        asked = server.request_counts

    assert code == 0, stderr[-3000:]
    assert peak_mib < MAX_RSS_MIB, f"peak RSS {peak_mib} MiB"
    assert asked["/robots.txt"] == 1
    assert {url: rows[url]["class"] for url in urls} == dict.fromkeys(urls, "ok")
    engine = make_engine(database)
    try:
        with session_scope(session_factory(engine)) as session:
            bomb_check = session.scalars(
                select(LinkCheck).join(Link).where(Link.url == urls[0])
            ).one()
            assert bomb_check.evidence == {
                "body_cut": {"content_encoding": "gzip", "decoded_bytes": 1_000_000}
            }
            assert bomb_check.title == "Annual report"
            assert bomb_check.size == len(bomb)  # as sent (Content-Length), not as inflated
    finally:
        engine.dispose()
