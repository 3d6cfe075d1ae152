"""The Cities for Global Health replica: paging, states, the redesign, and ground truth agreeing
with what is served (a real HTTP server in a thread)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from urllib.parse import urljoin

import pytest
from parsel import Selector

from pipeline.replicas.cities_for_global_health import (
    CitiesForGlobalHealthSite,
    Initiative,
    make_site,
)
from pipeline.replicas.server import SITES, ReplicaServer, SiteOptions
from tests.replicas.conftest import fetch

SIZE = 45


@pytest.fixture(scope="module")
def cfgh() -> CitiesForGlobalHealthSite:
    return CitiesForGlobalHealthSite(seed=1, size=SIZE)


@pytest.fixture(scope="module")
def base(cfgh: CitiesForGlobalHealthSite) -> Iterator[str]:
    with ReplicaServer(cfgh) as running:
        yield running.base_url


def walk_listing(start: str) -> list[str]:
    """Every teaser link, following the pager's next link to the end."""
    url: str | None = start
    hrefs: list[str] = []
    while url:
        page = fetch(url)
        assert page.status == 200, url
        hrefs += page.html.css(".views-row .node__title a::attr(href)").getall()
        next_href = page.html.css(".pager__item--next a::attr(href)").get()
        url = urljoin(url, next_href) if next_href else None
    return hrefs


def field(page: Selector, name: str) -> list[str]:
    return [
        " ".join(item.xpath("string()").get("").split())
        for item in page.css(f".field--name-field-{name} .field__item")
    ]


def test_listing_pages_to_the_end_newest_first(cfgh: CitiesForGlobalHealthSite, base: str) -> None:
    nodes = cfgh.initiatives(1)
    assert walk_listing(f"{base}/initiatives") == [node.path for node in nodes]
    assert walk_listing(f"{base}/es/initiatives") == [node.path for node in nodes]
    first = fetch(f"{base}/initiatives").html
    assert first.css("nav.pager ul.pager__items.js-pager__items")
    assert first.css(".pager__item--next a[rel=next]::attr(href)").get() == "?page=1"
    beyond = fetch(f"{base}/initiatives?page=99")
    assert beyond.status == 200 and beyond.html.css(".view-empty")
    assert fetch(f"{base}/initiatives?page=x").status == 404


def test_home_counters_and_the_menu_to_the_listing(
    cfgh: CitiesForGlobalHealthSite, base: str
) -> None:
    home = cfgh.home(1)
    assert home.initiatives == SIZE
    cities = {(n.country, n.place_key) for n in cfgh.initiatives(1) if n.city}
    assert home.cities == len(cities)
    for path, words in (("/", "initiatives uploaded"), ("/es", "iniciativas subidas")):
        page = fetch(base + path).html
        counters = [" ".join(c.xpath("string()").get("").split()) for c in page.css(".counter")]
        assert counters[0] == f"{home.initiatives} {words}"
        assert counters[1].startswith(f"{home.cities} ")
        assert page.css("a[data-drupal-link-system-path=initiatives]::attr(href)").get() in (
            "/initiatives",
            "/es/initiatives",
        )


