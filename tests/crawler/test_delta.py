"""Incremental recrawl on the crawler side: matching pages, comparing markers, reading sitemaps."""

from __future__ import annotations

import asyncio
import gzip

from scrapy.http import Response, TextResponse

from crawler.delta import TRANSLATION_MARKER, KnownPages, page_key
from crawler.evidence import BOUND_EVIDENCE, MALFORMED, MALFORMED_ENTRIES, MALFORMED_SAMPLES
from crawler.paging import LISTING_WINDOW, Ahead, NumberedWalk, pages_ahead
from crawler.sitemaps import MAX_SITEMAPS, Download, read_sitemaps
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


NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
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


def test_an_index_naming_more_sitemaps_than_read_is_noted_and_malformed_entries_dropped() -> None:
    locs = "".join(
        f"<sitemap><loc>https://a.org/s{n}.xml</loc></sitemap>" for n in range(MAX_SITEMAPS + 50)
    )
    index = f'<sitemapindex xmlns="{NS}">{locs}</sitemapindex>'.encode()
    bad = (
        f'<urlset xmlns="{NS}"><url><loc>javascript:alert(1)</loc></url>'
        "<url><loc>https://a.org/p/9/</loc><lastmod>ayer</lastmod></url>"
        "<url><loc>https://a.org/p/8/</loc><lastmod>2020-05-02</lastmod></url></urlset>"
    ).encode()
    download, requested = serve(
        {"https://a.org/robots.txt": b"Sitemap: https://a.org/index.xml\n",
         "https://a.org/index.xml": index, "https://a.org/s0.xml": bad}
    )  # fmt: skip
    evidence = site_evidence()
    found = asyncio.run(read_sitemaps(download, "https://a.org/robots.txt", evidence))
    assert found == {"https://a.org/p/8/": "2020-05-02"}
    assert len(requested) == 1 + MAX_SITEMAPS  # robots.txt, the index and 199 of its sitemaps
    stats = evidence.stats.get_stats()
    [bound] = stats[BOUND_EVIDENCE]
    assert (bound["kind"], bound["url"], bound["limit"]) == (
        "sitemaps",
        "https://a.org/index.xml",
        MAX_SITEMAPS,
    )
    assert stats[MALFORMED] == 2 and MALFORMED_ENTRIES not in stats
    assert [(m["item"], m["field"]) for m in stats[MALFORMED_SAMPLES]] == [
        ("entry 0", "loc"),
        ("entry 1", "lastmod"),
    ]


def test_pager_links_give_the_pages_ahead_within_the_window() -> None:
    base = "https://a.org/initiatives?page=0"
    links = ["?page=1", "?page=2", "?page=41", "/other?page=99"]
    ahead = pages_ahead(base, "?page=1", links, window=5)
    assert ahead.urls == [f"https://a.org/initiatives?page={n}" for n in range(2, 6)]
    assert ahead.last_page == 41
    near_the_end = pages_ahead("https://a.org/initiatives?page=38", "?page=39", links, window=5)
    assert [url[-2:] for url in near_the_end.urls] == ["40", "41"]
    wordpress = pages_ahead(
        "https://a.org/covid-19/page/2/",
        "/covid-19/page/3/",
        ["/covid-19/", "/covid-19/page/3/", "/covid-19/page/12/"],
    )
    assert wordpress.urls[0] == "https://a.org/covid-19/page/4/"
    assert wordpress.urls[-1] == "https://a.org/covid-19/page/12/"


def test_a_pager_link_numbered_with_other_digits_is_not_a_page_number() -> None:
    # "²" passes str.isdigit() but not int(): it must not end the listing's callback.
    ahead = pages_ahead("https://a.org/", "/page/2/", ["/page/²/", "/page/5/"], window=10)
    assert ahead == Ahead([f"https://a.org/page/{n}/" for n in (3, 4, 5)], 5)


def test_a_pager_without_a_last_page_link_gives_nothing_ahead() -> None:
    assert pages_ahead("https://a.org/", "/page/2/", ["/page/2/"]) == Ahead([], 2)
    assert pages_ahead("https://a.org/", "/page/2/", []) == Ahead([], None)


