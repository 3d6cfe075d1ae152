"""The #BeyondTheOutbreak site as its static export answers: routing, states, headers.

A WordPress site exported to static files and served by a plain web server: every page is a
directory with an ``index.html`` (``/housing`` answers 301 to ``/housing/``), query strings are
ignored, ``/wp-json/`` is gone (404), files keep their ``Last-Modified``; Yoast's sitemaps were
exported too (``/sitemap_index.xml`` -> ``/page-sitemap.xml``) unless the ``no-sitemap`` quirk.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import unquote, urlsplit

from pipeline.replicas.beyond_the_outbreak import pages
from pipeline.replicas.beyond_the_outbreak.content import (
    Session,
    draw_session,
    edited_session,
    revised_session,
)
from pipeline.replicas.pdf import make_pdf
from pipeline.replicas.server import Response
from pipeline.replicas.states import CHANGED, CHURNED, checked_state, pick_churned
from pipeline.replicas.wordpress.formatting import http_date

__all__ = ["DEFAULT_SIZE", "NO_SITEMAP", "QUIRKS", "REDESIGN", "BeyondTheOutbreakSite"]

DEFAULT_SIZE = 17  # the real site's sessions
PER_PAGE = 12  # cards on a home page
REDESIGN = "redesign"
NO_SITEMAP = "no-sitemap"
QUIRKS = {
    REDESIGN: "a new theme: same content, other markup (renamed classes, moved fields, wrappers)",
    NO_SITEMAP: "the export left out Yoast's sitemaps (404; robots.txt names none)",
}
HOME_EN, HOME_ES = "/", "/es/home-spanish/"
HTML = "text/html; charset=UTF-8"
SITE_CREATED = datetime(2020, 3, 20, 9, 0, tzinfo=UTC)
# A 1x1 transparent PNG: the figures are never read, only linked.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63000100000500010d0a2db40000000049454e44ae426082"
)


@dataclass(frozen=True)
class _State:
    sessions: tuple[Session, ...]  # in session order, as the home pages list them
    by_path: dict[str, Session]
    by_es_path: dict[str, Session]
    uploads: dict[str, Session]


class BeyondTheOutbreakSite:
    """The ``beyond_the_outbreak`` replica; ground truth for tests in `sessions`."""

    def __init__(
        self, seed: int = 1, size: int = DEFAULT_SIZE, quirks: Iterable[str] = frozenset()
    ) -> None:
        if size < 3:
            raise ValueError("the replica needs at least 3 sessions (one to add, edit, remove)")
        quirks = frozenset(quirks)
        unknown = sorted(quirks - QUIRKS.keys())
        if unknown:
            raise ValueError(
                f"unknown quirk(s): {', '.join(unknown)} (known: {', '.join(sorted(QUIRKS))})"
            )
        self.seed, self.size, self.quirks = seed, size, quirks
        self.redesign = REDESIGN in quirks
        self.landing_path = HOME_ES
        self._baseline = tuple(draw_session(seed, index) for index in range(size))
        latest = max(session.modified for session in self._baseline)
        self._added = draw_session(seed, size)
        self._edited_index, self._removed_index = size // 2 - 1, size // 2
        self._edited = edited_session(
            self._baseline[self._edited_index], latest + timedelta(days=2)
        )
        slugs = [session.slug for session in self._baseline]
        chosen = pick_churned(f"beyond_the_outbreak:{seed}:state3", slugs, size)
        start = latest + timedelta(days=4)
        self._churn = {slug: start + timedelta(hours=6 * n) for n, slug in enumerate(chosen)}
        self._states: dict[int, _State] = {}
        self._lock = threading.Lock()

    # -- ground truth --------------------------------------------------------------------------

    def sessions(self, state: int = 1) -> list[Session]:
        """The sessions served in ``state``, in the order the home pages list them."""
        return list(self._state(state).sessions)

    def narrative(self, session: Session, language: str = "en") -> list[str]:
        """The paragraphs of a session page's narrative, as plain text."""
        return pages.paragraphs(session, self.seed, language)

    @property
    def added_id(self) -> str:
        """Slug (the session id) of the session state 2 adds."""
        return self._added.slug

    @property
    def edited_id(self) -> str:
        return self._edited.slug

    @property
    def removed_id(self) -> str:
        return self._baseline[self._removed_index].slug

    @property
    def churned_ids(self) -> tuple[str, ...]:
        """Slugs of the sessions state 3 edits (title, description, a closing note)."""
        return tuple(self._churn)

    def _state(self, state: int) -> _State:
        state = checked_state(state)
        with self._lock:
            if state not in self._states:
                sessions = list(self._baseline)
                if state == CHANGED:
                    sessions[self._edited_index] = self._edited
                    del sessions[self._removed_index]
                    sessions.append(self._added)
                elif state == CHURNED:
                    sessions = [
                        revised_session(s, self._churn[s.slug]) if s.slug in self._churn else s
                        for s in sessions
                    ]
                self._states[state] = _State(
                    tuple(sessions),
                    {s.path: s for s in sessions},
                    {s.translation.path: s for s in sessions if s.translation},
                    {s.briefing.path: s for s in sessions}
                    | {s.figure: s for s in sessions if s.figure},
                )
            return self._states[state]

    # -- HTTP ----------------------------------------------------------------------------------

    def handle(self, method: str, target: str, headers: Mapping[str, str], state: int) -> Response:
        if method not in ("GET", "HEAD"):
            return Response(405, [("Allow", "GET, HEAD"), ("Content-Type", HTML)])
        base = "http://" + headers.get("host", "127.0.0.1")
        path = unquote(urlsplit(target).path) or "/"
        current = self._state(state)
        if path == "/robots.txt":
            return _text(self._robots(base), "text/plain; charset=UTF-8", SITE_CREATED)
        if path.startswith("/wp-content/uploads/"):
            return self._upload(path, current) or self._not_found(base)
        if not self.quirks & {NO_SITEMAP}:
            if path == "/sitemap.xml":
                return _redirect(base + "/sitemap_index.xml")
            if path == "/sitemap_index.xml":
                return _text(self._sitemap_index(base, current), "text/xml; charset=UTF-8")
            if path == "/page-sitemap.xml":
                return _text(self._page_sitemap(base, current), "text/xml; charset=UTF-8")
        if not path.endswith("/") and "." not in path.rsplit("/", 1)[-1]:
            found = self._page(base, path + "/", current)
            return _redirect(base + path + "/") if found.status == 200 else found
        if path == "/es/":
            return _redirect(base + HOME_ES)
        return self._page(base, path, current)

    def _page(self, base: str, path: str, current: _State) -> Response:
        for home in (HOME_EN, HOME_ES):
            if path == home:
                return self._home(base, home, 1, current)
            if path.startswith(home + "page/"):
                number = path.removeprefix(home + "page/").strip("/")
                if number.isdigit() and int(number) == 1:
                    return _redirect(base + home)
                if number.isdigit() and int(number) > 1:
                    return self._home(base, home, int(number), current)
        if path == "/about/":
            head = pages.PageHead(base, path, "About", "en", 9, og_type="website")
            body = pages.about_page(head, redesign=self.redesign, home=HOME_EN)
            return _text(body, HTML, SITE_CREATED)
        session = current.by_path.get(path)
        if session is not None:
            return self._session(base, session, "en")
        session = current.by_es_path.get(path)
        if session is not None:
            return self._session(base, session, "es")
        return self._not_found(base)

    def _session(self, base: str, session: Session, language: str) -> Response:
        translation = session.translation
        alternates = [("en", session.path)]
        if translation is not None:
            alternates.append(("es", translation.path))
        head = pages.PageHead(
            base=base,
            path=session.path if language == "en" else (translation.path if translation else ""),
            title=session.title if language == "en" or not translation else translation.title,
            language=language,
            page_id=_page_id(session) + (0 if language == "en" else 1),
            description=session.summary if language == "en" else None,
            alternates=tuple(alternates),
            published=_iso(SITE_CREATED + timedelta(days=session.index)),
            modified=_iso(session.modified),
        )
        home = HOME_EN if language == "en" else HOME_ES
        body = pages.session_page(head, session, self.seed, redesign=self.redesign, home=home)
        return _text(body, HTML, session.modified)

    def _home(self, base: str, home: str, number: int, current: _State) -> Response:
        sessions = current.sessions
        count = max(1, -(-len(sessions) // PER_PAGE))
        if number > count:
            return self._not_found(base)
        shown = sessions[(number - 1) * PER_PAGE : number * PER_PAGE]
        language = "en" if home == HOME_EN else "es"
        entries = [
            (s.translation.path if language == "es" and s.translation else s.path, s) for s in shown
        ]
        path = home if number == 1 else f"{home}page/{number}/"
        head = pages.PageHead(
            base=base,
            path=path,
            title="Home" if language == "en" else "Inicio",
            language=language,
            page_id=2 if language == "en" else 3,
            alternates=(("en", HOME_EN), ("es", HOME_ES)),
            next_path=f"{home}page/{number + 1}/" if number < count else None,
            og_type="website",
        )
        listing = pages.Listing(entries, number, count, home)
        body = pages.home_page(head, listing, redesign=self.redesign, home=home)
        return _text(body, HTML, max(s.modified for s in sessions))

    def _not_found(self, base: str) -> Response:
        head = pages.PageHead(base, "/404/", "Page not found", "en", 0, og_type="website")
        body = pages.not_found_page(head, redesign=self.redesign, home=HOME_EN)
        return Response(404, [("Content-Type", HTML)], body.encode())

    def _upload(self, path: str, current: _State) -> Response | None:
        session = current.uploads.get(path)
        if session is None:
            return None
        if path.endswith(".png"):
            return Response(200, _headers("image/png", session.briefing.uploaded), PNG)
        lines = [
            "#BeyondTheOutbreak - Live Learning Experience",
            f"{session.topic} - {session.date:%d/%m/%Y}",
            "UCLG - Metropolis - UN-Habitat",
        ]
        uploaded = session.briefing.uploaded
        body = make_pdf(session.briefing.title, lines, author="UCLG", created=uploaded)
        return Response(200, _headers("application/pdf", uploaded), body)

    def _robots(self, base: str) -> str:
        text = "User-agent: *\nDisallow: /wp-admin/\nAllow: /wp-admin/admin-ajax.php\n"
        if NO_SITEMAP not in self.quirks:
            text += f"\nSitemap: {base}/sitemap_index.xml\n"
        return text

    def _sitemap_index(self, base: str, current: _State) -> str:
        latest = max(s.modified for s in current.sessions)
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            f"\t<sitemap>\n\t\t<loc>{base}/page-sitemap.xml</loc>\n"
            f"\t\t<lastmod>{_iso(latest)}</lastmod>\n\t</sitemap>\n</sitemapindex>\n"
        )

    def _page_sitemap(self, base: str, current: _State) -> str:
        latest = max(s.modified for s in current.sessions)
        entries = [(HOME_EN, latest), (HOME_ES, latest), ("/about/", SITE_CREATED)]
        for session in current.sessions:
            entries.append((session.path, session.modified))
            if session.translation:
                entries.append((session.translation.path, session.modified))
        urls = "".join(
            f"\t<url>\n\t\t<loc>{base}{path}</loc>\n\t\t<lastmod>{_iso(moment)}</lastmod>\n"
            "\t</url>\n"
            for path, moment in entries
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + urls + "</urlset>\n"
        )


def _page_id(session: Session) -> int:
    return 120 + 4 * session.index


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _headers(content_type: str, modified: datetime) -> list[tuple[str, str]]:
    return [("Content-Type", content_type), ("Last-Modified", http_date(modified))]


def _text(body: str, content_type: str, modified: datetime | None = None) -> Response:
    headers = [("Content-Type", content_type), ("Vary", "Accept-Encoding")]
    if modified is not None:
        headers.append(("Last-Modified", http_date(modified)))
    return Response(200, headers, body.encode("utf-8"))


def _redirect(location: str) -> Response:
    return Response(301, [("Location", location), ("Content-Type", HTML)])
