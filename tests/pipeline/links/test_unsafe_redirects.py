"""Only http(s) is ever fetched by a link check: a redirect to file:, data:, ftp:, javascript:
is a classified outcome with its evidence, robots.txt and the probe do not follow one, and a
stored URL that cannot be requested at all is an `invalid_url` that stops nothing else."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from pipeline.replicas.server import ReplicaServer, Response
from storage.db import make_engine, session_factory, session_scope
from storage.models import Link, LinkCheck
from tests.conftest import run_cli
from tests.helpers import ListeningCounter
from tests.pipeline.links.test_check_links import check, listed, url_file, write_link_config

HTML = "text/html; charset=UTF-8"
SECRET_TITLE = "Secret of the local disk"
# What a file: URL would have read: a page with a title, padded to a size no answer has.
SECRET_PAGE = (
    f"<html><head><title>{SECRET_TITLE}</title></head><body><p>"
    + "private notes " * 200
    + "</p></body></html>"
).encode()
DATA_TITLE = "Inline data page"
ARTICLE = (
    b"<html><head><title>Participatory budget</title></head><body><main><h1>Participatory "
    b"budget</h1><p>The city council approved a participatory budget that gives each district "
    b"a share of the public works money, voted in open assemblies held in schools.</p></main>"
    b"</body></html>"
)


class HostileSite:
    """Redirects to other schemes: each ``/to/<name>`` to ``locations[name]``; robots.txt to a
    local file that disallows ``/page-b``; every unknown path (the probe) to a local copy of
    ``/page``, so that reading it would make ``/page`` look like an error page."""

    def __init__(self, locations: Mapping[str, str], robots_file: Path, probe_file: Path) -> None:
        self.locations = dict(locations)
        self.robots_file = robots_file
        self.probe_file = probe_file

    def handle(self, method: str, target: str, headers: Mapping[str, str], state: int) -> Response:
        path = urlsplit(target).path
        if path in ("/page", "/page-b"):
            return Response(200, [("Content-Type", HTML)], ARTICLE)
        if path == "/robots.txt":
            return _redirect(self.robots_file.as_uri())
        if path.startswith("/to/") and path.removeprefix("/to/") in self.locations:
            return _redirect(self.locations[path.removeprefix("/to/")])
        return _redirect(self.probe_file.as_uri())


def _redirect(location: str) -> Response:
    return Response(302, [("Location", location), ("Content-Type", HTML)], b"")


@pytest.fixture
def secrets_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "local-disk"
    folder.mkdir()
    (folder / "secret.html").write_bytes(SECRET_PAGE)
    (folder / "robots.txt").write_text("User-agent: *\nDisallow: /page-b\n", "utf-8")
    (folder / "probe.html").write_bytes(ARTICLE)
    return folder


@pytest.fixture
def ftp_port() -> Iterator[ListeningCounter]:
    counter = ListeningCounter()
    yield counter
    counter.close()


def test_redirects_to_other_schemes_are_classified_and_nothing_local_is_read(
    tmp_path: Path, secrets_dir: Path, ftp_port: ListeningCounter, database_url: str
) -> None:
    secret = secrets_dir / "secret.html"
    locations = {
        "file": secret.as_uri(),
        "data": f"data:text/html,<title>{DATA_TITLE}</title>" + "<p>inline</p>" * 300,
        "ftp": f"ftp://127.0.0.1:{ftp_port.port}/secret.html",
        "javascript": "javascript:alert(document.cookie)",
        "upper-case": "FILE://" + str(secret),
    }
    # Not a URL at all: the redirect cannot be followed, its 3xx is the answer.
    unusable = {"bad-host": "http://exa mple.org/x"}
    site = HostileSite(
        {**locations, **unusable}, secrets_dir / "robots.txt", secrets_dir / "probe.html"
    )
    with ReplicaServer(site) as server:
        urls = [f"{server.base_url}/to/{name}" for name in locations]
        page, page_b = f"{server.base_url}/page", f"{server.base_url}/page-b"
        bad_host = f"{server.base_url}/to/bad-host"
        config = write_link_config(tmp_path, database_url)
        assert run_cli("--config", str(config), "init").code == 0
        check(config, str(url_file(tmp_path, [*urls, page, page_b, bad_host])))
        rows = listed(config)
        exported = run_cli("--config", str(config), "export", "--links").stdout
        report = run_cli("--config", str(config), "report", "--format", "json").stdout

    assert {url: rows[url]["class"] for url in urls} == dict.fromkeys(urls, "unsafe_redirect")
    # Neither robots.txt nor the probe was read from the disk: /page-b is not disallowed, and
    # /page does not look like the answer to a made-up URL.
    assert rows[page]["class"] == "ok"
    assert rows[page_b]["class"] == "ok"
    assert (rows[bad_host]["class"], rows[bad_host]["http_status"]) == ("server_error", 302)
    assert ftp_port.accepted == 0
    for url in urls:
        assert rows[url]["state"] == "failing"
        assert rows[url]["http_status"] is None
        assert rows[url]["final_url"] is None

    checks = _checks(database_url)
    for name, url in zip(locations, urls, strict=True):
        row = checks[url]
        assert row.evidence == {
            "chain": [[url, 302]],
            "error_kind": "unsafe_redirect",
            "location": locations[name][:2000],
        }
        scheme = locations[name].split(":", 1)[0].lower()
        assert row.error == f"redirect to a {scheme}: URL, not followed"
        assert (row.title, row.size, row.final_url, row.fingerprint) == (None, None, None, None)
    assert checks[bad_host].evidence == {
        "chain": [[bad_host, 302]],
        "reason": "redirect without a usable Location",
    }
    for text in (json.dumps(rows), exported, report):
        assert SECRET_TITLE not in text
        assert "private notes" not in text
        assert DATA_TITLE not in text
    assert str(len(SECRET_PAGE)) not in json.dumps(
        [(row.size, row.evidence, row.error) for row in checks.values()]
    )


def test_a_stored_url_that_cannot_be_requested_is_invalid_and_the_others_are_checked(
    tmp_path: Path, secrets_dir: Path, database_url: str
) -> None:
    site = HostileSite({}, secrets_dir / "robots.txt", secrets_dir / "probe.html")
    with ReplicaServer(site) as server:
        page = f"{server.base_url}/page"
        bad = ["https://exa mple.org/", "http://[::1/", f"file://{secrets_dir}/secret.html"]
        config = write_link_config(tmp_path, database_url)
        assert run_cli("--config", str(config), "init").code == 0
        _store_links(database_url, [*bad, page])  # as an older version stored them
        result = run_cli("--config", str(config), "check-links", "--all")
        rows = listed(config)
        asked = server.request_counts

    assert result.code == 0, result.stderr[-3000:]
    assert "start_error" not in result.stderr
    assert asked["/page"] == 1
    assert {url: rows[url]["class"] for url in [*bad, page]} == {
        "https://exa mple.org/": "invalid_url",
        "http://[::1/": "invalid_url",
        f"file://{secrets_dir}/secret.html": "invalid_url",
        page: "ok",
    }
    checks = _checks(database_url)
    assert checks["https://exa mple.org/"].error == (
        "not a URL that can be requested: 'exa mple.org' contains a forbidden domain code point"
    )
    assert checks["http://[::1/"].error == "not a URL that can be requested: Invalid IPv6 URL"
    assert checks[f"file://{secrets_dir}/secret.html"].error == (
        "a file: URL: only http(s) is fetched"
    )
    assert checks["https://exa mple.org/"].evidence == {"error_kind": "invalid_url"}
    assert SECRET_TITLE not in json.dumps(rows)


def _store_links(database_url: str, urls: list[str]) -> None:
    engine = make_engine(database_url)
    try:
        with session_scope(session_factory(engine)) as session:
            for url in urls:
                session.add(Link(url=url, origin="cli", first_seen=datetime.now(UTC)))
    finally:
        engine.dispose()


def _checks(database_url: str) -> dict[str, LinkCheck]:
    """The latest check of each link, by URL."""
    engine = make_engine(database_url)
    try:
        with session_scope(session_factory(engine)) as session:
            rows = session.execute(
                select(Link.url, LinkCheck)
                .join(LinkCheck, LinkCheck.link_id == Link.id)
                .order_by(LinkCheck.checked_at)
            )
            latest = {url: check_row for url, check_row in rows}
            session.expunge_all()
            return latest
    finally:
        engine.dispose()