def test_a_pager_announcing_a_huge_last_page_gives_a_window_and_the_announced_count() -> None:
    ahead = pages_ahead("https://a.org/", "/page/2/", ["/page/99999/"])
    assert len(ahead.urls) == LISTING_WINDOW - 1 and ahead.last_page == 99999
    digits = "9" * 5000  # int() refuses more than 4300 digits
    huge = pages_ahead("https://a.org/", "/page/2/", [f"/page/{digits}/"])
    assert huge.last_page == 10**9
    assert pages_ahead("https://a.org/", f"/page/{digits}/", ["/page/3/"]).urls == []


def test_a_numbered_walk_asks_a_window_ahead_and_one_more_per_page_read() -> None:
    walk = NumberedWalk(last=10, window=3)
    assert walk.start(["a", "b"], full=True) == [2, 3, 4]
    assert walk.page_read(["c", "d"], full=True) == [5]
    assert walk.page_read(["e", "f"], full=True) == [6]
    assert walk.page_read(["g"], full=False) == []  # a short page is the last
    assert walk.ended and not walk.looped
    assert walk.page_read(["h", "i"], full=True) == []  # pages in flight are read, no more asked


def test_a_numbered_walk_stops_at_its_last_page_an_empty_one_or_a_loop() -> None:
    counted = NumberedWalk(last=3, window=8)
    assert counted.start(["a"], full=True) == [2, 3]
    assert counted.page_read(["b"], full=True) == []
    open_ended = NumberedWalk(last=None, window=1)
    assert open_ended.start(["a"], full=True) == [2]
    assert open_ended.page_read([], full=True) == []  # an empty page
    looping = NumberedWalk(last=None, window=1)
    assert looping.start(["a", "b"], full=True) == [2]
    assert looping.page_read(["c", "d"], full=True) == [3]
    assert looping.page_read(["b", "a"], full=True) == []  # seen before: the pager loops
    assert looping.looped
    ended = NumberedWalk(last=None)
    ended.end()  # a 400 past the end
    assert ended.page_read(["z"], full=True) == []


def test_a_count_believed_is_verified_past_its_last_page() -> None:
    """Every announced page full: the page after is asked; new entries there prove the count
    low (``count_low``) and the walk goes on one page at a time until the listing ends."""
    low = NumberedWalk(last=2, window=8)
    assert low.start(["a", "b"], full=True) == [2]
    assert low.page_read(["c", "d"], full=True) == [3]  # past the count: verified
    assert not low.count_low
    assert low.page_read(["e", "f"], full=True) == [4]
    assert low.count_low and low.announced == 2
    assert low.page_read(["g"], full=False) == []
    assert low.ended
    one_page = NumberedWalk(last=1)
    assert one_page.start(["a", "b"], full=True) == [2]
    truthful = NumberedWalk(last=2)
    assert truthful.start(["a", "b"], full=True) == [2]
    assert truthful.page_read(["c", "d"], full=True) == [3]
    assert truthful.page_read([], full=True) == []  # empty past the end: the count was true
    assert not truthful.count_low
    short = NumberedWalk(last=2)
    assert short.start(["a", "b"], full=True) == [2]
    assert short.page_read(["c"], full=False) == []  # a short last page: nothing past it
    in_flight = NumberedWalk(last=3, window=8)
    assert in_flight.start(["a"], full=True) == [2, 3]
    assert in_flight.page_read(["b"], full=True) == []  # page 3 still in flight
    assert in_flight.page_read(["c"], full=True) == [4]


def test_a_count_of_zero_with_items_is_low_and_a_clamped_page_past_the_count_ends_the_walk() -> (
    None
):
    zero = NumberedWalk(last=0)
    assert zero.start(["a", "b"], full=True) == [2]
    assert zero.count_low
    clamped = NumberedWalk(last=2)
    assert clamped.start(["a", "b"], full=True) == [2]
    assert clamped.page_read(["c", "d"], full=True) == [3]
    assert clamped.page_read(["c", "d"], full=True) == []  # page 2 again: the API clamps
    assert clamped.ended and not clamped.looped and not clamped.count_low
    looping = NumberedWalk(last=1)
    assert looping.start(["a", "b"], full=True) == [2]
    assert looping.page_read(["c", "d"], full=True) == [3]  # the count was low
    assert looping.page_read(["a", "b"], full=True) == []  # then page 1 again: a loop
    assert looping.count_low and looping.looped
