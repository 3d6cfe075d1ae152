"""What a link check's answers and failures mean: HEAD or GET, how long to wait, what failed."""

from __future__ import annotations

from datetime import UTC, datetime

from scrapy.exceptions import CannotResolveHostError, DownloadTimeoutError
from twisted.internet.error import ConnectionRefusedError, DNSLookupError
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseNeverReceived

from crawler.link_http import content_length, error_kind, origin_of, retry_delay, wants_head
from crawler.middlewares.private_network import PrivateNetworkRefused


def test_documents_are_asked_head_first_and_pages_get() -> None:
    assert wants_head("https://proyectoallas.net/wp-content/uploads/2021/04/cuaderno.PDF")
    assert wants_head("https://example.org/files/plan.docx?download=1")
    assert not wants_head("https://mercociudades.org/covid-19/")
    assert not wants_head("https://example.org/practicas/plan.de.accion")


def test_retry_after_in_seconds_or_as_a_date_is_honoured_else_backoff_doubles() -> None:
    now = datetime(2026, 11, 28, 3, 0, tzinfo=UTC)
    assert retry_delay("7", 1, now) == 7.0
    assert retry_delay("Sat, 28 Nov 2026 03:00:30 GMT", 1, now) == 30.0
    assert retry_delay("Sat, 28 Nov 2026 02:00:00 GMT", 1, now) == 0.0  # already past
    assert retry_delay(None, 1, now) == 0.5
    assert retry_delay("soon", 3, now) == 2.0


def test_hostile_numbers_in_headers_are_no_numbers() -> None:
    # str.isdigit() takes "²" (latin-1 0xB2), which float() and int() refuse; int() also
    # refuses 5,000 digits. Each once ended the link check's callback, losing the check.
    assert retry_delay("²", 2) == 1.0
    assert content_length("²") is None
    assert content_length("9" * 5000) is None
    assert content_length(" 2885 ") == 2885


def test_origins_keep_scheme_host_and_port() -> None:
    assert origin_of("https://Example.org:8443/a/b?c#d") == "https://example.org:8443"


def test_download_failures_are_named_by_their_cause_however_deeply_wrapped() -> None:
    dns = Failure(CannotResolveHostError("nowhere.invalid"))
    assert error_kind(dns)[0] == "dns"
    assert error_kind(Failure(DNSLookupError("nowhere.invalid")))[0] == "dns"
    timeout = DownloadTimeoutError("Getting http://x/ took longer than 5.0 seconds.")
    assert error_kind(Failure(timeout)) == (
        "timeout",
        "DownloadTimeoutError: Getting http://x/ took longer than 5.0 seconds.",
    )
    refused = Failure(ConnectionRefusedError("Connection was refused by other side"))
    assert error_kind(refused)[0] == "connection"
    never = ResponseNeverReceived([Failure(ConnectionRefusedError())])
    assert error_kind(Failure(never))[0] == "connection"
    private = PrivateNetworkRefused("http://10.0.0.1/: resolves to 10.0.0.1")
    assert error_kind(Failure(private))[0] == "private_network"


def test_a_tls_failure_inside_the_http_client_reasons_is_a_tls_error() -> None:
    from OpenSSL.SSL import Error as SSLError

    wrapped = ResponseNeverReceived([Failure(SSLError([("SSL routines", "", "wrong version")]))])
    kind, text = error_kind(Failure(wrapped))
    assert kind == "tls"
    assert "wrong version" in text
