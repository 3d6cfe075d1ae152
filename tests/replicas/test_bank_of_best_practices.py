"""The Bank of Best Practices replica: archive paging and the area filter, the REST API, the
ground truth against what is served, state 2, the redesign, validators."""

from __future__ import annotations

import time
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from parsel import Selector

from crawler.profiles import load_profile
from pipeline.replicas.bank_of_best_practices import (
    PER_PAGE,
    BankOfBestPracticesSite,
    make_site,
)
from pipeline.replicas.bank_of_best_practices.pages import shown_date
from pipeline.replicas.bank_of_best_practices.vocabulary import COUNTRY_NAMES
from pipeline.replicas.server import ReplicaServer, SiteOptions
from tests.replicas.conftest import fetch

SIZE = 34


@pytest.fixture(scope="module")
def bank() -> BankOfBestPracticesSite:
    return BankOfBestPracticesSite(seed=1, size=SIZE)


@pytest.fixture(scope="module")
def served(bank: BankOfBestPracticesSite) -> Iterator[str]:
    with ReplicaServer(bank) as server:
        yield server.base_url


def walk_archive(start: str) -> list[str]:
    """Practice paths of every archive page, following <link rel="next"> to the end."""
    paths, url, pages = [], start, 0
    while url:
        page = fetch(url)
        assert page.status == 200, url
        html = page.html
        paths += [urlsplit(h).path for h in html.css("article .entry-title a::attr(href)").getall()]
        url = html.css("link[rel=next]::attr(href)").get()
        pages += 1
        assert pages < 50
    return paths


