"""Only http and https are ever fetched by a crawl: a cited document or an in-callback download
that redirects to file:, data: or ftp: is not followed, a URL of such a scheme finds no handler,
and nothing of the local file is stored."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from pipeline.replicas.pdf import make_pdf
from pipeline.replicas.server import ReplicaServer, Response
from tests.conftest import run_cli
from tests.helpers import ListeningCounter, read_jsonl, write_config

SECRET_TITLE = "Secret minutes of the local disk"
SECRET_PDF = make_pdf(SECRET_TITLE, ["Only on this machine."])
CITED_TITLE = "Cuaderno de buenas practicas urbanas"


class RedirectingSite:
    """``/to/<name>`` answers 302 to ``locations[name]``; ``/cited.pdf`` is a real document."""

    def __init__(self, locations: Mapping[str, str]) -> None:
        self.locations = dict(locations)

    def handle(self, method: str, target: str, headers: Mapping[str, str], state: int) -> Response:
        path = urlsplit(target).path
        if path == "/cited.pdf":
            return Response(200, [("Content-Type", "application/pdf")], make_pdf(CITED_TITLE))
        name = path.removeprefix("/to/")
        if name in self.locations:
            return Response(302, [("Location", self.locations[name])])
        return Response(404, [("Content-Type", "text/plain")], b"not here")


@pytest.fixture
def ftp() -> Iterator[ListeningCounter]:
    counter = ListeningCounter()
    yield counter
    counter.close()


def locations_to(secret: Path, ftp: ListeningCounter) -> dict[str, str]:
    pdf = base64.b64encode(SECRET_PDF).decode()
    return {
        "file": secret.as_uri(),
        "data": f"data:application/pdf;base64,{pdf}",
        "ftp": f"ftp://127.0.0.1:{ftp.port}/secret.pdf",
    }


def test_a_cited_document_redirecting_to_another_scheme_is_not_followed_nor_stored(
    tmp_path: Path, ftp: ListeningCounter
) -> None:
    secret = tmp_path / "secret.pdf"
    secret.write_bytes(SECRET_PDF)
    locations = locations_to(secret, ftp)
    with ReplicaServer(RedirectingSite(locations)) as server:
        cited = [f"{server.base_url}/to/{name}" for name in locations]
        config = write_config(
            tmp_path,
            f"{server.base_url}/cited.pdf",
            f"sqlite:///{tmp_path}/c.db",
            key="bibliography",
        )
        urls = ", ".join(f'"{url}"' for url in [*cited, f"{server.base_url}/cited.pdf"])
        text = config.read_text("utf-8")
        config.write_text(
            text.replace(f'start_urls = ["{server.base_url}/cited.pdf"]', f"start_urls = [{urls}]"),
            "utf-8",
        )
        assert run_cli("--config", str(config), "init").code == 0
        crawled = run_cli("--config", str(config), "crawl", "--source", "bibliography")
        exported = run_cli("--config", str(config), "export").stdout
        report = run_cli("--config", str(config), "report", "--format", "json").stdout

    assert crawled.code == 1, crawled.stderr[-3000:]  # partial: three documents failed
    records = read_jsonl(exported)
    assert [record["title"] for record in records] == [CITED_TITLE]
    assert ftp.accepted == 0
    for text in (exported, report, crawled.stdout):
        assert SECRET_TITLE not in text
        assert str(len(SECRET_PDF)) not in text
    for url in cited:
        assert f"page failed: {url}: Ignoring non-200 response" in crawled.stderr


def test_in_callback_downloads_never_fetch_another_scheme(
    tmp_path: Path, ftp: ListeningCounter
) -> None:
    secret = tmp_path / "secret.pdf"
    secret.write_bytes(SECRET_PDF)
    locations = locations_to(secret, ftp)
    with ReplicaServer(RedirectingSite(locations)) as server:
        config = write_config(tmp_path, server.base_url, f"sqlite:///{tmp_path}/c.db")
        redirects = [f"{server.base_url}/to/{name}" for name in locations]
        direct = list(locations.values())
        probed = subprocess.run(
            [
                sys.executable,
                "-m",
                "tests.crawler.download_probe",
                str(config),
                *redirects,
                *direct,
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert probed.returncode == 0, probed.stderr[-3000:]
    outcomes = {line["url"]: line for line in read_jsonl(probed.stdout)}
    for url in redirects:  # Scrapy's RedirectMiddleware hands the 302 back, unfollowed
        assert (outcomes[url]["status"], outcomes[url]["final_url"]) == (302, url)
        assert outcomes[url]["body"] == ""
    for scheme, url in zip(locations, direct, strict=True):  # no handler for the scheme
        assert outcomes[url] == {
            "url": url,
            "error": f"NotSupported: Unsupported URL scheme '{scheme}': no handler available "
            "for that scheme",
        }
    assert ftp.accepted == 0
    assert SECRET_TITLE not in json.dumps(outcomes)
