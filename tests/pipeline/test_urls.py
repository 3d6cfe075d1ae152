from __future__ import annotations

import pytest

from pipeline.urls import (
    MAX_URL_LENGTH,
    canonical_url,
    host_of,
    is_http_url,
    link_url,
    quoted_url,
    url_problem,
)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://mercociudades.org/covid-19/#content", "https://mercociudades.org/covid-19/"),
        ("https://mercociudades.org/?b=2&a=1", "https://mercociudades.org/?a=1&b=2"),
        ("HTTPS://Mercociudades.ORG/Covid-19/", "https://mercociudades.org/Covid-19/"),
        ("http://obc.grupomontevideo.org:80/practicas", "http://obc.grupomontevideo.org/practicas"),
        ("https://www.iadb.org:443/es", "https://www.iadb.org/es"),
        ("https://mercociudades.org", "https://mercociudades.org/"),
        ("  https://mercociudades.org/?p=123  ", "https://mercociudades.org/?p=123"),
        ("https://example.org/a b", "https://example.org/a%20b"),
    ],
)
def test_equivalent_spellings_become_one_url(url: str, expected: str) -> None:
    assert canonical_url(url) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "https://mercociudades.org/plan/?utm_source=facebook&utm_medium=social&utm_campaign=x",
            "https://mercociudades.org/plan/",
        ),
        (
            "https://mercociudades.org/plan/?fbclid=IwAR0abc&lang=pt",
            "https://mercociudades.org/plan/?lang=pt",
        ),
        ("https://example.org/?gclid=1&mc_cid=2&mc_eid=3&_ga=4&id=7", "https://example.org/?id=7"),
        ("https://example.org/?UTM_Source=x&page=2", "https://example.org/?page=2"),
    ],
)
def test_tracking_parameters_are_removed(url: str, expected: str) -> None:
    assert canonical_url(url) == expected


@pytest.mark.parametrize(
    "url",
    [
        "http://www.citiesforglobalhealth.org/",
        "https://www.beyondtheoutbreak.uclg.org/es/home-spanish",
        "http://mercociudades.net/node/123",
        "http://obc.grupomontevideo.org:8080/practicas",
    ],
)
def test_host_scheme_and_port_that_matter_are_kept(url: str) -> None:
    # A moved site (www, http -> https, another host) must show up as moved.
    assert canonical_url(url) == url


def test_www_and_https_variants_stay_distinct() -> None:
    assert canonical_url("http://www.example.org/") != canonical_url("https://example.org/")


def test_internationalised_host_and_path_are_encoded() -> None:
    assert canonical_url("https://bibliotecá.example/São Paulo") == (
        "https://xn--bibliotec-81a.example/S%C3%A3o%20Paulo"
    )


@pytest.mark.parametrize("url", ["http://[::1", "mailto:info@mercociudades.org", "/relative/path"])
def test_unparseable_or_non_http_url_is_returned_not_raised(url: str) -> None:
    assert canonical_url(url) == url


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://mercociudades.org/", True),
        ("HTTP://example.org", True),
        ("http://obc.grupomontevideo.org:8080/practicas", True),
        ("ftp://example.org/file.pdf", False),
        ("mailto:info@mercociudades.org", False),
        ("javascript:alert(1)", False),
        ("tel:+59829159685", False),
        ("/wp-content/uploads/2020/05/plan.pdf", False),
        ("//example.org/x", False),
        ("http://", False),
        ("http://[::1", False),
        ("http://example.org:99999/", False),
        ("", False),
    ],
)
def test_is_http_url_accepts_only_absolute_web_urls(url: str, expected: bool) -> None:
    assert is_http_url(url) is expected


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("https://WWW.Mercociudades.org:443/covid-19/", "www.mercociudades.org"),
        ("http://user:secret@example.org:8080/", "example.org"),
        ("https://example.org./", "example.org"),
        ("https://münchen.de/", "xn--mnchen-3ya.de"),
        ("/relative", ""),
        ("http://[::1", ""),
    ],
)
def test_host_of_is_lowercase_without_port(url: str, host: str) -> None:
    assert host_of(url) == host


def test_host_of_matches_for_a_canonicalised_url() -> None:
    url = "https://bibliotecá.example/doc.pdf"
    assert host_of(canonical_url(url)) == host_of(url)


