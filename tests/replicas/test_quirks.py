"""Quirks: the same site served the ways other WordPress installs would, one change at a time.

Most tests ask `ReplicaServer.respond` directly (no HTTP round trip: fast); the CLI tests run
the real subprocess.
"""

from __future__ import annotations

import html
import re
import subprocess
import sys
from collections.abc import Iterator
from xml.etree import ElementTree

import pytest

from pipeline.replicas.mercociudades import MercociudadesSite
from pipeline.replicas.server import SITES, ReplicaServer, SiteOptions
from pipeline.replicas.wordpress.quirks import LOOPING_PAGER, QUIRKS, REDESIGN
from tests.replicas.conftest import Fetched, fetch

SIZE = 25
BASE = "http://replica.test"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
PAGING_HEADERS = ("X-WP-Total", "X-WP-TotalPages", "Link")


_SERVERS: dict[tuple[frozenset[str], bool], ReplicaServer] = {}


@pytest.fixture(scope="module", autouse=True)
def _stop_servers() -> Iterator[None]:
    yield
    while _SERVERS:
        _SERVERS.popitem()[1].stop()


def served(*quirks: str, rest_api: bool = True) -> ReplicaServer:
    """The replica with these quirks (one per set, shared by the module's tests)."""
    key = (frozenset(quirks), rest_api)
    if key not in _SERVERS:
        site = MercociudadesSite(seed=1, size=SIZE, rest_api=rest_api, quirks=key[0])
        _SERVERS[key] = ReplicaServer(site)
    return _SERVERS[key]


def site_of(server: ReplicaServer) -> MercociudadesSite:
    assert isinstance(server.site, MercociudadesSite)
    return server.site


def get(server: ReplicaServer, target: str) -> Fetched:
    """A GET as the HTTP handler would answer it, the site seen at BASE."""
    response = server.respond("GET", target.removeprefix(BASE), {"host": BASE[7:]})
    return Fetched(response.status, list(response.headers), response.body)


def _truth(site: MercociudadesSite) -> list[tuple[object, ...]]:
    return [
        (post.id, post.title, post.date, post.modified, post.slug, post.path, post.categories)
        for state in (1, 2)
        for lang in ("es", "pt")
        for post in site.posts(state, lang)
    ] + [(site.added_id, site.edited_id, site.removed_id, site.category_id)]


@pytest.mark.parametrize("quirk", [*sorted(QUIRKS), "all"])
def test_ground_truth_is_unchanged(quirk: str) -> None:
    quirks = QUIRKS.keys() if quirk == "all" else {quirk}
    plain = site_of(served())
    assert _truth(MercociudadesSite(seed=1, size=SIZE, quirks=quirks)) == _truth(plain)


def test_unknown_quirk_is_refused() -> None:
    with pytest.raises(ValueError, match=r"unknown quirk.*no-such-thing"):
        MercociudadesSite(size=5, quirks={"no-embed", "no-such-thing"})
    with pytest.raises(TypeError):
        MercociudadesSite(size=5, quirks="no-embed")
    made = SITES["mercociudades_covid"](SiteOptions(size=5, quirks=frozenset({"block-theme"})))
    assert isinstance(made, MercociudadesSite) and made.quirks == {"block-theme"}
    assert MercociudadesSite(size=5).quirks == frozenset()


# -- no-embed ----------------------------------------------------------------------------------


def test_no_embed() -> None:
    server = served("no-embed")
    site = site_of(server)
    listed = get(server, "/wp-json/wp/v2/posts?_embed=1&per_page=100").json()
    assert [item["id"] for item in listed] == [post.id for post in site.posts()]
    assert not any("_embedded" in item for item in listed)
    for embed in ("_embed", "_embed=wp:term", "_embed=1"):
        item = get(server, f"/wp-json/wp/v2/posts/{site.posts()[0].id}?{embed}").json()
        assert "_embedded" not in item
    assert "_embedded" in get(served(), "/wp-json/wp/v2/posts?_embed=1").json()[0]
    for post in site.posts():
        item = next(i for i in listed if i["id"] == post.id)
        assert item["categories"] == [term.id for term in post.category_terms]
        assert item["tags"] == [term.id for term in post.tag_terms]
        ids = ",".join(str(i) for i in reversed(item["categories"]))  # any order asked
        named = get(server, f"/wp-json/wp/v2/categories?include={ids}&per_page=100").json()
        assert [term["name"] for term in named] == list(post.categories)  # by name
        if post.tag_terms:
            ids = ",".join(str(i) for i in item["tags"])
            tags = get(server, f"/wp-json/wp/v2/tags?include={ids}&per_page=100").json()
            assert [term["name"] for term in tags] == list(post.tags)