def test_detail_pages_agree_with_the_ground_truth(
    cfgh: CitiesForGlobalHealthSite, base: str
) -> None:
    for node in cfgh.initiatives(1):
        for version in node.versions:
            answer = fetch(base + version.path)
            assert answer.status == 200
            assert answer.header("Last-Modified") and answer.header("X-Generator")
            page = answer.html
            assert page.xpath("/html/@lang").get() == version.language
            assert page.css("h1.page-title span::text").get() == version.title
            assert page.css("link[rel=shortlink]::attr(href)").get() == (
                f"{base}{'' if version.language == 'en' else '/es'}/node/{node.nid}"
            )
            assert page.css("article::attr(data-history-node-id)").get() == str(node.nid)
            alternates = dict(
                zip(
                    page.css("link[hreflang]::attr(hreflang)").getall(),
                    page.css("link[hreflang]::attr(href)").getall(),
                    strict=True,
                )
            )
            assert alternates == {v.language: base + v.path for v in node.versions}
            assert field(page, "city") == ([version.city] if version.city else [])
            assert field(page, "country") == [version.country_name]
            assert field(page, "organisation") == list(node.organisations)
            assert field(page, "topics") == list(version.topics)
            assert field(page, "phase") == [version.phase]
            paragraphs = page.css(".field--name-body p::text").getall()
            assert paragraphs == list(version.paragraphs)
            assert page.css(".field--name-field-documents a::attr(href)").getall() == [
                d.path for d in node.documents
            ]
            assert page.css(".field--name-field-links a::attr(href)").getall() == [
                link.url for link in node.links
            ]
            dates = field(page, "date")
            assert (dates != []) == (node.date is not None)


def test_dates_come_in_several_formats(cfgh: CitiesForGlobalHealthSite, base: str) -> None:
    typed = {n.date_text for n in cfgh.initiatives(1) if n.date_text}
    assert any("/" in t for t in typed) and any(" de " in t for t in typed)
    assert any(t[:4].isdigit() for t in typed)
    assert any(n.date is None for n in cfgh.initiatives(1))
    spanish = next(n for n in cfgh.initiatives(1) if n.language == "es" and n.date_text is None)
    shown = fetch(base + spanish.path).html.css(".field--name-field-date time::text").get()
    assert shown is not None and " de " in shown


def test_node_paths_redirect_and_untranslated_nodes_are_served(
    cfgh: CitiesForGlobalHealthSite, base: str
) -> None:
    node = next(n for n in cfgh.initiatives(1) if n.translation is None)
    own = "" if node.language == "en" else "/es"
    other = "/es" if node.language == "en" else ""
    moved = fetch(f"{base}{own}/node/{node.nid}")
    assert moved.status == 301 and moved.header("Location") == base + node.path
    # The switcher's other language: the original under the other interface, no alternate.
    untranslated = fetch(f"{base}{other}/node/{node.nid}")
    assert untranslated.status == 200
    assert len(untranslated.html.css("link[hreflang]")) == 1


def test_pdfs_feeds_sitemap_robots_and_validators(
    cfgh: CitiesForGlobalHealthSite, base: str
) -> None:
    documents = cfgh.documents(1)
    assert documents and all(d.path.startswith("/sites/default/files/20") for d in documents)
    pdf = fetch(base + documents[0].path)
    assert pdf.status == 200 and pdf.body.startswith(b"%PDF-")
    assert pdf.header("Content-Type") == "application/pdf"
    again = fetch(base + documents[0].path, If_None_Match=pdf.header("ETag") or "")
    assert again.status == 304
    feed = Selector(text=fetch(f"{base}/initiatives/feed").text, type="xml")
    newest = [n.title for n in cfgh.initiatives(1)[:10]]
    assert feed.xpath("//item/title/text()").getall() == newest
    sitemap = Selector(text=fetch(f"{base}/sitemap.xml").text, type="xml")
    sitemap.register_namespace("s", "http://www.sitemaps.org/schemas/sitemap/0.9")
    locs = set(sitemap.xpath("//s:url/s:loc/text()").getall())
    expected = {base + v.path for n in cfgh.initiatives(1) for v in n.versions}
    assert expected | {f"{base}/", f"{base}/es"} == locs
    assert "Disallow: /admin/" in fetch(f"{base}/robots.txt").text
    assert fetch(f"{base}/no/such/page").status == 404