# -- what may be monitored ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("https://exa mple.org/", "contains a space (U+0020) at character 12"),
        ("https://example.org/a b", "contains a space (U+0020) at character 22"),
        ("https://example.org/\ta", "contains whitespace (U+0009) at character 21"),
        ("https://example.org/\u00a0", "contains whitespace (U+00A0) at character 21"),
        ("https://example.org/\x1b[31m", "contains a control character (U+001B) at character 21"),
        ("https://example.org/\x00", "contains a control character (U+0000) at character 21"),
        (
            "https://example.org/\u202etxt.exe",
            "contains an invisible formatting character (U+202E) at character 21",
        ),
        ("ftp://example.org/file.pdf", "not an http(s) URL"),
        ("mailto:info@mercociudades.org", "not an http(s) URL"),
        ("javascript:alert(1)", "not an http(s) URL"),
        ("//example.org/x", "not an http(s) URL"),
        ("http:/example.org/x", "not an http(s) URL"),
        ("not a url", "contains a space (U+0020) at character 4"),
        ("http://", "has no host"),
        ("http://:8080/", "has no host"),
        (
            "http://user:secret@example.org/",
            "has a user name or password before the host (it would be stored and shown)",
        ),
        ("http://example.org:99999/", "the port is not a number from 1 to 65535"),
        ("http://example.org:0/", "the port is not a number from 1 to 65535"),
        ("http://example.org:http/", "the port is not a number from 1 to 65535"),
        ("http://a..example.org/", "host 'a..example.org' has an empty label"),
        (
            f"http://{'a' * 64}.org/",
            f"host '{'a' * 64}.org' has a label longer than 63 characters",
        ),
        (
            f"http://{'a' * 60}.{'b' * 60}.{'c' * 60}.{'d' * 60}.{'e' * 60}.org/",
            "host is longer than 253 characters",
        ),
        (
            "http://exa%20mple.org/",
            "host 'exa%20mple.org' is not a valid domain name ('exa mple.org' contains a "
            "forbidden domain code point)",
        ),
        (
            "http://ex<ample.org/",
            "host 'ex<ample.org' is not a valid domain name ('ex<ample.org' contains a "
            "forbidden domain code point)",
        ),
        (
            "http://ex\\ample.org/",
            "host 'ex\\\\ample.org' is not a valid domain name (not a host name)",
        ),
        (
            "http://[::1x]/",
            "not a valid URL ('::1x' does not appear to be an IPv4 or IPv6 address)",
        ),
        ("http://[::1/", "not a valid URL (Invalid IPv6 URL)"),
        ("https://example.org/" + "x" * 2064, "2,084 characters long, more than the 2,083 allowed"),
        (
            "https://example.org/" + "é" * 700,
            "4,220 characters long once encoded, more than the 2,083 allowed",
        ),
        (
            "https://example.org/" + "x" * 1_048_576,
            "1,048,596 characters long, more than the 2,083 allowed",
        ),
    ],
)
def test_url_problem_names_why_a_url_cannot_be_monitored(url: str, problem: str) -> None:
    assert url_problem(url) == problem


@pytest.mark.parametrize(
    ("url", "stored"),
    [
        ("https://mercociudades.org/covid-19/", "https://mercociudades.org/covid-19/"),
        ("https://EXAMPLE.org/a", "https://example.org/a"),
        ("HTTPS://Example.ORG:443/Path/?Q=A#Frag", "https://example.org/Path/?Q=A#Frag"),
        ("http://example.org:80/a?b=2&a=1", "http://example.org/a?b=2&a=1"),
        ("http://example.org:8080/a", "http://example.org:8080/a"),
        ("https://example.org", "https://example.org/"),
        ("https://example.org?page=2", "https://example.org/?page=2"),
        ("https://example.org#top", "https://example.org/#top"),
        ("https://MÜNCHEN.de/São?q=ü", "https://xn--mnchen-3ya.de/São?q=ü"),
        ("https://example.org./a", "https://example.org./a"),
        ("http://exa_mple.org/", "http://exa_mple.org/"),
        ("http://127.0.0.1:8080/x", "http://127.0.0.1:8080/x"),
        ("http://[::1]:8080/x", "http://[::1]:8080/x"),
        ("http://[0:0::1]/", "http://[::1]/"),
        ("https://example.org/" + "x" * 2063, "https://example.org/" + "x" * 2063),
    ],
)
def test_link_url_normalises_scheme_host_and_port_only(url: str, stored: str) -> None:
    assert url_problem(url) is None
    assert link_url(url) == stored


def test_every_spelling_of_one_host_is_one_link() -> None:
    spellings = ["https://EXAMPLE.org/a", "https://example.org/a", "HTTPS://example.ORG:443/a"]
    assert {link_url(url) for url in spellings} == {"https://example.org/a"}


def test_the_length_limit_is_scrapys() -> None:
    # A longer URL would be dropped by Scrapy's UrlLengthMiddleware: monitored, never checked.
    from scrapy.settings import default_settings

    assert default_settings.URLLENGTH_LIMIT == MAX_URL_LENGTH


def test_a_url_it_accepts_makes_a_scrapy_request_unchanged_in_length() -> None:
    from scrapy import Request

    for url in (
        "https://MÜNCHEN.de/São Paulo".replace(" ", "%20"),
        "https://example.org/" + "x" * 2063,
    ):
        assert url_problem(url) is None
        assert len(Request(link_url(url)).url) <= MAX_URL_LENGTH


def test_quoted_url_is_cut_for_a_message() -> None:
    assert quoted_url("https://example.org/\x1b") == "'https://example.org/\\x1b'"
    assert quoted_url("https://example.org/" + "x" * 200, limit=25) == (
        "'https://example.org/xxxxx'... (220 characters)"
    )
