"""Incremental recrawl on the crawler side: matching pages, comparing markers, reading sitemaps."""

from __future__ import annotations

import asyncio
import gzip

from scrapy.http import Response, TextResponse

from crawler.delta import TRANSLATION_MARKER, KnownPages, page_key
from crawler.paging import pages_ahead
from crawler.sitemaps import Download, read_sitemaps
from tests.helpers import site_evidence


def test_page_key_ignores_host_scheme_fragment_and_argument_order() -> None:
    assert page_key("https://a.org/es/Práctica/?b=2&a=1#top") == page_key(
        "http://www.a.org/es/Pr%C3%A1ctica?a=1&b=2"
    )
    assert page_key("https://a.org/") == "/"
    assert page_key("https://a.org/x?page=2") != page_key("https://a.org/x?page=3")


def test_a_page_is_unchanged_only_when_its_marker_is_the_one_it_was_extracted_with() -> None:
    known = KnownPages.from_setting(
        {
            "https://a.org/p/1/": ["a:1", "2020-05-01"],
            "https://a.org/p/2/": ["a:2", None],
            "https://a.org/en/p/1/": ["a:1", TRANSLATION_MARKER, "https://a.org/p/1/"],
        }
    )
    assert known.unchanged("https://a.org/p/1", "2020-05-01") is not None
    assert known.unchanged("https://a.org/p/1", "2020-06-01") is None  # edited since
    assert known.unchanged("https://a.org/p/1", None) is None  # no marker: only a 304 tells
    assert known.unchanged("https://a.org/p/2", "2020-05-01") is None  # never had a marker
    assert known.unchanged("https://a.org/p/3", "2020-05-01") is None  # new page
    # A translation is not decided by its own marker, but by its record's page.
    assert known.unchanged("https://a.org/en/p/1/", "2020-05-01") is None
    translation = known.get("https://a.org/en/p/1")
    assert translation is not None and translation.is_translation
    assert (translation.stable_id, translation.primary_url) == ("a:1", "https://a.org/p/1/")


SITEMAP_INDEX = b"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>https://a.org/post-sitemap.xml.gz</loc></sitemap>
<sitemap><loc>https://elsewhere.org/sitemap.xml</loc></sitemap>
</sitemapindex>"""
POSTS = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>https://a.org/p/1/</loc><lastmod>2020-05-01T10:00:00+00:00</lastmod></url>
<url><loc>https://a.org/p/2/</loc></url>
</urlset>"""


def serve(pages: dict[str, bytes]) -> tuple[Download, list[str]]:
    requested: list[str] = []

    async def download(url: str) -> Response | None:
        requested.append(url)
        if url not in pages:
            return TextResponse(url, status=404, body=b"not found", encoding="utf-8")
        return Response(url, body=pages[url])

    return download, requested


def test_sitemaps_named_in_robots_txt_are_read_through_indexes_and_gzip() -> None:
    download, requested = serve(
        {
            "https://a.org/robots.txt": b"User-agent: *\nSitemap: https://a.org/sitemap_index.xml\n",
            "https://a.org/sitemap_index.xml": SITEMAP_INDEX,
            "https://a.org/post-sitemap.xml.gz": gzip.compress(POSTS),
        }
    )
    found = asyncio.run(read_sitemaps(download, "https://a.org/robots.txt", site_evidence()))
    assert found == {"https://a.org/p/1/": "2020-05-01T10:00:00+00:00"}
    assert "https://elsewhere.org/sitemap.xml" not in requested  # another host: not followed


def test_without_robots_sitemap_lines_the_usual_places_are_tried() -> None:
    download, requested = serve({"https://a.org/sitemap.xml": POSTS})
    found = asyncio.run(read_sitemaps(download, "https://a.org/robots.txt", site_evidence()))
    assert found == {"https://a.org/p/1/": "2020-05-01T10:00:00+00:00"}
    assert requested[-1] == "https://a.org/sitemap.xml"


def test_a_sitemap_that_is_not_xml_gives_no_lastmod() -> None:
    download, _ = serve({"https://a.org/wp-sitemap.xml": b"<html><body>Not found</body></html>"})
    assert asyncio.run(read_sitemaps(download, "https://a.org/robots.txt", site_evidence())) == {}


def test_pager_links_give_every_page_up_to_the_last() -> None:
    base = "https://a.org/initiatives?page=0"
    links = ["?page=1", "?page=2", "?page=41", "/other?page=99"]
    assert pages_ahead(base, "?page=1", links) == [
        f"https://a.org/initiatives?page={n}" for n in range(2, 42)
    ]
    wordpress = pages_ahead(
        "https://a.org/covid-19/page/2/",
        "/covid-19/page/3/",
        ["/covid-19/", "/covid-19/page/3/", "/covid-19/page/12/"],
    )
    assert wordpress[0] == "https://a.org/covid-19/page/4/"
    assert wordpress[-1] == "https://a.org/covid-19/page/12/"


def test_a_pager_without_a_last_page_link_gives_nothing_ahead() -> None:
    assert pages_ahead("https://a.org/", "/page/2/", ["/page/2/"]) == []
    assert pages_ahead("https://a.org/", "/page/2/", []) == []
    assert pages_ahead("https://a.org/", "/page/2/", ["/page/99999/"]) == []  # not believed