def test_state_two_adds_edits_and_removes_one_initiative(
    cfgh: CitiesForGlobalHealthSite,
) -> None:
    before = {n.nid: n for n in cfgh.initiatives(1)}
    after = {n.nid: n for n in cfgh.initiatives(2)}
    assert set(after) - set(before) == {cfgh.added_id}
    assert set(before) - set(after) == {cfgh.removed_id}
    changed = {nid for nid in before.keys() & after.keys() if before[nid] != after[nid]}
    assert changed == {cfgh.edited_id}
    edited, original = after[cfgh.edited_id], before[cfgh.edited_id]
    assert edited.title != original.title and edited.path == original.path
    assert edited.original.paragraphs[1:] == original.original.paragraphs
    assert edited.changed > original.changed
    assert cfgh.initiatives(2)[0].nid == cfgh.added_id
    assert cfgh.home(2) == cfgh.home(1)  # one in, one out, no city lost
    removed = before[cfgh.removed_id]
    with ReplicaServer(CitiesForGlobalHealthSite(seed=1, size=SIZE)) as server:
        server.set_state(2)
        assert fetch(server.base_url + removed.path).status == 404
        assert fetch(f"{server.base_url}/node/{removed.nid}").status == 404
        page = fetch(server.base_url + edited.path).html
        assert page.css("h1.page-title span::text").get() == edited.title
        assert walk_listing(f"{server.base_url}/initiatives")[0] == after[cfgh.added_id].path


def text_of(page: Selector) -> str:
    return " ".join(page.css("main").xpath("string()").get("").split())


def test_redesign_changes_markup_not_content(cfgh: CitiesForGlobalHealthSite) -> None:
    redesigned = CitiesForGlobalHealthSite(seed=1, size=SIZE, quirks={"redesign"})
    assert redesigned.initiatives(1) == cfgh.initiatives(1)
    node: Initiative = next(n for n in cfgh.initiatives(1) if n.city and n.documents)
    with ReplicaServer(cfgh) as old, ReplicaServer(redesigned) as new:
        before = fetch(old.base_url + node.path).html
        after = fetch(new.base_url + node.path).html
        assert walk_listing(f"{new.base_url}/initiatives") == [n.path for n in cfgh.initiatives(1)]
    assert before.css(".field--name-field-city") and not after.css(".field--name-field-city")
    assert not after.css(".field--name-body, h1.page-title, article.node--type-initiative")
    content = text_of(after)
    for text in (node.title, node.city or "", *node.original.paragraphs, *node.organisations):
        assert text in content
    assert after.css("meta[property='og:title']::attr(content)").get() == node.title


def test_capped_listing_leaves_the_rest_to_the_sitemap(cfgh: CitiesForGlobalHealthSite) -> None:
    capped = CitiesForGlobalHealthSite(seed=1, size=SIZE, quirks={"listing-capped"})
    with ReplicaServer(capped) as server:
        listed = walk_listing(f"{server.base_url}/initiatives")
        sitemap = fetch(f"{server.base_url}/sitemap.xml").text
    assert listed == [n.path for n in cfgh.initiatives(1)[:20]]
    assert all(f"{v.path}</loc>" in sitemap for n in cfgh.initiatives(1) for v in n.versions)


def test_unknown_quirk_is_refused_and_the_registry_builds_the_site() -> None:
    with pytest.raises(ValueError, match="unknown quirk"):
        make_site(SiteOptions(quirks=frozenset({"no-embed"})))
    site = SITES["cities_for_global_health"](SiteOptions(size=5))
    assert isinstance(site, CitiesForGlobalHealthSite) and len(site.initiatives()) == 5


def test_a_large_site_starts_fast_and_splits_its_sitemap() -> None:
    started = time.monotonic()
    large = CitiesForGlobalHealthSite(seed=2, size=2000)
    with ReplicaServer(large) as server:
        index = fetch(f"{server.base_url}/sitemap.xml")
        listing = fetch(f"{server.base_url}/initiatives?page=199")
    print(f"size 2000: first answers after {time.monotonic() - started:.2f} s")
    assert b"<sitemapindex" in index.body
    assert len(listing.html.css(".views-row")) == 10
    assert not listing.html.css(".pager__item--next")
