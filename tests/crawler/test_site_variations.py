"""The same Mercociudades site served the ways real WordPress installs differ: the spider must
give the same records whatever the variation (the ground truth comes from the replica)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.replicas.mercociudades import MercociudadesSite
from tests.conftest import run_cli, start_replica, stop_replica
from tests.helpers import read_jsonl, write_config

SIZE = 25
VARIATIONS = {
    "no-embed": ["--quirk", "no-embed"],
    "no-total-headers": ["--quirk", "no-total-headers"],
    "no-polylang-rest": ["--quirk", "no-polylang-rest"],
    "landing-page": ["--quirk", "landing-page"],
    "landing-page-without-api": ["--quirk", "landing-page", "--no-rest-api"],
    "robots-disallow-api": ["--quirk", "robots-disallow-api"],
    "block-theme-without-api": ["--quirk", "block-theme", "--no-rest-api"],
    "all-rest-quirks": [
        "--quirk",
        "no-embed",
        "--quirk",
        "no-total-headers",
        "--quirk",
        "no-polylang-rest",
    ],
}


@pytest.mark.parametrize("variation", VARIATIONS)
def test_every_variation_gives_the_same_records(variation: str, tmp_path: Path) -> None:
    # per_page is 100 in the spider: a site larger than one page exercises paging.
    size = 120 if variation in ("no-total-headers", "all-rest-quirks") else SIZE
    replica = start_replica("mercociudades_covid", "--size", str(size), *VARIATIONS[variation])
    try:
        config = str(
            write_config(tmp_path, f"{replica.base_url}/covid-19/", f"sqlite:///{tmp_path}/v.db")
        )
        assert run_cli("--config", config, "init").code == 0
        crawled = run_cli("--config", config, "crawl")
        assert crawled.code == 0, crawled.stderr[-3000:]
        records = {r["id"]: r for r in read_jsonl(run_cli("--config", config, "export").stdout)}
        requested = replica.stats()["counts"]
    finally:
        stop_replica(replica)
    posts = MercociudadesSite(seed=1, size=size).posts(1)
    assert sorted(k for k, r in records.items() if r["kind"] == "post") == sorted(
        f"mercociudades_covid:wp:{post.id}" for post in posts
    )
    for post in posts:
        record = records[f"mercociudades_covid:wp:{post.id}"]
        assert record["title"] == post.title
        assert record["published"] == post.date.date().isoformat()
        assert record["theme_labels"] == list(post.categories), post.id
        assert [t["language"] for t in record["translations"]] == (
            ["pt"] if post.translation else []
        ), post.id
        if post.translation:
            assert record["translations"][0]["title"] == post.translation.title
    if variation == "robots-disallow-api":  # robots.txt is obeyed: not one API request
        assert not [path for path in requested if path.startswith("/wp-json")]
