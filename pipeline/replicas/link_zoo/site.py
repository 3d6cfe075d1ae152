"""The two origins of the link zoo, as `Site`s: the main WordPress site with one path family per
edge case, and a portal that answers every unknown path with its home page (a soft-404 site).

Every family takes an index (``/status/404/7``), so that a big zoo has as many distinct URLs as
it needs. Behaviour that depends on earlier requests (the flaky paths) counts requests per path
under a lock: the server answers from many threads.
"""

from __future__ import annotations

import html
import re
import threading
import zlib
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from pipeline.replicas.link_zoo import pages
from pipeline.replicas.link_zoo.writing import practice, rewritten
from pipeline.replicas.pdf import make_pdf
from pipeline.replicas.server import Response
from pipeline.replicas.states import BASELINE

__all__ = ["HANGUP_PREFIX", "REDIRECT_CHAINS", "PortalSite", "ZooSite"]

# The handler closes the connection on these paths without answering (see `LinkZoo`).
HANGUP_PREFIX = "/hangup/"
# A redirect case: the status of each hop, and whether the chain ends on a page or a 404.
REDIRECT_CHAINS: dict[str, tuple[tuple[int, ...], bool]] = {
    "redirect-301": ((301,), True),
    "redirect-308": ((308,), True),
    "redirect-302": ((302,), True),
    "redirect-303": ((303,), True),
    "redirect-307": ((307,), True),
    "redirect-301-302": ((301, 302), True),
    "redirect-301-chain": ((301, 301, 301), True),
    "redirect-301-404": ((301,), False),
    "redirect-15-hops": ((301,) * 15, True),
}
ROBOTS_TXT = b"User-agent: *\nDisallow: /private/\nDisallow: /wp-admin/\n"
REASONS = {
    301: "Moved Permanently",
    302: "Found",
    303: "See Other",
    307: "Temporary Redirect",
    308: "Permanent Redirect",
}
HTML = "text/html; charset=UTF-8"
APACHE = ("Server", "Apache")
WORDPRESS_NO_CACHE = (
    ("Expires", "Wed, 11 Jan 1984 05:00:00 GMT"),
    ("Cache-Control", "no-cache, must-revalidate, max-age=0"),
)
# Apache 2.4's messages for the statuses the zoo serves with its error document.
APACHE_MESSAGES = {
    400: ("Bad Request", "Your browser sent a request that this server could not understand."),
    401: (
        "Unauthorized",
        "This server could not verify that you are authorized to access the document requested.",
    ),
    403: ("Forbidden", "You don't have permission to access this resource."),
    410: (
        "Gone",
        "The requested resource is no longer available on this server and there is no "
        "forwarding address. Please remove all references to this resource.",
    ),
    503: (
        "Service Unavailable",
        "The server is temporarily unable to service your request due to maintenance downtime "
        "or capacity problems. Please try again later.",
    ),
}
MODIFIED = "Tue, 09 Mar 2021 14:02:11 GMT"
REVISED = "Mon, 04 Dec 2023 10:15:42 GMT"


_Answer = Callable[..., Response]


@dataclass(frozen=True)
class _Ask:
    method: str
    path: str
    host: str
    state: int

    @property
    def origin(self) -> str:
        return f"http://{self.host}"


def _html(status: int, body: bytes, *extra: tuple[str, str]) -> Response:
    return Response(status, [APACHE, ("Content-Type", HTML), *extra], body)


def _apache(status: int, *extra: tuple[str, str]) -> Response:
    reason, message = APACHE_MESSAGES[status]
    body = pages.apache_error(status, reason, message)
    return Response(
        status, [APACHE, ("Content-Type", "text/html; charset=iso-8859-1"), *extra], body
    )


def _nginx(status: int, reason: str, *extra: tuple[str, str]) -> Response:
    headers = [("Server", "nginx/1.24.0 (Ubuntu)"), ("Content-Type", "text/html"), *extra]
    return Response(status, headers, pages.nginx_error(status, reason))


