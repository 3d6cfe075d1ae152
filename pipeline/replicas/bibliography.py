"""The six documents the source article's bibliography cites, served from one replica host.

Five PDFs (AL-LAs notebooks on a WordPress uploads folder, a Metropolis report under Drupal's
``/sites/default/files``) and one HTML article (E-International Relations, WordPress). One PDF
has no ``/Title`` in its Info dictionary, as many exported reports do. State 2: the article's
title is edited and one notebook is gone (404). State 3 is the baseline: fixed documents do not
churn (`BibliographySite.churned_ids` is empty).
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from urllib.parse import unquote, urlsplit

from pipeline.replicas.pdf import make_pdf
from pipeline.replicas.server import Response, Site, SiteOptions
from pipeline.replicas.states import CHANGED, checked_state

__all__ = ["CITED_PATHS", "QUIRKS", "BibliographySite", "Document", "make_site"]

QUIRKS: dict[str, str] = {}

CITED_PATHS = (
    "/wp-content/uploads/2021/04/cuadernoallas10_web-FINAL-1.pdf",
    "/2020/08/05/opinion-revisiting-paradiplomacy-in-the-context-of-covid-19/",
    "/wp-content/uploads/2018/01/Hacia-la-horizontalidad-y-descentralizacion-de-las-relaciones-internacionales.pdf",
    "/wp-content/uploads/2018/01/La-Cooperaci%C3%B3n-Descentralizada-en-Iberoam%C3%A9rica.-Una-mirada-desde-la-cooperaci%C3%B3n-Sur-Sur.pdf",
    "/wp-content/uploads/2018/01/Cuaderno-AL-LAs-7.pdf",
    "/sites/default/files/resources/Repensando%20el%20ecosistema%20de%20redes%20internacionales%20de%20ciudades.pdf",
)
_TITLES = (
    "Cuadernos para la internacionalización de las ciudades 10",
    "Opinion \u2013 Revisiting Paradiplomacy in the Context of Covid-19",
    "Hacia la horizontalidad y descentralización de las relaciones internacionales",
    "",  # no /Title: the reader falls back to the first line of the first page
    "Cuaderno AL-LAs 7: Internacionalización de ciudades",
    "Repensando el ecosistema de redes internacionales de ciudades",
)
_FIRST_LINES = (
    "Proyecto AL-LAs",
    "E-International Relations",
    "Proyecto AL-LAs",
    "La Cooperación Descentralizada en Iberoamérica. Una mirada desde la cooperación Sur-Sur",
    "Proyecto AL-LAs",
    "Metropolis",
)
_PUBLISHED = datetime(2020, 8, 5, 9, 30, tzinfo=UTC)
EDITED_INDEX, REMOVED_INDEX = 1, 4


@dataclass(frozen=True)
class Document:
    path: str
    title: str  # what a reader should record: the PDF title, else its first line
    content_type: str
    language: str


class BibliographySite:
    churned_ids: tuple[int, ...] = ()  # state 3 changes nothing here

    def __init__(self) -> None:
        self._bodies: dict[tuple[int, str], bytes] = {}

    def documents(self, state: int = 1) -> list[Document]:
        state = checked_state(state)
        found = []
        for index, path in enumerate(CITED_PATHS):
            if state == CHANGED and index == REMOVED_INDEX:
                continue
            title = self._title(index, state) or _FIRST_LINES[index]
            is_pdf = path.endswith(".pdf")
            found.append(
                Document(
                    path,
                    title,
                    "application/pdf" if is_pdf else "text/html",
                    "en" if index == 1 else "es",
                )
            )
        return found

    def _title(self, index: int, state: int) -> str:
        title = _TITLES[index]
        return f"{title} (updated)" if state == CHANGED and index == EDITED_INDEX else title

    def handle(self, method: str, target: str, headers: Mapping[str, str], state: int) -> Response:
        path = urlsplit(target).path
        if path == "/robots.txt":
            return Response(200, [("Content-Type", "text/plain")], b"User-agent: *\nAllow: /\n")
        wanted = unquote(path)
        for index, cited in enumerate(CITED_PATHS):
            if unquote(cited) == wanted and not (state == CHANGED and index == REMOVED_INDEX):
                return self._document(index, state)
        return Response(
            404,
            [("Content-Type", "text/html; charset=UTF-8")],
            b"<html><head><title>Page not found</title></head><body>404</body></html>",
        )

    def _document(self, index: int, state: int) -> Response:
        key = (index, str(state == CHANGED and index == EDITED_INDEX))
        modified = format_datetime(_PUBLISHED, usegmt=True)
        if CITED_PATHS[index].endswith(".pdf"):
            if key not in self._bodies:
                self._bodies[key] = make_pdf(
                    self._title(index, state), [_FIRST_LINES[index], "Cooperación descentralizada."]
                )
            return Response(
                200,
                [("Content-Type", "application/pdf"), ("Last-Modified", modified)],
                self._bodies[key],
            )
        title = html.escape(self._title(index, state))
        page = f"""<!DOCTYPE html><html lang="en-US"><head><meta charset="UTF-8">
<title>{title} | E-International Relations</title>
<meta property="og:type" content="article"><meta property="og:title" content="{title}">
<meta property="article:published_time" content="2020-08-05T09:30:00+00:00">
<meta name="description" content="Cities engaged in paradiplomacy during the pandemic.">
</head><body class="post-template-default single single-post"><article class="post type-post">
<h1 class="entry-title">{title}</h1><div class="entry-content"><p>Cities and regions responded
to Covid-19 with their own international action, sharing practices through networks such as
Mercociudades and UCLG.</p></div></article></body></html>"""
        return Response(
            200,
            [("Content-Type", "text/html; charset=UTF-8"), ("Last-Modified", modified)],
            page.encode(),
        )


def make_site(options: SiteOptions) -> Site:
    if options.quirks:
        raise ValueError(f"unknown quirk(s): {', '.join(sorted(options.quirks))} (known: none)")
    return BibliographySite()
