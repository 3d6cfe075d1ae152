"""Extraction on pages stored on disk: one test per ``tests/fixtures/<platform>/<case>/``.

Each case is a page as a platform served it, handed to that platform's spider callback without
a network, the records it yields run through the real normaliser and compared with what a
maintainer expects. The layout of a case (``tests/fixtures/README.md`` says more, and lists
the cases):

- ``url.txt``: the URL the page was served at;
- ``page.*``: the body as served (``page.html``, ``page.pdf``);
- ``headers.txt`` (optional): the status line and headers as served; without it,
  ``200 OK`` and ``text/html; charset=utf-8``;
- ``request.json`` (optional): ``{"callback": ..., "cb_kwargs": {...}}`` when the crawl calls
  another callback than the platform's detail callback or passes it arguments;
- ``downloads.json`` (optional): ``{"<url>": "<file>"}``, the pages the callback fetches itself
  (translations), answered from the case's files; a fetch of any other URL fails the test;
- ``expected.json``: ``{"stable_id": ..., **RecordData.content()}`` of the record the callback
  yields, or a list of them (empty when it yields none);
- ``xfail.txt`` (optional): one line, the spider bug that keeps the case from passing.

``tests/fixtures/capture.py`` refreshes the cases taken from the replica sites.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import mimetypes
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import pytest
from scrapy import Request
from scrapy.http import Headers, Response
from scrapy.responsetypes import responsetypes
from scrapy.settings import Settings
from scrapy.signalmanager import SignalManager
from scrapy.statscollectors import MemoryStatsCollector

from crawler.base import CitywatchSpider
from crawler.items import PageRecord
from crawler.spiders.bank_of_best_practices import BankOfBestPracticesSpider
from crawler.spiders.beyond_the_outbreak import BeyondTheOutbreakSpider
from crawler.spiders.bibliography import BibliographySpider
from crawler.spiders.cities_for_global_health import CitiesForGlobalHealthSpider
from crawler.spiders.idb_cities_network import IdbCitiesNetworkSpider
from crawler.spiders.mercociudades_covid import MercociudadesCovidSpider
from pipeline.normalise import normalise_record

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

FIXTURES = Path(__file__).parents[1] / "fixtures"
# Each platform's spider and the callback that reads one of its detail pages.
PLATFORMS: dict[str, tuple[type[CitywatchSpider], str]] = {
    "bank_of_best_practices": (BankOfBestPracticesSpider, "parse_practice"),
    "beyond_the_outbreak": (BeyondTheOutbreakSpider, "parse_page"),
    "bibliography": (BibliographySpider, "parse_document"),
    "cities_for_global_health": (CitiesForGlobalHealthSpider, "parse_initiative"),
    "idb_cities_network": (IdbCitiesNetworkSpider, "parse_detail"),
    "mercociudades_covid": (MercociudadesCovidSpider, "parse_post"),
}
DEFAULT_HEADERS = "HTTP/1.1 200 OK\nContent-Type: text/html; charset=utf-8\n"


def stored_response(url: str, body: bytes, headers_text: str, request: Request) -> Response:
    """The answer as Scrapy's downloader would build it: the class follows the headers."""
    status_line, *lines = [line for line in headers_text.splitlines() if line.strip()]
    headers = Headers()
    for line in lines:
        name, _, value = line.partition(":")
        headers.appendlist(name.strip(), value.strip())
    response_class = responsetypes.from_args(headers=headers, url=url, body=body)
    status = int(status_line.split()[1])
    return response_class(url, status=status, headers=headers, body=body, request=request)


@dataclass
class StoredPages:
    """The network, as far as a callback's own downloads go: the case's files, nothing else."""

    case: Path
    files: dict[str, str]
    missed: list[str] = field(default_factory=list)

    async def download_async(self, request: Request) -> Response:
        name = self.files.get(request.url)
        if name is None:
            self.missed.append(request.url)
            raise LookupError(f"{request.url} is not stored in {self.case}/downloads.json")
        content_type = mimetypes.guess_type(name)[0] or "text/html"
        if content_type.startswith("text/"):
            content_type += "; charset=utf-8"
        headers = f"HTTP/1.1 200 OK\nContent-Type: {content_type}\n"
        return stored_response(request.url, (self.case / name).read_bytes(), headers, request)


