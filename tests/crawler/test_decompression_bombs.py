"""A crawl bounds what it decompresses by `crawl.max_response_bytes` (20 MB): a page that is a
gzip bomb (1 MB inflating to 1 GiB) costs that bound, is refused with its reason, and makes the
run partial; the rest of the crawl is stored."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

from pipeline.replicas.pdf import make_pdf
from pipeline.replicas.server import ReplicaServer, Response
from tests.conftest import run_cli
from tests.helpers import GIB, gzip_bomb, read_jsonl, run_cli_measured, write_config

MAX_RSS_MIB = 400  # the crawl's own baseline is about 150 MiB; the bomb inflates to 1,024 MiB
CITED_TITLE = "Cuaderno de buenas practicas urbanas"


class Site:
    def __init__(self, bomb: bytes) -> None:
        self.bomb = bomb

    def handle(self, method: str, target: str, headers: Mapping[str, str], state: int) -> Response:
        path = urlsplit(target).path
        if path == "/cited.pdf":
            return Response(200, [("Content-Type", "application/pdf")], make_pdf(CITED_TITLE))
        if path == "/bomb.html":
            headers_out = [("Content-Type", "text/html"), ("Content-Encoding", "gzip")]
            return Response(200, headers_out, self.bomb)
        return Response(404, [("Content-Type", "text/plain")], b"not here")


def test_a_gzip_bomb_page_costs_the_crawl_bound_and_is_counted(tmp_path: Path) -> None:
    bomb = gzip_bomb(tmp_path / "1gib.gz", GIB, b"<html><head><title>Bomb</title></head>")
    with ReplicaServer(Site(bomb)) as server:
        bomb_url, cited_url = f"{server.base_url}/bomb.html", f"{server.base_url}/cited.pdf"
        database = f"sqlite:///{tmp_path}/c.db"
        config = write_config(tmp_path, [bomb_url, cited_url], database, key="bibliography")
        assert run_cli("--config", str(config), "init").code == 0
        code, stderr, peak_mib = run_cli_measured("--config", str(config), "crawl")
        exported = run_cli("--config", str(config), "export").stdout

    assert code == 1, stderr[-3000:]  # partial: one document failed
    assert peak_mib < MAX_RSS_MIB, f"peak RSS {peak_mib} MiB"
    assert (
        f"page failed: {bomb_url}: Ignored response <200 {bomb_url}> because its body "
        f"({len(bomb)} B compressed, " in stderr
    )
    assert "exceeded DOWNLOAD_MAXSIZE (20000000 B) during decompression" in stderr
    assert "run 1 of bibliography: partial" in stderr
    assert [record["title"] for record in read_jsonl(exported)] == [CITED_TITLE]
