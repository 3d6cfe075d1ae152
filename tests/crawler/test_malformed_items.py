"""One malformed item never aborts a listing: a REST page with one bad post among valid ones
keeps every valid post, drops the bad one with one log line naming the page, the post and the
field, counts it in the run's stats and report, and raises the ``malformed_items`` alarm (the
run removes nothing). The readers behind it are tested alone below."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from parsel import Selector

from crawler.acf import acf_fields
from crawler.json_fields import Malformed
from crawler.sitemaps import sitemap_entry
from crawler.structured import page_metadata
from crawler.wordpress import read_post, read_term
from pipeline.replicas.server import ReplicaServer
from tests.conftest import run_cli
from tests.helpers import read_jsonl, write_config
from tests.hostile_wordpress import SECTION, HostileWordPress, post_json

VALID_IDS = (101, 102, 104, 105, 106)
BAD_ID = 103
TERM = {"taxonomy": "category", "id": 47, "name": ["Salud"]}
# The bad post, by what is wrong with it: (what replaces its fields, the field the log names).
BAD_POSTS: dict[str, tuple[dict[str, Any], str]] = {
    "id not a number": ({"id": "abc"}, "id"),
    "id missing": ({"id": None}, "id"),
    "date a number": ({"date": 20200415}, "date"),
    "modified date a list": ({"modified_gmt": ["2020-04-15"]}, "modified_gmt"),
    "title null": ({"title": None}, "title"),
    "title a list": ({"title": ["Plan", "B"]}, "title"),
    "content rendered null": ({"content": {"rendered": None}}, "content.rendered"),
    "link a number": ({"link": 12}, "link"),
    "link not http": ({"link": "javascript:alert(1)"}, "link"),
    "categories not ids": ({"categories": ["salud"]}, "categories"),
    "term name a list": ({"_embedded": {"wp:term": [[TERM]]}}, "_embedded.wp:term.name"),
    "translations a string": ({"translations": "pt"}, "translations"),
    "lang a number": ({"lang": 3}, "lang"),
}


def posts_with(bad: dict[str, Any]) -> list[dict[str, Any]]:
    """Five valid posts and the bad one third, as one REST page serves them."""
    posts = [post_json(i, f"Plan de agua {i}", f"<p>Texto del plan {i}.</p>") for i in VALID_IDS]
    posts.insert(2, {**post_json(BAD_ID, "Plan roto", "<p>Roto.</p>"), **bad})
    return posts


@pytest.fixture
def served() -> Iterator[tuple[ReplicaServer, HostileWordPress]]:
    site = HostileWordPress()
    with ReplicaServer(site) as server:
        yield server, site


@pytest.mark.parametrize("case", BAD_POSTS)
def test_a_malformed_post_is_dropped_and_the_rest_of_its_page_kept(
    case: str, served: tuple[ReplicaServer, HostileWordPress], tmp_path: Path
) -> None:
    server, site = served
    bad, field = BAD_POSTS[case]
    site.posts = posts_with(bad)
    config = str(write_config(tmp_path, server.base_url + SECTION, f"sqlite:///{tmp_path}/m.db"))
    assert run_cli("--config", config, "init").code == 0
    crawled = run_cli("--config", config, "crawl")
    assert crawled.code == 1, crawled.stderr[-3000:]  # partial: the alarm removes nothing
    assert "partial" in crawled.stdout

    records = read_jsonl(run_cli("--config", config, "export").stdout)
    posts = sorted(r["id"] for r in records if r["kind"] == "post")
    assert posts == [f"mercociudades_covid:wp:{i}" for i in VALID_IDS]

    dropped = [line for line in crawled.stderr.splitlines() if "malformed item dropped" in line]
    page = re.escape(f"{server.base_url}/wp-json/wp/v2/posts?categories=47&per_page=100&page=1")
    assert len(dropped) == 1, crawled.stderr[-3000:]
    assert re.search(rf"{page}\S*, post 2 \(id .*\): {re.escape(field)}: ", dropped[0])

    report = json.loads(run_cli("--config", config, "report", "--format", "json").stdout)
    [run] = report["runs"]
    assert run["counts"]["dropped_malformed"] == 1
    assert [alarm["kind"] for alarm in run["alarms"]] == ["malformed_items"]
    assert run["alarms"][0]["detail"]["dropped_entries"] == 1
    assert run["alarms"][0]["detail"]["records"] == 6  # the section's page and five posts


def test_a_tolerated_share_of_malformed_posts_raises_no_alarm(
    served: tuple[ReplicaServer, HostileWordPress], tmp_path: Path
) -> None:
    server, site = served
    site.posts = posts_with({"id": "abc"})
    config = write_config(
        tmp_path,
        server.base_url + SECTION,
        f"sqlite:///{tmp_path}/m.db",
        extra_crawl="[alarms]\nmax_malformed_share = 0.2",
    )
    assert run_cli("--config", str(config), "init").code == 0
    crawled = run_cli("--config", str(config), "crawl")
    assert crawled.code == 0, crawled.stderr[-3000:]
    report = json.loads(run_cli("--config", str(config), "report", "--format", "json").stdout)
    assert report["runs"][0]["status"] == "finished"
    assert report["runs"][0]["counts"]["dropped_malformed"] == 1
    markdown = run_cli("--config", str(config), "report").stdout
    assert "| dropped (malformed) |" in markdown
    [counts] = [line for line in markdown.splitlines() if re.fullmatch(r"(\| \d+ )+\|", line)]
    assert counts.endswith("| 0 | 1 |")  # none without a title, the one malformed post


# -- the readers alone -------------------------------------------------------------------------


@pytest.mark.parametrize("case", BAD_POSTS)
def test_read_post_names_the_malformed_field(case: str) -> None:
    bad, field = BAD_POSTS[case]
    with pytest.raises(Malformed) as raised:
        read_post({**post_json(BAD_ID, "Plan", "<p>x</p>", "https://a.org"), **bad})
    assert raised.value.field == field


def test_read_post_reads_a_valid_post_and_tolerates_what_wordpress_leaves_out() -> None:
    post = read_post(
        {
            "id": "7",
            "title": {"rendered": "Plan"},
            "translations": [],  # PHP's empty array
            "_embedded": {"wp:term": [[{"code": "rest_forbidden"}], []]},  # a hidden taxonomy
        }
    )
    assert (post.id, post.title, post.link, post.date, post.translations) == (7, "Plan", None,
                                                                              None, {})  # fmt: skip
    assert post.terms("category") == [] and post.term_ids == {"categories": (), "tags": ()}
    assert read_post(
        {"id": 8, "wpml_translations": [{"id": 9, "locale": "pt_BR"}]}
    ).translations == {"pt": 9}


@pytest.mark.parametrize(
    ("item", "field"),
    [({"id": 1}, "name"), ({"id": "x", "name": "Salud"}, "id"), ("Salud", "item"),
     ({"id": 1, "name": ["Salud"]}, "name")],
)  # fmt: skip
def test_read_term_names_the_malformed_field(item: Any, field: str) -> None:
    with pytest.raises(Malformed) as raised:
        read_term(item)
    assert raised.value.field == field


@pytest.mark.parametrize(
    ("acf", "field"),
    [
        ("texto", "acf"),
        ({"ciudad": ["Rosario"]}, "acf.ciudad"),
        ({"anio": 2020.5}, "acf.anio"),
        ({"universidades": "UNR"}, "acf.universidades"),
        ({"universidades": [{"nombre": 3}]}, "acf.universidades"),
        ({"documentos": [{"archivo": 12, "titulo": "Plan"}]}, "acf.documentos"),
        ({"ods": [True]}, "acf.ods"),
    ],
)
def test_acf_fields_name_the_malformed_field(acf: Any, field: str) -> None:
    with pytest.raises(Malformed) as raised:
        acf_fields(acf)
    assert raised.value.field == field


def test_acf_fields_read_what_acf_sends_for_empty_and_file_fields() -> None:
    fields = acf_fields(
        {
            "ciudad": "Rosario",
            "resumen": False,
            "anio": "",
            "universidades": [{"nombre": "UNR"}, "UNL", {"nombre": False}],
            "documentos": [{"archivo": {"url": "https://a.org/p.pdf"}, "titulo": False}],
            "ods": False,
        }
    )
    assert fields is not None
    assert (fields["ciudad"], fields["resumen"], fields["anio"]) == ("Rosario", None, None)
    assert fields["universidades"] == ["UNR", "UNL"]
    assert fields["documentos"] == [{"url": "https://a.org/p.pdf", "title": None}]
    assert fields["ods"] == []
    assert acf_fields([]) is None and acf_fields(None) is None


def test_a_malformed_json_ld_node_is_not_read_and_is_reported() -> None:
    page = Selector(
        text="""<html><head><meta property="og:title" content="Plan (og)">
