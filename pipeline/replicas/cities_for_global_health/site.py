"""The Cities for Global Health replica: URL routing and HTTP answers of a Drupal 9 site.

Routes: ``/`` and ``/es`` (home, with the counters), ``/initiatives?page=N`` (0-based, 10 a
page, newest first; also under ``/es``), ``/initiatives/<alias>`` and ``/es/initiatives/<alias>``,
``/node/N`` (301 to the alias of that language, or the node itself where it has none),
``/initiatives/feed`` and ``/rss.xml`` (RSS, ten newest), ``/sitemap.xml`` (simple_sitemap; an
index of ``?page=N`` chunks past 2,000 links), ``/sites/default/files/...`` (PDFs),
``/robots.txt``. Everything else is Drupal's 404 page.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import parse_qs, unquote, urlsplit

from pipeline.replicas.cities_for_global_health import drupal
from pipeline.replicas.cities_for_global_health.model import (
    Document,
    Home,
    Initiative,
    Version,
    draw_initiatives,
    revised_initiative,
)
from pipeline.replicas.cities_for_global_health.vocabulary import TOPICS
from pipeline.replicas.pdf import make_pdf
from pipeline.replicas.server import Response
from pipeline.replicas.states import CHANGED, CHURNED, checked_state, pick_churned
from pipeline.replicas.wordpress.formatting import http_date

__all__ = ["DEFAULT_SIZE", "QUIRKS", "CitiesForGlobalHealthSite"]

DEFAULT_SIZE = 30
REDESIGN = "redesign"
LISTING_CAPPED = "listing-capped"
QUIRKS = {
    REDESIGN: "the 2023 theme: detail pages with other classes, fields in a fact list",
    LISTING_CAPPED: "the Views listing shows only the 20 newest initiatives (the sitemap has all)",
}
LISTING_CAP = 20
SITEMAP_MAX_LINKS = 2000  # simple_sitemap's default "max links" per sitemap chunk
ROBOTS = """#
# robots.txt
#
# This file is to prevent the crawling and indexing of certain parts
# of your site by web crawlers and spiders run by sites like Yahoo!
# and Google. By telling these "robots" where not to go on your site,
# you save bandwidth and server resources.
#
# For more information about the robots.txt standard, see:
# http://www.robotstxt.org/robotstxt.html