def test_archive_pages_list_every_practice_newest_first(
    bank: BankOfBestPracticesSite, served: str
) -> None:
    assert walk_archive(f"{served}/practicas/") == [p.path for p in bank.practices()]
    last = -(-SIZE // PER_PAGE)
    assert fetch(f"{served}/practicas/page/{last + 1}/").status == 404
    for path in ("/practicas", "/practicas/page/1/"):
        answer = fetch(served + path)
        assert answer.status == 301 and answer.header("Location") == f"{served}/practicas/"


def test_area_filter_lists_only_that_area_and_pages_keep_it(
    bank: BankOfBestPracticesSite, served: str
) -> None:
    label = bank.practices()[0].areas[0]
    slug = bank.area_slug(label)
    wanted = [p.path for p in bank.practices() if label in p.areas]
    assert walk_archive(f"{served}/practicas/?area={slug}") == wanted
    assert fetch(f"{served}/practicas/?area=no-such-area").status == 404


def test_rest_api_lists_the_same_practices_with_their_fields(
    bank: BankOfBestPracticesSite, served: str
) -> None:
    first = fetch(f"{served}/wp-json/wp/v2/practica?per_page=20")
    assert first.header("X-WP-Total") == str(SIZE) and first.header("X-WP-TotalPages") == "2"
    second = fetch(f"{served}/wp-json/wp/v2/practica?per_page=20&page=2")
    items = first.json() + second.json()
    assert [i["id"] for i in items] == [p.id for p in bank.practices()]
    terms = {t["id"]: t["name"] for t in fetch(f"{served}/wp-json/wp/v2/area_tematica").json()}
    for item, practice in zip(items, bank.practices(), strict=True):
        acf = item["acf"]
        assert item["link"] == served + practice.path
        assert [terms[i] for i in item["area_tematica"]] == list(practice.areas)
        assert (acf["gobierno_local"], acf["ciudad"]) == (practice.government, practice.city)
        assert acf["pais"] == COUNTRY_NAMES[practice.country]
        assert [u["nombre"] for u in acf["universidades"]] == list(practice.universities)
        assert [int(n) for n in acf["ods"] or []] == list(practice.sdgs)
        assert item["date"].startswith(practice.published.isoformat())
    assert fetch(f"{served}/wp-json/wp/v2/practica?per_page=101").status == 400
    assert fetch(f"{served}/wp-json/wp/v2/practica?per_page=20&page=3").status == 400


def test_acf_hidden_serves_practices_without_their_fields() -> None:
    site = make_site(SiteOptions(size=5, quirks=frozenset({"acf-hidden"})))
    with ReplicaServer(site) as server:
        items = fetch(f"{server.base_url}/wp-json/wp/v2/practica").json()
    assert len(items) == 5 and not any("acf" in item for item in items)


def test_without_rest_api_the_api_is_refused_and_not_advertised(
    bank: BankOfBestPracticesSite,
) -> None:
    site = BankOfBestPracticesSite(seed=1, size=SIZE, rest_api=False)
    with ReplicaServer(site) as server:
        assert fetch(f"{server.base_url}/wp-json/wp/v2/practica").status == 401
        page = fetch(server.base_url + bank.practices()[0].path)
    assert "api.w.org" not in page.text and page.header("Link") is not None


def test_ground_truth_agrees_with_every_practice_page(
    bank: BankOfBestPracticesSite, served: str
) -> None:
    for practice in bank.practices():
        page = fetch(served + practice.path)
        assert page.status == 200
        html = page.html
        assert html.css("h1.entry-title::text").get() == practice.title
        assert html.css("link[rel=shortlink]::attr(href)").get() == f"{served}/?p={practice.id}"
        assert html.css("dd.ficha-gobierno::text").get() == practice.government
        assert html.css("dd.ficha-ciudad::text").get() == practice.city
        assert html.css("dd.ficha-pais::text").get() == COUNTRY_NAMES[practice.country]
        assert html.css("dd.ficha-universidades li::text").getall() == list(practice.universities)
        assert html.css("dd.ficha-areas a::text").getall() == list(practice.areas)
        assert html.css("dd.ficha-fecha::text").get() == shown_date(practice)
        assert html.css("dd.ficha-estado::text").get() == practice.status_label
        assert html.css("dd.ficha-anio::text").get() == (
            str(practice.year) if practice.year else None
        )
        assert html.css("dd.ficha-ods li::text").getall() == [f"ODS {n}" for n in practice.sdgs]
        assert html.css(".entry-content p::text").getall() == list(practice.content_paragraphs)
        assert html.css(".practica-resumen p::text").get() == practice.summary
        documents = html.css(".practica-documentos a::attr(href)").getall()
        assert documents == [d.url(served) for d in practice.documents]
        for contact in practice.contacts:  # personal data is on the page (never to be stored)
            assert contact.email in page.text and contact.name in page.text
    # Optional fields are missing on some practices; several date formats are in use.
    practices = bank.practices()
    assert any(p.summary is None for p in practices) and any(p.year is None for p in practices)
    assert any(not p.sdgs for p in practices) and any(not p.documents for p in practices)
    assert {p.date_format for p in practices} == {"long", "slash", "iso"}
    assert {"es", "pt"} <= {p.language for p in practices}
    assert any(p.contact_paragraph for p in practices)


def test_documents_are_pdfs_with_validators(bank: BankOfBestPracticesSite, served: str) -> None:
    document = next(d for p in bank.practices() for d in p.documents if d.host is None)
    pdf = fetch(served + document.path)
    assert pdf.status == 200 and pdf.body.startswith(b"%PDF-")
    assert pdf.header("Content-Type") == "application/pdf"
    modified = pdf.header("Last-Modified")
    assert modified is not None
    assert fetch(served + document.path, If_Modified_Since=modified).status == 304
    page = fetch(served + bank.practices()[0].path)
    etag = page.header("ETag")
    assert etag and fetch(served + bank.practices()[0].path, If_None_Match=etag).status == 304


def test_robots_and_sitemap_name_every_practice(bank: BankOfBestPracticesSite, served: str) -> None:
    robots = fetch(f"{served}/robots.txt").text
    assert f"Sitemap: {served}/wp-sitemap.xml" in robots
    sitemap = Selector(text=fetch(f"{served}/wp-sitemap-posts-practica-1.xml").text, type="xml")
    sitemap.remove_namespaces()
    locs = {urlsplit(loc).path for loc in sitemap.xpath("//loc/text()").getall()}
    assert locs == {p.path for p in bank.practices()}


def test_state_two_adds_edits_and_removes_exactly_one() -> None:
    site = BankOfBestPracticesSite(seed=3, size=25)
    before = {p.id: p for p in site.practices(1)}
    after = {p.id: p for p in site.practices(2)}
    assert set(after) - set(before) == {site.added_id}
    assert set(before) - set(after) == {site.removed_id}
    assert site.added_id > max(before) and site.practices(2)[0].id == site.added_id
    changed = {i for i in before.keys() & after.keys() if before[i] != after[i]}
    assert changed == {site.edited_id}
    old, new = before[site.edited_id], after[site.edited_id]
    assert new.title != old.title and new.paragraphs != old.paragraphs
    assert (new.slug, new.date) == (old.slug, old.date) and new.modified > old.modified
    with ReplicaServer(site) as server:
        base = server.base_url
        removed, edited = before[site.removed_id], before[site.edited_id]
        assert fetch(base + removed.path).status == 200
        server.set_state(2)
        assert fetch(base + removed.path).status == 404
        assert fetch(f"{base}/wp-json/wp/v2/practica/{site.removed_id}").status == 404
        assert fetch(f"{base}/?p={site.removed_id}").status == 404
        assert new.title in fetch(base + edited.path).text
        added = after[site.added_id]
        assert fetch(f"{base}/?p={added.id}").header("Location") == base + added.path
        assert walk_archive(f"{base}/practicas/") == [p.path for p in site.practices(2)]


def test_deterministic_and_fast_at_size_2000() -> None:
    first, second = BankOfBestPracticesSite(seed=9, size=40), BankOfBestPracticesSite(9, 40)
    assert first.practices(2) == second.practices(2)
    assert [p.title for p in BankOfBestPracticesSite(seed=10, size=40).practices()] != [
        p.title for p in first.practices()
    ]
    started = time.perf_counter()
    big = make_site(SiteOptions(size=2000))
    with ReplicaServer(big) as server:
        assert fetch(f"{server.base_url}/practicas/page/200/").status == 200
    assert time.perf_counter() - started < 10  # generous: metadata only is drawn up front


def test_redesign_changes_markup_not_content(bank: BankOfBestPracticesSite) -> None:
    redesigned = make_site(SiteOptions(seed=1, size=SIZE, quirks=frozenset({"redesign"})))
    assert [p for p in redesigned.practices(2)] == bank.practices(2)
    profile = load_profile("bank_of_best_practices")
    practice = next(p for p in bank.practices() if p.summary and p.sdgs)
    with ReplicaServer(bank) as classic, ReplicaServer(redesigned) as new:
        old_page = fetch(classic.base_url + practice.path).html
        new_page = fetch(new.base_url + practice.path).html
        new_listing = fetch(f"{new.base_url}/practicas/").html
    for field in ("body_html", "government", "city", "country", "status", "year"):
        assert profile.first(old_page, "practice", field), field
        assert profile.first(new_page, "practice", field) is None, field
    assert new_page.css(".practice__title::text").get() == practice.title
    assert new_page.css(".practice__description p::text").getall() == list(
        practice.content_paragraphs
    )
    values = new_page.css(".fact__value").xpath("string()").getall()
    assert practice.government in values and practice.city in values
    assert profile.nodes(new_listing, "listing", "entries")  # the listing still reads
    with pytest.raises(ValueError, match=r"unknown quirk\(s\): no-such"):
        make_site(SiteOptions(quirks=frozenset({"no-such"})))