class OfflineCrawler:
    """What the callbacks use of a running crawler (settings, signals, stats, the engine),
    without a reactor or a downloader: a stand-in typed as the `Crawler` it replaces."""

    def __init__(self, source: dict[str, Any], engine: StoredPages) -> None:
        self.settings = Settings({"CITYWATCH_SOURCE": source})
        self.signals = SignalManager(self)
        self.stats = MemoryStatsCollector(cast("Crawler", self))
        self.engine = engine


@dataclass(frozen=True)
class Case:
    platform: str
    path: Path

    @property
    def id(self) -> str:
        return f"{self.platform}/{self.path.name}"

    def read(self, name: str, default: str | None = None) -> str:
        file = self.path / name
        if not file.exists() and default is not None:
            return default
        return file.read_text("utf-8")

    def page(self) -> bytes:
        pages = sorted(self.path.glob("page.*"))
        assert len(pages) == 1, f"{self.id}: one page.* expected, found {pages}"
        return pages[0].read_bytes()


def all_cases() -> list[Any]:
    cases = []
    for directory in sorted(FIXTURES.iterdir()):
        if not directory.is_dir() or directory.name.startswith(("_", ".")):
            continue
        assert directory.name in PLATFORMS, f"no spider known for fixtures/{directory.name}"
        for path in sorted(p for p in directory.iterdir() if (p / "url.txt").exists()):
            case = Case(directory.name, path)
            cases.append(pytest.param(case, id=case.id, marks=known_bug(path)))
    return cases


def known_bug(path: Path) -> list[pytest.MarkDecorator]:
    """A case with ``xfail.txt`` must fail on its record (not crash); once the spider is
    fixed it passes, and the strict xfail fails the run until the file goes."""
    xfail = path / "xfail.txt"
    if not xfail.exists():
        return []
    reason = xfail.read_text("utf-8").strip()
    return [pytest.mark.xfail(reason=reason, raises=AssertionError, strict=True)]


def run_case(case: Case) -> tuple[list[dict[str, Any]], StoredPages]:
    """The records the platform's spider yields for the stored page, normalised, as JSON."""
    spider_class, default_callback = PLATFORMS[case.platform]
    url = case.read("url.txt").strip()
    request_spec = json.loads(case.read("request.json", "{}"))
    engine = StoredPages(case.path, json.loads(case.read("downloads.json", "{}")))
    crawler = OfflineCrawler({"key": spider_class.name, "start_urls": [url]}, engine)
    spider = spider_class.from_crawler(cast("Crawler", crawler))
    spider.configure()
    callback = getattr(spider, request_spec.get("callback", default_callback))
    cb_kwargs = request_spec.get("cb_kwargs", {})
    request = Request(url, callback=callback, cb_kwargs=cb_kwargs)
    response = stored_response(url, case.page(), case.read("headers.txt", DEFAULT_HEADERS), request)
    output = asyncio.run(collect(callback(response, **cb_kwargs)))
    records = []
    for page in output:
        if isinstance(page, PageRecord):
            record = normalise_record(page).record
            records.append({"stable_id": record.stable_id, **record.content()})
    return json.loads(json.dumps(records)), engine


async def collect(result: Any) -> list[Any]:
    """A callback's output, whatever its shape: async generator, coroutine, iterable, item."""
    if inspect.isasyncgen(result):
        return [item async for item in result]
    if inspect.isawaitable(result):
        result = await result
    if result is None:
        return []
    if isinstance(result, PageRecord | Request) or not hasattr(result, "__iter__"):
        return [result]
    return list(result)


@pytest.mark.parametrize("case", all_cases())
def test_stored_page_gives_the_expected_record(case: Case) -> None:
    records, engine = run_case(case)
    assert not engine.missed, f"the callback fetched pages the case does not store: {engine.missed}"
    expected = json.loads(case.read("expected.json"))
    expected = expected if isinstance(expected, list) else [expected]
    assert [r["stable_id"] for r in records] == [r["stable_id"] for r in expected]
    for record, wanted in zip(records, expected, strict=True):
        assert record == wanted
