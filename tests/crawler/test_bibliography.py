"""The cited bibliography: each document a record of kind `document`, with what its answer says."""

from __future__ import annotations

import json
from pathlib import Path

from pipeline.replicas.bibliography import CITED_PATHS, BibliographySite
from tests.conftest import run_cli, start_replica, stop_replica
from tests.helpers import read_jsonl, write_config


def config_for(tmp_path: Path, base_url: str, database_url: str) -> str:
    urls = ", ".join(f'"{base_url}{path}"' for path in CITED_PATHS)
    config = write_config(tmp_path, base_url + CITED_PATHS[0], database_url, key="bibliography")
    text = config.read_text().replace(
        f'start_urls = ["{base_url}{CITED_PATHS[0]}"]', f"start_urls = [{urls}]"
    )
    config.write_text(text)
    return str(config)


def test_cited_documents_become_document_records(database_url: str, tmp_path: Path) -> None:
    replica = start_replica("bibliography")
    try:
        config = config_for(tmp_path, replica.base_url, database_url)
        assert run_cli("--config", config, "init").code == 0
        first = run_cli("--config", config, "crawl", "--fail-on-alarm")
        assert first.code == 0, first.stderr[-3000:]
        records = read_jsonl(run_cli("--config", config, "export").stdout)
        replica.set_state(2)
        for _ in range(2):
            assert run_cli("--config", config, "crawl").code == 0
        report = json.loads(
            run_cli(
                "--config", config, "report", "--since", "2000-01-01", "--format", "json"
            ).stdout
        )
    finally:
        stop_replica(replica)
    site = BibliographySite()
    assert sorted(r["title"] for r in records) == sorted(d.title for d in site.documents(1))
    assert {r["kind"] for r in records} == {"document"}
    by_path = {r["url"].split("127.0.0.1", 1)[1].split("/", 1)[1]: r for r in records}
    assert len(by_path) == 6
    article = next(r for r in records if "paradiplomacy" in r["url"])
    assert article["language"] == "en" and article["published"] == "2020-08-05"
    events = {
        kind: sum(len(run["events"][kind]) for run in report["runs"][1:])
        for kind in ("new", "updated", "removed")
    }
    assert events == {"new": 0, "updated": 1, "removed": 1}
