"""The replica's URL scheme and answers: what www.iadb.org (Drupal 10) serves for the network."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from email.utils import format_datetime
from html import escape
from urllib.parse import parse_qs, urlsplit

from pipeline.replicas.idb_cities_network.content import (
    LANDING_NODE_ID,
    LAST_DAY,
    MEMBER_CITIES,
    Node,
    Version,
    draw_nodes,
    edited_node,
    paragraphs,
    revised_node,
)
from pipeline.replicas.idb_cities_network.html import LABELS, Theme, document, json_ld
from pipeline.replicas.idb_cities_network.sitemap import sitemap_xml
from pipeline.replicas.pdf import make_pdf
from pipeline.replicas.server import Response
from pipeline.replicas.states import CHANGED, CHURNED, checked_state, pick_churned

__all__ = [
    "CITED_PATH",
    "DEFAULT_SIZE",
    "LANDING_PATHS",
    "QUIRKS",
    "ExpectedRecord",
    "IdbCitiesNetworkSite",
]

DEFAULT_SIZE = 30
PER_PAGE = 10
QUIRKS = {
    "redesign": "a new theme: renamed classes, moved fields, a new wrapper (same content)",
    "moved-without-redirect": "the cited Spanish URL is a 404 instead of a 301 to its new place",
}
CITED_PATH = "/es/desarrollo-urbano-y-vivienda/red-de-ciudades-bid"
OLD_ENGLISH_PATH = "/en/urban-development-and-housing/idb-cities-network"
LANDING_PATHS = {
    "es": "/es/quienes-somos/temas/desarrollo-urbano-y-vivienda/"
    "iniciativas-de-desarrollo-urbano-y-vivienda/acerca-de",
    "en": "/en/who-we-are/topics/urban-development-and-housing/"
    "urban-development-and-housing-initiatives/about",
}
TOPIC_PATHS = {
    "es": "/es/quienes-somos/temas/desarrollo-urbano-y-vivienda",
    "en": "/en/who-we-are/topics/urban-development-and-housing",
}
LISTINGS = {
    ("webinar", "es"): "/es/desarrollo-urbano-y-vivienda/intercambios",
    ("webinar", "en"): "/en/urban-development-and-housing/intercambios",
    ("publication", "es"): "/es/desarrollo-urbano-y-vivienda/publicaciones",
    ("publication", "en"): "/en/urban-development-and-housing/publications",
    ("post", "es"): "/es/blog/desarrollo-urbano",
    ("post", "en"): "/en/blog/urban-development",
}
LANDING_TITLE = {"es": "Red de Ciudades BID", "en": "IDB Cities Network"}
LANDING_TEXT = {
    "es": (
        "La Red de Ciudades BID, creada en 2016, conecta a gobiernos locales de América Latina "
        "y el Caribe para intercambiar conocimiento sobre desarrollo urbano y vivienda.",
        "Ofrece intercambios virtuales, publicaciones y asistencia técnica a sus miembros.",
    ),
    "en": (
        "The IDB Cities Network, created in 2016, connects local governments of Latin America "
        "and the Caribbean to exchange knowledge on urban development and housing.",
        "It offers virtual exchanges, publications and technical assistance to its members.",
    ),
}
ROBOTS = """#
# robots.txt
#
User-agent: *
# CSS, JS, Images
Allow: /core/*.css$
Allow: /core/*.js$
# Directories
Disallow: /core/
Disallow: /profiles/
# Paths (clean URLs)
Disallow: /admin/
Disallow: /user/login
Disallow: /search/
Disallow: /es/search/
Disallow: /en/search/

Sitemap: {base}/sitemap.xml
"""
SCHEMA_TYPES = {"webinar": "Event", "publication": "Report", "post": "BlogPosting"}
LANDING_CHANGED = datetime(2023, 3, 1, 14, 0, tzinfo=UTC)


@dataclass(frozen=True)
class ExpectedRecord:
    """What the spider must extract from one node (its primary-language version)."""

    stable_id: str
    kind: str  # page, webinar, publication, post
    node_id: int
    language: str
    path: str
    title: str
    published: date | None
    updated: date | None
    summary: str | None
    city: str | None
    country: str | None
    organisations: tuple[str, ...]
    categories: tuple[str, ...]
    video: str | None
    pdf: str | None  # absolute URL, or a path on the replica
    translation: tuple[str, str, str] | None  # (language, path, title)
    member_cities: str | None = None


class IdbCitiesNetworkSite:
    """The ``idb_cities_network`` replica; `records(state)` is the ground truth."""

    def __init__(self, seed: int = 1, size: int = DEFAULT_SIZE, quirks: Iterable[str] = ()) -> None:
        quirks = frozenset(quirks)
        unknown = sorted(quirks - set(QUIRKS))
        if unknown:
            raise ValueError(f"unknown quirk(s): {', '.join(unknown)}")
        if size < 3:
            raise ValueError("the replica needs at least 3 records (one to add, edit, remove)")
        self.seed, self.size, self.quirks = seed, size, quirks
        self.theme = Theme(redesign="redesign" in quirks)
        self._nodes, self._added = draw_nodes(seed, size)
        ordered = sorted(self._nodes, key=lambda n: n.node_id)
        self.added_id = self._added.node_id
        self.edited_id = ordered[len(ordered) // 3].node_id
        self.removed_id = ordered[2 * len(ordered) // 3].node_id
        # State 3: about 1% of the nodes revised, after every baseline and state 2 change.
        ids = [node.node_id for node in self._nodes]
        self.churned_ids = pick_churned(f"idb:{seed}:state3", ids, len(ids))
        start = datetime.combine(LAST_DAY + timedelta(days=100), time(14), tzinfo=UTC)
        self._churn = {
            nid: start + timedelta(hours=3 * n) for n, nid in enumerate(self.churned_ids)
        }
        self._lock = threading.Lock()
        self._states: dict[int, _State] = {}
        self._base = "https://www.iadb.org"

    # -- ground truth --------------------------------------------------------------------------

    def nodes(self, state: int = 1) -> list[Node]:
        """Published nodes, newest first (as the listings order them)."""
        return list(self._state(state).newest_first)

    def records(self, state: int = 1, primary_language: str = "es") -> list[ExpectedRecord]:
        landing = self._landing_record(primary_language)
        return [landing, *(_expected(n, primary_language) for n in self.nodes(state))]

    def _landing_record(self, primary: str) -> ExpectedRecord:
        other = "en" if primary == "es" else "es"
        return ExpectedRecord(
            stable_id=f"idb_cities_network:page:{LANDING_NODE_ID}",
            kind="page",
            node_id=LANDING_NODE_ID,
            language=primary,
            path=LANDING_PATHS[primary],
            title=LANDING_TITLE[primary],
            published=None,
            updated=None,
            summary=LANDING_TEXT[primary][0],
            city=None,
            country=None,
            organisations=(),
            categories=(),
            video=None,
            pdf=None,
            translation=(other, LANDING_PATHS[other], LANDING_TITLE[other]),
            member_cities=" ".join(MEMBER_CITIES[primary]),
        )

    def _state(self, state: int) -> _State:
        state = checked_state(state)
        with self._lock:
            if state not in self._states:
                nodes = list(self._nodes)
                if state == CHANGED:
                    nodes = [
                        edited_node(n) if n.node_id == self.edited_id else n
                        for n in nodes
                        if n.node_id != self.removed_id
                    ]
                    nodes.append(self._added)
                elif state == CHURNED:
                    churn = self._churn
                    nodes = [
                        revised_node(n, churn[n.node_id]) if n.node_id in churn else n
                        for n in nodes
                    ]
                self._states[state] = _State(nodes)
            return self._states[state]

    # -- Site ------------------------------------------------------------------------------------

    def handle(self, method: str, target: str, headers: Mapping[str, str], state: int) -> Response:
        parts = urlsplit(target)
        path, query = parts.path, parse_qs(parts.query)
        current = self._state(state)
        # Metatag writes absolute URLs on the host that was asked (the same for every request).
        self._base = "http://" + headers.get("host", "www.iadb.org")
        if path == "/robots.txt":
            return _text(ROBOTS.format(base=self._base), "text/plain; charset=utf-8")
        if path == "/sitemap.xml":
            page = query.get("page", [""])[0]
            return self._sitemap(current, int(page) if page.isdigit() else None)
        if path == "/":
            return _redirect("/en", 302)
        if path == CITED_PATH and "moved-without-redirect" not in self.quirks:
            return _redirect(LANDING_PATHS["es"], 301)
        if path == OLD_ENGLISH_PATH:
            return _redirect(LANDING_PATHS["en"], 301)
        if path.endswith(".pdf") and path.startswith("/sites/default/files/"):
            return self._pdf(path, current)
        for lang in ("es", "en"):
            if path == f"/{lang}":
                return self._front(lang)
            if path == TOPIC_PATHS[lang]:
                return self._topic(lang)
            if path == LANDING_PATHS[lang]:
                return self._landing(lang)
            if path.startswith(f"/{lang}/node/") and path[len(lang) + 7 :].isdigit():
                found = current.by_id.get(int(path[len(lang) + 7 :]))
                version = found.version(lang) if found else None
                if found and version:
                    return _redirect(current.path(found, version), 301)
        for (kind, lang), listing_path in LISTINGS.items():
            if path == listing_path:
                page = query.get("page", ["0"])[0]
                return self._listing(kind, lang, int(page) if page.isdigit() else 0, current)
        located = current.by_path.get(path)
        if located is not None:
            return self._detail(*located, current)
        return self._not_found(path)

    # -- pages -----------------------------------------------------------------------------------

    def _head(
        self, lang: str, title: str, path: str, alternates: Mapping[str, str], **meta: str
    ) -> list[str]:
        base = self._base
        head = [
            f'<link rel="canonical" href="{base}{path}" />',
            f'<meta property="og:site_name" content="{LABELS[lang]["site"]}" />',
            f'<meta property="og:title" content="{escape(title)}" />',
            f'<meta property="og:url" content="{base}{path}" />',
        ]
        if meta.get("node_id"):
            node_id = meta["node_id"]
            head.append(f'<link rel="shortlink" href="{base}/{lang}/node/{node_id}" />')
        if meta.get("description"):
            description = escape(meta["description"])
            head.append(f'<meta name="description" content="{description}" />')
            head.append(f'<meta property="og:description" content="{description}" />')
        for name in ("published", "modified"):
            if meta.get(name):
                head.append(f'<meta property="article:{name}_time" content="{meta[name]}" />')
        for code, href in sorted(alternates.items()):
            head.append(f'<link rel="alternate" hreflang="{code}" href="{base}{href}" />')
        if meta.get("json_ld"):
            head.append(meta["json_ld"])
        return head

    def _page(
        self,
        lang: str,
        title: str,
        path: str,
        main: str,
        classes: str,
        *,
        alternates: Mapping[str, str] | None = None,
        last_modified: datetime | None = None,
        **meta: str,
    ) -> Response:
        head = self._head(lang, title, path, alternates or {}, **meta)
        body = document(
            lang=lang,
            title=title,
            main=main,
            body_classes=classes,
            head=head,
            theme=self.theme,
        )
        headers = [
            ("Content-Type", "text/html; charset=UTF-8"),
            ("Content-Language", lang),
            ("X-Generator", "Drupal 10 (https://www.drupal.org)"),
            ("X-Drupal-Cache", "HIT"),
            ("Cache-Control", "max-age=3600, public"),
        ]
        if last_modified is not None:
            headers.append(("Last-Modified", format_datetime(last_modified, usegmt=True)))
        return Response(200, headers, body)

    def _front(self, lang: str) -> Response:
        labels = LABELS[lang]
        main = (
            f'<h1 class="visually-hidden">{labels["site"]}</h1><section class="topics">'
            f'<a href="{TOPIC_PATHS[lang]}">{labels["topic"]}</a></section>'
        )
        alternates = {code: f"/{code}" for code in ("es", "en")}
        return self._page(
            lang, labels["site"], f"/{lang}", main, "path-frontpage", alternates=alternates
        )

    def _topic(self, lang: str) -> Response:
        labels = LABELS[lang]
        main = (
            self.theme.title(labels["topic"])
            + '<div class="initiatives"><ul>'
            + f'<li><a href="{LANDING_PATHS[lang]}">{labels["network"]}</a></li>'
            + f'<li><a href="{LISTINGS[("publication", lang)]}">{labels["publication"]}</a></li>'
            + "</ul></div>"
        )
        return self._page(
            lang, labels["topic"], TOPIC_PATHS[lang], main, "path-taxonomy", alternates=TOPIC_PATHS
        )

    def _landing(self, lang: str) -> Response:
        labels = LABELS[lang]
        links = "".join(
            f'<li><a href="{LISTINGS[(kind, lang)]}">{labels[kind]}</a></li>'
            for kind in ("webinar", "publication", "post")
        )
        main = (
            self.theme.title(LANDING_TITLE[lang])
            + self.theme.members(lang)
            + self.theme.body(list(LANDING_TEXT[lang]))
            + f'<nav class="initiative-resources"><ul>{links}</ul></nav>'
        )
        graph = [
            {
                "@type": "WebPage",
                "name": LANDING_TITLE[lang],
                "description": LANDING_TEXT[lang][0],
                "inLanguage": lang,
            }
        ]
        return self._page(
            lang,
            LANDING_TITLE[lang],
            LANDING_PATHS[lang],
            main,
            f"path-node page-node-type-initiative page-node-{LANDING_NODE_ID}",
            alternates=LANDING_PATHS,
            last_modified=LANDING_CHANGED,
            node_id=str(LANDING_NODE_ID),
            description=LANDING_TEXT[lang][0],
            json_ld=json_ld(graph),
        )

    def _listing(self, kind: str, lang: str, page: int, current: _State) -> Response:
        labels = LABELS[lang]
        nodes = [n for n in current.newest_first if n.kind == kind and n.version(lang)]
        shown = nodes[page * PER_PAGE : (page + 1) * PER_PAGE]
        rows = []
        for node in shown:
            version = node.version(lang)
            assert version is not None
            rows.append(self.theme.teaser(node, version, current.path(node, version), lang))
        main = self.theme.title(labels[kind])
        if rows:
            main += self.theme.listing(rows, kind)
        else:
            main += f'<div class="view-empty">{labels["empty"]}</div>'
        if (page + 1) * PER_PAGE < len(nodes):
            main += (
                '<nav class="pager" role="navigation" aria-labelledby="pagination-heading">'
                '<ul class="pager__items js-pager__items"><li class="pager__item '
                f'pager__item--next"><a href="?page={page + 1}" title="{labels["next"]}" '
                'rel="next"><span aria-hidden="true">&rsaquo;</span></a></li></ul></nav>'
            )
        path = LISTINGS[(kind, lang)]
        modified = max((n.changed for n in nodes), default=LANDING_CHANGED)
        return self._page(lang, labels[kind], path, main, "path-view", last_modified=modified)

    def _detail(self, node: Node, version: Version, current: _State) -> Response:
        lang = version.language
        theme = self.theme
        main = theme.title(version.title) + theme.when(node, lang) + theme.place(node, lang)
        main += theme.lead(version.lead) + theme.video(node)
        main += theme.body(paragraphs(self.seed, node, lang))
        main += theme.speakers(node, lang) + theme.pdf(node, version.title, lang)
        main += theme.topics(version, lang)
        main = (
            f'<article class="node node--type-{node.kind} node--view-mode-full" '
            f'data-history-node-id="{node.node_id}">{main}</article>'
        )
        date_key = "startDate" if node.kind == "webinar" else "datePublished"
        graph = [
            {
                "@type": SCHEMA_TYPES[node.kind],
                "name": version.title,
                date_key: node.day.isoformat(),
                "inLanguage": lang,
                **({"description": version.lead} if version.lead else {}),
            }
        ]
        alternates = {v.language: current.path(node, v) for v in node.versions}
        meta: dict[str, str] = {"node_id": str(node.node_id), "json_ld": json_ld(graph)}
        if version.lead:
            meta["description"] = version.lead
        if node.kind == "post":
            meta["published"] = f"{node.day.isoformat()}T12:00:00+0000"
        meta["modified"] = node.changed.isoformat()
        return self._page(
            lang,
            version.title,
            current.path(node, version),
            main,
            f"path-node page-node-type-{node.kind}",
            alternates=alternates if len(alternates) > 1 else None,
            last_modified=node.changed,
            **meta,
        )

    def _sitemap(self, current: _State, page: int | None) -> Response:
        entries = [(dict(LANDING_PATHS), LANDING_CHANGED)] + [
            ({v.language: current.path(n, v) for v in n.versions}, n.changed)
            for n in current.newest_first
        ]
        xml = sitemap_xml(self._base, entries, page)
        if xml is None:
            return self._not_found("/sitemap.xml")
        return _text(xml, "application/xml")

    def _pdf(self, path: str, current: _State) -> Response:
        node = next((n for n in current.newest_first if n.pdf == path), None)
        if node is None:
            return self._not_found(path)
        title = node.versions[0].title
        body = make_pdf(title, ["Banco Interamericano de Desarrollo"], created=node.changed)
        headers = [
            ("Content-Type", "application/pdf"),
            ("Last-Modified", format_datetime(node.changed, usegmt=True)),
        ]
        return Response(200, headers, body)

    def _not_found(self, path: str) -> Response:
        lang = "en" if path.startswith("/en") else "es"
        main = self.theme.title(LABELS[lang]["not_found"])
        page = self._page(lang, LABELS[lang]["not_found"], path, main, "path-404")
        return replace(page, status=404)


class _State:
    """The nodes of one state, indexed by id and by path."""

    def __init__(self, nodes: list[Node]) -> None:
        self.newest_first = sorted(nodes, key=lambda n: (n.day, n.node_id), reverse=True)
        self.by_id = {n.node_id: n for n in nodes}
        self.by_path = {self.path(n, v): (n, v) for n in nodes for v in n.versions}

    @staticmethod
    def path(node: Node, version: Version) -> str:
        base = LISTINGS[(node.kind, version.language)]
        if node.kind == "post":
            return f"{base}/{node.day:%Y/%m}/{version.slug}"
        return f"{base}/{version.slug}"


def _expected(node: Node, primary: str) -> ExpectedRecord:
    version = node.version(primary) or node.versions[0]
    lang = version.language
    other = next((v for v in node.versions if v is not version), None)
    index = 0 if lang == "es" else 1
    return ExpectedRecord(
        stable_id=f"idb_cities_network:{node.kind}:{node.node_id}",
        kind=node.kind,
        node_id=node.node_id,
        language=lang,
        path=_State.path(node, version),
        title=version.title,
        published=node.day,
        updated=node.changed.date(),
        summary=version.lead,
        city=node.place.city if node.place else None,
        country=node.place.country if node.place else None,
        organisations=tuple(s.institution[index] for s in node.speakers),
        categories=(version.category,),
        video=node.video,
        pdf=node.pdf,
        translation=(other.language, _State.path(node, other), other.title) if other else None,
    )


def _text(text: str, content_type: str) -> Response:
    return Response(200, [("Content-Type", content_type)], text.encode("utf-8"))


def _redirect(location: str, status: int) -> Response:
    body = f'<a href="{escape(location)}">Redirecting to {escape(location)}</a>'.encode()
    return Response(
        status,
        [("Location", location), ("Content-Type", "text/html; charset=UTF-8")],
        body,
    )
