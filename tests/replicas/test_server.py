"""The generic replica server: HEAD, validators and 304s, state, counts, control, subprocess CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator, Mapping

import pytest

from pipeline.replicas.server import SITES, ReplicaServer, Response
from tests.replicas.conftest import fetch

LAST_MODIFIED = "Wed, 15 Apr 2020 13:00:00 GMT"


class EchoSite:
    """A minimal `Site`: echoes the state, fails on /boom."""

    def handle(self, method: str, target: str, headers: Mapping[str, str], state: int) -> Response:
        if target == "/boom":
            raise RuntimeError("boom")
        body = f"state {state} {target}".encode()
        return Response(
            200, [("Content-Type", "text/plain"), ("Last-Modified", LAST_MODIFIED)], body
        )


@pytest.fixture
def echo() -> Iterator[ReplicaServer]:
    with ReplicaServer(EchoSite()) as running:
        yield running


def test_base_url_is_local_and_bound(echo: ReplicaServer) -> None:
    assert echo.base_url.startswith("http://127.0.0.1:")
    assert echo.port > 0


def test_head_has_get_headers_without_body(echo: ReplicaServer) -> None:
    got = fetch(echo.base_url + "/a")
    head = fetch(echo.base_url + "/a", method="HEAD")
    assert head.status == 200
    assert head.body == b""
    assert head.header("Content-Length") == str(len(got.body))
    assert head.header("Content-Type") == "text/plain"


def test_etag_and_conditional_requests(echo: ReplicaServer) -> None:
    first = fetch(echo.base_url + "/a")
    etag = first.header("ETag")
    assert etag and etag.startswith('"')
    assert fetch(echo.base_url + "/a", If_None_Match=etag).status == 304
    assert fetch(echo.base_url + "/a", If_None_Match=f'"other", W/{etag}').status == 304
    assert fetch(echo.base_url + "/a", If_None_Match='"other"').status == 200
    assert fetch(echo.base_url + "/a", If_Modified_Since=LAST_MODIFIED).status == 304
    earlier = "Tue, 14 Apr 2020 13:00:00 GMT"
    assert fetch(echo.base_url + "/a", If_Modified_Since=earlier).status == 200
    # If-None-Match decides when both are sent
    both = fetch(echo.base_url + "/a", If_None_Match='"x"', If_Modified_Since=LAST_MODIFIED)
    assert both.status == 200
    not_modified = fetch(echo.base_url + "/a", If_None_Match=etag)
    assert not_modified.body == b""
    assert not_modified.header("ETag") == etag


def test_state_switch_changes_answers_and_etag(echo: ReplicaServer) -> None:
    before = fetch(echo.base_url + "/a")
    echo.set_state(2)
    after = fetch(echo.base_url + "/a")
    assert after.body.startswith(b"state 2")
    assert after.header("ETag") != before.header("ETag")
    with pytest.raises(ValueError):
        echo.set_state(0)


def test_request_counts_by_target(echo: ReplicaServer) -> None:
    fetch(echo.base_url + "/a?x=1")
    fetch(echo.base_url + "/a?x=1")
    fetch(echo.base_url + "/b", method="HEAD")
    assert echo.request_counts == {"/a": 2, "/b": 1}
    assert echo.target_counts == {"/a?x=1": 2, "/b": 1}
    assert [record.method for record in echo.request_log] == ["GET", "GET", "HEAD"]
    echo.reset_counts()
    assert echo.request_counts == {}


def test_control_endpoints(echo: ReplicaServer) -> None:
    fetch(echo.base_url + "/a")
    switched = fetch(echo.base_url + "/__replica__/state", method="POST", body=b"2")
    assert switched.status == 200 and switched.json() == {"state": 2}
    assert echo.state == 2
    stats = fetch(echo.base_url + "/__replica__/stats").json()
    assert stats == {"state": 2, "total": 1, "counts": {"/a": 1}, "targets": {"/a": 1}}
    bad = fetch(echo.base_url + "/__replica__/state", method="POST", body=b"two")
    assert bad.status == 400
    assert fetch(echo.base_url + "/__replica__/reset", method="POST", body=b"").status == 200
    assert echo.request_counts == {}


def test_site_error_is_a_500(echo: ReplicaServer, capsys: pytest.CaptureFixture[str]) -> None:
    assert fetch(echo.base_url + "/boom").status == 500
    assert "boom" in capsys.readouterr().err


def test_registry_names_the_mercociudades_replica() -> None:
    assert "mercociudades_covid" in SITES


def test_cli_serves_in_a_subprocess() -> None:
    command = [
        sys.executable,
        "-m",
        "pipeline.replicas",
        "serve",
        "mercociudades_covid",
        "--port",
        "0",
        "--size",
        "25",
        "--seed",
        "3",
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        base = process.stdout.readline().strip()
        assert base.startswith("http://127.0.0.1:")
        posts = fetch(base + "/wp-json/wp/v2/posts?per_page=100")
        assert posts.header("X-WP-Total") == "25"
        assert fetch(base + "/__replica__/state", method="POST", body=b"2").status == 200
        after = fetch(base + "/wp-json/wp/v2/posts?per_page=100")
        assert after.header("X-WP-Total") == "25"  # one added, one removed
        assert {p["id"] for p in after.json()} != {p["id"] for p in posts.json()}
        stats = json.loads(fetch(base + "/__replica__/stats").body)
        assert stats["state"] == 2
        assert stats["counts"]["/wp-json/wp/v2/posts"] == 2
        assert stats["targets"]["/wp-json/wp/v2/posts?per_page=100"] == 2
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()
    assert process.returncode == 0