User-agent: *
# CSS, JS, Images
Allow: /core/*.css$
Allow: /core/*.js$
Allow: /profiles/*.png
Allow: /themes/*.css
# Directories
Disallow: /core/
Disallow: /profiles/
# Files
Disallow: /README.txt
Disallow: /web.config
# Paths (clean URLs)
Disallow: /admin/
Disallow: /comment/reply/
Disallow: /filter/tips
Disallow: /node/add/
Disallow: /search/
Disallow: /user/register/
Disallow: /user/password/
Disallow: /user/login/
Disallow: /user/logout/
# Paths (no clean URLs)
Disallow: /index.php/admin/
Disallow: /index.php/node/add/
Disallow: /index.php/search/
"""


@dataclass(frozen=True)
class _Snapshot:
    nodes: tuple[Initiative, ...]  # newest first, as the listing shows them
    by_path: dict[str, tuple[Initiative, Version]]
    by_nid: dict[int, Initiative]
    home: Home
    files: dict[str, tuple[Document, Initiative]]


class CitiesForGlobalHealthSite:
    """The ``cities_for_global_health`` replica; ground truth in `initiatives` and `home`."""

    def __init__(
        self, seed: int = 1, size: int = DEFAULT_SIZE, quirks: Iterable[str] = frozenset()
    ) -> None:
        if size < 3:
            raise ValueError("the replica needs at least 3 initiatives (to add, edit, remove)")
        unknown = sorted(set(quirks) - set(QUIRKS))
        if unknown:
            raise ValueError(f"unknown quirk(s): {', '.join(unknown)}")
        self.seed, self.size, self.quirks = seed, size, frozenset(quirks)
        self.landing_path = "/"
        self.listing_path = "/initiatives"
        drawn = draw_initiatives(seed, size)
        self._state1, self._changes = drawn.nodes, drawn.changes
        self.shared_ids: dict[str, int] = drawn.shared_ids  # shared practice key -> nid
        shared = set(self.shared_ids.values())
        candidates = [node.nid for node in self._state1 if node.nid not in shared]
        chosen = pick_churned(f"cfgh:{seed}:state3", candidates, len(self._state1))
        # State 3's edits: after every change of the baseline (and of state 2), a few hours apart.
        start = max(node.changed for node in (*self._state1, *self._changes)) + timedelta(days=3)
        self._churn = {nid: start + timedelta(hours=7 * n) for n, nid in enumerate(chosen)}
        self._term_ids = {name: 7 + number for number, pair in enumerate(TOPICS) for name in pair}
        self._snapshots: dict[int, _Snapshot] = {}
        self._lock = threading.Lock()

    # -- ground truth ---------------------------------------------------------------------------

    def initiatives(self, state: int = 1) -> list[Initiative]:
        """Every published initiative, newest first (the listing's order)."""
        return list(self._snapshot(state).nodes)

    def initiative(self, nid: int, state: int = 1) -> Initiative | None:
        return self._snapshot(state).by_nid.get(nid)

    def home(self, state: int = 1) -> Home:
        return self._snapshot(state).home

    def documents(self, state: int = 1) -> list[Document]:
        return [document for document, _ in self._snapshot(state).files.values()]

    @property
    def added_id(self) -> int:
        return self._changes[0].nid

    @property
    def edited_id(self) -> int:
        return self._changes[1].nid

    @property
    def removed_id(self) -> int:
        return self._changes[2].nid

    @property
    def churned_ids(self) -> tuple[int, ...]:
        """The nodes state 3 edits (their description and ``changed``), by nid."""
        return tuple(self._churn)

    def _snapshot(self, state: int) -> _Snapshot:
        state = checked_state(state)
        with self._lock:
            if state not in self._snapshots:
                self._snapshots[state] = self._build(state)
            return self._snapshots[state]

    def _build(self, state: int) -> _Snapshot:
        nodes = list(self._state1)
        if state == CHANGED:
            added, edited, removed = self._changes
            nodes = [edited if n.nid == edited.nid else n for n in nodes if n.nid != removed.nid]
            nodes.append(added)
        elif state == CHURNED:
            nodes = [
                revised_initiative(n, self._churn[n.nid]) if n.nid in self._churn else n
                for n in nodes
            ]
        nodes.sort(key=lambda node: node.created, reverse=True)
        cities = {(n.country, n.place_key) for n in nodes if n.city is not None}
        return _Snapshot(
            nodes=tuple(nodes),
            by_path={v.path: (n, v) for n in nodes for v in n.versions},
            by_nid={n.nid: n for n in nodes},
            home=Home(drupal.SITE_NAME, len(nodes), len(cities)),
            files={d.path: (d, n) for n in nodes for d in n.documents},
        )

    # -- HTTP -------------------------------------------------------------------------------------

    def handle(self, method: str, target: str, headers: Mapping[str, str], state: int) -> Response:
        if method not in ("GET", "HEAD"):
            return Response(405, [("Allow", "GET, HEAD")])
        parts = urlsplit(target)
        path, query = unquote(parts.path), parse_qs(parts.query)
        base = f"http://{headers.get('host', '127.0.0.1')}"
        snapshot = self._snapshot(state)
        lang = "es" if path == "/es" or path.startswith("/es/") else "en"
        local = path[3:] or "/" if lang == "es" else path
        if path == "/robots.txt":
            return Response(200, [("Content-Type", "text/plain; charset=utf-8")], ROBOTS.encode())
        if local == "/":
            latest = snapshot.nodes
            body = drupal.home_page(base, lang, snapshot.home, latest)
            return _html(body, lang, _newest(latest))
        if local == "/initiatives":
            number = _page_number(query)
            if number is None:
                return self._not_found(base, lang)
            nodes = snapshot.nodes
            shown = nodes[:LISTING_CAP] if LISTING_CAPPED in self.quirks else nodes
            return _html(drupal.listing_page(base, lang, shown, number), lang, _newest(nodes))
        if local in ("/initiatives/feed", "/rss.xml"):
            body = drupal.rss_feed(base, lang, snapshot.nodes, path)
            type_ = "application/rss+xml; charset=utf-8"
            return _answer(body, type_, lang, _newest(snapshot.nodes))
        if path == "/sitemap.xml":
            return self._sitemap(base, snapshot, query)
        if local.startswith("/node/") and local[6:].isdigit():
            return self._node_path(base, snapshot, lang, int(local[6:]))
        if path in snapshot.by_path:
            node, version = snapshot.by_path[path]
            body = drupal.node_page(
                base, node, version, self._term_ids, redesign=REDESIGN in self.quirks
            )
            return _html(body, version.language, node.changed)
        if path in snapshot.files:
            document, node = snapshot.files[path]
            lines = [*node.organisations, node.title, f"{node.created:%d/%m/%Y}"]
            pdf = make_pdf(document.title, lines, created=node.created)
            return _answer(pdf, "application/pdf", None, node.created)
        return self._not_found(base, lang)

    def _node_path(self, base: str, snapshot: _Snapshot, lang: str, nid: int) -> Response:
        node = snapshot.by_nid.get(nid)
        if node is None:
            return self._not_found(base, lang)
        version = node.version(lang)
        if version is not None:  # the redirect module's route normaliser
            return Response(301, [("Location", base + version.path), ("Cache-Control", "no-cache")])
        # No translation: Drupal shows the original under this language's interface.
        body = drupal.node_page(
            base, node, node.original, self._term_ids, redesign=REDESIGN in self.quirks
        )
        return _html(body, node.language, node.changed)

    def _sitemap(self, base: str, snapshot: _Snapshot, query: dict[str, list[str]]) -> Response:
        entries: list[tuple[str, str, dict[str, str]]] = [
            (path, snapshot.nodes[0].changed.isoformat(), {"en": "/", "es": "/es"})
            for path in ("/", "/es")
        ]
        for node in snapshot.nodes:
            alternates = {v.language: v.path for v in node.versions}
            entries += [(v.path, node.changed.isoformat(), alternates) for v in node.versions]
        newest = _newest(snapshot.nodes)
        chunks = [
            entries[i : i + SITEMAP_MAX_LINKS] for i in range(0, len(entries), SITEMAP_MAX_LINKS)
        ]
        number = _page_number(query)
        if len(chunks) == 1 and not number:
            return _answer(drupal.sitemap(base, entries), "application/xml", None, newest)
        if number is None or number > len(chunks):
            return self._not_found(base, "en")
        if number == 0:
            body = drupal.sitemap_index(base, len(chunks), newest.isoformat())
        else:
            body = drupal.sitemap(base, chunks[number - 1])
        return _answer(body, "application/xml", None, newest)

    def _not_found(self, base: str, lang: str) -> Response:
        title = "Page not found" if lang == "en" else "Página no encontrada"
        content = (
            f'<div class="region region-content"><h1 class="page-title">{title}</h1>'
            "<p>The requested page could not be found.</p></div>"
        )
        body = drupal.page(
            base, lang, f"{title} | {drupal.SITE_NAME}", content, body_class="path-system",
            switcher={"en": "/", "es": "/es"},
        )  # fmt: skip
        return Response(
            404,
            [("Content-Type", "text/html; charset=UTF-8"), ("Cache-Control", "no-cache, private")],
            body,
        )


def _page_number(query: dict[str, list[str]]) -> int | None:
    """Views' ``?page=N``; junk is a 404 here (Drupal would clamp it, but never links it)."""
    raw = query.get("page", ["0"])[0]
    return int(raw) if raw.isdigit() else None


def _newest(nodes: Iterable[Initiative]) -> datetime:
    return max(node.changed for node in nodes)


def _html(body: bytes, lang: str, modified: datetime) -> Response:
    return _answer(body, "text/html; charset=UTF-8", lang, modified)


def _answer(body: bytes, content_type: str, lang: str | None, modified: datetime) -> Response:
    headers = [
        ("Content-Type", content_type),
        ("Cache-Control", "max-age=3600, public"),
        ("Last-Modified", http_date(modified)),
        ("Vary", "Cookie"),
        ("X-Content-Type-Options", "nosniff"),
        ("X-Generator", "Drupal 9 (https://www.drupal.org)"),
        ("X-Drupal-Cache", "HIT"),
        ("X-Drupal-Dynamic-Cache", "UNCACHEABLE"),
    ]
    if lang:
        headers.append(("Content-language", lang))
    return Response(200, headers, body)
