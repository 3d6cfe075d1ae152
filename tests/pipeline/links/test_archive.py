"""The Wayback Machine lookup (pipeline/links/archive.py) against a local fake of its API."""

from __future__ import annotations

import gzip
import json
import logging
import socket
import time
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from pipeline.links.archive import (
    MAX_ANSWER_BYTES,
    ArchiveClient,
    ArchiveUnavailable,
    Snapshot,
    lookup_snapshot,
    wayback_timestamp,
)
from pipeline.replicas.server import ReplicaServer, Response
from tests.fake_wayback import FakeWayback
from tests.helpers import ListeningCounter

UA = "citywatch-test/1.0"
CITED = datetime(2020, 3, 1, 12, 0, tzinfo=UTC)
PAGE = "http://example.com/page"


def refused_endpoint() -> str:
    """An endpoint on a port nobody listens on: the connection is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/wayback/available"


def test_finds_the_closest_snapshot_before_the_date() -> None:
    captures = {PAGE: [("20190601000000", "200"), ("20210101000000", "200")]}
    with FakeWayback(captures) as wayback:
        snapshot = lookup_snapshot(wayback.endpoint, PAGE, CITED, user_agent=UA)
        [request] = wayback.requests
    assert snapshot == Snapshot(
        url="https://web.archive.org/web/20190601000000/http://example.com/page",
        timestamp=datetime(2019, 6, 1, tzinfo=UTC),
        status="200",
    )
    assert request.url == PAGE
    assert request.timestamp == "20200301120000"
    assert request.user_agent == UA


def test_a_later_snapshot_is_accepted_when_none_precedes_the_date() -> None:
    with FakeWayback({PAGE: [("20230101000000", "200")]}) as wayback:
        snapshot = lookup_snapshot(wayback.endpoint, PAGE, CITED, user_agent=UA)
    assert snapshot is not None
    assert snapshot.timestamp == datetime(2023, 1, 1, tzinfo=UTC)


def test_an_unarchived_url_has_no_snapshot() -> None:
    with FakeWayback({PAGE: [("20190601000000", "200")]}) as wayback:
        assert (
            lookup_snapshot(wayback.endpoint, "http://example.com/other", CITED, user_agent=UA)
            is None
        )


@pytest.mark.parametrize("status", ["404", "302", "500", "-"])
def test_a_snapshot_of_an_error_or_redirect_is_ignored(status: str) -> None:
    captures = {PAGE: [("20180101000000", "200"), ("20200201000000", status)]}
    with FakeWayback(captures) as wayback:
        assert lookup_snapshot(wayback.endpoint, PAGE, CITED, user_agent=UA) is None


def test_a_snapshot_without_a_status_is_accepted() -> None:
    with FakeWayback({PAGE: [("20200201000000", None)]}) as wayback:
        snapshot = lookup_snapshot(wayback.endpoint, PAGE, CITED, user_agent=UA)
    assert snapshot is not None
    assert snapshot.status is None


def test_a_url_with_query_and_unicode_reaches_the_archive_whole() -> None:
    cited = "https://ejemplo.org/página?q=são paulo&lang=es#sección"
    with FakeWayback({cited: [("20200101000000", "200")]}) as wayback:
        snapshot = lookup_snapshot(wayback.endpoint, cited, CITED, user_agent=UA)
        [request] = wayback.requests
    assert request.target.isascii()
    assert request.url == "https://ejemplo.org/p%C3%A1gina?q=s%C3%A3o%20paulo&lang=es"
    assert request.timestamp == "20200301120000"
    assert snapshot is not None
    assert snapshot.url.endswith("/https://ejemplo.org/p%C3%A1gina?q=s%C3%A3o%20paulo&lang=es")


def test_the_date_is_sent_in_utc() -> None:
    sao_paulo = timezone(timedelta(hours=-3))
    assert wayback_timestamp(datetime(2020, 3, 1, 22, 30, 5, tzinfo=sao_paulo)) == "20200302013005"


def test_a_refused_connection_is_archive_unavailable_at_once() -> None:
    endpoint = refused_endpoint()
    started = time.monotonic()
    with pytest.raises(ArchiveUnavailable) as raised:
        lookup_snapshot(endpoint, PAGE, CITED, user_agent=UA)
    assert time.monotonic() - started < 2
    message = str(raised.value)
    assert endpoint in message
    assert "\n" not in message


def test_an_unknown_host_is_archive_unavailable() -> None:
    endpoint = "http://archive.invalid/wayback/available"
    with pytest.raises(ArchiveUnavailable, match=r"archive\.invalid"):
        lookup_snapshot(endpoint, PAGE, CITED, user_agent=UA, timeout=2)


def test_a_slow_archive_times_out() -> None:
    with FakeWayback({PAGE: [("20200101000000", "200")]}, delay=10) as wayback:
        started = time.monotonic()
        with pytest.raises(ArchiveUnavailable, match=r"no answer within 0\.3 s") as raised:
            lookup_snapshot(wayback.endpoint, PAGE, CITED, user_agent=UA, timeout=0.3)
        assert time.monotonic() - started < 3
    assert wayback.endpoint in str(raised.value)


def test_a_5xx_is_archive_unavailable() -> None:
    with (
        FakeWayback(mode="unavailable") as wayback,
        pytest.raises(ArchiveUnavailable, match="HTTP 503"),
    ):
        lookup_snapshot(wayback.endpoint, PAGE, CITED, user_agent=UA)


def test_malformed_json_is_archive_unavailable() -> None:
    with (
        FakeWayback(mode="malformed") as wayback,
        pytest.raises(ArchiveUnavailable, match="not JSON") as raised,
    ):
        lookup_snapshot(wayback.endpoint, PAGE, CITED, user_agent=UA)
    assert "\n" not in str(raised.value)


def test_after_one_failure_the_client_stops_asking_for_the_run(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with FakeWayback({PAGE: [("20200101000000", "200")]}, mode="unavailable") as wayback:
        client = ArchiveClient(wayback.endpoint, user_agent=UA, min_interval=0)
        with caplog.at_level(logging.WARNING, logger="pipeline.links.archive"):
            first = client.lookup(PAGE, CITED)
            wayback.mode = "ok"  # the archive is back, but this run no longer asks
            second = client.lookup(PAGE, CITED)
            third = client.lookup("http://example.com/other", CITED)
        assert len(wayback.requests) == 1
    assert not first.answered and first.snapshot is None
    assert not second.answered and not third.answered
    assert not client.can_ask
    assert (client.lookups, client.skipped) == (1, 2)
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert warnings[0].startswith("archive lookups skipped: ")
    assert wayback.endpoint in warnings[0]


def test_an_offline_run_costs_one_connection_attempt() -> None:
    client = ArchiveClient(refused_endpoint(), user_agent=UA, min_interval=0)
    results = [client.lookup(f"http://example.com/{n}", CITED) for n in range(20)]
    assert not any(result.answered for result in results)
    assert (client.lookups, client.skipped) == (1, 19)


def test_the_client_reports_answers_with_and_without_a_snapshot() -> None:
    with FakeWayback({PAGE: [("20200101000000", "200")]}) as wayback:
        client = ArchiveClient(wayback.endpoint, user_agent=UA, min_interval=0)
        found = client.lookup(PAGE, CITED)
        missing = client.lookup("http://example.com/other", CITED)
    assert found.answered and found.snapshot is not None
    assert missing.answered and missing.snapshot is None
    assert client.can_ask


def test_the_budget_bounds_lookups_per_run() -> None:
    with FakeWayback() as wayback:
        client = ArchiveClient(wayback.endpoint, user_agent=UA, max_lookups=2, min_interval=0)
        results = [client.lookup(f"http://example.com/{n}", CITED) for n in range(4)]
        assert len(wayback.requests) == 2
    assert [result.answered for result in results] == [True, True, False, False]
    assert client.skip_reason == "budget of 2 lookups per run spent"


def test_lookups_are_paced() -> None:
    now = [100.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    with FakeWayback() as wayback:
        client = ArchiveClient(
            wayback.endpoint, user_agent=UA, min_interval=1.0, clock=lambda: now[0], sleep=sleep
        )
        client.lookup(PAGE, CITED)
        now[0] += 0.25
        client.lookup(PAGE, CITED)
    assert slept == [pytest.approx(0.75)]


def test_an_empty_endpoint_switches_lookups_off() -> None:
    client = ArchiveClient("", user_agent=UA)
    assert not client.can_ask
    assert not client.lookup(PAGE, CITED).answered
    assert client.lookups == 0


class _Answers:
    """An endpoint that answers every request with one fixed response."""

    def __init__(self, response: Response) -> None:
        self.response = response

    def handle(self, method: str, target: str, headers: Mapping[str, str], state: int) -> Response:
        return self.response


SNAPSHOT_JSON = json.dumps(
    {
        "archived_snapshots": {
            "closest": {
                "available": True,
                "status": "200",
                "url": "http://web.archive.org/web/20200101000000/http://example.com/page",
                "timestamp": "20200101000000",
            }
        }
    }
).encode()


def test_a_redirect_to_ftp_is_not_followed() -> None:
    ftp = ListeningCounter()
    location = f"ftp://127.0.0.1:{ftp.port}/wayback/available"
    try:
        with (
            ReplicaServer(_Answers(Response(302, [("Location", location)]))) as server,
            pytest.raises(ArchiveUnavailable) as raised,
        ):
            lookup_snapshot(server.base_url + "/wayback/available", PAGE, CITED, user_agent=UA)
    finally:
        ftp.close()
    assert ftp.accepted == 0
    assert str(raised.value) == (
        f"archive endpoint {server.base_url}/wayback/available: HTTP 302 redirect to a ftp: "
        "URL refused"
    )


def test_an_endpoint_that_is_not_http_is_never_read(tmp_path: Path) -> None:
    answer = tmp_path / "available.json"
    answer.write_bytes(SNAPSHOT_JSON)  # a local file shaped like the API's answer
    with pytest.raises(ArchiveUnavailable) as raised:
        lookup_snapshot(answer.as_uri(), PAGE, CITED, user_agent=UA)
    assert str(raised.value) == f"archive endpoint {answer.as_uri()}: not an http(s) URL"


def test_a_compressed_answer_is_read_as_sent_and_bounded() -> None:
    """urllib decodes no Content-Encoding: a gzip answer is not the API's JSON, and a bomb is
    read no further than MAX_ANSWER_BYTES of what was sent."""
    headers = [("Content-Type", "application/json"), ("Content-Encoding", "gzip")]
    small = Response(200, headers, gzip.compress(SNAPSHOT_JSON))
    bomb = Response(200, headers, gzip.compress(b" " * 200_000_000, compresslevel=9))
    with ReplicaServer(_Answers(small)) as server, pytest.raises(ArchiveUnavailable) as raised:
        lookup_snapshot(server.base_url, PAGE, CITED, user_agent=UA)
    assert "answer is not JSON" in str(raised.value)
    with ReplicaServer(_Answers(bomb)) as server, pytest.raises(ArchiveUnavailable) as raised:
        lookup_snapshot(server.base_url, PAGE, CITED, user_agent=UA)
    assert len(bomb.body) > MAX_ANSWER_BYTES
    assert str(raised.value) == (
        f"archive endpoint {server.base_url}: answer larger than {MAX_ANSWER_BYTES} bytes"
    )
