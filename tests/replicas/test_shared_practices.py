"""Duplicates across platforms: every shared practice is served by both of its replicas, in
state 1 whatever the seed, with what a detector pairs them by (city, country, a shared URL,
close dates, similar or translated titles) and the differences real copies have."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from html import unescape
from typing import Any
from urllib.parse import urlsplit

import pytest

from pipeline.replicas.bank_of_best_practices import BankOfBestPracticesSite
from pipeline.replicas.cities_for_global_health import CitiesForGlobalHealthSite
from pipeline.replicas.mercociudades import MercociudadesSite
from pipeline.replicas.server import ReplicaServer
from pipeline.replicas.shared_practices import MIN_SIZE, publications_on, shared_practices
from tests.replicas.conftest import fetch


@dataclass(frozen=True)
class Copy:
    """A shared practice's record on one replica, from the site's ground truth."""

    titles: tuple[str, ...]  # the original's, then any translation's
    city: str | None
    country: str | None
    published: date
    resources: frozenset[str]  # absolute URLs of the documents and outbound links
    pages: tuple[str, ...]
    rest: str | None  # the REST item, on WordPress sites


def _mercociudades(site: MercociudadesSite, record_id: int, state: int) -> Copy | None:
    post = site.post(record_id, state)
    if post is None:
        return None
    resources = {pdf.path for pdf in post.pdfs} | {link.url for link in post.links}
    return Copy(
        (post.title,),
        post.city,
        post.country,
        post.date.date(),
        frozenset(resources),
        (post.path,),
        f"/wp-json/wp/v2/posts/{post.id}",
    )


def _cities_for_global_health(
    site: CitiesForGlobalHealthSite, record_id: int, state: int
) -> Copy | None:
    node = site.initiative(record_id, state)
    if node is None:
        return None
    return Copy(
        tuple(v.title for v in node.versions),
        node.city,
        node.country,
        node.published,
        frozenset(link.url for link in node.links),
        tuple(v.path for v in node.versions),
        None,
    )


def _bank_of_best_practices(
    site: BankOfBestPracticesSite, record_id: int, state: int
) -> Copy | None:
    practice = site.practice(record_id, state)
    if practice is None:
        return None
    return Copy(
        (practice.title,),
        practice.city,
        practice.country,
        practice.published,
        frozenset(d.url("") for d in practice.documents if d.host),
        (practice.path,),
        f"/wp-json/wp/v2/practica/{practice.id}",
    )


SITES: dict[str, tuple[Callable[[int, int], Any], Callable[[Any, int, int], Copy | None]]] = {
    "mercociudades_covid": (lambda seed, size: MercociudadesSite(seed, size), _mercociudades),
    "cities_for_global_health": (
        lambda seed, size: CitiesForGlobalHealthSite(seed, size),
        _cities_for_global_health,
    ),
    "bank_of_best_practices": (
        lambda seed, size: BankOfBestPracticesSite(seed, size),
        _bank_of_best_practices,
    ),
}


def test_a_few_practices_each_on_two_platforms() -> None:
    practices = shared_practices()
    assert 3 <= len(practices) <= 6
    assert len({p.key for p in practices}) == len(practices)
    for practice in practices:
        first, second = practice.platforms
        assert first != second and {first, second} <= SITES.keys()
        url = urlsplit(practice.resource_url)
        assert url.scheme == "https" and url.hostname and "127.0.0.1" not in url.hostname
        assert bool(practice.link) != bool(practice.document)
        titles = [p.title.casefold() for p in practice.publications]
        assert titles[0] != titles[1]
    # Some pairs cross languages, some pair a translation, some share a PDF, some a page.
    assert any(len({p.language for p in x.publications}) == 2 for x in practices)
    assert any(len(p.versions) > 1 for x in practices for p in x.publications)
    assert any(x.document for x in practices) and any(x.link for x in practices)
    for platform in SITES:
        assert publications_on(platform)


@pytest.mark.parametrize("seed", [1, 2, 7])
@pytest.mark.parametrize("size", [MIN_SIZE, 30, 400])
def test_every_replica_carries_its_copies_in_every_state(seed: int, size: int) -> None:
    for platform, (make, copy_of) in SITES.items():
        site = make(seed, size)
        expected = {practice.key for practice, _ in publications_on(platform)}
        assert site.shared_ids.keys() == expected, platform
        assert len(site.shared_ids) == len(set(site.shared_ids.values()))
        untouched = {site.edited_id, site.removed_id, *site.churned_ids}
        for practice, publication in publications_on(platform):
            record_id = site.shared_ids[practice.key]
            assert record_id not in untouched
            copies = [copy_of(site, record_id, state) for state in (1, 2, 3)]
            assert copies[0] is not None and copies[0] == copies[1] == copies[2]
            copy = copies[0]
            assert copy.titles == publication.titles
            assert (copy.city, copy.country) == (practice.city, practice.country)
            assert copy.published == publication.published
            assert practice.resource_url in copy.resources


def test_small_replicas_carry_none() -> None:
    for make, _ in SITES.values():
        assert make(1, MIN_SIZE - 1).shared_ids == {}


def test_the_two_copies_share_evidence_not_text() -> None:
    sites = {platform: make(1, 30) for platform, (make, _) in SITES.items()}
    for practice in shared_practices():
        first, second = (
            SITES[p.platform][1](sites[p.platform], sites[p.platform].shared_ids[practice.key], 1)
            for p in practice.publications
        )
        assert first is not None and second is not None
        assert (first.city, first.country) == (second.city, second.country)
        assert practice.resource_url in first.resources & second.resources
        assert abs((first.published - second.published).days) <= 30
        assert not set(first.titles) & set(second.titles)
        assert first.published != second.published


@pytest.fixture(scope="module")
def servers() -> Iterator[dict[str, tuple[Any, str]]]:
    sites = {platform: make(1, 30) for platform, (make, _) in SITES.items()}
    running = {platform: ReplicaServer(site) for platform, site in sites.items()}
    try:
        yield {platform: (sites[platform], running[platform].base_url) for platform in sites}
    finally:
        for server in running.values():
            server.stop()


@pytest.mark.parametrize("key", [practice.key for practice in shared_practices()])
def test_each_shared_practice_is_served_by_both_replicas(
    key: str, servers: dict[str, tuple[Any, str]]
) -> None:
    practice = next(p for p in shared_practices() if p.key == key)
    for publication in practice.publications:
        site, base = servers[publication.platform]
        copy = SITES[publication.platform][1](site, site.shared_ids[key], 1)
        assert copy is not None
        for path, title in zip(copy.pages, copy.titles, strict=True):
            page = fetch(base + path)
            assert page.status == 200, (publication.platform, path)
            html = page.html
            assert unescape(html.css("meta[property='og:title']::attr(content)").get("")) in (
                title,
                f"{title} - Mercociudades",
            )
            assert practice.city in page.text
            if path == copy.pages[0]:  # the original carries the shared link or document
                assert practice.resource_url in html.css("a::attr(href)").getall()
        if copy.rest is not None:
            item = fetch(base + copy.rest)
            assert item.status == 200
            assert practice.resource_url in item.text.replace("\\/", "/")
