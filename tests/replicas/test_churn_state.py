"""State 3, churn: about 1% of the records edited (at least one) on every replica, with every
marker a real CMS moves along (modified dates, meta tags, validators, sitemap ``lastmod``), and
every other record page served byte for byte as in state 1."""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pytest

from pipeline.replicas.bank_of_best_practices import BankOfBestPracticesSite
from pipeline.replicas.beyond_the_outbreak import BeyondTheOutbreakSite
from pipeline.replicas.bibliography import CITED_PATHS, BibliographySite
from pipeline.replicas.cities_for_global_health import CitiesForGlobalHealthSite
from pipeline.replicas.idb_cities_network import IdbCitiesNetworkSite
from pipeline.replicas.mercociudades import MercociudadesSite
from pipeline.replicas.server import ReplicaServer, Response
from pipeline.replicas.states import churn_count
from tests.replicas.conftest import fetch

SIZE = 150  # 1% of 150 records (and of Mercociudades' ~190 posts): 2 edited


@dataclass(frozen=True)
class Record:
    """One record as a state shows it: the ground truth, and what is served for it."""

    truth: Any  # compared between states: equal when the record did not change
    title: str
    pages: tuple[str, ...]  # its HTML pages (every language)
    machine: tuple[str, ...] = ()  # its REST item, where the site has one
    files: tuple[str, ...] = ()  # documents the site serves for it


@dataclass(frozen=True)
class Platform:
    key: str
    make: Callable[[int], Any]
    records: Callable[[Any, int], dict[Hashable, Record]]
    sitemap: str  # the sitemap whose <url> entries carry the records' lastmod
    pdfs_follow_edits: bool = False  # IDB's PDFs carry the node's title and changed date
    # Pages besides the records' that state 3 leaves alone (Mercociudades' translations).
    others: Callable[[Any], tuple[str, ...]] = lambda site: ()


def _mercociudades(site: MercociudadesSite, state: int) -> dict[Hashable, Record]:
    """The Spanish posts; a Portuguese translation is part of its original's record."""
    posts = site.posts(state, "es")
    return {
        p.id: Record(
            (p, p.body),
            p.title,
            (p.path,),
            (f"/wp-json/wp/v2/posts/{p.id}",),
            tuple(pdf.path for pdf in p.pdfs if pdf.path.startswith("/")),
        )
        for p in posts
    }


def _cities_for_global_health(
    site: CitiesForGlobalHealthSite, state: int
) -> dict[Hashable, Record]:
    return {
        n.nid: Record(
            n, n.title, tuple(v.path for v in n.versions), (), tuple(d.path for d in n.documents)
        )
        for n in site.initiatives(state)
    }


def _beyond_the_outbreak(site: BeyondTheOutbreakSite, state: int) -> dict[Hashable, Record]:
    records: dict[Hashable, Record] = {}
    for s in site.sessions(state):
        pages = (s.path, s.translation.path) if s.translation else (s.path,)
        files = (s.briefing.path, s.figure) if s.figure else (s.briefing.path,)
        truth = (s, site.narrative(s, "en"), site.narrative(s, "es"))
        records[s.slug] = Record(truth, s.title, pages, (), files)
    return records


def _bank_of_best_practices(site: BankOfBestPracticesSite, state: int) -> dict[Hashable, Record]:
    return {
        p.id: Record(
            p,
            p.title,
            (p.path,),
            (f"/wp-json/wp/v2/practica/{p.id}",),
            tuple(d.path for d in p.documents if d.host is None),
        )
        for p in site.practices(state)
    }


def _idb_cities_network(site: IdbCitiesNetworkSite, state: int) -> dict[Hashable, Record]:
    records: dict[Hashable, Record] = {}
    for record in site.records(state)[1:]:  # the landing page is no record of the churn
        pages = (record.path, record.translation[1]) if record.translation else (record.path,)
        local = record.pdf if record.pdf and record.pdf.startswith("/") else None
        records[record.node_id] = Record(record, record.title, pages, (), (local,) if local else ())
    return records