def _redirect(status: int, location: str, *extra: tuple[str, str]) -> Response:
    reason = REASONS[status]
    body = pages.apache_error(
        status, reason, f'The document has moved <a href="{location}">here</a>.'
    )
    headers = [APACHE, ("Location", location), ("Content-Type", "text/html; charset=iso-8859-1")]
    return Response(status, [*headers, *extra], body)


def _hex(key: str, digits: int) -> str:
    return f"{zlib.crc32(key.encode()):08x}{zlib.crc32(key[::-1].encode()):08x}"[:digits]


class ZooSite:
    """The main origin: a WordPress site behind Apache, and one path family per edge case."""

    def __init__(self, slow_seconds: float) -> None:
        self.slow_seconds = slow_seconds
        self.stopping = threading.Event()  # set when the zoo stops: slow answers end at once
        self._lock = threading.Lock()
        self._hits: Counter[str] = Counter()
        self._hangups = 0
        self._routes: list[tuple[re.Pattern[str], _Answer]] = [
            (re.compile(pattern), method)
            for pattern, method in (
                (r"/", self._home),
                (r"/robots\.txt", self._robots),
                (r"/(?:page|private)/([\w-]+)", self._page),
                (r"/doc/([\w-]+)\.pdf", self._pdf),
                (r"/blog/(\d+)/how-we-fixed-our-broken-links/", self._mentions_404),
                (r"/redirect/([\w-]+)/(\d+)(?:/(\d+))?", self._redirect_hop),
                (r"/loop/(\d+)/([ab])", self._loop),
                (r"/outside/(\d+)", self._to_ftp),
                (r"/status/(\d{3})/(\d+)", self._status),
                (r"/throttle/(\d+)/(\d+)", self._throttle),
                (r"/flaky/(503|429)/(\d+)", self._flaky),
                (r"/head405/(\d+)\.pdf", self._head_405),
                (r"/head404/(\d+)", self._head_404),
                (r"/blocked/(cloudflare|akamai|incapsula)/(\d+)", self._blocked),
                (r"/(en|es|pt|guides)/[a-z]+-(\d+)/", self._soft_404_page),
                (r"/practicas/(gone|removed|old)-practice-(\d+)/", self._soft_404_redirect),
                (r"/noticias/(\d+)/", self._to_not_found_page),
                (r"/404\.html", self._static_404),
                (r"/pagina-no-encontrada/", self._not_found_page),
                (r"/slow/(\d+)", self._slow),
                (r"/articles/(old|new)-(\d+)", self._article),
                (r"/drift/(\d+)", self._drift),
            )
        ]

    def handle(self, method: str, target: str, headers: Mapping[str, str], state: int) -> Response:
        path = urlsplit(target).path
        ask = _Ask(method, path, headers.get("host", "127.0.0.1"), state)
        for pattern, answer in self._routes:
            match = pattern.fullmatch(path)
            if match:
                return answer(ask, *match.groups())
        return self._not_found()

    def hits(self, path: str) -> int:
        """Count one more request to ``path``; the count including this one."""
        with self._lock:
            self._hits[path] += 1
            return self._hits[path]

    def hang_up(self) -> None:
        """Count a request the handler closed unanswered (the server never sees it)."""
        with self._lock:
            self._hangups += 1

    @property
    def hangups(self) -> int:
        with self._lock:
            return self._hangups

    def reset(self) -> None:
        with self._lock:
            self._hits.clear()
            self._hangups = 0

    # Pages that work ---------------------------------------------------------------------

    def _home(self, ask: _Ask) -> Response:
        items = "".join(
            f'<li><a href="/page/{i}">{html.escape(practice(str(i)).title)}</a></li>'
            for i in range(8)
        )
        content = (
            '<h1 class="entry-title">Últimas prácticas</h1>'
            f'<ul class="wp-block-latest-posts">{items}</ul>'
        )
        return _html(
            200,
            pages.wordpress_page(
                pages.MAIN_SITE,
                content,
                body_class="home blog",
                document_title=f"{pages.MAIN_SITE} &#8211; Banco de prácticas urbanas",
            ),
        )

    def _robots(self, ask: _Ask) -> Response:
        return Response(200, [APACHE, ("Content-Type", "text/plain")], ROBOTS_TXT)

    def _practice(self, ask: _Ask, key: str, menu: int = 0, *extra: tuple[str, str]) -> Response:
        writing = practice(key)
        page = pages.wordpress_page(
            writing.title,
            pages.article(writing),
            canonical=ask.origin + ask.path,
            language=writing.language,
            menu=menu,
        )
        return _html(200, page, ("Last-Modified", MODIFIED), *extra)

    def _page(self, ask: _Ask, key: str) -> Response:
        return self._practice(ask, key)

    def _pdf_response(self, key: str, *extra: tuple[str, str]) -> Response:
        writing = practice("doc-" + key)
        body = make_pdf(writing.title, writing.paragraphs[0].split(". "), author=pages.MAIN_SITE)
        headers = [("Content-Type", "application/pdf"), ("Last-Modified", MODIFIED), *extra]
        return Response(200, [*headers, ("Accept-Ranges", "bytes")], body)

    def _pdf(self, ask: _Ask, key: str) -> Response:
        return self._pdf_response(key, APACHE)

    def _mentions_404(self, ask: _Ask, index: str) -> Response:
        title = f"How we fixed 2,{index.zfill(3)[-3:]} broken links on our city portal"
        content = f"""<h1 class="entry-title">{title}</h1>
<div class="entry-content"><p>Last spring our team audited every link on the portal. Visitors who followed old bookmarks kept landing on a friendly "Page not found" message, and search engines kept indexing it, because the server answered 200 instead of 404.</p>
<p>We now answer a real 404 status for removed pages and a 410 for content we retired on purpose, and we redirect renamed pages with a 301.</p>
<h2 id="section">What changed</h2><p>Complaints about dead links dropped by two thirds in three months, and the error log now tells us which old addresses people still use.</p></div>"""  # noqa: E501
        page = pages.wordpress_page(title, content, canonical=ask.origin + ask.path, language="en")
        return _html(200, page, ("Last-Modified", MODIFIED))

    def _slow(self, ask: _Ask, index: str) -> Response:
        # Before any header: the client waits for the status line (or the zoo stops).
        self.stopping.wait(self.slow_seconds)
        return self._practice(ask, "slow-" + index)

    def _article(self, ask: _Ask, age: str, index: str) -> Response:
        """Moved without a redirect: state 1 has the old URL, the other states the new one."""
        if (age == "old") != (ask.state == BASELINE):
            return self._not_found()
        return self._practice(ask, "article-" + index, 0 if age == "old" else 1)

    def _drift(self, ask: _Ask, index: str) -> Response:
        key = "drift-" + index
        writing = practice(key) if ask.state == BASELINE else rewritten(key)
        page = pages.wordpress_page(
            writing.title,
            pages.article(writing),
            canonical=ask.origin + ask.path,
            language=writing.language,
        )
        return _html(200, page, ("Last-Modified", MODIFIED if ask.state == BASELINE else REVISED))

    # Redirects -----------------------------------------------------------------------------

    def _redirect_hop(self, ask: _Ask, case: str, index: str, hop: str | None) -> Response:
        if case not in REDIRECT_CHAINS:
            return self._not_found()
        codes, ends_on_page = REDIRECT_CHAINS[case]
        step = int(hop or 0)
        if step >= len(codes):
            return self._not_found()
        if step + 1 < len(codes):
            # Location in its three forms: absolute, path-relative, path-absolute.
            if step == 0:
                location = f"{ask.origin}/redirect/{case}/{index}/1"
            elif step % 2:
                location = str(step + 1)
            else:
                location = f"/redirect/{case}/{index}/{step + 1}"
        else:
            final = f"/page/{case}-{index}" if ends_on_page else f"/archivo/{case}-{index}/"
            location = ask.origin + final if step == 0 else final
        return _redirect(codes[step], location)

    def _loop(self, ask: _Ask, index: str, end: str) -> Response:
        if end == "a":
            return _redirect(301, f"{ask.origin}/loop/{index}/b")
        return _redirect(302, "a")

    def _to_ftp(self, ask: _Ask, index: str) -> Response:
        """An old report moved to the institution's FTP server: no browser follows it there."""
        host = ask.host.split(":", 1)[0]
        return _redirect(301, f"ftp://{host}/pub/informes/informe-{index}.pdf")

    def _soft_404_redirect(self, ask: _Ask, kind: str, index: str) -> Response:
        """A deleted practice sent to the home page (a "redirect 404s" plugin) or a 404 page."""
        by_wordpress = ("X-Redirect-By", "WordPress")
        if kind == "gone":
            return _redirect(302, "/", by_wordpress)
        if kind == "removed":
            return _redirect(301, ask.origin + "/", by_wordpress)
        return _redirect(302, "/404.html")

    def _to_not_found_page(self, ask: _Ask, index: str) -> Response:
        return _redirect(301, ask.origin + "/pagina-no-encontrada/", ("X-Redirect-By", "WordPress"))

    def _static_404(self, ask: _Ask) -> Response:
        body = b"""<!DOCTYPE html>
<html lang="es"><head><meta charset="utf-8"><title>Error 404</title></head>
<body><h1>404</h1><p>Lo sentimos, la p&aacute;gina que busca no existe o fue movida.</p>
<p><a href="/">Volver al inicio</a></p></body></html>
"""
        return _html(200, body, ("Last-Modified", MODIFIED))

    def _not_found_page(self, ask: _Ask) -> Response:
        content = """<h1 class="entry-title">Página no encontrada</h1><div class="entry-content">
<p>Lo sentimos, el contenido que buscás ya no está disponible. Volvé al <a href="/">inicio</a> o usá el buscador.</p></div>"""  # noqa: E501
        page = pages.wordpress_page(
            "Página no encontrada", content, body_class="page-template-default page"
        )
        return _html(200, page)

    # Errors --------------------------------------------------------------------------------

    def _not_found(self) -> Response:
        return _html(404, pages.wordpress_not_found("es"), *WORDPRESS_NO_CACHE)

    def _status(self, ask: _Ask, code: str, index: str) -> Response:
        status = int(code)
        if status == 404:
            return self._not_found()
        if status == 401:
            return _apache(401, ("WWW-Authenticate", 'Basic realm="Area restringida"'))
        if status in (400, 403, 410):
            return _apache(status)
        if status == 451:
            return _nginx(451, "Unavailable For Legal Reasons")
        if status == 500:
            return _html(500, pages.wordpress_critical_error(), *WORDPRESS_NO_CACHE)
        if status == 502:
            return _nginx(502, "Bad Gateway")
        return self._not_found()

    def _throttle(self, ask: _Ask, seconds: str, index: str) -> Response:
        return _nginx(429, "Too Many Requests", ("Retry-After", seconds))

    def _flaky(self, ask: _Ask, code: str, index: str) -> Response:
        """Odd-numbered requests to the path fail, even ones succeed: every check that retries
        once sees the failure, then the page."""
        if self.hits(ask.path) % 2 == 0:
            return self._practice(ask, f"flaky-{code}-{index}")
        if code == "503":
            return _apache(503)
        return _nginx(429, "Too Many Requests", ("Retry-After", "1"))

    def _head_405(self, ask: _Ask, index: str) -> Response:
        iis = [("Server", "Microsoft-IIS/10.0"), ("X-Powered-By", "ASP.NET")]
        if ask.method == "HEAD":
            return Response(405, [*iis, ("Allow", "GET, POST"), ("Content-Type", HTML)], b"")
        return self._pdf_response("head405-" + index, *iis)

    def _head_404(self, ask: _Ask, index: str) -> Response:
        if ask.method == "HEAD":  # an application router that knows only GET
            return _nginx(404, "Not Found")
        return self._practice(ask, "head404-" + index)

    def _blocked(self, ask: _Ask, wall: str, index: str) -> Response:
        key = f"{wall}-{index}"
        if wall == "cloudflare":
            ray = _hex(key, 16) + "-GRU"
            headers = [
                ("Server", "cloudflare"),
                ("CF-RAY", ray),
                ("cf-mitigated", "challenge"),
                ("Content-Type", HTML),
                (
                    "Cache-Control",
                    "private, max-age=0, no-store, no-cache, must-revalidate, "
                    "post-check=0, pre-check=0",
                ),
                ("Expires", "Thu, 01 Jan 1970 00:00:01 GMT"),
                ("Referrer-Policy", "same-origin"),
                ("X-Frame-Options", "SAMEORIGIN"),
                ("Cross-Origin-Opener-Policy", "same-origin"),
            ]
            return Response(403, headers, pages.cloudflare_challenge(ask.host, ray))
        if wall == "akamai":
            reference = f"18.{_hex(key, 8)}.1700{index.zfill(6)[-6:]}.{_hex(key[::-1], 8)}"
            headers = [
                ("Server", "AkamaiGHost"),
                ("Mime-Version", "1.0"),
                ("Content-Type", "text/html"),
                ("Expires", "Tue, 14 Nov 2023 22:13:20 GMT"),
                ("Cache-Control", "max-age=0, no-cache, no-store"),
                ("Pragma", "no-cache"),
            ]
            return Response(403, headers, pages.akamai_denied(ask.origin + ask.path, reference))
        incident = f"{zlib.crc32(key.encode())}0120086749185-{zlib.crc32(key[::-1].encode())}"
        headers = [
            ("Content-Type", "text/html"),
            ("Cache-Control", "no-cache, no-store"),
            (
                "Set-Cookie",
                f"visid_incap_2455123={_hex(key, 16)}; expires=Wed, 13 Nov 2024 "
                "10:00:00 GMT; HttpOnly; path=/; Domain=.127.0.0.1",
            ),
            ("X-CDN", "Imperva"),
            ("X-Iinfo", f"5-{zlib.crc32(key.encode()) % 99999999}-0 0NNN RT(1700000000000 18)"),
        ]
        return Response(403, headers, pages.incapsula_block(incident))

    def _soft_404_page(self, ask: _Ask, section: str, index: str) -> Response:
        """A 200 that is an error page: the WordPress theme's 404 template, or a Drupal node
        titled "Página no encontrada" that a site builder made the 404 page."""
        if section == "es":
            content = "<p>No se ha encontrado la página solicitada. Puede que haya sido eliminada o que la dirección sea incorrecta.</p>"  # noqa: E501
            page = pages.drupal_page("Página no encontrada", content, site="Sitio")
            return Response(
                200,
                [
                    ("Server", "nginx"),
                    ("Content-Type", HTML),
                    ("X-Generator", "Drupal 10 (https://www.drupal.org)"),
                ],
                page,
            )
        variant = {"en": "en", "pt": "pt", "guides": "oops"}[section]
        return _html(200, pages.wordpress_not_found(variant), *WORDPRESS_NO_CACHE)


