"""URL routing of the Bank of Best Practices: WordPress with a custom post type ``practica``.

- ``/practicas/`` (``has_archive``), ``/practicas/page/N/``, the thematic-area filter
  ``?area=<slug>`` (a registered query var; kept by the paging links), 10 a page, newest first;
  ``/practicas`` and ``/practicas/page/1/`` answer 301;
- ``/practicas/<slug>/`` a practice, ``/?p=ID`` its shortlink (301);
- ``/wp-json/wp/v2/practica`` (``show_in_rest``, ACF fields under ``acf`` -- the contact
  details of responsible people among them), ``/wp-json/wp/v2/area_tematica``; with
  ``rest_api=False`` every ``/wp-json/`` answer is a 401 and no page advertises the API;
- ``/robots.txt``, ``/wp-sitemap.xml``, ``/wp-sitemap-posts-practica-1.xml``, the PDFs under
  ``/wp-content/uploads/`` (with ``Last-Modified``, as Apache serves files).
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import parse_qsl, urlsplit

from pipeline.replicas.bank_of_best_practices import pages
from pipeline.replicas.bank_of_best_practices.model import Practice, Practices
from pipeline.replicas.bank_of_best_practices.vocabulary import (
    AREAS_NEW,
    AREAS_ORIGINAL,
    COUNTRY_NAMES,
)
from pipeline.replicas.pdf import make_pdf
from pipeline.replicas.server import Response
from pipeline.replicas.wordpress.formatting import (
    http_date,
    php_json,
    rest_date,
    rest_date_gmt,
    texturize,
)

__all__ = ["PER_PAGE", "Routes"]

PER_PAGE = 10
HTML = "text/html; charset=UTF-8"
JSON = "application/json; charset=UTF-8"
FIRST_TERM_ID = 5


def area_terms() -> list[tuple[int, str, str]]:
    """(term id, name, slug) of the thematic-area taxonomy, original areas first."""
    seen: dict[str, str] = {}
    for name, slug in (*AREAS_ORIGINAL, *AREAS_NEW):
        seen.setdefault(name, slug)
    return [(FIRST_TERM_ID + n, name, slug) for n, (name, slug) in enumerate(seen.items())]


class Routes:
    """Answers every URL of the site for the practices of one state."""

    def __init__(
        self, practices: Practices, *, rest_api: bool, redesign: bool, acf_in_rest: bool = True
    ) -> None:
        self.practices = practices
        self.acf_in_rest = acf_in_rest
        self.rest_api = rest_api
        self.redesign = redesign
        self.terms = area_terms()
        self.area_slugs = {name: slug for _, name, slug in self.terms}
        self.term_ids = {name: term_id for term_id, name, _ in self.terms}

    def handle(self, method: str, target: str, headers: Mapping[str, str], state: int) -> Response:
        if method not in ("GET", "HEAD"):
            return Response(405, [("Allow", "GET, HEAD"), ("Content-Type", HTML)])
        base = "http://" + headers.get("host", "127.0.0.1")
        parts = urlsplit(target)
        path, query = parts.path, dict(parse_qsl(parts.query))
        listed = self.practices.state(state)
        if path.startswith("/wp-json"):
            return self.rest(base, path, query, listed)
        if path == "/" and "p" in query:
            found = next((p for p in listed if str(p.id) == query["p"]), None)
            return self.redirect(base + found.path) if found else self.not_found(base)
        if path == "/":
            return self.html(base, pages.home_page(base, api=self.rest_api, redesign=self.redesign))
        if path == "/robots.txt":
            body = (
                "User-agent: *\nDisallow: /wp-admin/\nAllow: /wp-admin/admin-ajax.php\n\n"
                f"Sitemap: {base}/wp-sitemap.xml\n"
            )
            return Response(200, [("Content-Type", "text/plain; charset=utf-8")], body.encode())
        if path == "/wp-sitemap.xml":
            return self.sitemap_index(base)
        if path == "/wp-sitemap-posts-practica-1.xml":
            return self.sitemap(base, listed)
        if path.startswith("/wp-content/uploads/"):
            return self.upload(path, listed)
        if path in ("/practicas", "/practicas/page/1/"):
            return self.redirect(base + "/practicas/" + (f"?{parts.query}" if parts.query else ""))
        if path == "/practicas/" or path.startswith("/practicas/page/"):
            return self.listing(base, path, query, listed)
        if path.startswith("/practicas/"):
            slug = path.removeprefix("/practicas/")
            if not slug.endswith("/"):
                return self.redirect(f"{base}{path}/")
            found = next((p for p in listed if p.slug == slug.rstrip("/")), None)
            if found is None:
                return self.not_found(base)
            page = pages.detail_page(
                base, found, self.area_slugs, api=self.rest_api, redesign=self.redesign
            )
            return self.html(base, page, [("Link", f"<{base}/?p={found.id}>; rel=shortlink")])
        return self.not_found(base)

    # -- HTML ------------------------------------------------------------------------------------

    def html(self, base: str, page: str, extra: list[tuple[str, str]] | None = None) -> Response:
        headers = [("Content-Type", HTML), *(extra or [])]
        if self.rest_api:
            headers.append(("Link", f'<{base}/wp-json/>; rel="https://api.w.org/"'))
        return Response(200, headers, page.encode())

    def redirect(self, location: str) -> Response:
        return Response(
            301,
            [("Location", location), ("Content-Type", HTML), ("X-Redirect-By", "WordPress")],
        )

    def not_found(self, base: str) -> Response:
        page = pages.not_found_page(base, api=self.rest_api, redesign=self.redesign)
        return Response(404, [("Content-Type", HTML)], page.encode())

    def listing(
        self, base: str, path: str, query: dict[str, str], listed: tuple[Practice, ...]
    ) -> Response:
        number = 1
        if path != "/practicas/":
            digits = path.removeprefix("/practicas/page/").rstrip("/")
            if not digits.isdigit() or not path.endswith("/"):
                return self.not_found(base)
            number = int(digits)
        area = None
        if query.get("area"):
            area = next(((n, s) for _, n, s in self.terms if s == query["area"]), None)
            if area is None:
                return self.not_found(base)
            listed = tuple(p for p in listed if area[0] in p.areas)
        pages_count = max(1, -(-len(listed) // PER_PAGE))
        if number > pages_count:
            return self.not_found(base)
        shown = listed[(number - 1) * PER_PAGE : number * PER_PAGE]
        page = pages.listing_page(
            base,
            shown,
            page=number,
            pages=pages_count,
            area=area,
            areas=[(n, s) for _, n, s in self.terms],
            api=self.rest_api,
            redesign=self.redesign,
        )
        return self.html(base, page)

    # -- files -----------------------------------------------------------------------------------

    def upload(self, path: str, listed: tuple[Practice, ...]) -> Response:
        for practice in listed:
            for document in practice.documents:
                if document.path == path and document.host is None:
                    lines = [practice.government, ", ".join(practice.universities)]
                    body = make_pdf(
                        document.title, lines, author=pages.NETWORK, created=practice.date
                    )
                    return Response(
                        200,
                        [
                            ("Content-Type", "application/pdf"),
                            ("Last-Modified", http_date(practice.date)),
                            ("Accept-Ranges", "bytes"),
                        ],
                        body,
                    )
        return Response(404, [("Content-Type", "text/html; charset=iso-8859-1")], b"Not Found")

    def sitemap_index(self, base: str) -> Response:
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex '
            'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>'
            f"{base}/wp-sitemap-posts-practica-1.xml</loc></sitemap></sitemapindex>\n"
        )
        return Response(200, [("Content-Type", "application/xml; charset=UTF-8")], body.encode())

    def sitemap(self, base: str, listed: tuple[Practice, ...]) -> Response:
        urls = "".join(
            f"<url><loc>{base}{p.path}</loc><lastmod>{p.modified.isoformat()}</lastmod></url>"
            for p in sorted(listed, key=lambda p: p.id)
        )
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n<urlset '
            f'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>\n'
        )
        return Response(200, [("Content-Type", "application/xml; charset=UTF-8")], body.encode())

    # -- REST API --------------------------------------------------------------------------------

    def rest(
        self, base: str, path: str, query: dict[str, str], listed: tuple[Practice, ...]
    ) -> Response:
        if not self.rest_api:
            return self.json(
                401,
                {
                    "code": "rest_cannot_access",
                    "message": "Solo los usuarios autenticados pueden acceder a la REST API.",
                    "data": {"status": 401},
                },
            )
        route = path.removeprefix("/wp-json").rstrip("/") or "/"
        if route == "/":
            return self.json(200, {"name": pages.NETWORK, "url": base, "namespaces": ["wp/v2"]})
        if route == "/wp/v2/area_tematica":
            terms = [
                {
                    "id": term_id,
                    "count": sum(1 for p in listed if name in p.areas),
                    "link": f"{base}/practicas/?area={slug}",
                    "name": name,
                    "slug": slug,
                    "taxonomy": "area_tematica",
                    "parent": 0,
                }
                for term_id, name, slug in self.terms
            ]
            return self.json(200, terms)
        if route == "/wp/v2/practica":
            return self.collection(base, query, listed)
        if route.startswith("/wp/v2/practica/"):
            found = next((p for p in listed if f"/wp/v2/practica/{p.id}" == route), None)
            if found is None:
                return self.json(
                    404,
                    {
                        "code": "rest_post_invalid_id",
                        "message": "ID de entrada no válido.",
                        "data": {"status": 404},
                    },
                )
            return self.json(200, self.practice_json(base, found))
        return self.json(
            404,
            {
                "code": "rest_no_route",
                "message": "No se ha encontrado ninguna ruta que coincida con la URL y el método "
                "de la solicitud.",
                "data": {"status": 404},
            },
        )

    def collection(
        self, base: str, query: dict[str, str], listed: tuple[Practice, ...]
    ) -> Response:
        per_page, page = query.get("per_page", "10"), query.get("page", "1")
        if (
            not per_page.isdigit()
            or not 1 <= int(per_page) <= 100
            or not page.isdigit()
            or page == "0"
        ):
            return self.json(
                400,
                {
                    "code": "rest_invalid_param",
                    "message": "Parámetro(s) no válido(s): per_page",
                    "data": {"status": 400},
                },
            )
        if query.get("area_tematica"):
            wanted = {int(i) for i in query["area_tematica"].split(",") if i.isdigit()}
            listed = tuple(p for p in listed if wanted & {self.term_ids[a] for a in p.areas})
        size, number = int(per_page), int(page)
        total = len(listed)
        total_pages = -(-total // size)
        if number > max(1, total_pages):
            return self.json(
                400,
                {
                    "code": "rest_post_invalid_page_number",
                    "message": "El número de página solicitado es mayor que el número de páginas "
                    "disponibles.",
                    "data": {"status": 400},
                },
            )
        items = [self.practice_json(base, p) for p in listed[(number - 1) * size : number * size]]
        headers = [("X-WP-Total", str(total)), ("X-WP-TotalPages", str(total_pages))]
        if number < total_pages:
            headers.append(
                (
                    "Link",
                    f"<{base}/wp-json/wp/v2/practica?per_page={size}&page={number + 1}>; "
                    'rel="next"',
                )
            )
        return self.json(200, items, headers)

    def practice_json(self, base: str, practice: Practice) -> dict[str, object]:
        content = "\n".join(f"<p>{texturize(text)}</p>" for text in practice.content_paragraphs)
        excerpt = practice.summary or " ".join(practice.paragraphs[0].split()[:55])
        item: dict[str, object] = {
            "id": practice.id,
            "date": rest_date(practice.date),
            "date_gmt": rest_date_gmt(practice.date),
            "guid": {"rendered": f"{base}/?post_type=practica&#038;p={practice.id}"},
            "modified": rest_date(practice.modified),
            "modified_gmt": rest_date_gmt(practice.modified),
            "slug": practice.slug,
            "status": "publish",
            "type": "practica",
            "link": f"{base}{practice.path}",
            "title": {"rendered": texturize(practice.title)},
            "content": {"rendered": content + "\n", "protected": False},
            "excerpt": {"rendered": f"<p>{texturize(excerpt)}</p>\n", "protected": False},
            "featured_media": 0,
            "template": "",
            "area_tematica": [self.term_ids[a] for a in practice.areas],
            "_links": {
                "self": [{"href": f"{base}/wp-json/wp/v2/practica/{practice.id}"}],
                "collection": [{"href": f"{base}/wp-json/wp/v2/practica"}],
            },
        }
        if self.acf_in_rest:
            item["acf"] = {
                "gobierno_local": practice.government,
                "tipo_gobierno_local": practice.government_type,
                "ciudad": practice.city,
                "pais": COUNTRY_NAMES[practice.country],
                "universidades": [{"nombre": u} for u in practice.universities],
                "resumen": practice.summary or "",
                "anio": str(practice.year) if practice.year is not None else "",
                "estado": practice.status_label.lower(),
                "ods": [str(n) for n in practice.sdgs] or False,
                "idioma": practice.language,
                "fecha_publicacion": pages.shown_date(practice),
                "documentos": [
                    {"titulo": d.title, "archivo": d.url(base)} for d in practice.documents
                ]
                or False,
                "contactos": [
                    {"rol": c.role, "nombre": c.name, "email": c.email, "telefono": c.phone}
                    for c in practice.contacts
                ],
            }
        return item

    def json(
        self, status: int, payload: object, extra: list[tuple[str, str]] | None = None
    ) -> Response:
        headers = [
            ("Content-Type", JSON),
            ("X-Robots-Tag", "noindex"),
            ("Access-Control-Expose-Headers", "X-WP-Total, X-WP-TotalPages, Link"),
            *(extra or []),
        ]
        return Response(status, headers, php_json(payload).encode())
