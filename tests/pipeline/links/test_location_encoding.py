"""A link check reads a redirect's ``Location`` as browsers and Scrapy's RedirectMiddleware do:
UTF-8 bytes are UTF-8 (``/café`` leads to ``/caf%C3%A9``, not to ``/cafÃ©``), and bytes that
are not UTF-8 are percent-encoded as sent."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

from scrapy.http import HtmlResponse

from crawler.spiders.link_checker import _location
from pipeline.replicas.server import ReplicaServer, Response
from tests.conftest import run_cli
from tests.pipeline.links.test_check_links import check, listed, url_file, write_link_config

PAGE = b"<html><head><title>Cafe</title></head><body><p>" + b"Cafe de la plaza. " * 20 + b"</p>"
# Header values go out as Latin-1: these strings are the bytes a server sends.
LOCATIONS = {
    "/old-utf8": "/caf\u00c3\u00a9",  # "/café" in UTF-8: c3 a9
    "/old-latin1": "/caf\u00e9",  # "/café" in Latin-1: e9, no UTF-8
}
PAGES = {"/caf%C3%A9", "/caf%E9"}


class MovedCafe:
    def handle(self, method: str, target: str, headers: Mapping[str, str], state: int) -> Response:
        path = urlsplit(target).path
        if path in LOCATIONS:
            return Response(301, [("Location", LOCATIONS[path])])
        if path in PAGES:
            return Response(200, [("Content-Type", "text/html; charset=utf-8")], PAGE)
        return Response(404, [("Content-Type", "text/plain")], b"not here")


def test_a_location_is_read_as_utf8_and_other_bytes_are_kept(tmp_path: Path) -> None:
    with ReplicaServer(MovedCafe()) as server:
        config = write_link_config(tmp_path, f"sqlite:///{tmp_path / 'c.db'}")
        assert run_cli("--config", str(config), "init").code == 0
        urls = [f"{server.base_url}{path}" for path in LOCATIONS]
        check(config, str(url_file(tmp_path, urls)))
        rows = listed(config)

    assert {url: (rows[url]["class"], rows[url]["final_url"]) for url in urls} == {
        urls[0]: ("moved", f"{server.base_url}/caf%C3%A9"),
        urls[1]: ("moved", f"{server.base_url}/caf%E9"),
    }


def test_a_scheme_relative_location_names_its_host_as_idna() -> None:
    """``//bücher.example/x`` leads where a browser goes: the host IDNA-encoded, not
    percent-encoded (which names no host at all)."""
    answer = HtmlResponse(
        "http://127.0.0.1:8080/old",
        status=301,
        headers={"Location": "//bücher.example/caf\u00e9".encode()},
    )
    assert _location(answer) == "http://xn--bcher-kva.example/caf%C3%A9"
    assert _location(HtmlResponse("http://a.org/x", status=301)) == "http://a.org/x"
