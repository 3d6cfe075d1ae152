"""Control characters a site puts in its text (ESC, BEL, NUL, C1, bidi overrides) never reach
the database, the report or the terminal: a record's text is cleaned when it is normalised, and
what the link checker reads of a page (title, canonical URL, validators, evidence) before it is
stored. PostgreSQL refuses NUL outright: before, such a record made its whole batch fail."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from crawler.items import PageRecord
from pipeline.normalise import normalise_record
from pipeline.replicas.server import ReplicaServer
from storage.db import make_engine, session_factory
from storage.models import LinkCheck, Record, RecordVersion
from storage.repositories import SourceSpec, get_record, save_records, start_run, sync_sources
from tests.conftest import run_cli
from tests.helpers import read_jsonl, write_config
from tests.hostile_wordpress import SECTION, HostileWordPress, post_json
from tests.storage.factories import START

# What a terminal obeys, what PostgreSQL refuses, and what reorders text on screen.
CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
DIRTY_TITLE = "Plan \x1b[31mrojo\x1b[0m\x07 de\x00 agua\u202e"
DIRTY_BODY = "<p>Texto\x00 con\x1b[2J escape\x07.</p><p>Segunda\x1b]0;pwned\x07 línea\x9b</p>"


def dirty_page() -> PageRecord:
    return PageRecord(
        source_key="mercociudades_covid",
        kind="post",
        stable_id="mercociudades_covid:wp:7",
        url="https://mercociudades.org/p/7/",
        title=DIRTY_TITLE,
        summary_html="<p>Resumen\x1b[1m breve\x07</p>",
        body_html=DIRTY_BODY,
        published="2020-04-15",
        city="Rosario\x00",
        organisations=["Intendencia\x1b[5m de Rosario"],
        resources=[{"url": "https://a.org/plan.pdf", "title": "Plan\x07 PDF", "type": "document"}],
        translations=[{"language": "pt\x00", "url": "https://a.org/pt/7/", "title": "Plano\x1b"}],
        extra={"topic": "Agua\x00 potable\x1b[0m", "roles": ["Alcalde\x07", "Ministra\x1b"],
               "note": "línea uno\nlínea\tdos\r\ntres\x0c"},
        listing_marker="2020-04-15T13:30:00\x00",
    )  # fmt: skip


def test_normalised_record_has_no_control_characters_and_keeps_its_lines() -> None:
    record = normalise_record(dirty_page()).record
    assert record.title == "Plan rojo de agua"
    assert record.summary == "Resumen breve"
    assert record.body_text == "Texto con escape.\n\nSegunda línea"
    assert record.city == "Rosario"
    assert record.organisations == ("Intendencia de Rosario",)
    assert [r.title for r in record.resources] == ["Plan PDF"]
    assert [(t.language, t.title) for t in record.translations] == [("pt", "Plano")]
    assert record.extra == {
        "topic": "Agua potable",
        "roles": ["Alcalde", "Ministra"],
        "note": "línea uno\nlínea\tdos\ntres ",
    }
    assert record.listing_marker == "2020-04-15T13:30:00"


def test_record_with_control_characters_is_stored_clean(session: Session) -> None:
    """On SQLite and PostgreSQL (which refused the NUL: the batch was lost)."""
    spec = SourceSpec("mercociudades_covid", "Mercociudades", "mercociudades_covid")
    sync_sources(session, [spec], now=START)
    run_id = start_run(session, "mercociudades_covid", START)
    save_records(session, run_id, [normalise_record(dirty_page()).record], START)
    session.commit()
    stored = get_record(session, "mercociudades_covid:wp:7")
    assert stored is not None
    assert (stored.title, stored.body_text, stored.city) == (
        "Plan rojo de agua",
        "Texto con escape.\n\nSegunda línea",
        "Rosario",
    )
    assert stored.extra["topic"] == "Agua potable"
    [version] = session.scalars(select(RecordVersion)).all()
    assert not CONTROLS.search(json.dumps(version.content, ensure_ascii=False))


CONTROL_TITLE_PAGE = (
    "<html><head><title>Sala\x1b[2J de\x07 prensa\x00\u2066</title>"
    '<link rel="canonical" href="/p/1/\x1b[31m"></head>'
    "<body><main><p>Noticias de la red de ciudades del Mercosur.</p></main></body></html>"
)


@pytest.fixture
def hostile() -> Iterator[ReplicaServer]:
    site = HostileWordPress(
        posts=[post_json(1, DIRTY_TITLE, DIRTY_BODY), post_json(2, "Plan", "<p>Texto.</p>")],
        pages={"/p/1/": CONTROL_TITLE_PAGE},
    )
    with ReplicaServer(site) as server:
        yield server


def test_crawl_report_and_links_show_no_control_characters(
    hostile: ReplicaServer, database_url: str, tmp_path: Path
) -> None:
    config = str(write_config(tmp_path, hostile.base_url + SECTION, database_url))
    assert run_cli("--config", config, "init").code == 0
    crawled = run_cli("--config", config, "crawl")
    assert crawled.code == 0, crawled.stderr[-3000:]
    records = {r["id"]: r for r in read_jsonl(run_cli("--config", config, "export").stdout)}
    assert records["mercociudades_covid:wp:1"]["title"] == "Plan rojo de agua"
    assert records["mercociudades_covid:wp:1"]["summary"] == "Plan rojo de agua"

    report = run_cli("--config", config, "report")
    assert report.code == 0, report.stderr
    assert "Plan rojo de agua" in report.stdout
    assert not CONTROLS.search(report.stdout)

    checked = run_cli("--config", config, "check-links", "--all")
    assert checked.code == 0, checked.stderr[-3000:]
    for output in ("table", "csv", "json"):
        listed = run_cli("--config", config, "links", "--format", output)
        assert listed.code == 0, listed.stderr
        assert f"{hostile.base_url}/p/1/" in listed.stdout
        assert not CONTROLS.search(listed.stdout), output
    with_report = run_cli("--config", config, "report")
    assert not CONTROLS.search(with_report.stdout)


def test_link_checked_title_with_control_characters_is_stored_clean(
    hostile: ReplicaServer, database_url: str, tmp_path: Path
) -> None:
    config = str(write_config(tmp_path, hostile.base_url + SECTION, database_url))
    assert run_cli("--config", config, "init").code == 0
    urls = tmp_path / "urls.txt"
    urls.write_text(f"{hostile.base_url}/p/1/\n", "utf-8")
    checked = run_cli("--config", config, "check-links", str(urls))
    assert checked.code == 0, checked.stderr[-3000:]
    engine = make_engine(database_url)
    try:
        with session_factory(engine)() as session:
            [check] = session.scalars(select(LinkCheck)).all()
            assert check.title == "Sala de prensa"
            assert check.canonical_url == f"{hostile.base_url}/p/1/"
            assert check.link_class == "ok"
            stored = session.scalars(select(Record)).all()
            assert stored == []
    finally:
        engine.dispose()
    listed = run_cli("--config", config, "links", "--format", "json")
    assert not CONTROLS.search(listed.stdout)
