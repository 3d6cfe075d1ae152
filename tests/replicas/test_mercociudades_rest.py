"""The REST API of the replica: index, terms, filters, and the site with the API switched off."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pipeline.replicas.mercociudades import MercociudadesSite
from pipeline.replicas.server import ReplicaServer
from tests.replicas.conftest import fetch


def test_index(base: str) -> None:
    index = fetch(base + "/wp-json/")
    assert index.header("Content-Type") == "application/json; charset=UTF-8"
    payload = index.json()
    assert payload["name"] == "Mercociudades"
    assert payload["url"] == base
    assert payload["namespaces"] == ["oembed/1.0", "wp/v2"]
    assert {"/wp/v2/posts", "/wp/v2/categories", "/wp/v2/tags"} <= set(payload["routes"])
    assert b"\\/" in index.body  # PHP's json_encode escapes slashes


def test_categories(base: str, site: MercociudadesSite) -> None:
    found = fetch(base + "/wp-json/wp/v2/categories?slug=covid-19").json()
    assert [term["id"] for term in found] == [site.category_id]
    covid = found[0]
    assert covid["name"] == "COVID-19" and covid["count"] == site.size
    assert covid["link"] == base + site.landing_path
    assert covid["lang"] == "es" and set(covid["translations"]) == {"es", "pt"}
    single = fetch(f"{base}/wp-json/wp/v2/categories/{site.category_id}").json()
    assert single == covid
    post = next(p for p in site.posts() if len(p.categories) > 1)
    ids = ",".join(str(term.id) for term in post.category_terms)
    named = fetch(f"{base}/wp-json/wp/v2/categories?include={ids}&per_page=100").json()
    assert sorted(term["name"] for term in named) == sorted(post.categories)
    assert fetch(f"{base}/wp-json/wp/v2/categories/999999").status == 404


def test_tags(base: str, site: MercociudadesSite) -> None:
    post = next(p for p in site.posts() if p.tags)
    tag = post.tag_terms[0]
    found = fetch(f"{base}/wp-json/wp/v2/tags?slug={tag.slug}").json()
    assert [(t["id"], t["name"], t["taxonomy"]) for t in found] == [(tag.id, tag.name, "post_tag")]
    tagged = fetch(f"{base}/wp-json/wp/v2/posts?tags={tag.id}&per_page=100").json()
    assert post.id in {item["id"] for item in tagged}
    listing = fetch(f"{base}/wp-json/wp/v2/tags?per_page=5")
    assert listing.header("X-WP-TotalPages") is not None


def test_post_filters(base: str, site: MercociudadesSite) -> None:
    posts = site.posts()
    middle = posts[len(posts) // 2]
    since = middle.modified.replace(tzinfo=None).isoformat()
    newer = fetch(f"{base}/wp-json/wp/v2/posts?modified_after={since}&per_page=100").json()
    assert {item["id"] for item in newer} == {p.id for p in posts if p.modified > middle.modified}
    fields = fetch(f"{base}/wp-json/wp/v2/posts?_fields=id,title.rendered,link").json()
    assert set(fields[0]) == {"id", "title", "link"} and set(fields[0]["title"]) == {"rendered"}
    oldest = fetch(f"{base}/wp-json/wp/v2/posts?orderby=date&order=asc&per_page=1").json()
    assert oldest[0]["id"] == posts[-1].id
    by_slug = fetch(f"{base}/wp-json/wp/v2/posts?slug={middle.slug}").json()
    assert [item["id"] for item in by_slug] == [middle.id]
    wrong = fetch(f"{base}/wp-json/wp/v2/posts?orderby=popularity")
    assert wrong.status == 400 and wrong.json()["code"] == "rest_invalid_param"
    plain = fetch(f"{base}/?rest_route=/wp/v2/posts&per_page=2")
    assert plain.status == 200 and len(plain.json()) == 2
    missing = fetch(f"{base}/wp-json/wp/v2/posts/999999")
    assert missing.status == 404 and missing.json()["code"] == "rest_post_invalid_id"
    assert fetch(f"{base}/wp-json/wp/v2/nothing").json()["code"] == "rest_no_route"


@pytest.fixture(scope="module")
def closed() -> Iterator[tuple[MercociudadesSite, str]]:
    site = MercociudadesSite(seed=1, size=20, rest_api=False)
    with ReplicaServer(site) as server:
        yield site, server.base_url


@pytest.mark.parametrize("path", ["/wp-json/", "/wp-json/wp/v2/posts", "/?rest_route=/wp/v2/posts"])
def test_rest_api_switched_off(closed: tuple[MercociudadesSite, str], path: str) -> None:
    _, base = closed
    refused = fetch(base + path)
    assert refused.status == 401
    assert refused.header("Content-Type") == "application/json; charset=UTF-8"
    assert refused.json() == {
        "code": "rest_cannot_access",
        "message": "Only authenticated users can access the REST API.",
        "data": {"status": 401},
    }


def test_switched_off_pages_do_not_advertise_it(closed: tuple[MercociudadesSite, str]) -> None:
    site, base = closed
    for path in (site.landing_path, site.posts()[0].path):
        page = fetch(base + path)
        assert page.status == 200
        assert page.html.css('link[rel="https://api.w.org/"]').get() is None
        assert page.html.css('link[type="application/json"]').get() is None
        assert not any("api.w.org" in value for value in page.header_all("Link"))
    archive = fetch(base + site.landing_path).html
    assert len(archive.css("article")) == 10
