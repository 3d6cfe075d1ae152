"""Extraction on pages stored on disk: tests/fixtures/<source>/<case>/ holds the page (page.html),
its URL (url.txt) and the expected normalised record (expected.json). One test covers them all;
to add a case, save a page and write what a maintainer expects from it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse

from crawler.profiles import load_profile
from crawler.spiders.mercociudades_covid import MercociudadesCovidSpider
from pipeline.normalise import normalise_record

FIXTURES = Path(__file__).parents[1] / "fixtures"
CASES = sorted(p for p in FIXTURES.glob("mercociudades_covid/*") if (p / "page.html").exists())


def spider() -> MercociudadesCovidSpider:
    instance = MercociudadesCovidSpider()
    instance.profile = load_profile(MercociudadesCovidSpider.name)
    return instance


@pytest.mark.parametrize("case", CASES, ids=[p.name for p in CASES])
def test_stored_page_gives_the_expected_record(case: Path) -> None:
    url = (case / "url.txt").read_text().strip()
    response = HtmlResponse(url, body=(case / "page.html").read_bytes(), encoding="utf-8")
    page = spider().html_record(response)
    assert page is not None
    record = normalise_record(page).record
    expected = json.loads((case / "expected.json").read_text("utf-8"))
    body = record.body_text or ""
    assert body.startswith(expected.pop("body_starts"))
    for text in expected.pop("body_excludes"):
        assert text not in body
    got = {
        "stable_id": record.stable_id,
        "kind": record.kind,
        "url": record.url,
        "title": record.title,
        "published": record.published and record.published.isoformat(),
        "language": record.language,
        "city": record.city,
        "country": record.country,
        "theme_labels": list(record.theme_labels),
        "resources": [{"url": r.url, "title": r.title, "type": r.type} for r in record.resources],
        "translations": [
            {"language": t.language, "url": t.url, "title": t.title} for t in record.translations
        ],
    }
    assert got == expected