def test_terms_are_ordered_by_name_ignoring_accents() -> None:
    # MySQL's collation: "Género" before "Gobernabilidad", although "é" > "o" in code points.
    server = served("no-embed")
    names = [t["name"] for t in get(server, "/wp-json/wp/v2/categories?per_page=100").json()]
    assert names.index("Género") < names.index("Gobernabilidad")
    assert names.index("Economía") < names.index("Educación")


# -- no-total-headers --------------------------------------------------------------------------


def test_no_total_headers() -> None:
    server = served("no-total-headers")
    site = site_of(server)
    url = f"/wp-json/wp/v2/posts?categories={site.category_id}&per_page=10"
    seen: list[int] = []
    page = 1
    while True:
        answer = get(server, f"{url}&page={page}")
        if answer.status == 400:
            assert answer.json()["code"] == "rest_post_invalid_page_number"
            break
        assert answer.status == 200
        for name in PAGING_HEADERS:
            assert answer.header(name) is None, name
        seen += [item["id"] for item in answer.json()]
        page += 1
    assert seen == [post.id for post in site.posts()]
    assert page == -(-SIZE // 10) + 1
    for collection in ("categories", "tags"):
        terms = get(server, f"/wp-json/wp/v2/{collection}?per_page=5")
        assert terms.status == 200 and len(terms.json()) == 5
        assert all(terms.header(name) is None for name in PAGING_HEADERS)
        beyond = get(server, f"/wp-json/wp/v2/{collection}?per_page=100&page=9")
        assert beyond.json()["code"] == "rest_term_invalid_page_number"
    # Only collections: items and HTML pages keep their Link headers.
    item = get(server, f"/wp-json/wp/v2/posts/{site.posts()[0].id}")
    assert item.header("Link") is not None
    assert get(server, site.landing_path).header("Link") is not None
    plain = get(served(), url)
    assert all(plain.header(name) is not None for name in PAGING_HEADERS)


# -- no-polylang-rest --------------------------------------------------------------------------


def test_no_polylang_rest() -> None:
    server = served("no-polylang-rest")
    site = site_of(server)
    spanish, portuguese = site.posts(), site.posts(lang="pt")
    everything = get(server, "/wp-json/wp/v2/posts?per_page=100").json()
    newest_first = sorted(spanish + portuguese, key=lambda p: (p.date, p.id), reverse=True)
    assert [item["id"] for item in everything] == [post.id for post in newest_first]
    assert not any("lang" in item or "translations" in item for item in everything)
    assert get(server, "/wp-json/wp/v2/posts?per_page=100&lang=pt").json() == everything
    assert get(server, "/wp-json/wp/v2/posts?lang=xx").status == 200  # unknown, so ignored
    by_category = get(server, f"/wp-json/wp/v2/posts?categories={site.category_id}&per_page=100")
    assert [item["id"] for item in by_category.json()] == [post.id for post in spanish]
    pt_category = portuguese[0].category_terms[0]
    assert pt_category.name == "COVID-19" and pt_category.lang == "pt"
    pt_listed = get(server, f"/wp-json/wp/v2/posts?categories={pt_category.id}&per_page=100")
    assert [item["id"] for item in pt_listed.json()] == [post.id for post in portuguese]
    covid = get(server, "/wp-json/wp/v2/categories?slug=covid-19").json()
    assert [term["id"] for term in covid] == [site.category_id]
    assert "lang" not in covid[0] and "translations" not in covid[0]
    both = get(server, "/wp-json/wp/v2/categories?search=COVID").json()
    assert {term["id"] for term in both} == {site.category_id, pt_category.id}
    assert (
        "lang"
        not in get(server, "/wp-json/").json()["routes"]["/wp/v2/posts"]["endpoints"][0]["args"]
    )
    # HTML keeps Polylang's hreflang alternates.
    translated = next(post for post in spanish if post.translation is not None)
    assert translated.translation is not None
    head = get(server, translated.path).html
    assert (
        head.css('link[hreflang="pt-br"]::attr(href)').get() == BASE + translated.translation.path
    )


# -- landing-page ------------------------------------------------------------------------------


def test_landing_page_is_a_page() -> None:
    server = served("landing-page")
    site = site_of(server)
    page_id = site.landing_page_id
    assert page_id is not None and site.landing_path == "/covid-19/"
    assert site.archive_path == "/category/covid-19/"
    landing = get(server, "/covid-19/")
    assert landing.status == 200
    doc = landing.html
    body = doc.css("body::attr(class)").get("").split()
    assert body[:3] == ["page-template-default", "page", f"page-id-{page_id}"]
    article = doc.css(f"article#post-{page_id}")
    assert article.attrib["class"].split()[:3] == [f"post-{page_id}", "page", "type-page"]
    assert article.css("h1.entry-title::text").get() == "COVID-19"
    assert doc.css("article").getall() == article.getall()  # no posts listed
    assert doc.css("time").get() is None
    content = article.css("div.entry-content")
    hrefs = content.css("a::attr(href)").getall()
    assert hrefs[:-1] == [link.url for link in site.landing_links]
    assert hrefs[-1] == BASE + site.landing_pdf.path
    assert content.css("p").xpath("string()").getall() == list(site.landing_paragraphs)
    json_link = doc.css('link[rel="alternate"][type="application/json"]::attr(href)').get()
    assert json_link == f"{BASE}/wp-json/wp/v2/pages/{page_id}"
    assert doc.css('link[rel="shortlink"]::attr(href)').get() == f"{BASE}/?p={page_id}"
    assert doc.css('link[rel="canonical"]::attr(href)').get() == BASE + "/covid-19/"
    assert doc.css('meta[property="og:type"]::attr(content)').get() == "website"
    assert doc.css('link[rel="next"]').get() is None
    menu = doc.css("#primary-menu a::attr(href)").getall()
    assert BASE + site.archive_path in menu  # the way from the page to the archive
    shortlink = get(server, f"/?p={page_id}")
    assert (shortlink.status, shortlink.header("Location")) == (301, BASE + "/covid-19/")
    assert get(server, "/covid-19/page/2/").status == 404
    assert get(server, "/covid-19/feed/").status == 404

    item = get(server, f"/wp-json/wp/v2/pages/{page_id}")
    assert item.status == 200
    payload = item.json()
    assert (payload["id"], payload["type"], payload["slug"]) == (page_id, "page", "covid-19")
    assert payload["link"] == BASE + "/covid-19/"
    assert html.unescape(payload["title"]["rendered"]) == "COVID-19"
    assert BASE + site.landing_pdf.path in payload["content"]["rendered"]
    listed = get(server, "/wp-json/wp/v2/pages").json()
    assert [entry["id"] for entry in listed] == [page_id]
    assert get(server, "/wp-json/wp/v2/pages/1").status == 404
    assert get(served(), f"/wp-json/wp/v2/pages/{page_id}").status == 404  # no quirk, no page


def test_landing_page_archive_keeps_the_category_base() -> None:
    server = served("landing-page")
    site = site_of(server)
    url: str | None = BASE + "/category/covid-19/"
    ids: list[int] = []
    pages = 0
    while url is not None:
        answer = get(server, url)
        assert answer.status == 200, url
        doc = answer.html
        ids += [int(i.removeprefix("post-")) for i in doc.css("article::attr(id)").getall()]
        url = doc.css('link[rel="next"]::attr(href)').get()
        if url is not None:
            assert doc.css("a.next.page-numbers::attr(href)").get() == url
            assert url == f"{BASE}/category/covid-19/page/{pages + 2}/"
        pages += 1
    assert ids == [post.id for post in site.posts()]
    assert pages == -(-SIZE // 10)
    first = get(server, "/category/covid-19/").html
    assert first.css("h1.page-title::text").get() == "COVID-19"
    assert first.css("div.archive-description a::attr(href)").getall()[-1] == (
        BASE + site.landing_pdf.path
    )
    page_one = get(server, "/category/covid-19/page/1/")
    assert page_one.header("Location") == BASE + "/category/covid-19/"
    assert get(server, f"/category/covid-19/page/{pages + 1}/").status == 404
    assert get(server, "/category/covid-19").header("Location") == BASE + "/category/covid-19/"
    feed = get(server, "/category/covid-19/feed/")
    assert feed.status == 200 and feed.text.count("<item>") == 10
    assert get(server, f"/?cat={site.category_id}").header("Location") == (
        BASE + "/category/covid-19/"
    )
    portuguese = site.posts(lang="pt")[0].category_terms[0]
    assert portuguese.path == f"/pt-br/category/{portuguese.slug}/"
    assert get(server, portuguese.path).status == 200

    category = get(server, "/wp-json/wp/v2/categories?slug=covid-19").json()
    assert [(term["id"], term["link"]) for term in category] == [
        (site.category_id, BASE + "/category/covid-19/")
    ]
    post = site.posts()[0]
    footer = get(server, post.path).html.css("span.cat-links a")
    covid = next(a for a in footer if a.css("::text").get() == "COVID-19")
    assert covid.attrib["href"] == BASE + "/category/covid-19/"
    rest = get(server, f"/wp-json/wp/v2/posts?categories={site.category_id}&per_page=100")
    assert [item["id"] for item in rest.json()] == [p.id for p in site.posts()]


def test_landing_page_in_sitemaps() -> None:
    server = served("landing-page")
    site = site_of(server)
    index = ElementTree.fromstring(get(server, "/wp-sitemap.xml").body)
    locations = [loc.text for loc in index.iter(SITEMAP + "loc")]
    assert f"{BASE}/wp-sitemap-posts-page-1.xml" in locations
    pages = ElementTree.fromstring(get(server, "/wp-sitemap-posts-page-1.xml").body)
    assert [loc.text for loc in pages.iter(SITEMAP + "loc")] == [BASE + site.landing_path]
    terms = ElementTree.fromstring(get(server, "/wp-sitemap-taxonomies-category-1.xml").body)
    assert BASE + site.archive_path in [loc.text for loc in terms.iter(SITEMAP + "loc")]
    assert get(served(), "/wp-sitemap-posts-page-1.xml").status == 404


# -- robots-disallow-api -----------------------------------------------------------------------


def test_robots_disallow_api() -> None:
    server = served("robots-disallow-api")
    robots = get(server, "/robots.txt").text
    assert "\nDisallow: /wp-json/\n" in robots
    assert robots.startswith("User-agent: *\nDisallow: /wp-admin/\n")
    assert f"Sitemap: {BASE}/wp-sitemap.xml" in robots
    assert get(server, "/wp-json/wp/v2/posts").status == 200  # it still answers
    assert "wp-json" not in get(served(), "/robots.txt").text


# -- block-theme -------------------------------------------------------------------------------


def test_block_theme_archive() -> None:
    server = served("block-theme")
    site = site_of(server)
    posts = {post.id: post for post in site.posts()}
    url: str | None = BASE + site.landing_path
    ids: list[int] = []
    while url is not None:
        doc = get(server, url).html
        assert doc.css("article").get() is None
        for item in doc.css("ul.wp-block-post-template > li.wp-block-post"):
            post_id = int(item.attrib["class"].split()[1].removeprefix("post-"))
            post = posts[post_id]
            ids.append(post_id)
            title = item.css("h2.wp-block-post-title a")
            assert html.unescape("".join(title.css("::text").getall())) == post.title
            assert title.attrib["href"] == BASE + post.path
            date = item.css("div.wp-block-post-date time::attr(datetime)").get()
            assert date == post.date.isoformat()
            assert item.css("div.wp-block-post-excerpt p.wp-block-post-excerpt__excerpt").get()
        url = doc.css('link[rel="next"]::attr(href)').get()
        nav = doc.css("nav.wp-block-query-pagination")
        next_link = nav.css("a.wp-block-query-pagination-next")
        if url is not None:
            assert next_link.attrib["href"] == url
            assert next_link.css("::text").get() == "Entradas siguientes"
        else:
            assert next_link.get() is None
    assert ids == [post.id for post in site.posts()]
    archive = get(server, site.landing_path).html
    assert archive.css("h1.wp-block-query-title span::text").get() == "COVID-19"
    hrefs = archive.css("div.wp-block-term-description a::attr(href)").getall()
    assert hrefs[-1] == BASE + site.landing_pdf.path


def test_block_theme_single_post() -> None:
    server = served("block-theme")
    site = site_of(server)
    post = next(p for p in site.posts() if p.tags and len(p.categories) > 1)
    page = get(server, post.path)
    doc = page.html
    assert doc.css("article").get() is None
    assert f"postid-{post.id}" in doc.css("body::attr(class)").get("").split()
    title = "".join(doc.css("h1.wp-block-post-title ::text").getall())
    assert html.unescape(title) == post.title
    assert doc.css("div.wp-block-post-date time::attr(datetime)").get() == post.date.isoformat()
    content = doc.css("div.entry-content.wp-block-post-content")
    assert content.css("p").xpath("string()").getall()[: len(post.paragraphs)] == list(
        post.paragraphs
    )
    categories = doc.css("div.taxonomy-category.wp-block-post-terms")
    assert categories.css("a::text").getall() == list(post.categories)
    assert set(categories.css("a::attr(rel)").getall()) == {"tag"}
    assert categories.css("span.wp-block-post-terms__separator::text").get() == ", "
    tags = doc.css("div.taxonomy-post_tag.wp-block-post-terms a::text").getall()
    assert tags == list(post.tags)
    # The head is the classic theme's, byte for byte.
    classic = get(served(), post.path).text
    assert page.text.split("</head>")[0] == classic.split("</head>")[0]
    untagged = next(p for p in site.posts() if not p.tags)
    assert get(server, untagged.path).html.css("div.taxonomy-post_tag").get() is None


def test_block_theme_not_found() -> None:
    missing = get(served("block-theme"), "/no-existe/")
    assert missing.status == 404
    assert "error404" in missing.html.css("body::attr(class)").get("")
    assert missing.html.css("title::text").get() == "Página no encontrada - Mercociudades"


# -- redesign ----------------------------------------------------------------------------------

OLD_MARKUP = ("entry-title", "entry-content", "entry-summary", "hentry", "type-post", "<time")


def _redesigned(*quirks: str) -> ReplicaServer:
    """How tests use the redesign: without the REST API, the markup is all there is."""
    return served(REDESIGN, *quirks, rest_api=False)


def _walk_listing(
    server: ReplicaServer, start: str, more: str = "Más"
) -> list[tuple[str, str, str, str]]:
    """(href, title, data-published, shown date) of every card, paging by a.mc-pager__next."""
    found = []
    url: str | None = BASE + start
    while url is not None:
        page = get(server, url)
        assert page.status == 200
        doc = page.html
        assert doc.css('link[rel="next"], link[rel="prev"]').get() is None
        assert doc.css("article").get() is None
        assert not any(old in page.text for old in OLD_MARKUP)
        for card in doc.css("div.mc-grid > div.mc-card"):
            assert card.attrib["class"] == "mc-card"  # no post-ID, hentry...
            link = card.css("h3.mc-card__heading a")
            meta = card.css("span.mc-card__meta")
            title = html.unescape("".join(link.css("::text").getall()))
            found.append(
                (
                    link.attrib["href"],
                    title,
                    meta.attrib["data-published"],
                    meta.css("::text").get(""),
                )
            )
            assert card.css("div.mc-card__excerpt p").get()
        url = doc.css("a.mc-pager__next::attr(href)").get()
        if url is not None:
            assert doc.css("a.mc-pager__next::text").get() == more
    return found


def test_redesign_listing_has_the_same_posts() -> None:
    server = _redesigned()
    site = site_of(server)
    assert get(server, "/wp-json/wp/v2/posts").status == 401
    cards = _walk_listing(server, site.landing_path)
    assert [href for href, *_ in cards] == [BASE + post.path for post in site.posts()]
    for (_, title, published, shown), post in zip(cards, site.posts(), strict=True):
        assert title == post.title
        assert published == post.date.date().isoformat()
        assert shown == post.date.strftime("%d/%m/%Y")
    last = get(server, f"{site.landing_path}page/3/").html
    assert last.css("a.mc-pager__next").get() is None
    assert last.css("a.mc-pager__prev::attr(href)").get() == f"{BASE}{site.landing_path}page/2/"
    assert get(server, f"{site.landing_path}page/4/").status == 404
    portuguese = _walk_listing(server, "/pt-br/covid-19-pt/", "Mais")
    assert [href for href, *_ in portuguese] == [BASE + p.path for p in site.posts(1, "pt")]


def test_redesign_post_page() -> None:
    server = _redesigned()
    site = site_of(server)
    post = next(p for p in site.posts() if p.tags and len(p.categories) > 1)
    page = get(server, post.path)
    doc = page.html
    body = page.text.split("<body", 1)[1]
    assert not any(old in body for old in OLD_MARKUP)
    assert f"postid-{post.id}" in doc.css("body::attr(class)").get("").split()
    headline = "".join(doc.css("h1.mc-article__headline ::text").getall())
    assert html.unescape(headline) == post.title
    meta = doc.css("span.mc-article__meta")
    assert meta.attrib["data-published"] == post.date.date().isoformat()
    assert meta.css("::text").get() == post.date.strftime("%d/%m/%Y")
    paragraphs = doc.css("section.mc-article__body p").xpath("string()").getall()
    assert paragraphs[: len(post.paragraphs)] == list(post.paragraphs)
    # The content is the classic theme's, byte for byte.
    classic = get(served(rest_api=False), post.path).html
    assert (
        doc.css("section.mc-article__body > *").getall()
        == classic.css("div.entry-content > *").getall()
    )
    tags = doc.css("ul.mc-tags > li > a")
    assert tags.css("::text").getall() == list(post.categories)
    assert tags.css("::attr(href)").getall() == [BASE + t.path for t in post.category_terms]
    assert doc.css("ul.mc-tags a[rel]").get() is None
    assert doc.css("ul.mc-keywords a::text").getall() == list(post.tags)
    # No Yoast: no JSON-LD, no Open Graph; title, canonical, shortlink and hreflang stay.
    head = page.text.split("</head>")[0]
    assert "application/ld+json" not in head and "og:" not in head
    assert "article:published_time" not in head and "Yoast" not in head
    assert doc.css("title::text").get() == f"{post.raw_title} - Mercociudades"
    assert doc.css('link[rel="canonical"]::attr(href)').get() == BASE + post.path
    assert doc.css('link[rel="shortlink"]::attr(href)').get() == f"{BASE}/?p={post.id}"
    classic_hreflang = classic.css("link[hreflang]").getall()
    assert classic_hreflang and doc.css("link[hreflang]").getall() == classic_hreflang
    assert doc.css('link[rel="https://api.w.org/"]').get() is None
    modified = next(p for p in site.posts() if p.modified != p.date)
    updated = get(server, modified.path).html.css("span.mc-article__updated")
    assert updated.attrib["data-modified"] == modified.modified.date().isoformat()
    unmodified = next(p for p in site.posts() if p.modified == p.date)
    assert get(server, unmodified.path).html.css("span.mc-article__updated").get() is None


def test_redesign_keeps_rest_feeds_and_sitemaps() -> None:
    plain, redesigned = served(), served(REDESIGN)
    for target in ("/wp-json/wp/v2/posts?per_page=100", "/covid-19/feed/", "/wp-sitemap.xml"):
        assert get(redesigned, target).body == get(plain, target).body, target
    missing = get(_redesigned(), "/no-existe/")
    assert missing.status == 404
    assert missing.html.css("h1.mc-404__title::text").get() == "Página no encontrada"
    assert missing.html.css("title::text").get() == "Página no encontrada - Mercociudades"


def test_redesign_state_2() -> None:
    server = _redesigned()
    site = site_of(server)
    server.set_state(2)
    try:
        cards = _walk_listing(server, site.landing_path)
        assert [href for href, *_ in cards] == [BASE + p.path for p in site.posts(2)]
        edited = site.post(site.edited_id, 2)
        assert edited is not None
        headline = get(server, edited.path).html.css("h1.mc-article__headline ::text").getall()
        assert html.unescape("".join(headline)) == edited.title
        removed = site.post(site.removed_id, 1)
        assert removed is not None and get(server, removed.path).status == 404
    finally:
        server.set_state(1)


def test_redesign_with_every_other_quirk() -> None:
    # The agency's theme replaces the block theme too; the landing page is a redesigned page.
    # (A pager that never ends could not be walked to its end.)
    server = served(*QUIRKS.keys() - {LOOPING_PAGER}, rest_api=False)
    site = site_of(server)
    assert site.landing_page_id is not None
    page = get(server, "/covid-19/")
    assert page.html.css("h1.mc-article__headline::text").get() == "COVID-19"
    assert page.html.css("section.mc-article__body a[href$='.pdf']").get()
    assert "wp-block-post-title" not in page.text
    cards = _walk_listing(server, "/category/covid-19/")
    assert [href for href, *_ in cards] == [BASE + post.path for post in site.posts()]


# -- lying-page-count and looping-pager: hostile paging -------------------------------------


def test_lying_page_count() -> None:
    server = served("lying-page-count")
    site = site_of(server)
    url = f"/wp-json/wp/v2/posts?categories={site.category_id}&per_page=10"
    first, last, past = (get(server, f"{url}&page={n}") for n in (1, 3, 4))
    for answer in (first, last, past):
        assert answer.status == 200
        assert (answer.header("X-WP-TotalPages"), answer.header("X-WP-Total")) == (
            "999999",
            "9999990",
        )
    assert [item["id"] for item in first.json()] == [post.id for post in site.posts()[:10]]
    assert [item["id"] for item in last.json()] == [post.id for post in site.posts()[20:]]
    assert past.json() == []
    plain = get(served(), f"{url}&page=4")
    assert plain.status == 400  # as WordPress answers a page past the end


def test_looping_pager() -> None:
    server = served("looping-pager", rest_api=False)
    site = site_of(server)

    def listed(path: str) -> tuple[list[str], str | None]:
        page = get(server, path).html
        return page.css("h2.entry-title a::attr(href)").getall(), page.css(
            "link[rel=next]::attr(href)"
        ).get()

    pages = -(-SIZE // 10)
    first, next_of_first = listed("/covid-19/")
    assert first == [BASE + post.path for post in site.posts()[:10]]
    assert next_of_first == BASE + "/covid-19/page/2/"
    past, next_of_past = listed(f"/covid-19/page/{pages + 1}/")
    assert past == first  # the first page again
    assert next_of_past == BASE + f"/covid-19/page/{pages + 2}/"
    assert listed("/covid-19/page/999/")[1] == BASE + "/covid-19/page/1000/"


# -- combinations and the command line -------------------------------------------------------


def test_rest_quirks_combined() -> None:
    server = served("no-embed", "no-total-headers", "no-polylang-rest")
    site = site_of(server)
    answer = get(server, f"/wp-json/wp/v2/posts?categories={site.category_id}&_embed=1&page=2")
    assert answer.status == 200
    items = answer.json()
    assert [item["id"] for item in items] == [post.id for post in site.posts()[10:20]]
    assert not any({"_embedded", "lang", "translations"} & item.keys() for item in items)
    assert all(answer.header(name) is None for name in PAGING_HEADERS)


def test_every_quirk_at_once() -> None:
    server = served(*QUIRKS.keys() - {REDESIGN})  # redesign overrides block-theme: see below
    site = site_of(server)
    assert site.landing_page_id is not None
    page = get(server, "/covid-19/").html
    assert page.css("h1.wp-block-post-title::text").get() == "COVID-19"
    assert "page-id-" + str(site.landing_page_id) in page.css("body::attr(class)").get("")
    archive = get(server, "/category/covid-19/").html
    shown = archive.css("li.wp-block-post h2.wp-block-post-title a::attr(href)").getall()
    assert shown == [BASE + post.path for post in site.posts()[:10]]
    post = site.posts()[0]
    terms = get(server, post.path).html.css("div.taxonomy-category a::attr(href)").getall()
    assert BASE + "/category/covid-19/" in terms
    assert "Disallow: /wp-json/" in get(server, "/robots.txt").text
    item = get(server, f"/wp-json/wp/v2/posts/{post.id}?_embed=1").json()
    assert not {"_embedded", "lang", "translations"} & item.keys()
    server.set_state(2)
    try:
        after = get(server, "/category/covid-19/").html.css("li.wp-block-post::attr(class)")
        assert f"post-{site.added_id}" in after.get("").split()
        removed = site.post(site.removed_id, 1)
        assert removed is not None and get(server, removed.path).status == 404
    finally:
        server.set_state(1)


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "pipeline.replicas", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=30, check=False)


def test_cli_refuses_an_unknown_quirk() -> None:
    refused = _cli("serve", "mercociudades_covid", "--port", "0", "--quirk", "no-such-quirk")
    assert refused.returncode == 2
    assert "quirk" in refused.stderr and "no-such-quirk" in refused.stderr
    assert refused.stdout == ""


def test_cli_lists_quirks() -> None:
    listed = _cli("list")
    assert listed.returncode == 0
    assert "mercociudades_covid" in listed.stdout
    for name in QUIRKS:
        assert re.search(rf"^\s+{re.escape(name)}\s", listed.stdout, re.M), name


def test_cli_serves_with_quirks() -> None:
    command = [
        sys.executable,
        "-m",
        "pipeline.replicas",
        "serve",
        "mercociudades_covid",
        "--port",
        "0",
        "--size",
        "12",
        "--quirk",
        "no-embed",
        "--quirk",
        "no-total-headers",
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        base = process.stdout.readline().strip()
        assert base.startswith("http://127.0.0.1:")
        answer = fetch(base + "/wp-json/wp/v2/posts?_embed=1&per_page=100")
        assert answer.status == 200 and len(answer.json()) == 12
        assert answer.header("X-WP-Total") is None
        assert "_embedded" not in answer.json()[0]
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()
    assert process.returncode == 0


def test_cli_serves_the_redesign_without_rest_api() -> None:
    command = [sys.executable, "-m", "pipeline.replicas", "serve", "mercociudades_covid"]
    command += ["--port", "0", "--size", "12", "--quirk", "redesign", "--no-rest-api"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        base = process.stdout.readline().strip()
        assert fetch(base + "/wp-json/wp/v2/posts").status == 401
        listing = fetch(base + "/covid-19/")
        assert listing.status == 200
        assert len(listing.html.css("div.mc-card")) == 10
        assert listing.html.css("a.mc-pager__next::attr(href)").get() == base + "/covid-19/page/2/"
        assert "entry-title" not in listing.text
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()
    assert process.returncode == 0


def test_low_page_count() -> None:
    server = served("low-page-count")
    site = site_of(server)
    url = f"/wp-json/wp/v2/posts?categories={site.category_id}&per_page=10"
    first, last = (get(server, f"{url}&page={n}") for n in (1, 3))
    for answer in (first, last):
        assert (answer.header("X-WP-TotalPages"), answer.header("X-WP-Total")) == ("1", "10")
    assert [item["id"] for item in last.json()] == [post.id for post in site.posts()[20:30]]