PLATFORMS = (
    Platform(
        "mercociudades_covid",
        lambda size: MercociudadesSite(seed=3, size=size),
        _mercociudades,
        "/wp-sitemap-posts-post-1.xml",
        others=lambda site: tuple(
            path
            for post in site.posts(1, "pt")
            for path in (post.path, f"/wp-json/wp/v2/posts/{post.id}")
        ),
    ),
    Platform(
        "cities_for_global_health",
        lambda size: CitiesForGlobalHealthSite(seed=3, size=size),
        _cities_for_global_health,
        "/sitemap.xml",
    ),
    Platform(
        "beyond_the_outbreak",
        lambda size: BeyondTheOutbreakSite(seed=3, size=size),
        _beyond_the_outbreak,
        "/page-sitemap.xml",
    ),
    Platform(
        "bank_of_best_practices",
        lambda size: BankOfBestPracticesSite(seed=3, size=size),
        _bank_of_best_practices,
        "/wp-sitemap-posts-practica-1.xml",
    ),
    Platform(
        "idb_cities_network",
        lambda size: IdbCitiesNetworkSite(seed=3, size=size),
        _idb_cities_network,
        "/sitemap.xml",
        pdfs_follow_edits=True,
    ),
)
IDS = [platform.key for platform in PLATFORMS]


@pytest.fixture(params=PLATFORMS, ids=IDS)
def platform(request: pytest.FixtureRequest) -> Platform:
    platform: Platform = request.param
    return platform


@pytest.fixture
def served(platform: Platform) -> Iterator[tuple[Any, ReplicaServer]]:
    site = platform.make(SIZE)
    with ReplicaServer(site) as server:
        yield site, server


def get(server: ReplicaServer, path: str, **headers: str) -> Response:
    """One GET answered in process (validators and 304s included), as the server sends it."""
    named = {name.replace("_", "-").lower(): value for name, value in headers.items()}
    return server.respond("GET", path, {"host": f"127.0.0.1:{server.port}", **named})


def lastmods(server: ReplicaServer, path: str) -> dict[str, str]:
    xml = get(server, path).body.decode()
    pattern = r"<url>\s*<loc>([^<]+)</loc>.*?<lastmod>([^<]+)</lastmod>"
    return dict(re.findall(pattern, xml, re.S))


@pytest.mark.parametrize("size", [3, 20, SIZE, 1000])
def test_churn_edits_one_percent_of_the_records_and_nothing_else(
    platform: Platform, size: int
) -> None:
    site = platform.make(size)
    before, after = platform.records(site, 1), platform.records(site, 3)
    assert before.keys() == after.keys()  # nothing added, nothing removed
    changed = {key for key in before if before[key].truth != after[key].truth}
    assert changed == set(site.churned_ids)
    assert len(changed) == churn_count(len(before)) >= 1
    assert abs(len(changed) - len(before) / 100) < 1
    for key in changed:
        assert after[key].title != before[key].title or platform.key == "cities_for_global_health"
        assert [r.pages for r in (before[key], after[key])] == [before[key].pages] * 2
    assert not changed & set(getattr(site, "shared_ids", {}).values())
    again = platform.make(size)  # deterministic from the seed
    assert again.churned_ids == site.churned_ids
    assert platform.records(again, 3) == after


def test_churned_pages_change_with_their_validators_and_the_rest_stays_identical(
    platform: Platform, served: tuple[Any, ReplicaServer]
) -> None:
    site, server = served
    records = platform.records(site, 1)
    churned = set(site.churned_ids)
    # What Mercociudades' post navigation shows of a churned neighbour changes (the weak ETag
    # and Last-Modified of the page do not: the post itself did not change).
    navigation: set[Hashable] = set()
    if isinstance(site, MercociudadesSite):
        snapshot = site.snapshot(1)
        for post in snapshot.posts:
            if any(n is not None and n.id in churned for n in snapshot.neighbours(post)):
                navigation.add(post.id)
    paths = [path for r in records.values() for path in (*r.pages, *r.machine, *r.files)]
    first = {path: get(server, path) for path in paths}
    sitemap_before = lastmods(server, platform.sitemap)
    others = {path: get(server, path) for path in platform.others(site)}
    server.set_state(3)
    for path, old in others.items():
        new = get(server, path)
        assert (new.body, new.headers) == (old.body, old.headers), path
    for key, record in records.items():
        for path in (*record.pages, *record.machine, *record.files):
            old, new = first[path], get(server, path)
            assert old.status == new.status == 200, path
            etag, modified = old.header("ETag"), old.header("Last-Modified")
            assert etag is not None
            unchanged = key not in churned or (
                path in record.files and not platform.pdfs_follow_edits
            )
            if unchanged:
                if key not in navigation or path not in record.pages:
                    assert new.body == old.body, path
                assert (new.header("ETag"), new.header("Last-Modified")) == (etag, modified)
                assert get(server, path, If_None_Match=etag).status == 304
                if modified:
                    assert get(server, path, If_Modified_Since=modified).status == 304
            else:
                assert new.body != old.body, path
                assert new.header("ETag") != etag, path
                assert get(server, path, If_None_Match=etag).status == 200
                if modified is not None:
                    assert new.header("Last-Modified") != modified, path
                    assert get(server, path, If_Modified_Since=modified).status == 200
    sitemap_after = lastmods(server, platform.sitemap)
    assert sitemap_after.keys() == sitemap_before.keys()
    moved = {loc for loc in sitemap_before if sitemap_before[loc] != sitemap_after[loc]}
    base = f"http://127.0.0.1:{server.port}"
    record_locs = {base + page for r in records.values() for page in r.pages}
    churned_locs = {base + page for key in churned for page in records[key].pages}
    assert moved & record_locs == churned_locs


