"""Bank of Best Practices: practices of local governments and public universities (Observatorio
de Cooperación Ciudad-Universidad, Mercociudades + AUGM), a WordPress custom post type.

Entry point: the archive ``/practicas/`` (optionally filtered, ``?area=<slug>``), or the site
root, which links to it. Practices come from the WordPress REST API (``/wp/v2/practica``, ACF
fields under ``acf``) when the site advertises it and answers; otherwise, or when the API lacks
the ACF fields, the spider walks the archive pages (``/practicas/page/N/``) and reads each
practice page through the selector profile. Either way a practice is keyed on its WordPress id
(``bank_of_best_practices:practice:<id>``; the slug when a page shows no id).

The pages name the people responsible for a practice, with e-mail and phone: personal data.
Only institutions are kept (``organisations``); contact blocks, ``mailto:``/``tel:`` links and
any paragraph with an e-mail address or phone number are removed from every stored HTML.

Options (``options`` of the source in citywatch.toml): ``rest_api`` (default true), ``area``
(a thematic-area slug; default: the start URL's ``?area=``), ``profile`` (path of a selector
profile replacing ``crawler/profiles/bank_of_best_practices.toml``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import AsyncIterator, Iterable
from typing import Any
from urllib.parse import parse_qs, urlsplit

from bs4 import BeautifulSoup, Tag
from scrapy import Request
from scrapy.http import Response, TextResponse

from crawler.acf import acf_fields
from crawler.base import CitywatchSpider
from crawler.items import PageRecord
from crawler.json_fields import Malformed
from crawler.middlewares.http_errors import EXPECTED_STATUSES
from crawler.paging import NumberedWalk
from crawler.wordpress import (
    MAX_PER_PAGE,
    Term,
    WordPressPost,
    api_url,
    item_label,
    json_body,
    read_post,
    read_term,
)

__all__ = ["BankOfBestPracticesSpider", "without_personal_data"]

POST_TYPE = "practica"
TAXONOMY = "area_tematica"
# Values as editors write them, without case or accents -> the values stored (municipio,
# comuna, distrito, parroquia, prefeitura, intendencia; finished, evaluated); others kept folded.
GOVERNMENT_TYPES = {"municipalidad": "municipio"}
STATUSES = {"finalizada": "finished", "finalizado": "finished", "concluida": "finished",
            "evaluada": "evaluated", "evaluado": "evaluated", "avaliada": "evaluated"}  # fmt: skip
LANGUAGES = {"es": "es", "espanol": "es", "castellano": "es", "pt": "pt", "portugues": "pt",
             "en": "en", "ingles": "en", "english": "en"}  # fmt: skip
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# "+54 341 480-2600", "(0341) 480-2600", "099 123 456": groups of digits a phone is written in;
# a year range ("2014-2018") and amounts ("12.000") are not phones.
PHONE = re.compile(r"(?:\+\d{1,3}[\s.]?)?(?:\(\d{2,5}\)\s?)?\d{2,5}(?:[\s-]\d{3,4}){1,2}\b")
YEAR_RANGE = re.compile(r"^(?:19|20)\d\d[\s-]+(?:19|20)\d\d$")
BLOCKS = ("p", "li", "dd", "dt", "td", "th", "address", "blockquote", "h2", "h3", "h4", "h5", "h6")


class BankOfBestPracticesSpider(CitywatchSpider):
    name = "bank_of_best_practices"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.seen: set[str] = set()

    # -- the entry point ---------------------------------------------------------------------

    async def parse_start(self, response: Response) -> AsyncIterator[Any]:
        if not isinstance(response, TextResponse):
            self.listing_broken(response.url, "the start URL did not answer with a page")
            return
        meta = self.metadata(response)
        area = self.options.get("area") or _query_value(response.url, "area")
        if meta.api_root and self.options.get("rest_api", True):
            requests = await self.list_from_api(meta.api_root, area)
            if requests is not None:
                for item_or_request in requests:
                    yield item_or_request
                return
        await self.read_lastmods(response.url)  # to skip unchanged practices by lastmod
        if self.profile.nodes(response.selector, "listing", "entries"):
            async for item_or_request in self.parse_archive(response):
                yield item_or_request
            return
        archive = self.profile.first(response.selector, "landing", "archive_link")
        if not archive:
            self.listing_broken(response.url, "no practices listed and no link to the archive")
            return
        yield response.follow(
            archive + (f"?area={area}" if area else ""),
            callback=self.parse_archive,
            errback=self.listing_failed,
            meta={"citywatch_listing": True},
        )

    # -- the REST API path -------------------------------------------------------------------

    async def list_from_api(self, api_root: str, area: str | None) -> list[Any] | None:
        """Records of the first page and requests for the others, or None to fall back."""
        terms = await self.area_terms(api_root)
        if terms is None:
            self.logger.info("REST API has no %s taxonomy; reading HTML archives", TAXONOMY)
            return None
        names = {term.id: term.name for term in terms}
        area_id = None
        if area:
            area_id = next((term.id for term in terms if term.slug == area), None)
            if area_id is None:
                return None  # an area the API does not know: the archive decides
        first = await self.try_download(self.collection_url(api_root, area_id, 1))
        practices = json_body(first) if first is not None and first.status == 200 else None
        if first is None or not isinstance(practices, list):
            self.logger.warning("REST API refused the practices; reading HTML archives")
            self.crawler.stats.inc_value("citywatch/api_fallback")
            return None
        self.crawler.stats.set_value("citywatch/listing_path", "rest_api")
        results: list[Any] = list(self.api_results(first.url, practices, names))
        walk, pages = self.rest_walk(first, practices)
        results += [self.api_page_request(api_root, area_id, names, n, walk) for n in pages]
        return results

    def collection_url(self, api_root: str, area_id: int | None, page: int) -> str:
        return api_url(
            api_root, f"wp/v2/{POST_TYPE}", per_page=MAX_PER_PAGE, page=page, **{TAXONOMY: area_id}
        )

    def api_page_request(
        self,
        api_root: str,
        area_id: int | None,
        names: dict[int, str],
        page: int,
        walk: NumberedWalk,
    ) -> Request:
        return Request(
            self.collection_url(api_root, area_id, page),
            callback=self.parse_api_page,
            errback=self.listing_failed,
            cb_kwargs={"api_root": api_root, "area_id": area_id, "names": names, "walk": walk},
            # WordPress answers a page past the end with a 400: the walk ends there.
            meta={
                "citywatch_listing": True,
                "handle_httpstatus_list": [400],
                EXPECTED_STATUSES: [400],
            },
        )

    async def parse_api_page(
        self,
        response: Response,
        api_root: str,
        area_id: int | None,
        names: dict[int, str],
        walk: NumberedWalk,
    ) -> AsyncIterator[Any]:
        if response.status == 400:  # rest_post_invalid_page_number: the previous page was the last
            walk.end()
            return
        practices = json_body(response)
        if not isinstance(practices, list):
            walk.end()
            self.listing_broken(response.url, "REST API page is not a JSON list of practices")
            return
        for item_or_request in self.api_results(response.url, practices, names):
            yield item_or_request
        for page in self.rest_pages_after(walk, response, practices):
            yield self.api_page_request(api_root, area_id, names, page, walk)

    async def area_terms(self, api_root: str) -> list[Term] | None:
        """The thematic areas (a malformed one dropped); None when the API has none."""
        url = api_url(api_root, f"wp/v2/{TAXONOMY}", per_page=100)
        answer = await self.fetch_json(url)
        if not isinstance(answer, list):
            return None
        terms = []
        for index, item in enumerate(answer):
            try:
                terms.append(read_term(item))
            except Malformed as error:
                self.evidence.malformed(url, item_label("term", index, item), error, entry=False)
        return terms

    def api_results(self, url: str, items: list[Any], names: dict[int, str]) -> Iterable[Any]:
        for index, item in enumerate(items):
            try:
                practice = read_post(item, term_fields=(TAXONOMY,))
                fields = acf_fields(practice.fields.get("acf"))
            except Malformed as error:
                self.evidence.malformed(url, item_label("practice", index, item), error, entry=True)
                continue
            marker = practice.marker
            link = practice.link or ""
            if fields is not None:
                known = self.known.unchanged(link, marker)
                if known is not None:
                    self.seen.add(known.stable_id)
                    yield self.page_seen(known, link, "citywatch/skipped_unchanged")
                    continue
                record = self.api_record(practice, fields, names)
                if record is not None:
                    record.listing_marker = marker
                    yield record
            elif link:  # ACF not shown in REST: the page has the fields
                yield self.follow_detail(link, self.parse_practice, marker)

    def api_record(
        self, practice: WordPressPost, fields: dict[str, Any], names: dict[int, str]
    ) -> PageRecord | None:
        stable_id = f"{self.name}:practice:{practice.id}"
        if stable_id in self.seen:
            return None
        self.seen.add(stable_id)
        documents = [
            {"url": d["url"], "title": _text(d["title"]), "type": "document"}
            for d in fields["documentos"]
        ]
        return self.practice_record(
            stable_id=stable_id,
            url=practice.link or "",
            canonical_url=practice.link,
            title=_text(practice.title),
            summary_html=_text(fields.get("resumen")),
            body_html=_text(practice.content),
            # Local time, as the page shows it: the GMT date can be the next day.
            published=practice.date,
            updated=practice.modified,
            language=_text(fields.get("idioma")),
            areas=[names[i] for i in practice.term_ids[TAXONOMY] if i in names],
            government=_text(fields.get("gobierno_local")),
            government_type=_text(fields.get("tipo_gobierno_local")),
            city=_text(fields.get("ciudad")),
            country=_text(fields.get("pais")),
            universities=[u for u in map(_text, fields["universidades"]) if u],
            year=_text(str(fields.get("anio") or "")),
            status=_text(fields.get("estado")),
            sdgs=fields["ods"],
            documents=documents,
            wordpress_id=practice.id,
            listing="rest_api",
        )

    # -- the HTML path -----------------------------------------------------------------------

    async def parse_archive(self, response: Response) -> AsyncIterator[Any]:
        if not isinstance(response, TextResponse):
            self.listing_broken(response.url, "archive page is not HTML")
            return
        self.crawler.stats.set_value("citywatch/listing_path", "html_archive")
        entries = self.profile.nodes(response.selector, "listing", "entries")
        if not entries:
            self.listing_broken(response.url, "archive page lists no practices (selector profile?)")
        urls = [
            response.urljoin(href)
            for entry in entries
            if (href := self.profile.first(entry, "listing", "entry_url"))
        ]
        for url in urls:
            yield self.follow_detail(url, self.parse_practice)
        next_page = self.profile.first(response.selector, "listing", "next_page")
        if next_page and self.read_on(response, urls):
            for url in self.next_listing_pages(response, next_page):
                yield self.follow_listing(response, url, self.parse_archive)

    async def parse_practice(self, response: Response) -> AsyncIterator[Any]:
        if not isinstance(response, TextResponse):
            return
        if seen := self.seen_unchanged(response):
            yield seen
            return
        page, profile = response.selector, self.profile
        meta = self.metadata(response)
        wordpress_id = meta.wordpress_id or _id_from_classes(page)
        key = (
            str(wordpress_id)
            if wordpress_id is not None
            else _slug(meta.canonical_url or response.url)
        )
        stable_id = f"{self.name}:practice:{key}"
        if stable_id in self.seen:
            return
        self.seen.add(stable_id)
        documents = [
            {"url": response.urljoin(href), "title": _text(" ".join(node.css("::text").getall())),
             "type": "document"}
            for node in profile.nodes(page, "practice", "documents")
            if (href := node.attrib.get("href"))
        ]  # fmt: skip
        yield self.practice_record(
            stable_id=stable_id,
            url=response.url,
            canonical_url=meta.canonical_url,
            title=profile.first(page, "practice", "title") or meta.title,
            summary_html=profile.first(page, "practice", "summary_html") or meta.description,
            body_html=profile.first(page, "practice", "body_html"),
            published=profile.first(page, "practice", "published") or meta.published,
            updated=meta.modified,
            language=profile.first(page, "practice", "language"),
            areas=profile.all(page, "practice", "areas"),
            government=profile.first(page, "practice", "government"),
            government_type=profile.first(page, "practice", "government_type"),
            city=profile.first(page, "practice", "city"),
            country=profile.first(page, "practice", "country"),
            universities=profile.all(page, "practice", "universities"),
            year=profile.first(page, "practice", "year"),
            status=profile.first(page, "practice", "status"),
            sdgs=profile.all(page, "practice", "sdgs"),
            documents=documents,
            wordpress_id=wordpress_id,
            listing="html_archive",
        )

    # -- one record, whichever path found it -------------------------------------------------

    def practice_record(
        self,
        *,
        stable_id: str,
        url: str,
        canonical_url: str | None,
        title: str | None,
        summary_html: str | None,
        body_html: str | None,
        published: str | None,
        updated: str | None,
        language: str | None,
        areas: list[str],
        government: str | None,
        government_type: str | None,
        city: str | None,
        country: str | None,
        universities: list[str],
        year: str | None,
        status: str | None,
        sdgs: list[str],
        documents: list[dict[str, str | None]],
        wordpress_id: int | None,
        listing: str,
    ) -> PageRecord:
        exclude = self.profile.selectors("practice", "personal_data")
        extra = {
            "wordpress_id": wordpress_id,
            "listing": listing,
            "local_government_type": _lookup(GOVERNMENT_TYPES, government_type),
            "year": _year(year),
            "sdgs": _sdgs(sdgs) or None,
            "status": _lookup(STATUSES, status),
        }
        return PageRecord(
            source_key=self.name,
            kind="practice",
            stable_id=stable_id,
            url=url,
            canonical_url=canonical_url,
            title=title,
            summary_html=without_personal_data(summary_html, exclude),
            body_html=without_personal_data(body_html, exclude),
            published=published,
            updated=updated,
            language=LANGUAGES.get(_fold(language)) if language else None,
            categories=areas,
            city=city,
            country=country,
            organisations=[o for o in (government, *universities) if o],
            resources=[d for d in documents if d.get("url")],
            extra={k: v for k, v in extra.items() if v is not None},
        )

    # -- plumbing ----------------------------------------------------------------------------


def without_personal_data(html: str | None, exclude: Iterable[str] = ()) -> str | None:
    """``html`` without contact blocks (``exclude`` CSS selectors) and without any block that
    names an e-mail address or a phone number; None when nothing readable is left."""
    if not html:
        return None
    soup = BeautifulSoup(html, "html.parser")
    for css in exclude:
        for element in soup.select(css):
            if element.decomposed:
                continue
            # A contact link inside a sentence ("escribir a <a mailto>...") takes the sentence.
            block = element.find_parent(BLOCKS) if element.name in ("a", "span") else None
            (block or element).decompose()
    for element in soup.find_all(BLOCKS):
        if isinstance(element, Tag) and not element.decomposed and _personal(element.get_text(" ")):
            element.decompose()
    for text in soup.find_all(string=True):  # loose text outside any block
        if _personal(str(text)):
            text.replace_with(PHONE.sub("", EMAIL.sub("", str(text))))
    cleaned = str(soup).strip()
    return cleaned if soup.get_text(strip=True) else None


def _personal(text: str) -> bool:
    if EMAIL.search(text):
        return True
    for match in PHONE.finditer(text):
        digits = re.sub(r"\D", "", match.group())
        if len(digits) >= 7 and not YEAR_RANGE.match(match.group().strip()):
            return True
    return False


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _lookup(table: dict[str, str], value: str | None) -> str | None:
    if not value:
        return None
    folded = _fold(value)
    return table.get(folded, folded)


def _year(value: str | None) -> int | None:
    match = re.search(r"\b(19|20)\d\d\b", value or "")
    return int(match.group()) if match else None


def _sdgs(values: list[str]) -> list[int]:
    """SDG numbers (1-17), each once, in the page's order: "ODS 3", "3", "SDG 11: ..."."""
    found: list[int] = []
    for value in values:
        for number in re.findall(r"\b(\d{1,2})\b", value.split(":")[0]):
            if 1 <= int(number) <= 17 and int(number) not in found:
                found.append(int(number))
    return found


def _query_value(url: str, name: str) -> str | None:
    values = parse_qs(urlsplit(url).query).get(name)
    return values[0] if values else None


def _slug(url: str) -> str:
    segments = [s for s in urlsplit(url).path.split("/") if s]
    return segments[-1] if segments else urlsplit(url).path


def _id_from_classes(page: Any) -> int | None:
    classes = " ".join(page.xpath("//body/@class | //article/@id").getall())
    match = re.search(r"\bpostid-(\d{1,18})\b|\bpost-(\d{1,18})\b", classes)
    return int(match.group(1) or match.group(2)) if match else None