class PortalSite:
    """The catch-all origin: real practice pages at ``/praticas/pratica-<i>/``; any other path,
    deleted practices included, answers 200 with the home page."""

    PRACTICE = re.compile(r"/praticas/pratica-(\d+)/")
    NGINX = (("Server", "nginx"), ("Content-Type", HTML))

    def __init__(self) -> None:
        titles = [html.escape(practice(f"portal-{i}", "pt").title) for i in range(6)]
        headlines = "".join(
            f'<li><a href="/praticas/pratica-{i}/">{title}</a></li>'
            for i, title in enumerate(titles)
        )
        content = (
            "<h1>Bem-vindo ao portal da prefeitura</h1>"
            "<p>Serviços, notícias e boas práticas da gestão municipal.</p>"
            f'<section class="destaques"><h2>Boas práticas</h2><ul>{headlines}</ul></section>'
        )
        self._home = pages.portal_page("Página inicial", content)

    def handle(self, method: str, target: str, headers: Mapping[str, str], state: int) -> Response:
        path = urlsplit(target).path
        if path == "/robots.txt":
            return Response(
                200, [self.NGINX[0], ("Content-Type", "text/plain")], b"User-agent: *\nAllow: /\n"
            )
        match = self.PRACTICE.fullmatch(path)
        if match:
            writing = practice(f"portal-{match.group(1)}", "pt")
            content = f"<h1>{html.escape(writing.title)}</h1>" + "".join(
                f"<p>{html.escape(p)}</p>" for p in writing.paragraphs
            )
            return Response(200, self.NGINX, pages.portal_page(writing.title, content))
        return Response(200, self.NGINX, self._home)