def test_churned_pages_say_when_they_changed(
    platform: Platform, served: tuple[Any, ReplicaServer]
) -> None:
    site, server = served
    before = platform.records(site, 1)
    old_pages = {key: get(server, before[key].pages[0]).body.decode() for key in site.churned_ids}
    server.set_state(3)
    for key, old in old_pages.items():
        new = get(server, before[key].pages[0]).body.decode()
        for pattern in (
            r'property="article:modified_time" content="([^"]+)"',
            r'"dateModified": ?"([^"]+)"',
        ):
            old_time, new_time = re.search(pattern, old), re.search(pattern, new)
            if new_time is None and old_time is None and "dateModified" in pattern:
                continue  # no JSON-LD dateModified on this platform
            assert new_time is not None, (key, pattern)
            if old_time is not None:  # (an unmodified WordPress post has none)
                times = [t.group(1).replace("\\/", "/") for t in (old_time, new_time)]
                assert datetime.fromisoformat(times[1]) > datetime.fromisoformat(times[0]), key
        shown = [
            re.findall(r'<title>([^<]*)</title>|name="description" content="([^"]*)"', page)
            for page in (old, new)
        ]
        assert shown[0] != shown[1], key  # the title, or the summary, changed


@pytest.mark.parametrize("post_type", ["posts", "practica"])
def test_wordpress_rest_modified_finds_exactly_the_churned_records(post_type: str) -> None:
    site: MercociudadesSite | BankOfBestPracticesSite
    if post_type == "posts":
        site = MercociudadesSite(seed=3, size=SIZE)
    else:
        site = BankOfBestPracticesSite(seed=3, size=SIZE)
    with ReplicaServer(site) as server:
        collection = f"{server.base_url}/wp-json/wp/v2/{post_type}?per_page=100"
        lang = "&lang=pt" if post_type == "posts" else ""
        before = walk(collection) + (walk(collection + lang) if lang else [])
        server.set_state(3)
        after = walk(collection) + (walk(collection + lang) if lang else [])
    old = {item["id"]: item for item in before}
    new = {item["id"]: item for item in after}
    assert old.keys() == new.keys()
    moved = {i for i in old if old[i]["modified_gmt"] != new[i]["modified_gmt"]}
    assert moved == set(site.churned_ids)
    latest = max(item["modified_gmt"] for item in before)
    for i in moved:
        assert new[i]["modified_gmt"] > latest and new[i]["modified"] > old[i]["modified"]
        assert new[i]["title"]["rendered"] != old[i]["title"]["rendered"]
        assert new[i]["date_gmt"] == old[i]["date_gmt"] and new[i]["slug"] == old[i]["slug"]
    for i in old.keys() - moved:
        assert new[i] == old[i]


def walk(url: str) -> list[dict[str, Any]]:
    items, page = [], 1
    while True:
        answer = fetch(f"{url}&page={page}")
        assert answer.status == 200, url
        items += answer.json()
        if page >= int(answer.header("X-WP-TotalPages") or "1"):
            return items
        page += 1


def test_bibliography_state_three_is_the_baseline() -> None:
    site = BibliographySite()
    assert site.documents(3) == site.documents(1) and site.churned_ids == ()
    with ReplicaServer(site) as server:
        first = {path: get(server, path).body for path in CITED_PATHS}
        server.set_state(3)
        assert {path: get(server, path).body for path in CITED_PATHS} == first


def test_unknown_states_are_refused() -> None:
    with ReplicaServer(BibliographySite()) as server:
        for state in (0, 4):
            with pytest.raises(ValueError, match="state"):
                server.set_state(state)
        refused = fetch(server.base_url + "/__replica__/state", method="POST", body=b"4")
        assert refused.status == 400 and server.state == 1
        assert fetch(server.base_url + "/__replica__/state", method="POST", body=b"3").json() == {
            "state": 3
        }
    with pytest.raises(ValueError, match="state"):
        MercociudadesSite(size=5).posts(4)
