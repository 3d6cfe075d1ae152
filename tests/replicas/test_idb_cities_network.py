"""The IDB Cities Network replica: the move, paging, states, redesign, and its ground truth."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from parsel import Selector

from pipeline.replicas.idb_cities_network import (
    CITED_PATH,
    LANDING_PATHS,
    IdbCitiesNetworkSite,
    make_site,
)
from pipeline.replicas.idb_cities_network.site import LISTINGS, PER_PAGE
from pipeline.replicas.server import ReplicaServer, SiteOptions
from tests.replicas.conftest import Fetched, fetch

SIZE = 45


@pytest.fixture(scope="module")
def idb() -> IdbCitiesNetworkSite:
    return IdbCitiesNetworkSite(seed=1, size=SIZE)


@pytest.fixture(scope="module")
def idb_base(idb: IdbCitiesNetworkSite) -> Iterator[str]:
    with ReplicaServer(idb) as server:
        yield server.base_url


def walk_listing(base: str, path: str) -> list[Selector]:
    """Every teaser of a listing, following rel=next to the last page."""
    teasers: list[Selector] = []
    url: str | None = base + path
    while url:
        page = fetch(url)
        assert page.status == 200
        found = page.html.css(".views-row article")
        assert 0 < len(found) <= PER_PAGE
        teasers += found
        href = page.html.css(".pager__item--next a::attr(href)").get()
        url = base + path + href if href else None
    return teasers


def test_the_cited_spanish_url_moved_with_a_redirect(idb_base: str) -> None:
    moved = fetch(idb_base + CITED_PATH)
    assert moved.status == 301 and moved.header("Location") == LANDING_PATHS["es"]
    old_english = fetch(idb_base + "/en/urban-development-and-housing/idb-cities-network")
    assert old_english.status == 301 and old_english.header("Location") == LANDING_PATHS["en"]
    landing = fetch(idb_base + LANDING_PATHS["es"])
    assert landing.status == 200 and landing.header("Last-Modified")
    since = landing.header("Last-Modified") or ""
    assert fetch(idb_base + LANDING_PATHS["es"], If_Modified_Since=since).status == 304
    assert "200+" in landing.text and "ciudades" in landing.text


def test_moved_without_redirect_answers_404_but_the_section_is_still_linked() -> None:
    site = make_site(SiteOptions(quirks=frozenset({"moved-without-redirect"})))
    with ReplicaServer(site) as server:
        assert fetch(server.base_url + CITED_PATH).status == 404
        assert fetch(server.base_url + "/").header("Location") == "/en"
        front = fetch(server.base_url + "/es").html
        topic = front.css("a[href*='/temas/desarrollo-urbano-y-vivienda']::attr(href)").get()
        assert topic is not None
        links = fetch(server.base_url + topic).html.css("a::attr(href)").getall()
        assert LANDING_PATHS["es"] in links


def test_unknown_quirks_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown quirk"):
        make_site(SiteOptions(quirks=frozenset({"no-embed"})))


def test_listings_page_through_every_node_of_their_language(
    idb: IdbCitiesNetworkSite, idb_base: str
) -> None:
    for (kind, lang), path in LISTINGS.items():
        teasers = walk_listing(idb_base, path)
        listed = [int(t.attrib["data-history-node-id"]) for t in teasers]
        expected = [n.node_id for n in idb.nodes(1) if n.kind == kind and n.version(lang)]
        assert listed == expected, (kind, lang)  # newest first, each once
    past_the_end = fetch(idb_base + LISTINGS[("post", "es")] + "?page=99")
    assert past_the_end.status == 200 and past_the_end.html.css(".view-empty")


def test_ground_truth_agrees_with_the_pages(idb: IdbCitiesNetworkSite, idb_base: str) -> None:
    for record in idb.records(1):
        page = fetch(idb_base + record.path)
        assert page.status == 200, record.path
        html = page.html
        assert html.css("h1 span::text").get() == record.title
        assert html.xpath("/html/@lang").get() == record.language
        shortlink = html.css("link[rel=shortlink]::attr(href)").get() or ""
        assert shortlink.endswith(f"/node/{record.node_id}")
        alternates = dict(
            zip(
                html.css("link[hreflang]::attr(hreflang)").getall(),
                html.css("link[hreflang]::attr(href)").getall(),
                strict=True,
            )
        )
        if record.translation:
            other, path, title = record.translation
            assert alternates[other].endswith(path)
            assert fetch(idb_base + path).html.css("h1 span::text").get() == title
        if record.kind == "page":
            continue
        graph = json.loads(html.css("script[type='application/ld+json']::text").get() or "")
        node = graph["@graph"][0]
        assert (node.get("startDate") or node.get("datePublished")) == str(record.published)
        institutions = html.css(".field--name-field-institution::text").getall()
        assert tuple(institutions) == record.organisations
        assert html.css(".field--name-field-video iframe::attr(src)").get() == record.video
        assert html.css(".field--name-field-document a::attr(href)").get() == record.pdf
        assert html.css(".locality::text").get() == record.city


def test_local_pdfs_are_served_and_others_point_to_publications_iadb(
    idb: IdbCitiesNetworkSite, idb_base: str
) -> None:
    pdfs = [r.pdf for r in idb.records(1) if r.pdf]
    assert any(p.startswith("https://publications.iadb.org/") for p in pdfs)
    local = [p for p in pdfs if p.startswith("/sites/default/files/")]
    assert local
    for path in local:
        answer = fetch(idb_base + path)
        assert answer.status == 200 and answer.body.startswith(b"%PDF-")


def test_state_two_adds_edits_and_removes_one_node_each() -> None:
    site = IdbCitiesNetworkSite(seed=1, size=SIZE)
    before = {r.node_id: r for r in site.records(1)}
    after = {r.node_id: r for r in site.records(2)}
    assert set(after) - set(before) == {site.added_id}
    assert set(before) - set(after) == {site.removed_id}
    assert after[site.edited_id].title != before[site.edited_id].title
    unchanged = set(before) & set(after) - {site.edited_id}
    assert all(before[n] == after[n] for n in unchanged)
    with ReplicaServer(site) as server:
        removed, edited = before[site.removed_id], before[site.edited_id]
        first = fetch(server.base_url + edited.path)
        server.set_state(2)
        assert fetch(server.base_url + removed.path).status == 404
        second = fetch(server.base_url + edited.path)
        assert second.html.css("h1 span::text").get() == after[site.edited_id].title
        assert _paragraphs(second) != _paragraphs(first)
        added = after[site.added_id]
        listing = walk_listing(server.base_url, LISTINGS[(added.kind, added.language)])
        assert int(listing[0].attrib["data-history-node-id"]) == site.added_id


def test_redesign_changes_the_markup_not_the_content() -> None:
    classic = IdbCitiesNetworkSite(seed=1, size=SIZE)
    redesigned = IdbCitiesNetworkSite(seed=1, size=SIZE, quirks={"redesign"})
    assert classic.records(1) == redesigned.records(1)
    webinar = next(r for r in classic.records(1) if r.kind == "webinar")
    with ReplicaServer(classic) as old, ReplicaServer(redesigned) as new:
        before, after = fetch(old.base_url + webinar.path), fetch(new.base_url + webinar.path)
    assert before.html.css(".field--name-body") and not after.html.css(".field--name-body")
    assert not after.html.css("h1.page-title") and after.html.css(".c-rich-text")
    assert _paragraphs(before) == _paragraphs(after)
    for head in ("meta[property='og:title']", "link[rel=shortlink]", "script"):
        assert before.html.css(head).getall() != [] and (
            [_unported(x) for x in before.html.css(head).getall()]
            == [_unported(x) for x in after.html.css(head).getall()]
        )


def test_the_sitemap_lists_every_version_with_its_alternates(
    idb: IdbCitiesNetworkSite, idb_base: str
) -> None:
    robots = fetch(idb_base + "/robots.txt").text
    assert f"Sitemap: {idb_base}/sitemap.xml" in robots
    sitemap = Selector(text=fetch(idb_base + "/sitemap.xml").text, type="xml")
    sitemap.register_namespace("s", "http://www.sitemaps.org/schemas/sitemap/0.9")
    listed = {loc.split(idb_base, 1)[1] for loc in sitemap.xpath("//s:url/s:loc/text()").getall()}
    expected = {r.path for r in idb.records(1)}
    expected |= {r.translation[1] for r in idb.records(1) if r.translation}
    assert listed == expected


def test_a_large_site_starts_at_once_and_renders_lazily() -> None:
    site = IdbCitiesNetworkSite(seed=3, size=2000)
    answer = site.handle("GET", LISTINGS[("webinar", "en")] + "?page=20", {}, 1)
    assert answer.status == 200
    assert len(site.records(1)) == 2001
    index = site.handle("GET", "/sitemap.xml", {}, 1).body.decode()
    assert "<sitemapindex" in index and "/sitemap.xml?page=2" in index


def _paragraphs(page: Fetched) -> list[str]:
    return page.html.css(".field--name-body p::text, .c-rich-text p::text").getall()


def _unported(markup: str) -> str:
    """Markup with the replica's port left out (two servers, two ports)."""
    return re.sub(r"127\.0\.0\.1:\d+", "HOST", markup)
