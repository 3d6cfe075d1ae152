"""Listings of the Mercociudades replica: REST paging, HTML archive paging, feed and sitemaps."""

from __future__ import annotations

import re
from collections.abc import Iterator
from xml.etree import ElementTree

import pytest

from pipeline.replicas.mercociudades import MercociudadesSite
from pipeline.replicas.server import ReplicaServer
from tests.replicas.conftest import Fetched, fetch

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture(scope="module", params=[60, 25])
def sized(request: pytest.FixtureRequest) -> Iterator[tuple[MercociudadesSite, str]]:
    site = MercociudadesSite(seed=2, size=request.param)
    with ReplicaServer(site) as server:
        yield site, server.base_url


def _next_link(response: Fetched) -> str | None:
    for value in response.header_all("Link"):
        found = re.fullmatch(r'<([^>]+)>; rel="next"', value)
        if found:
            return found.group(1)
    return None


def test_rest_paging_headers(sized: tuple[MercociudadesSite, str]) -> None:
    site, base = sized
    url = f"{base}/wp-json/wp/v2/posts?categories={site.category_id}"
    first = fetch(url)
    assert first.header("Content-Type") == "application/json; charset=UTF-8"
    assert first.header("X-WP-Total") == str(site.size)
    assert first.header("X-WP-TotalPages") == str(-(-site.size // 10))
    assert len(first.json()) == 10
    assert fetch(url + "&per_page=100").header("X-WP-TotalPages") == "1"


def test_rest_pages_follow_link_next_to_every_post(sized: tuple[MercociudadesSite, str]) -> None:
    site, base = sized
    url: str | None = f"{base}/wp-json/wp/v2/posts?categories={site.category_id}&per_page=7"
    seen: list[int] = []
    pages = 0
    while url is not None:
        response = fetch(url)
        assert response.status == 200
        seen += [item["id"] for item in response.json()]
        url, pages = _next_link(response), pages + 1
    assert pages == -(-site.size // 7)
    assert seen == [post.id for post in site.posts()]


def test_rest_paging_errors(sized: tuple[MercociudadesSite, str]) -> None:
    site, base = sized
    beyond = fetch(f"{base}/wp-json/wp/v2/posts?page={-(-site.size // 10) + 1}")
    assert beyond.status == 400
    assert beyond.json() == {
        "code": "rest_post_invalid_page_number",
        "message": "The page number requested is larger than the number of pages available.",
        "data": {"status": 400},
    }
    too_many = fetch(f"{base}/wp-json/wp/v2/posts?per_page=101")
    assert too_many.status == 400
    assert too_many.json()["code"] == "rest_invalid_param"
    assert "per_page" in too_many.json()["data"]["params"]


def test_archive_paging_ends_on_the_last_page(sized: tuple[MercociudadesSite, str]) -> None:
    site, base = sized
    last = -(-site.size // 10)
    url: str | None = base + site.landing_path
    ids: list[int] = []
    pages = 0
    while url is not None:
        page = fetch(url)
        assert page.status == 200
        html = page.html
        ids += [int(i.removeprefix("post-")) for i in html.css("article::attr(id)").getall()]
        url = html.css('link[rel="next"]::attr(href)').get()
        pages += 1
        if url is not None:
            assert html.css("a.next.page-numbers::attr(href)").get() == url
        else:
            assert html.css("a.next.page-numbers").get() is None
    assert pages == last
    assert ids == [post.id for post in site.posts()]
    assert fetch(f"{base}{site.landing_path}page/{last + 1}/").status == 404
    first_page = fetch(f"{base}{site.landing_path}page/1/")
    assert first_page.status == 301
    assert first_page.header("Location") == base + site.landing_path


def test_pagination_markup(base: str, site: MercociudadesSite) -> None:
    html = fetch(f"{base}/covid-19/page/3/").html
    nav = html.css("nav.navigation.pagination")
    assert nav.attrib["aria-label"] == "Entradas"
    assert nav.css("span.page-numbers.current::text").get() == "3"
    assert nav.css("a.prev.page-numbers::attr(href)").get() == f"{base}/covid-19/page/2/"
    assert html.css('link[rel="prev"]::attr(href)').get() == f"{base}/covid-19/page/2/"
    numbers = nav.css("a.page-numbers:not(.prev):not(.next)::text").getall()
    assert numbers == ["1", "2", "4", "6"]  # paginate_links: end_size 1, mid_size 1
    assert nav.css("span.page-numbers.dots::text").get() == "\u2026"
    assert "category-paged-3" in html.css("body::attr(class)").get("")


def test_archive_head(base: str, site: MercociudadesSite) -> None:
    html = fetch(base + "/covid-19/").html
    assert html.css("title::text").get() == "COVID-19 archivos - Mercociudades"
    assert html.css('link[rel="canonical"]::attr(href)').get() == base + "/covid-19/"
    assert html.css('link[rel="https://api.w.org/"]::attr(href)').get() == base + "/wp-json/"
    json_link = html.css('link[rel="alternate"][type="application/json"]::attr(href)').get()
    assert json_link == f"{base}/wp-json/wp/v2/categories/{site.category_id}"
    feed = html.css('link[rel="alternate"][type="application/rss+xml"]::attr(href)').getall()
    assert base + "/covid-19/feed/" in feed
    assert html.css("h1.page-title::text").get() == "COVID-19"
    links = html.css("div.archive-description a::attr(href)").getall()
    assert [link.url for link in site.landing_links] == links[:-1]
    assert links[-1] == base + site.landing_pdf.path
    assert 3 <= len(site.landing_links) <= 5
    shown = html.css("div.archive-description p").xpath("string()").getall()
    assert shown == list(site.landing_paragraphs)


def test_category_base_redirects(base: str) -> None:
    moved = fetch(base + "/category/covid-19/")
    assert moved.status == 301
    assert moved.header("Location") == base + "/covid-19/"


def test_feed_lists_the_latest_ten(base: str, site: MercociudadesSite) -> None:
    feed = fetch(base + "/covid-19/feed/")
    assert feed.header("Content-Type") == "application/rss+xml; charset=UTF-8"
    channel = ElementTree.fromstring(feed.body).find("channel")
    assert channel is not None
    items = channel.findall("item")
    newest = site.posts()[:10]
    assert [item.findtext("guid") for item in items] == [f"{base}/?p={p.id}" for p in newest]
    assert [item.findtext("link") for item in items] == [base + p.path for p in newest]
    creator = items[0].find("{http://purl.org/dc/elements/1.1/}creator")
    assert creator is not None and creator.text == newest[0].author.name
    assert [c.text for c in items[0].findall("category")] == [
        *newest[0].categories,
        *newest[0].tags,
    ]


def test_robots_and_sitemaps(base: str, site: MercociudadesSite) -> None:
    robots = fetch(base + "/robots.txt").text
    assert "User-agent: *\nDisallow: /wp-admin/\nAllow: /wp-admin/admin-ajax.php" in robots
    assert f"Sitemap: {base}/wp-sitemap.xml" in robots
    index = ElementTree.fromstring(fetch(base + "/wp-sitemap.xml").body)
    locations = [loc.text for loc in index.iter(SITEMAP + "loc")]
    assert f"{base}/wp-sitemap-posts-post-1.xml" in locations
    urlset = ElementTree.fromstring(fetch(base + "/wp-sitemap-posts-post-1.xml").body)
    entries = {
        url.findtext(SITEMAP + "loc"): url.findtext(SITEMAP + "lastmod")
        for url in urlset.iter(SITEMAP + "url")
    }
    everything = site.posts() + site.posts(lang="pt")
    assert len(entries) == len(everything)
    for post in everything:
        assert entries[base + post.path] == post.modified.isoformat()


def test_portuguese_listing(base: str, site: MercociudadesSite) -> None:
    portuguese = site.posts(lang="pt")
    assert 0.1 * site.size <= len(portuguese) <= 0.5 * site.size
    listed = fetch(f"{base}/wp-json/wp/v2/posts?lang=pt&per_page=100").json()
    assert [item["id"] for item in listed] == [post.id for post in portuguese]
    assert {item["lang"] for item in listed} == {"pt"}
    html = fetch(base + "/pt-br/").html
    assert html.css("html::attr(lang)").get() == "pt-BR"
    assert html.css("article h2.entry-title a::attr(href)").get() == base + portuguese[0].path
