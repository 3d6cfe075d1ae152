from __future__ import annotations

import pytest

from pipeline.urls import canonical_url, host_of, is_http_url


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
