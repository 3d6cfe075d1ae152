"""State 2: exactly one post added, one edited and one removed, in every view of the site."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pipeline.replicas.mercociudades import MercociudadesSite
from pipeline.replicas.server import ReplicaServer
from tests.replicas.conftest import fetch


@pytest.fixture
def switching() -> Iterator[tuple[MercociudadesSite, ReplicaServer]]:
    site = MercociudadesSite(seed=4, size=30)
    with ReplicaServer(site) as server:
        yield site, server


def test_ground_truth_diff(site: MercociudadesSite) -> None:
    before = {post.id: post for post in site.posts(1)}
    after = {post.id: post for post in site.posts(2)}
    assert set(after) - set(before) == {site.added_id}
    assert set(before) - set(after) == {site.removed_id}
    assert site.added_id > max(before) and site.added_id > max(p.id for p in site.posts(1, "pt"))
    assert site.posts(2)[0].id == site.added_id
    changed = {i for i in before.keys() & after.keys() if before[i] != after[i]}
    assert changed == {site.edited_id}
    old, new = before[site.edited_id], after[site.edited_id]
    assert new.title != old.title and new.paragraphs != old.paragraphs
    assert new.modified > old.modified and new.date == old.date and new.slug == old.slug
    assert new.modified >= max(p.modified for p in site.posts(1))


def test_changes_are_deterministic() -> None:
    first, second = MercociudadesSite(seed=9, size=40), MercociudadesSite(seed=9, size=40)
    assert (first.added_id, first.edited_id, first.removed_id) == (
        second.added_id,
        second.edited_id,
        second.removed_id,
    )
    assert first.posts(2) == second.posts(2)
    assert [p.paragraphs for p in first.posts(2)] == [p.paragraphs for p in second.posts(2)]
    other = MercociudadesSite(seed=10, size=40)
    assert [p.title for p in other.posts()] != [p.title for p in first.posts()]


def test_state_two_over_http(switching: tuple[MercociudadesSite, ReplicaServer]) -> None:
    site, server = switching
    base = server.base_url
    removed = site.post(site.removed_id, 1)
    edited_before = site.post(site.edited_id, 1)
    assert removed is not None and edited_before is not None
    untouched = next(p for p in site.posts(1)[10:] if p.id not in (site.edited_id, site.removed_id))
    listing = f"{base}/wp-json/wp/v2/posts?per_page=100"
    ids_before = [item["id"] for item in fetch(listing).json()]
    edited_page = fetch(base + edited_before.path)
    untouched_etag = fetch(base + untouched.path).header("ETag")
    rest_etag = fetch(f"{base}/wp-json/wp/v2/posts/{untouched.id}").header("ETag")

    server.set_state(2)

    ids_after = [item["id"] for item in fetch(listing).json()]
    assert set(ids_after) - set(ids_before) == {site.added_id}
    assert set(ids_before) - set(ids_after) == {site.removed_id}
    assert ids_after[0] == site.added_id
    archive = fetch(base + "/covid-19/").html
    assert archive.css("article::attr(id)").get() == f"post-{site.added_id}"

    assert fetch(base + removed.path).status == 404
    assert fetch(f"{base}/?p={removed.id}").status == 404
    gone = fetch(f"{base}/wp-json/wp/v2/posts/{removed.id}")
    assert gone.status == 404 and gone.json()["code"] == "rest_post_invalid_id"

    edited = site.post(site.edited_id, 2)
    assert edited is not None
    again = fetch(base + edited.path, If_None_Match=edited_page.header("ETag") or "")
    assert again.status == 200
    assert again.html.css("h1.entry-title::text").get() == edited.title
    assert again.header("Last-Modified") != edited_page.header("Last-Modified")
    modified_after = edited_before.modified.replace(tzinfo=None).isoformat()
    recent = fetch(f"{listing}&modified_after={modified_after}").json()
    assert site.edited_id in {item["id"] for item in recent}

    assert fetch(base + untouched.path, If_None_Match=untouched_etag or "").status == 304
    same = fetch(f"{base}/wp-json/wp/v2/posts/{untouched.id}", If_None_Match=rest_etag or "")
    assert same.status == 304