<script type="application/ld+json">{"@graph": [
  {"@type": {"x": 1}, "headline": "Plan roto"},
  {"@type": "Article", "headline": ["Plan", "B"]},
  {"@type": "Article", "datePublished": 20200415},
  {"@type": "WebPage", "name": "Plan (web page)"}]}</script>
<script type="application/ld+json">"""
        + "[" * 50_000
        + "]" * 50_000
        + "</script></head></html>"
    )
    meta = page_metadata(page, "https://a.org/p/1/")
    assert meta.title == "Plan (web page)"
    assert [(node, error.field) for node, error in meta.malformed] == [
        ("JSON-LD script 0 node 0", "@type"),
        ("JSON-LD script 0 node 1", "headline"),
        ("JSON-LD script 0 node 2", "datePublished"),
    ]


@pytest.mark.parametrize(
    ("entry", "field"),
    [({"loc": "javascript:alert(1)"}, "loc"), ({"loc": "/relative/"}, "loc"),
     ({"loc": "https://a.org/p/", "lastmod": "ayer"}, "lastmod")],
)  # fmt: skip
def test_a_malformed_sitemap_entry_names_its_field(entry: dict[str, str], field: str) -> None:
    with pytest.raises(Malformed) as raised:
        sitemap_entry(entry)
    assert raised.value.field == field
    assert sitemap_entry({"loc": " https://a.org/p/ ", "lastmod": "2020-05-01"}) == (
        "https://a.org/p/",
        "2020-05-01",
    )
